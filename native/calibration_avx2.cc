// AVX2 calibration row kernel: 8 pixels per step, the scalar path's float
// operations lane by lane (so results are bit-identical); table lookups are
// gathers. Tails (and groups whose 32-byte over-read would leave the frame)
// go to the scalar phases.
#include <cstdlib>
#include <cstring>

#include "calibration.h"
#include "simd_target.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

LEDPIPE_TARGET_AVX2 inline __m256 Gather(const float* t, __m256i idx) { return _mm256_i32gather_ps(t, idx, 4); }

LEDPIPE_TARGET_AVX2 inline __m256 MaxF(__m256 a, __m256 b) { return _mm256_max_ps(a, b); }
LEDPIPE_TARGET_AVX2 inline __m256 MinF(__m256 a, __m256 b) { return _mm256_min_ps(a, b); }

LEDPIPE_TARGET_AVX2 inline int HMinI(__m256i v) {
  __m128i m = _mm_min_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  m = _mm_min_epi32(m, _mm_shuffle_epi32(m, 0x4E));
  m = _mm_min_epi32(m, _mm_shuffle_epi32(m, 0xB1));
  return _mm_cvtsi128_si32(m);
}

LEDPIPE_TARGET_AVX2 inline int HMaxI(__m256i v) {
  __m128i m = _mm_max_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  m = _mm_max_epi32(m, _mm_shuffle_epi32(m, 0x4E));
  m = _mm_max_epi32(m, _mm_shuffle_epi32(m, 0xB1));
  return _mm_cvtsi128_si32(m);
}

LEDPIPE_TARGET_AVX2 inline __m256 Encode(const CalibrationPlan& p, int c, __m256 v) {
  __m256i b = _mm256_sub_epi32(_mm256_castps_si256(v), _mm256_set1_epi32(kEncodeLoBits));
  const __m256 zero = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_setzero_si256(), b));
  b = _mm256_max_epi32(b, _mm256_setzero_si256());
  if (p.enc_near[c] != nullptr) {
    return _mm256_blendv_ps(Gather(p.enc_near[c], _mm256_srli_epi32(b, kEncodeNearShift)), _mm256_set1_ps(p.enc_zero[c]), zero);
  }
  const __m256i idx = _mm256_srli_epi32(b, kEncodeShift);
  const __m256 frac = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(b, _mm256_set1_epi32((1 << kEncodeShift) - 1))),
                                    _mm256_set1_ps(1.0f / (1 << kEncodeShift)));
  const double* pairs = reinterpret_cast<const double*>(p.enc_pair[c]);
  const __m256 lo = _mm256_castpd_ps(_mm256_i32gather_pd(pairs, _mm256_castsi256_si128(idx), 8));
  const __m256 hi = _mm256_castpd_ps(_mm256_i32gather_pd(pairs, _mm256_extracti128_si256(idx, 1), 8));
  // lo = v0 d0 v1 d1 | v2 d2 v3 d3, hi = v4 d4 v5 d5 | v6 d6 v7 d7
  const __m256 val = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xD8));
  const __m256 del = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xDD)), 0xD8));
  const __m256 r = _mm256_add_ps(val, _mm256_mul_ps(del, frac));
  return _mm256_blendv_ps(r, _mm256_set1_ps(p.enc_zero[c]), zero);
}

LEDPIPE_TARGET_AVX2 inline __m256 Dot(const float* m, __m256 r, __m256 g, __m256 b) {
  return _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(m[0]), r), _mm256_mul_ps(_mm256_set1_ps(m[1]), g)),
                       _mm256_mul_ps(_mm256_set1_ps(m[2]), b));
}

LEDPIPE_TARGET_AVX2 inline __m256 DotV(__m256 m0, __m256 m1, __m256 m2, __m256 r, __m256 g, __m256 b) {
  return _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(m0, r), _mm256_mul_ps(m1, g)), _mm256_mul_ps(m2, b));
}

LEDPIPE_TARGET_AVX2 void UnpackAvx2(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  float* P = B + w;
  const bool want_pos = p.has_matrix && !(a.flags & kCalSingleAnchor);
  int x = 0;
  if (p.sample == SampleType::kU8) {
    const __m256i perm = _mm256_setr_epi32(0, 1, 2, 3, 3, 4, 5, 6);
    const __m256i shr = _mm256_setr_epi8(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1, 0, -1, -1, -1, 3,
                                         -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
    const __m256i shg = _mm256_setr_epi8(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1, 1, -1, -1, -1, 4,
                                         -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1);
    const __m256i shb = _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1, 2, -1, -1, -1, 5,
                                         -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
    // After the permute the high lane starts at byte 12 of the group (dword 3), as the low lane starts at 0.
    const int last = a.tail_safe ? w : w - 3;  // the last groups may not over-read past the frame
    for (; x + 8 <= last; x += 8) {
      const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.row + 3 * static_cast<size_t>(x)));
      const __m256i v = _mm256_permutevar8x32_epi32(raw, perm);
      const __m256i cr = _mm256_shuffle_epi8(v, shr);
      const __m256i cg = _mm256_shuffle_epi8(v, shg);
      const __m256i cb = _mm256_shuffle_epi8(v, shb);
      _mm256_storeu_ps(R + x, Gather(p.decode[0], cr));
      _mm256_storeu_ps(G + x, Gather(p.decode[1], cg));
      _mm256_storeu_ps(B + x, Gather(p.decode[2], cb));
      if (want_pos) {
        const __m256i m = _mm256_max_epi32(_mm256_max_epi32(cr, cg), cb);
        _mm256_storeu_ps(P + x, Gather(p.pos.data(), m));
      }
    }
  } else {
    const __m256i base = _mm256_setr_epi32(0, 6, 12, 18, 24, 30, 36, 42);
    const __m256i lo16 = _mm256_set1_epi32(0xFFFF);
    const int last = a.tail_safe ? w : w - 1;
    for (; x + 8 <= last; x += 8) {
      const int* s = reinterpret_cast<const int*>(a.row + 6 * static_cast<size_t>(x));
      const __m256i cr = _mm256_and_si256(_mm256_i32gather_epi32(s, base, 1), lo16);
      const __m256i cg = _mm256_and_si256(_mm256_i32gather_epi32(s, _mm256_add_epi32(base, _mm256_set1_epi32(2)), 1), lo16);
      const __m256i cb = _mm256_and_si256(_mm256_i32gather_epi32(s, _mm256_add_epi32(base, _mm256_set1_epi32(4)), 1), lo16);
      _mm256_storeu_ps(R + x, Gather(p.decode[0], cr));
      _mm256_storeu_ps(G + x, Gather(p.decode[1], cg));
      _mm256_storeu_ps(B + x, Gather(p.decode[2], cb));
      if (want_pos) {
        const __m256i m = _mm256_max_epi32(_mm256_max_epi32(cr, cg), cb);
        _mm256_storeu_ps(P + x, Gather(p.pos.data(), m));
      }
    }
  }
  CalPhaseUnpackScalar(a, x, w);
}

LEDPIPE_TARGET_AVX2 inline __m256 LoadGain(const CalibrationPlan& p, size_t i) {
  if (p.gain_type == 1) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p.gain.data() + i))));
  }
  return _mm256_cvtepi32_ps(
      _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p.gain.data() + 2 * i))));
}

LEDPIPE_TARGET_AVX2 void MatrixAvx2(const CalibrationRow& a, const CalRun& run) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  const int x0 = run.x0, x1 = run.x1;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  const float* P = B + w;
  const int mr = a.y / p.mod_h;
  const int K = p.anchors;
  const float* mats = run.mats;
  const ThermalSegment* th = run.therm;
  const bool gain = (a.flags & kCalUseGain) && p.gain_type != 0;
  const bool seam = (a.flags & kCalUseSeam) && p.has_seam;
  const bool single = (a.flags & kCalSingleAnchor) || K == 1;
  const size_t plane = static_cast<size_t>(p.width) * p.height;
  const size_t pix0 = static_cast<size_t>(a.y) * p.width;
  const __m256 srow = _mm256_set1_ps(run.srow);
  const __m256 lane = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
  const float* scol = seam ? p.seam_col.data() + static_cast<size_t>(mr) * p.width : nullptr;
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  int x = x0;
  for (; x + 8 <= x1; x += 8) {
    const __m256 r = _mm256_loadu_ps(R + x), g = _mm256_loadu_ps(G + x), b = _mm256_loadu_ps(B + x);
    __m256 o0 = zero, o1 = zero, o2 = zero;
    if (single) {
      const float* m = mats + static_cast<size_t>(K - 1) * 9;
      o0 = _mm256_add_ps(o0, _mm256_mul_ps(one, Dot(m, r, g, b)));
      o1 = _mm256_add_ps(o1, _mm256_mul_ps(one, Dot(m + 3, r, g, b)));
      o2 = _mm256_add_ps(o2, _mm256_mul_ps(one, Dot(m + 6, r, g, b)));
    } else {
      const __m256 pp = _mm256_loadu_ps(P + x);
      const __m256i ki = _mm256_cvttps_epi32(pp);
      const int k0 = HMinI(ki);
      int k1 = HMaxI(ki) + 1;
      k1 = k1 < K - 1 ? k1 : K - 1;
      for (int j = k0; j <= k1; ++j) {
        const __m256 d = _mm256_and_ps(_mm256_sub_ps(pp, _mm256_set1_ps(static_cast<float>(j))), absmask);
        const __m256 wj = MaxF(_mm256_sub_ps(one, d), zero);
        const float* m = mats + static_cast<size_t>(j) * 9;
        o0 = _mm256_add_ps(o0, _mm256_mul_ps(wj, Dot(m, r, g, b)));
        o1 = _mm256_add_ps(o1, _mm256_mul_ps(wj, Dot(m + 3, r, g, b)));
        o2 = _mm256_add_ps(o2, _mm256_mul_ps(wj, Dot(m + 6, r, g, b)));
      }
    }
    if (gain) {
      const size_t i = pix0 + x;
      o0 = _mm256_mul_ps(o0, _mm256_add_ps(_mm256_set1_ps(p.gain_offset[0]), _mm256_mul_ps(_mm256_set1_ps(p.gain_scale[0]), LoadGain(p, i))));
      o1 = _mm256_mul_ps(o1, _mm256_add_ps(_mm256_set1_ps(p.gain_offset[1]), _mm256_mul_ps(_mm256_set1_ps(p.gain_scale[1]), LoadGain(p, plane + i))));
      o2 = _mm256_mul_ps(o2, _mm256_add_ps(_mm256_set1_ps(p.gain_offset[2]), _mm256_mul_ps(_mm256_set1_ps(p.gain_scale[2]), LoadGain(p, 2 * plane + i))));
    }
    if (seam) {
      const __m256 s = _mm256_mul_ps(_mm256_loadu_ps(scol + x), srow);
      o0 = _mm256_mul_ps(o0, s);
      o1 = _mm256_mul_ps(o1, s);
      o2 = _mm256_mul_ps(o2, s);
    }
    o0 = MinF(MaxF(o0, zero), one);
    o1 = MinF(MaxF(o1, zero), one);
    o2 = MinF(MaxF(o2, zero), one);
    if (th) {
      // float(x + i) is exact, so this is the scalar float(x) - xc lane by lane.
      const __m256 fx = _mm256_sub_ps(_mm256_add_ps(_mm256_set1_ps(static_cast<float>(x)), lane), _mm256_set1_ps(th->xc));
      __m256 m[9];
      for (int k = 0; k < 9; ++k) m[k] = _mm256_add_ps(_mm256_set1_ps(th->a[k]), _mm256_mul_ps(fx, _mm256_set1_ps(th->s[k])));
      const __m256 t0 = DotV(m[0], m[1], m[2], o0, o1, o2), t1 = DotV(m[3], m[4], m[5], o0, o1, o2), t2 = DotV(m[6], m[7], m[8], o0, o1, o2);
      o0 = MinF(MaxF(t0, zero), one);
      o1 = MinF(MaxF(t1, zero), one);
      o2 = MinF(MaxF(t2, zero), one);
    }
    _mm256_storeu_ps(R + x, Encode(p, 0, o0));
    _mm256_storeu_ps(G + x, Encode(p, 1, o1));
    _mm256_storeu_ps(B + x, Encode(p, 2, o2));
  }
  CalPhaseMatrixScalar(a, run, x, x1);
}

LEDPIPE_TARGET_AVX2 void LutAvx2(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  const int n = p.lut_size;
  const size_t n3 = static_cast<size_t>(n) * n * n;
  const float* T[3] = {p.lut.data(), p.lut.data() + n3, p.lut.data() + 2 * n3};
  const __m256i vsr = _mm256_set1_epi32(1), vsg = _mm256_set1_epi32(n), vsb = _mm256_set1_epi32(n * n);
  const __m256i vsum = _mm256_set1_epi32(1 + n + n * n);
  const __m256i nm2 = _mm256_set1_epi32(n - 2);
  int x = 0;
  for (; x + 8 <= w; x += 8) {
    const __m256 gr = _mm256_loadu_ps(R + x), gg = _mm256_loadu_ps(G + x), gb = _mm256_loadu_ps(B + x);
    const __m256i ir = _mm256_min_epi32(_mm256_cvttps_epi32(gr), nm2);
    const __m256i ig = _mm256_min_epi32(_mm256_cvttps_epi32(gg), nm2);
    const __m256i ib = _mm256_min_epi32(_mm256_cvttps_epi32(gb), nm2);
    const __m256 fr = _mm256_sub_ps(gr, _mm256_cvtepi32_ps(ir));
    const __m256 fg = _mm256_sub_ps(gg, _mm256_cvtepi32_ps(ig));
    const __m256 fb = _mm256_sub_ps(gb, _mm256_cvtepi32_ps(ib));
    const __m256 rg = _mm256_cmp_ps(fr, fg, _CMP_GE_OQ);
    const __m256 rb = _mm256_cmp_ps(fr, fb, _CMP_GE_OQ);
    const __m256 gbm = _mm256_cmp_ps(fg, fb, _CMP_GE_OQ);
    const __m256i max_r = _mm256_castps_si256(_mm256_and_ps(rg, rb));
    const __m256i max_g = _mm256_andnot_si256(max_r, _mm256_castps_si256(gbm));
    const __m256i min_b = _mm256_castps_si256(_mm256_and_ps(_mm256_cmp_ps(fb, fr, _CMP_LE_OQ), _mm256_cmp_ps(fb, fg, _CMP_LE_OQ)));
    const __m256i min_g = _mm256_andnot_si256(min_b, _mm256_castps_si256(_mm256_and_ps(_mm256_cmp_ps(fg, fr, _CMP_LE_OQ), _mm256_cmp_ps(fg, fb, _CMP_LE_OQ))));
    const __m256 fmax = MaxF(MaxF(fr, fg), fb);
    const __m256 fmin = MinF(MinF(fr, fg), fb);
    const __m256 fmid = MaxF(MinF(fr, fg), MinF(MaxF(fr, fg), fb));
    const __m256i off_a = _mm256_blendv_epi8(_mm256_blendv_epi8(vsb, vsg, max_g), vsr, max_r);
    const __m256i off_min = _mm256_blendv_epi8(_mm256_blendv_epi8(vsr, vsg, min_g), vsb, min_b);
    const __m256i off_ab = _mm256_sub_epi32(vsum, off_min);
    const __m256i base = _mm256_add_epi32(_mm256_add_epi32(ir, _mm256_mullo_epi32(ig, vsg)), _mm256_mullo_epi32(ib, vsb));
    const __m256i ia = _mm256_add_epi32(base, off_a), iab = _mm256_add_epi32(base, off_ab), i1 = _mm256_add_epi32(base, vsum);
    float* out[3] = {R, G, B};
    for (int c = 0; c < 3; ++c) {
      const __m256 c0 = Gather(T[c], base), ca = Gather(T[c], ia), cab = Gather(T[c], iab), c1 = Gather(T[c], i1);
      const __m256 v = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, _mm256_mul_ps(_mm256_sub_ps(ca, c0), fmax)),
                                                   _mm256_mul_ps(_mm256_sub_ps(cab, ca), fmid)),
                                     _mm256_mul_ps(_mm256_sub_ps(c1, cab), fmin));
      _mm256_storeu_ps(out[c] + x, v);
    }
  }
  CalPhaseLutScalar(a, x, w);
}

LEDPIPE_TARGET_AVX2 inline __m256i Quantise(__m256 v, __m256 maxf, __m256 t, __m256i maxi) {
  const __m256 c = MinF(MaxF(v, _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
  return _mm256_min_epi32(_mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(c, maxf), t)), maxi);
}

LEDPIPE_TARGET_AVX2 void StoreAvx2(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  const float* R = a.buf;
  const float* G = R + w;
  const float* B = G + w;
  const int max_out = (1 << p.out_bits) - 1;
  const __m256 maxf = _mm256_set1_ps(static_cast<float>(max_out));
  const __m256i maxi = _mm256_set1_epi32(max_out);
  const __m256 up = _mm256_set1_ps(65535.0f / static_cast<float>(max_out));
  const __m256 half = _mm256_set1_ps(0.5f);
  const bool scale16 = p.sample == SampleType::kU16 && max_out != 65535;
  const __m256i pack = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1, 0, 1, 2, 4, 5, 6, 8,
                                        9, 10, 12, 13, 14, -1, -1, -1, -1);
  int x = 0;
  for (; x + 8 <= w; x += 8) {
    const __m256 t = _mm256_loadu_ps(a.dither + (x & (kDitherSize - 1)));
    __m256i qr = Quantise(_mm256_loadu_ps(R + x), maxf, t, maxi);
    __m256i qg = Quantise(_mm256_loadu_ps(G + x), maxf, t, maxi);
    __m256i qb = Quantise(_mm256_loadu_ps(B + x), maxf, t, maxi);
    if (p.sample == SampleType::kU8) {
      const __m256i px = _mm256_or_si256(_mm256_or_si256(qr, _mm256_slli_epi32(qg, 8)), _mm256_slli_epi32(qb, 16));
      const __m256i packed = _mm256_shuffle_epi8(px, pack);
      uint8_t* d = a.row + 3 * static_cast<size_t>(x);
      const __m128i lo = _mm256_castsi256_si128(packed), hi = _mm256_extracti128_si256(packed, 1);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(d), lo);
      const int lo_tail = _mm_cvtsi128_si32(_mm_srli_si128(lo, 8));
      std::memcpy(d + 8, &lo_tail, 4);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 12), hi);
      const int hi_tail = _mm_cvtsi128_si32(_mm_srli_si128(hi, 8));
      std::memcpy(d + 20, &hi_tail, 4);
    } else {
      if (scale16) {
        qr = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(qr), up), half));
        qg = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(qg), up), half));
        qb = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(qb), up), half));
      }
      alignas(32) int32_t tr[8], tg[8], tb[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(tr), qr);
      _mm256_store_si256(reinterpret_cast<__m256i*>(tg), qg);
      _mm256_store_si256(reinterpret_cast<__m256i*>(tb), qb);
      uint16_t out[24];
      for (int i = 0; i < 8; ++i) {
        out[3 * i] = static_cast<uint16_t>(tr[i]);
        out[3 * i + 1] = static_cast<uint16_t>(tg[i]);
        out[3 * i + 2] = static_cast<uint16_t>(tb[i]);
      }
      std::memcpy(a.row + 6 * static_cast<size_t>(x), out, 48);  // little-endian host
    }
  }
  CalPhaseStoreScalar(a, x, w);
}


// ---- Fused fast path (AVX2 + FMA): the AVX-512 fast path's arithmetic, 8 pixels per step ----
// Same plan conditions (plan.enc_scaled, mats_ad, no LUT, rgb24); decode stays the gather phase.
// Blocks of fewer than 8 pixels (run ends) take the scalar phases. Within 1 LSB of scalar.

#define LEDPIPE_TARGET_AVX2_FMA __attribute__((target("avx2,fma,f16c")))

bool HasFma() {
  static const bool v = __builtin_cpu_supports("fma");
  return v;
}

// LEDPIPE_CAL_NO_FAST=1 keeps the phase kernel (as on AVX-512).
bool FastPathEnabledAvx2() {
  static const bool on = [] {
    const char* v = std::getenv("LEDPIPE_CAL_NO_FAST");
    return !(v != nullptr && v[0] == '1');
  }();
  return on;
}

// 32-entry table lookup by the low 5 bits of idx's lanes: 4 permutes, selected by bits 3 and 4.
LEDPIPE_TARGET_AVX2_FMA inline __m256 Lookup32(const __m256* t, __m256i idx) {
  const __m256 b3 = _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28));
  const __m256 b4 = _mm256_castsi256_ps(_mm256_slli_epi32(idx, 27));
  const __m256 lo = _mm256_blendv_ps(_mm256_permutevar8x32_ps(t[0], idx), _mm256_permutevar8x32_ps(t[1], idx), b3);
  const __m256 hi = _mm256_blendv_ps(_mm256_permutevar8x32_ps(t[2], idx), _mm256_permutevar8x32_ps(t[3], idx), b3);
  return _mm256_blendv_ps(lo, hi, b4);
}

LEDPIPE_TARGET_AVX2_FMA inline __m256i EncodeScaled8(__m256 v, const float* q, const __m256* s, __m256 dither) {
  const __m256i bits = _mm256_castps_si256(v);
  const __m256 t = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFF)), _mm256_set1_epi32(0x3F800000)));
  __m256 r = _mm256_fmadd_ps(_mm256_set1_ps(q[4]), t, _mm256_set1_ps(q[3]));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(q[2]));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(q[1]));
  r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(q[0]));
  const __m256 sc = Lookup32(s, _mm256_srli_epi32(bits, 23));
  return _mm256_min_epi32(_mm256_cvttps_epi32(_mm256_fmadd_ps(r, sc, dither)), _mm256_set1_epi32(255));
}

LEDPIPE_TARGET_AVX2_FMA inline __m256 LoadGainFma(const CalibrationPlan& p, size_t i) {
  if (p.gain_type == 1) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p.gain.data() + i))));
  }
  return _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p.gain.data() + 2 * i))));
}

LEDPIPE_TARGET_AVX2_FMA void FastRunAvx2(const CalibrationRow& a, const CalRun& run) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  const int x0 = run.x0, x1 = run.x1;
  const float* R = a.buf;
  const float* G = R + w;
  const float* B = G + w;
  const float* P = B + w;
  const int K = p.anchors;
  const bool gain = (a.flags & kCalUseGain) && p.gain_type != 0;
  const bool seam = (a.flags & kCalUseSeam) && p.has_seam;
  const bool single = (a.flags & kCalSingleAnchor) || K == 1;
  const size_t plane = static_cast<size_t>(p.width) * p.height;
  const size_t pix0 = static_cast<size_t>(a.y) * p.width;
  const float* scol = seam ? p.seam_col.data() + static_cast<size_t>(a.y / p.mod_h) * p.width : nullptr;
  const ThermalSegment* th = run.therm;
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 lo_clamp = _mm256_set1_ps(0x1p-31f);
  const bool two_halves = K - 1 > 8;  // anchors k = 0..K-2 beyond one 8-lane register
  const __m256i kmax = _mm256_set1_epi32(K >= 2 ? K - 2 : 0);
  __m256 S[4];
  for (int j = 0; j < 4; ++j) S[j] = _mm256_loadu_ps(p.enc_scaled_s + 8 * j);
  const __m256 lane = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i ilane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i pack = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1, 0, 1, 2, 4, 5, 6, 8,
                                        9, 10, 12, 13, 14, -1, -1, -1, -1);
  const bool seam_row = seam && run.srow != 1.0f;
  const int edge0 = run.mod_x0, edge1 = run.mod_x1 - 1;
  int x = x0;
  for (; x + 8 <= x1; x += 8) {
    const __m256 r = _mm256_loadu_ps(R + x), g = _mm256_loadu_ps(G + x), b = _mm256_loadu_ps(B + x);
    __m256 M[9];
    if (single) {
      for (int e = 0; e < 9; ++e) M[e] = _mm256_set1_ps(run.mats[static_cast<size_t>(K - 1) * 9 + e]);
    } else {
      const __m256 pp = _mm256_loadu_ps(P + x);
      const __m256i k = _mm256_min_epi32(_mm256_cvttps_epi32(pp), kmax);
      const __m256 f = _mm256_sub_ps(pp, _mm256_cvtepi32_ps(k));
      const int k0 = _mm_cvtsi128_si32(_mm256_castsi256_si128(k));
      const float* ad = run.mats_ad;
      if (_mm256_movemask_epi8(_mm256_cmpeq_epi32(k, _mm256_set1_epi32(k0))) == -1) {
        for (int e = 0; e < 9; ++e) M[e] = _mm256_fmadd_ps(f, _mm256_set1_ps(ad[(9 + e) * 16 + k0]), _mm256_set1_ps(ad[e * 16 + k0]));
      } else {
        const __m256 hi = _mm256_castsi256_ps(_mm256_cmpgt_epi32(k, _mm256_set1_epi32(7)));
        for (int e = 0; e < 9; ++e) {
          __m256 av = _mm256_permutevar8x32_ps(_mm256_loadu_ps(ad + e * 16), k);
          __m256 dv = _mm256_permutevar8x32_ps(_mm256_loadu_ps(ad + (9 + e) * 16), k);
          if (two_halves) {
            av = _mm256_blendv_ps(av, _mm256_permutevar8x32_ps(_mm256_loadu_ps(ad + e * 16 + 8), k), hi);
            dv = _mm256_blendv_ps(dv, _mm256_permutevar8x32_ps(_mm256_loadu_ps(ad + (9 + e) * 16 + 8), k), hi);
          }
          M[e] = _mm256_fmadd_ps(f, dv, av);
        }
      }
    }
    __m256 o0 = _mm256_fmadd_ps(M[2], b, _mm256_fmadd_ps(M[1], g, _mm256_mul_ps(M[0], r)));
    __m256 o1 = _mm256_fmadd_ps(M[5], b, _mm256_fmadd_ps(M[4], g, _mm256_mul_ps(M[3], r)));
    __m256 o2 = _mm256_fmadd_ps(M[8], b, _mm256_fmadd_ps(M[7], g, _mm256_mul_ps(M[6], r)));
    if (gain) {
      const size_t i = pix0 + x;
      o0 = _mm256_mul_ps(o0, _mm256_fmadd_ps(_mm256_set1_ps(p.gain_scale[0]), LoadGainFma(p, i), _mm256_set1_ps(p.gain_offset[0])));
      o1 = _mm256_mul_ps(o1, _mm256_fmadd_ps(_mm256_set1_ps(p.gain_scale[1]), LoadGainFma(p, plane + i), _mm256_set1_ps(p.gain_offset[1])));
      o2 = _mm256_mul_ps(o2, _mm256_fmadd_ps(_mm256_set1_ps(p.gain_scale[2]), LoadGainFma(p, 2 * plane + i), _mm256_set1_ps(p.gain_offset[2])));
    }
    if (seam && (seam_row || (edge0 >= x && edge0 < x + 8) || (edge1 >= x && edge1 < x + 8))) {
      const __m256 sg = _mm256_mul_ps(_mm256_loadu_ps(scol + x), _mm256_set1_ps(run.srow));
      o0 = _mm256_mul_ps(o0, sg);
      o1 = _mm256_mul_ps(o1, sg);
      o2 = _mm256_mul_ps(o2, sg);
    }
    if (th) {
      o0 = _mm256_min_ps(_mm256_max_ps(o0, zero), one);
      o1 = _mm256_min_ps(_mm256_max_ps(o1, zero), one);
      o2 = _mm256_min_ps(_mm256_max_ps(o2, zero), one);
      while (x >= th->x1) ++th;
      const __m256 xf = _mm256_add_ps(_mm256_set1_ps(static_cast<float>(x)), lane);
      const __m256 fx = _mm256_sub_ps(xf, _mm256_set1_ps(th->xc));
      __m256 T[9];
      for (int k = 0; k < 9; ++k) T[k] = _mm256_fmadd_ps(fx, _mm256_set1_ps(th->s[k]), _mm256_set1_ps(th->a[k]));
      for (const ThermalSegment* nx = th; x + 8 > nx->x1;) {
        ++nx;
        const __m256 past = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_add_epi32(ilane, _mm256_set1_epi32(x + 1)), _mm256_set1_epi32(nx->x0)));
        const __m256 fx2 = _mm256_sub_ps(xf, _mm256_set1_ps(nx->xc));
        for (int k = 0; k < 9; ++k) T[k] = _mm256_blendv_ps(T[k], _mm256_fmadd_ps(fx2, _mm256_set1_ps(nx->s[k]), _mm256_set1_ps(nx->a[k])), past);
      }
      const __m256 t0 = _mm256_fmadd_ps(T[2], o2, _mm256_fmadd_ps(T[1], o1, _mm256_mul_ps(T[0], o0)));
      const __m256 t1 = _mm256_fmadd_ps(T[5], o2, _mm256_fmadd_ps(T[4], o1, _mm256_mul_ps(T[3], o0)));
      const __m256 t2 = _mm256_fmadd_ps(T[8], o2, _mm256_fmadd_ps(T[7], o1, _mm256_mul_ps(T[6], o0)));
      o0 = t0;
      o1 = t1;
      o2 = t2;
    }
    o0 = _mm256_min_ps(_mm256_max_ps(o0, lo_clamp), one);
    o1 = _mm256_min_ps(_mm256_max_ps(o1, lo_clamp), one);
    o2 = _mm256_min_ps(_mm256_max_ps(o2, lo_clamp), one);
    const __m256 t = _mm256_loadu_ps(a.dither + (x & (kDitherSize - 1)));
    const __m256i qr = EncodeScaled8(o0, p.enc_scaled_q, S, t);
    const __m256i qg = EncodeScaled8(o1, p.enc_scaled_q, S, t);
    const __m256i qb = EncodeScaled8(o2, p.enc_scaled_q, S, t);
    const __m256i px = _mm256_or_si256(_mm256_or_si256(qr, _mm256_slli_epi32(qg, 8)), _mm256_slli_epi32(qb, 16));
    const __m256i packed = _mm256_shuffle_epi8(px, pack);
    uint8_t* d = a.row + 3 * static_cast<size_t>(x);
    const __m128i lo = _mm256_castsi256_si128(packed), hi = _mm256_extracti128_si256(packed, 1);
    // 12 bytes per half; the 4 bytes past each were decoded already (or are rewritten by the next half).
    if (x + 10 <= w) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d), lo);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 12), hi);
    } else {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(d), lo);
      const int lo_tail = _mm_cvtsi128_si32(_mm_srli_si128(lo, 8));
      std::memcpy(d + 8, &lo_tail, 4);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(d + 12), hi);
      const int hi_tail = _mm_cvtsi128_si32(_mm_srli_si128(hi, 8));
      std::memcpy(d + 20, &hi_tail, 4);
    }
  }
  if (x < x1) {  // fewer than 8 pixels left: the scalar phases
    CalRun rest = run;
    rest.x0 = x;
    if (th) {
      while (x >= th->x1) ++th;
      rest.therm = th;
    }
    ForEachThermalPiece(rest, [&](const CalRun& q) { CalPhaseMatrixScalar(a, q, q.x0, q.x1); });
    CalPhaseStoreScalar(a, x, x1);
  }
}
}  // namespace

LEDPIPE_TARGET_AVX2 void CalibrateRowAvx2(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  UnpackAvx2(a);
  if (p.sample == SampleType::kU8 && p.enc_scaled && p.lut_size == 0 && !p.mats_ad.empty() && HasFma() && FastPathEnabledAvx2()) {
    for (int i = 0; i < a.nruns; ++i) FastRunAvx2(a, a.runs[i]);
    return;
  }
  for (int i = 0; i < a.nruns; ++i) ForEachThermalPiece(a.runs[i], [&](const CalRun& q) { MatrixAvx2(a, q); });
  if (p.lut_size > 0) LutAvx2(a);
  StoreAvx2(a);
}

#else
void CalibrateRowAvx2(const CalibrationRow& a) { CalibrateRowScalar(a); }
#endif

}  // namespace ledpipe
