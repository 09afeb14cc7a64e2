// AVX-512 building blocks for 16 pixels: plane loads/stores (f32 or f16), widening and quantising;
// shared by the conversion and the luma SR kernels.
#pragma once

#include "convert_avx2_inl.h"

#if LEDPIPE_HAVE_X86_SIMD
namespace ledpipe {
namespace {

LEDPIPE_TARGET_AVX512 inline void PutPlane16(void* plane, PlaneType pt, size_t i, __m512 v) {
  if (pt == PlaneType::kF32) {
    _mm512_storeu_ps(static_cast<float*>(plane) + i, v);
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<uint16_t*>(plane) + i),
                        _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
}

LEDPIPE_TARGET_AVX512 inline __m512 GetPlane16(const void* plane, PlaneType pt, size_t i) {
  if (pt == PlaneType::kF32) return _mm512_loadu_ps(static_cast<const float*>(plane) + i);
  return _mm512_cvtph_ps(
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(static_cast<const uint16_t*>(plane) + i)));
}

LEDPIPE_TARGET_AVX512 inline __m512 Widen(__m128i lo8, __m128i hi8, SampleType st) {
  if (st == SampleType::kU8) return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_unpacklo_epi64(lo8, hi8)));
  return _mm512_cvtepi32_ps(_mm512_cvtepu16_epi32(_mm256_set_m128i(hi8, lo8)));
}

LEDPIPE_TARGET_AVX512 inline __m512i Quantize16(__m512 v, __m512 maxv) {
  const __m512 c = _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), _mm512_set1_ps(1.0f));
  return _mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(c, maxv), _mm512_set1_ps(0.5f)));
}

}  // namespace
}  // namespace ledpipe
#endif
