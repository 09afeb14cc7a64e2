// AVX2 building blocks for 8 interleaved RGB pixels; shared by the AVX2 and AVX-512 paths.
#pragma once

#include <cstdint>
#include <cstring>

#include "convert_kernels.h"
#include "simd_target.h"

#if LEDPIPE_HAVE_X86_SIMD
namespace ledpipe {
namespace {

// One plane's 8 floats: f32, or f16 bits (F16C).
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

struct Rgb8x {
  __m256 r, g, b;
};

// Byte shuffle mask picking u16 lanes: idx[k] is the source u16 index for output u16 k, or -1.
LEDPIPE_TARGET_AVX2 inline __m128i U16Mask(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7) {
  const int idx[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
  alignas(16) int8_t bytes[16];
  for (int k = 0; k < 8; ++k) {
    bytes[2 * k] = static_cast<int8_t>(idx[k] < 0 ? -1 : 2 * idx[k]);
    bytes[2 * k + 1] = static_cast<int8_t>(idx[k] < 0 ? -1 : 2 * idx[k] + 1);
  }
  return _mm_load_si128(reinterpret_cast<const __m128i*>(bytes));
}

// 24 bytes -> three vectors of 8 u8 (in the low 64 bits).
LEDPIPE_TARGET_AVX2 inline void Deinterleave8xU8(const uint8_t* p, __m128i* r, __m128i* g, __m128i* b) {
  const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hi = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + 16));
  *r = _mm_or_si128(_mm_shuffle_epi8(lo, _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
                    _mm_shuffle_epi8(hi, _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 2, 5, -1, -1, -1, -1, -1, -1, -1, -1)));
  *g = _mm_or_si128(_mm_shuffle_epi8(lo, _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
                    _mm_shuffle_epi8(hi, _mm_setr_epi8(-1, -1, -1, -1, -1, 0, 3, 6, -1, -1, -1, -1, -1, -1, -1, -1)));
  *b = _mm_or_si128(_mm_shuffle_epi8(lo, _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
                    _mm_shuffle_epi8(hi, _mm_setr_epi8(-1, -1, -1, -1, -1, 1, 4, 7, -1, -1, -1, -1, -1, -1, -1, -1)));
}

// 48 bytes (24 little-endian u16) -> three vectors of 8 u16.
LEDPIPE_TARGET_AVX2 inline void Deinterleave8xU16(const uint8_t* p, __m128i* r, __m128i* g, __m128i* b) {
  const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
  *r = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(v0, U16Mask(0, 3, 6, -1, -1, -1, -1, -1)),
                                 _mm_shuffle_epi8(v1, U16Mask(-1, -1, -1, 1, 4, 7, -1, -1))),
                    _mm_shuffle_epi8(v2, U16Mask(-1, -1, -1, -1, -1, -1, 2, 5)));
  *g = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(v0, U16Mask(1, 4, 7, -1, -1, -1, -1, -1)),
                                 _mm_shuffle_epi8(v1, U16Mask(-1, -1, -1, 2, 5, -1, -1, -1))),
                    _mm_shuffle_epi8(v2, U16Mask(-1, -1, -1, -1, -1, 0, 3, 6)));
  *b = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(v0, U16Mask(2, 5, -1, -1, -1, -1, -1, -1)),
                                 _mm_shuffle_epi8(v1, U16Mask(-1, -1, 0, 3, 6, -1, -1, -1))),
                    _mm_shuffle_epi8(v2, U16Mask(-1, -1, -1, -1, -1, 1, 4, 7)));
}

LEDPIPE_TARGET_AVX2 inline __m256 U8ToFloat(__m128i v) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v)); }

LEDPIPE_TARGET_AVX2 inline __m256 U16ToFloat(__m128i v) { return _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(v)); }

// Normalised float -> integer code: min(max(v, 0), 1) * maxv + 0.5, truncated. NaN -> 0.
LEDPIPE_TARGET_AVX2 inline __m256i QuantizeUnit(__m256 v, __m256 maxv) {
  const __m256 c = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
  return _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(c, maxv), _mm256_set1_ps(0.5f)));
}

// Three vectors of 8 int32 codes (0..255) -> 24 interleaved bytes, no write past p + 24.
LEDPIPE_TARGET_AVX2 inline void Interleave8xU8(__m256i r, __m256i g, __m256i b, uint8_t* p) {
  const __m256i rg = _mm256_packus_epi32(r, g);
  const __m256i bb = _mm256_packus_epi32(b, b);
  const __m256i bytes = _mm256_packus_epi16(rg, bb);  // per lane: r0-3 g0-3 b0-3 b0-3
  const __m256i mask = _mm256_setr_epi8(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, -1, -1, -1, -1, 0, 4, 8, 1, 5, 9, 2, 6,
                                        10, 3, 7, 11, -1, -1, -1, -1);
  const __m256i px = _mm256_shuffle_epi8(bytes, mask);
  const __m128i lo = _mm256_castsi256_si128(px);
  const __m128i hi = _mm256_extracti128_si256(px, 1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), lo);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p + 12), hi);
  const int32_t tail = _mm_extract_epi32(hi, 2);
  std::memcpy(p + 20, &tail, 4);
}

// Three vectors of 8 int32 codes (0..65535) -> 48 interleaved little-endian bytes.
LEDPIPE_TARGET_AVX2 inline void Interleave8xU16(__m256i r, __m256i g, __m256i b, uint8_t* p) {
  const __m256i rg = _mm256_packus_epi32(r, g);  // per lane u16: r0-3 g0-3
  const __m256i bb = _mm256_packus_epi32(b, b);  // per lane u16: b0-3 b0-3
  const __m128i ma0 = U16Mask(0, 4, -1, 1, 5, -1, 2, 6);
  const __m128i ma1 = U16Mask(-1, -1, 0, -1, -1, 1, -1, -1);
  const __m128i mb0 = U16Mask(-1, 3, 7, -1, -1, -1, -1, -1);
  const __m128i mb1 = U16Mask(2, -1, -1, 3, -1, -1, -1, -1);
  const __m256i a = _mm256_or_si256(_mm256_shuffle_epi8(rg, _mm256_set_m128i(ma0, ma0)),
                                    _mm256_shuffle_epi8(bb, _mm256_set_m128i(ma1, ma1)));
  const __m256i c = _mm256_or_si256(_mm256_shuffle_epi8(rg, _mm256_set_m128i(mb0, mb0)),
                                    _mm256_shuffle_epi8(bb, _mm256_set_m128i(mb1, mb1)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(a));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p + 16), _mm256_castsi256_si128(c));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 24), _mm256_extracti128_si256(a, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p + 40), _mm256_extracti128_si256(c, 1));
}

}  // namespace
}  // namespace ledpipe
#endif
