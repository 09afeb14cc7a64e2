// AVX-512 conversion path: 16 pixels per step (shuffles reuse the AVX2 blocks),
// tails on the scalar path.
#include "convert_avx512_inl.h"
#include "convert_kernels.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD

LEDPIPE_TARGET_AVX512 void ToPlanarAvx512(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst,
                                          PlaneType pt) {
  const size_t blocks = pixels / 16 * 16;
  const __m512 scale = _mm512_set1_ps(st == SampleType::kU8 ? 1.0f / 255.0f : 1.0f / 65535.0f);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 16) {
    __m128i r0, g0, b0, r1, g1, b1;
    if (st == SampleType::kU8) {
      Deinterleave8xU8(src + i * stride, &r0, &g0, &b0);
      Deinterleave8xU8(src + (i + 8) * stride, &r1, &g1, &b1);
    } else {
      Deinterleave8xU16(src + i * stride, &r0, &g0, &b0);
      Deinterleave8xU16(src + (i + 8) * stride, &r1, &g1, &b1);
    }
    PutPlane16(dst.r, pt, i, _mm512_mul_ps(Widen(r0, r1, st), scale));
    PutPlane16(dst.g, pt, i, _mm512_mul_ps(Widen(g0, g1, st), scale));
    PutPlane16(dst.b, pt, i, _mm512_mul_ps(Widen(b0, b1, st), scale));
  }
  ToPlanarScalar(src + blocks * stride, pixels - blocks, st, Advance(dst, pt, blocks), pt);
}

LEDPIPE_TARGET_AVX512 void ToInterleavedAvx512(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst,
                                               SampleType st) {
  const size_t blocks = pixels / 16 * 16;
  const __m512 maxv = _mm512_set1_ps(st == SampleType::kU8 ? 255.0f : 65535.0f);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 16) {
    const __m512i r = Quantize16(GetPlane16(src.r, pt, i), maxv);
    const __m512i g = Quantize16(GetPlane16(src.g, pt, i), maxv);
    const __m512i b = Quantize16(GetPlane16(src.b, pt, i), maxv);
    for (int half = 0; half < 2; ++half) {
      const __m256i rh = half == 0 ? _mm512_castsi512_si256(r) : _mm512_extracti64x4_epi64(r, 1);
      const __m256i gh = half == 0 ? _mm512_castsi512_si256(g) : _mm512_extracti64x4_epi64(g, 1);
      const __m256i bh = half == 0 ? _mm512_castsi512_si256(b) : _mm512_extracti64x4_epi64(b, 1);
      uint8_t* p = dst + (i + 8 * static_cast<size_t>(half)) * stride;
      if (st == SampleType::kU8) {
        Interleave8xU8(rh, gh, bh, p);
      } else {
        Interleave8xU16(rh, gh, bh, p);
      }
    }
  }
  ToInterleavedScalar(Advance(src, pt, blocks), pt, pixels - blocks, dst + blocks * stride, st);
}

#else

void ToPlanarAvx512(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt) {
  ToPlanarScalar(src, pixels, st, dst, pt);
}

void ToInterleavedAvx512(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st) {
  ToInterleavedScalar(src, pt, pixels, dst, st);
}

#endif

}  // namespace ledpipe
