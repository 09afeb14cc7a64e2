// AVX2 + F16C conversion path: 8 pixels per step, tails on the scalar path.
#include "convert_kernels.h"
#include "convert_avx2_inl.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

LEDPIPE_TARGET_AVX2 inline void PutPlane8(void* plane, PlaneType pt, size_t i, __m256 v) {
  if (pt == PlaneType::kF32) {
    _mm256_storeu_ps(static_cast<float*>(plane) + i, v);
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(static_cast<uint16_t*>(plane) + i),
                     _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
}

LEDPIPE_TARGET_AVX2 inline __m256 GetPlane8(const void* plane, PlaneType pt, size_t i) {
  if (pt == PlaneType::kF32) return _mm256_loadu_ps(static_cast<const float*>(plane) + i);
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(plane) + i)));
}

}  // namespace

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
