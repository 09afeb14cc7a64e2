// AVX2 + F16C luma split/merge: 8 pixels per step, tails on the scalar path.
#include <algorithm>

#include "convert_avx2_inl.h"
#include "sr_luma_kernels.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

// c[0] * x[0] + c[1] * x[1] + ... in the scalar order, x[k] = 8 floats from p + k.
LEDPIPE_TARGET_AVX2 inline __m256 Taps6(const float* p, const __m256* c) {
  __m256 acc = _mm256_mul_ps(c[0], _mm256_loadu_ps(p));
  for (int k = 1; k < kLumaTaps; ++k) acc = _mm256_add_ps(acc, _mm256_mul_ps(c[k], _mm256_loadu_ps(p + k)));
  return acc;
}

}  // namespace

LEDPIPE_TARGET_AVX2 void LumaSplitAvx2(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt,
                                       float* cr, float* cb) {
  const size_t blocks = pixels / 8 * 8;
  const __m256 scale = _mm256_set1_ps(st == SampleType::kU8 ? 1.0f / 255.0f : 1.0f / 65535.0f);
  const __m256 kr = _mm256_set1_ps(kLumaKr), kg = _mm256_set1_ps(kLumaKg), kb = _mm256_set1_ps(kLumaKb);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 8) {
    __m128i r8, g8, b8;
    __m256 r, g, b;
    if (st == SampleType::kU8) {
      Deinterleave8xU8(src + i * stride, &r8, &g8, &b8);
      r = U8ToFloat(r8);
      g = U8ToFloat(g8);
      b = U8ToFloat(b8);
    } else {
      Deinterleave8xU16(src + i * stride, &r8, &g8, &b8);
      r = U16ToFloat(r8);
      g = U16ToFloat(g8);
      b = U16ToFloat(b8);
    }
    r = _mm256_mul_ps(r, scale);
    g = _mm256_mul_ps(g, scale);
    b = _mm256_mul_ps(b, scale);
    const __m256 luma = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(kr, r), _mm256_mul_ps(kg, g)), _mm256_mul_ps(kb, b));
    PutPlane8(y, yt, i, luma);
    _mm256_storeu_ps(cr + i, _mm256_sub_ps(r, luma));
    _mm256_storeu_ps(cb + i, _mm256_sub_ps(b, luma));
  }
  LumaSplitScalar(src + blocks * stride, pixels - blocks, st,
                  static_cast<uint8_t*>(y) + blocks * (yt == PlaneType::kF32 ? 4 : 2), yt, cr + blocks, cb + blocks);
}

LEDPIPE_TARGET_AVX2 void LumaHorizontalAvx2(const float* in, int w, const LumaTaps& taps, float* out) {
  if (taps.scale != 2) {
    LumaHorizontalScalar(in, w, taps, out);
    return;
  }
  __m256 ce[kLumaTaps], co[kLumaTaps];
  for (int k = 0; k < kLumaTaps; ++k) {
    ce[k] = _mm256_set1_ps(taps.c[0][k]);
    co[k] = _mm256_set1_ps(taps.c[1][k]);
  }
  // Vectors where every tap is inside the row; the edges (and short rows) on the scalar path.
  int m = kLumaEdge;
  for (; m + 8 + kLumaEdge <= w; m += 8) {
    const __m256 e = Taps6(in + m + taps.base[0], ce);  // outputs 2m, 2m + 2, ...
    const __m256 o = Taps6(in + m + taps.base[1], co);  // outputs 2m + 1, ...
    const __m256 lo = _mm256_unpacklo_ps(e, o);         // e0 o0 e1 o1 | e4 o4 e5 o5
    const __m256 hi = _mm256_unpackhi_ps(e, o);         // e2 o2 e3 o3 | e6 o6 e7 o7
    _mm256_storeu_ps(out + 2 * static_cast<size_t>(m), _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(out + 2 * static_cast<size_t>(m) + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
  LumaHorizontalScalarRange(in, w, 0, std::min(kLumaEdge, w), taps, out);
  LumaHorizontalScalarRange(in, w, std::max(m, std::min(kLumaEdge, w)), w, taps, out);
}

LEDPIPE_TARGET_AVX2 void LumaMergeAvx2(const float* const* hr, const float* const* hb, const float* cv, const void* y,
                                       PlaneType yt, size_t n, uint8_t* dst, SampleType st) {
  const size_t blocks = n / 8 * 8;
  __m256 c[kLumaTaps];
  for (int k = 0; k < kLumaTaps; ++k) c[k] = _mm256_set1_ps(cv[k]);
  const __m256 gr = _mm256_set1_ps(kLumaGr), gb = _mm256_set1_ps(kLumaGb);
  const __m256 maxv = _mm256_set1_ps(st == SampleType::kU8 ? 255.0f : 65535.0f);
  const size_t stride = 3 * SampleBytes(st);
  for (size_t i = 0; i < blocks; i += 8) {
    __m256 cr = _mm256_mul_ps(c[0], _mm256_loadu_ps(hr[0] + i));
    __m256 cb = _mm256_mul_ps(c[0], _mm256_loadu_ps(hb[0] + i));
    for (int k = 1; k < kLumaTaps; ++k) {
      cr = _mm256_add_ps(cr, _mm256_mul_ps(c[k], _mm256_loadu_ps(hr[k] + i)));
      cb = _mm256_add_ps(cb, _mm256_mul_ps(c[k], _mm256_loadu_ps(hb[k] + i)));
    }
    const __m256 luma = GetPlane8(y, yt, i);
    const __m256i r = QuantizeUnit(_mm256_add_ps(luma, cr), maxv);
    const __m256i g = QuantizeUnit(_mm256_add_ps(luma, _mm256_add_ps(_mm256_mul_ps(gr, cr), _mm256_mul_ps(gb, cb))), maxv);
    const __m256i b = QuantizeUnit(_mm256_add_ps(luma, cb), maxv);
    if (st == SampleType::kU8) {
      Interleave8xU8(r, g, b, dst + i * stride);
    } else {
      Interleave8xU16(r, g, b, dst + i * stride);
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

void LumaSplitAvx2(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr, float* cb) {
  LumaSplitScalar(src, pixels, st, y, yt, cr, cb);
}
void LumaHorizontalAvx2(const float* in, int w, const LumaTaps& taps, float* out) {
  LumaHorizontalScalar(in, w, taps, out);
}
void LumaMergeAvx2(const float* const* hr, const float* const* hb, const float* cv, const void* y, PlaneType yt,
                   size_t n, uint8_t* dst, SampleType st) {
  LumaMergeScalar(hr, hb, cv, y, yt, n, dst, st);
}

#endif

}  // namespace ledpipe
