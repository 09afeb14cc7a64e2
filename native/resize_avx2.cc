// AVX2 resize row kernels: 8 samples per step vertically, 2 output pixels per
// step horizontally (RGB + one spare lane per 128-bit half).
#include "resize_kernels.h"
#include "simd_target.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

LEDPIPE_TARGET_AVX2 inline __m256 Load8(const uint8_t* row, size_t i, SampleType st) {
  if (st == SampleType::kU8) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + i))));
  }
  return _mm256_cvtepi32_ps(
      _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * i))));
}

}  // namespace

LEDPIPE_TARGET_AVX2 void VerticalAvx2(const uint8_t* const* rows, const float* coefs, int taps, size_t n,
                                      SampleType st, float* out) {
  const size_t blocks = n / 8 * 8;
  for (size_t i = 0; i < blocks; i += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int k = 0; k < taps; ++k) {
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(coefs[k]), Load8(rows[k], i, st)));
    }
    _mm256_storeu_ps(out + i, acc);
  }
  VerticalScalarRange(rows, coefs, taps, blocks, n, st, out);
}

LEDPIPE_TARGET_AVX2 void HorizontalAvx2(const float* in, const int32_t* left, const float* coefs,
                                        const float* coefs_t, int taps, int dst_w, float* out) {
  const __m256i dup = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
  int x = 0;
  for (; x + 2 <= dst_w; x += 2) {
    const float* p0 = in + 3 * static_cast<size_t>(left[x]);
    const float* p1 = in + 3 * static_cast<size_t>(left[x + 1]);
    __m256 acc = _mm256_setzero_ps();
    for (int k = 0; k < taps; ++k) {
      const __m128 c2 = _mm_castsi128_ps(
          _mm_loadl_epi64(reinterpret_cast<const __m128i*>(coefs_t + static_cast<size_t>(k) * dst_w + x)));
      const __m256 c = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(c2), dup);
      const __m256 v = _mm256_loadu2_m128(p1 + 3 * k, p0 + 3 * k);
      acc = _mm256_add_ps(acc, _mm256_mul_ps(c, v));
    }
    _mm_storeu_ps(out + 3 * static_cast<size_t>(x), _mm256_castps256_ps128(acc));
    _mm_storeu_ps(out + 3 * static_cast<size_t>(x) + 3, _mm256_extractf128_ps(acc, 1));
  }
  HorizontalScalarRange(in, left, coefs, taps, x, dst_w, out);
}

LEDPIPE_TARGET_AVX2 void StoreRowAvx2(const float* in, size_t n, SampleType st, uint8_t* out) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 maxv = _mm256_set1_ps(st == SampleType::kU8 ? 255.0f : 65535.0f);
  const __m256 half = _mm256_set1_ps(0.5f);
  const size_t blocks = n / 16 * 16;
  for (size_t i = 0; i < blocks; i += 16) {
    const __m256i a =
        _mm256_cvttps_epi32(_mm256_add_ps(_mm256_min_ps(_mm256_max_ps(_mm256_loadu_ps(in + i), zero), maxv), half));
    const __m256i b = _mm256_cvttps_epi32(
        _mm256_add_ps(_mm256_min_ps(_mm256_max_ps(_mm256_loadu_ps(in + i + 8), zero), maxv), half));
    const __m256i u16 = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
    if (st == SampleType::kU8) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                       _mm_packus_epi16(_mm256_castsi256_si128(u16), _mm256_extracti128_si256(u16, 1)));
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i), u16);
    }
  }
  StoreRowScalar(in + blocks, n - blocks, st, out + blocks * SampleBytes(st));
}

#else

void VerticalAvx2(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st, float* out) {
  VerticalScalar(rows, coefs, taps, n, st, out);
}
void HorizontalAvx2(const float* in, const int32_t* left, const float* coefs, const float* coefs_t, int taps,
                    int dst_w, float* out) {
  HorizontalScalar(in, left, coefs, coefs_t, taps, dst_w, out);
}
void StoreRowAvx2(const float* in, size_t n, SampleType st, uint8_t* out) { StoreRowScalar(in, n, st, out); }

#endif

}  // namespace ledpipe
