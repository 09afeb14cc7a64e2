// AVX2 + F16C conversion path: 8 pixels per step, tails on the scalar path.
#include "convert_kernels.h"
#include "convert_avx2_inl.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD

LEDPIPE_TARGET_AVX2 void ToPlanarAvx2(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt) {
  const size_t blocks = pixels / 8 * 8;
  const __m256 scale = _mm256_set1_ps(st == SampleType::kU8 ? 1.0f / 255.0f : 1.0f / 65535.0f);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 8) {
    __m128i r, g, b;
    __m256 fr, fg, fb;
    if (st == SampleType::kU8) {
      Deinterleave8xU8(src + i * stride, &r, &g, &b);
      fr = U8ToFloat(r);
      fg = U8ToFloat(g);
      fb = U8ToFloat(b);
    } else {
      Deinterleave8xU16(src + i * stride, &r, &g, &b);
      fr = U16ToFloat(r);
      fg = U16ToFloat(g);
      fb = U16ToFloat(b);
    }
    PutPlane8(dst.r, pt, i, _mm256_mul_ps(fr, scale));
    PutPlane8(dst.g, pt, i, _mm256_mul_ps(fg, scale));
    PutPlane8(dst.b, pt, i, _mm256_mul_ps(fb, scale));
  }
  ToPlanarScalar(src + blocks * stride, pixels - blocks, st, Advance(dst, pt, blocks), pt);
}

LEDPIPE_TARGET_AVX2 void ToInterleavedAvx2(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst,
                                           SampleType st) {
  const size_t blocks = pixels / 8 * 8;
  const __m256 maxv = _mm256_set1_ps(st == SampleType::kU8 ? 255.0f : 65535.0f);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 8) {
    const __m256i r = QuantizeUnit(GetPlane8(src.r, pt, i), maxv);
    const __m256i g = QuantizeUnit(GetPlane8(src.g, pt, i), maxv);
    const __m256i b = QuantizeUnit(GetPlane8(src.b, pt, i), maxv);
    if (st == SampleType::kU8) {
      Interleave8xU8(r, g, b, dst + i * stride);
    } else {
      Interleave8xU16(r, g, b, dst + i * stride);
    }
  }
  ToInterleavedScalar(Advance(src, pt, blocks), pt, pixels - blocks, dst + blocks * stride, st);
}

#else

void ToPlanarAvx2(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt) {
  ToPlanarScalar(src, pixels, st, dst, pt);
}

void ToInterleavedAvx2(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st) {
  ToInterleavedScalar(src, pt, pixels, dst, st);
}

#endif

}  // namespace ledpipe
