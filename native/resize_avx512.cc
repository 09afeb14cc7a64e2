// AVX-512 resize row kernels: 16 samples per step vertically, 4 output pixels
// per step horizontally (RGB + one spare lane per 128-bit quarter).
#include "resize_kernels.h"
#include "simd_target.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

LEDPIPE_TARGET_AVX512 inline __m512 Load16(const uint8_t* row, size_t i, SampleType st) {
  if (st == SampleType::kU8) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i))));
  }
  return _mm512_cvtepi32_ps(
      _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * i))));
}

}  // namespace

LEDPIPE_TARGET_AVX512 void VerticalAvx512(const uint8_t* const* rows, const float* coefs, int taps, size_t n,
                                          SampleType st, float* out) {
  const size_t blocks = n / 16 * 16;
  for (size_t i = 0; i < blocks; i += 16) {
    __m512 acc = _mm512_setzero_ps();
    for (int k = 0; k < taps; ++k) {
      acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_set1_ps(coefs[k]), Load16(rows[k], i, st)));
    }
    _mm512_storeu_ps(out + i, acc);
  }
  VerticalScalarRange(rows, coefs, taps, blocks, n, st, out);
}

LEDPIPE_TARGET_AVX512 void HorizontalAvx512(const float* in, const int32_t* left, const float* coefs,
                                            const float* coefs_t, int taps, int dst_w, float* out) {
  const __m512i quad = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
  int x = 0;
  for (; x + 4 <= dst_w; x += 4) {
    const float* p0 = in + 3 * static_cast<size_t>(left[x]);
    const float* p1 = in + 3 * static_cast<size_t>(left[x + 1]);
    const float* p2 = in + 3 * static_cast<size_t>(left[x + 2]);
    const float* p3 = in + 3 * static_cast<size_t>(left[x + 3]);
    __m512 acc = _mm512_setzero_ps();
    for (int k = 0; k < taps; ++k) {
      const __m128 c4 = _mm_loadu_ps(coefs_t + static_cast<size_t>(k) * dst_w + x);
      const __m512 c = _mm512_permutexvar_ps(quad, _mm512_castps128_ps512(c4));
      __m512 v = _mm512_castps128_ps512(_mm_loadu_ps(p0 + 3 * k));
      v = _mm512_insertf32x4(v, _mm_loadu_ps(p1 + 3 * k), 1);
      v = _mm512_insertf32x4(v, _mm_loadu_ps(p2 + 3 * k), 2);
      v = _mm512_insertf32x4(v, _mm_loadu_ps(p3 + 3 * k), 3);
      acc = _mm512_add_ps(acc, _mm512_mul_ps(c, v));
    }
    float* o = out + 3 * static_cast<size_t>(x);
    _mm_storeu_ps(o, _mm512_castps512_ps128(acc));
    _mm_storeu_ps(o + 3, _mm512_extractf32x4_ps(acc, 1));
    _mm_storeu_ps(o + 6, _mm512_extractf32x4_ps(acc, 2));
    _mm_storeu_ps(o + 9, _mm512_extractf32x4_ps(acc, 3));
  }
  HorizontalScalarRange(in, left, coefs, taps, x, dst_w, out);
}

LEDPIPE_TARGET_AVX512 void StoreRowAvx512(const float* in, size_t n, SampleType st, uint8_t* out) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512 maxv = _mm512_set1_ps(st == SampleType::kU8 ? 255.0f : 65535.0f);
  const __m512 half = _mm512_set1_ps(0.5f);
  const size_t blocks = n / 16 * 16;
  for (size_t i = 0; i < blocks; i += 16) {
    const __m512i v =
        _mm512_cvttps_epi32(_mm512_add_ps(_mm512_min_ps(_mm512_max_ps(_mm512_loadu_ps(in + i), zero), maxv), half));
    if (st == SampleType::kU8) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(v));
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i), _mm512_cvtepi32_epi16(v));
    }
  }
  StoreRowScalar(in + blocks, n - blocks, st, out + blocks * SampleBytes(st));
}

#else

void VerticalAvx512(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st, float* out) {
  VerticalScalar(rows, coefs, taps, n, st, out);
}
void HorizontalAvx512(const float* in, const int32_t* left, const float* coefs, const float* coefs_t, int taps,
                      int dst_w, float* out) {
  HorizontalScalar(in, left, coefs, coefs_t, taps, dst_w, out);
}
void StoreRowAvx512(const float* in, size_t n, SampleType st, uint8_t* out) { StoreRowScalar(in, n, st, out); }

#endif

}  // namespace ledpipe
