// AVX-512 luma split/merge: 16 pixels per step (byte shuffles reuse the AVX2 blocks), tails
// on the scalar path.
#include <algorithm>

#include "convert_avx512_inl.h"
#include "sr_luma_kernels.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

LEDPIPE_TARGET_AVX512 inline __m512 Taps6(const float* p, const __m512* c) {
  __m512 acc = _mm512_mul_ps(c[0], _mm512_loadu_ps(p));
  for (int k = 1; k < kLumaTaps; ++k) acc = _mm512_add_ps(acc, _mm512_mul_ps(c[k], _mm512_loadu_ps(p + k)));
  return acc;
}

}  // namespace

LEDPIPE_TARGET_AVX512 void LumaSplitAvx512(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt,
                                           float* cr, float* cb) {
  const size_t blocks = pixels / 16 * 16;
  const __m512 scale = _mm512_set1_ps(st == SampleType::kU8 ? 1.0f / 255.0f : 1.0f / 65535.0f);
  const __m512 kr = _mm512_set1_ps(kLumaKr), kg = _mm512_set1_ps(kLumaKg), kb = _mm512_set1_ps(kLumaKb);
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
    const __m512 r = _mm512_mul_ps(Widen(r0, r1, st), scale);
    const __m512 g = _mm512_mul_ps(Widen(g0, g1, st), scale);
    const __m512 b = _mm512_mul_ps(Widen(b0, b1, st), scale);
    const __m512 luma = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(kr, r), _mm512_mul_ps(kg, g)), _mm512_mul_ps(kb, b));
    PutPlane16(y, yt, i, luma);
    _mm512_storeu_ps(cr + i, _mm512_sub_ps(r, luma));
    _mm512_storeu_ps(cb + i, _mm512_sub_ps(b, luma));
  }
  LumaSplitScalar(src + blocks * stride, pixels - blocks, st,
                  static_cast<uint8_t*>(y) + blocks * (yt == PlaneType::kF32 ? 4 : 2), yt, cr + blocks, cb + blocks);
}

LEDPIPE_TARGET_AVX512 void LumaHorizontalAvx512(const float* in, int w, const LumaTaps& taps, float* out) {
  if (taps.scale != 2) {
    LumaHorizontalScalar(in, w, taps, out);
    return;
  }
  __m512 ce[kLumaTaps], co[kLumaTaps];
  for (int k = 0; k < kLumaTaps; ++k) {
    ce[k] = _mm512_set1_ps(taps.c[0][k]);
    co[k] = _mm512_set1_ps(taps.c[1][k]);
  }
  const __m512i lo_idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi_idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  // Vectors where every tap is inside the row; the edges (and short rows) on the scalar path.
  int m = kLumaEdge;
  for (; m + 16 + kLumaEdge <= w; m += 16) {
    const __m512 e = Taps6(in + m + taps.base[0], ce);
    const __m512 o = Taps6(in + m + taps.base[1], co);
    _mm512_storeu_ps(out + 2 * static_cast<size_t>(m), _mm512_permutex2var_ps(e, lo_idx, o));
    _mm512_storeu_ps(out + 2 * static_cast<size_t>(m) + 16, _mm512_permutex2var_ps(e, hi_idx, o));
  }
  LumaHorizontalScalarRange(in, w, 0, std::min(kLumaEdge, w), taps, out);
  LumaHorizontalScalarRange(in, w, std::max(m, std::min(kLumaEdge, w)), w, taps, out);
}

LEDPIPE_TARGET_AVX512 void LumaMergeAvx512(const float* const* hr, const float* const* hb, const float* cv,
                                           const void* y, PlaneType yt, size_t n, uint8_t* dst, SampleType st) {
  const size_t blocks = n / 16 * 16;
  __m512 c[kLumaTaps];
  for (int k = 0; k < kLumaTaps; ++k) c[k] = _mm512_set1_ps(cv[k]);
  const __m512 gr = _mm512_set1_ps(kLumaGr), gb = _mm512_set1_ps(kLumaGb);
  const __m512 maxv = _mm512_set1_ps(st == SampleType::kU8 ? 255.0f : 65535.0f);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 16) {
    __m512 cr = _mm512_mul_ps(c[0], _mm512_loadu_ps(hr[0] + i));
    __m512 cb = _mm512_mul_ps(c[0], _mm512_loadu_ps(hb[0] + i));
    for (int k = 1; k < kLumaTaps; ++k) {
      cr = _mm512_add_ps(cr, _mm512_mul_ps(c[k], _mm512_loadu_ps(hr[k] + i)));
      cb = _mm512_add_ps(cb, _mm512_mul_ps(c[k], _mm512_loadu_ps(hb[k] + i)));
    }
    const __m512 luma = GetPlane16(y, yt, i);
    const __m512i r = Quantize16(_mm512_add_ps(luma, cr), maxv);
    const __m512i g = Quantize16(_mm512_add_ps(luma, _mm512_add_ps(_mm512_mul_ps(gr, cr), _mm512_mul_ps(gb, cb))), maxv);
    const __m512i b = Quantize16(_mm512_add_ps(luma, cb), maxv);
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
  if (blocks == n) return;
  const float* hr_t[kLumaTaps];
  const float* hb_t[kLumaTaps];
  for (int k = 0; k < kLumaTaps; ++k) {
    hr_t[k] = hr[k] + blocks;
    hb_t[k] = hb[k] + blocks;
  }
  LumaMergeScalar(hr_t, hb_t, cv, static_cast<const uint8_t*>(y) + blocks * (yt == PlaneType::kF32 ? 4 : 2), yt,
                  n - blocks, dst + blocks * stride, st);
}

#else

void LumaSplitAvx512(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr, float* cb) {
  LumaSplitScalar(src, pixels, st, y, yt, cr, cb);
}
void LumaHorizontalAvx512(const float* in, int w, const LumaTaps& taps, float* out) {
  LumaHorizontalScalar(in, w, taps, out);
}
void LumaMergeAvx512(const float* const* hr, const float* const* hb, const float* cv, const void* y, PlaneType yt,
                     size_t n, uint8_t* dst, SampleType st) {
  LumaMergeScalar(hr, hb, cv, y, yt, n, dst, st);
}

#endif

}  // namespace ledpipe
