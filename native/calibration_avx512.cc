// AVX-512 calibration row kernels, 16 pixels per step.
//
// The fused fast path (FastRunAvx512, below; rgb24 with VBMI, a power-law output, no LUT): decode in
// 512-pixel chunks, then one step per 16 pixels from floats to interleaved output bytes (A_k + f*D_k
// anchor matrices, FMAs, fused thermal, scaled encode fused with the dither and quantisation):
// within 1 LSB of scalar. Everything else runs the phase kernel:
//
// The phase kernel: the scalar path's float operations lane by lane (so results are bit-identical
// to it and to AVX2).
// What differs from AVX2 is how values are fetched, never which values:
//   - rgb24 decode and gray-level position (256-entry tables), with VBMI: the
//     tables as four byte planes, 64 codes per two-register byte permute
//     (vpermi2b), reassembled into floats by unpacks: no gathers;
//   - anchor matrices (K <= 16): each matrix element at every anchor sits in
//     one register (plan.mats_ad), a lane permute picks each pixel's two anchors,
//     so one pair of matrix products per step whatever anchors the 16 pixels
//     span;
//   - tails run under lane masks (no scalar tail, no over-read).
// Encode and LUT corners stay gathers (16 lanes).
#include <cstdlib>
#include <cstring>

#include "calibration.h"
#include "simd_target.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

#define LEDPIPE_TARGET_AVX512_VBMI \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vbmi,avx2,f16c")))

// LEDPIPE_CAL_NO_FAST=1 (read once) keeps the AVX-512 path on the phase-by-phase kernel (tests, comparisons).
bool FastPathEnabled() {
  static const bool on = [] {
    const char* v = std::getenv("LEDPIPE_CAL_NO_FAST");
    return !(v != nullptr && v[0] == '1');
  }();
  return on;
}

bool HasVbmi() {
  static const bool v = __builtin_cpu_supports("avx512vbmi");
  return v;
}

LEDPIPE_TARGET_AVX512 inline __mmask16 TailMask(int n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

LEDPIPE_TARGET_AVX512 inline __m512 Gather(const float* t, __m512i idx) { return _mm512_i32gather_ps(idx, t, 4); }

// ---- Unpack + decode ----

struct alignas(64) ByteIdx {
  uint8_t lo[3][64];  // byte permute index into block bytes 0..127 (two registers)
  uint8_t hi[3][64];  // into bytes 128..191 (third register)
  uint64_t hi_mask[3];
};

// Code vector position s = 16l + 4k + i holds pixel 16k + 4l + i, so that after the byte-plane
// unpacks (lane l of unpack k holds positions 16l + 4k .. 16l + 4k + 3) register k holds pixels
// 16k .. 16k + 15 in order.
constexpr ByteIdx MakeByteIdx() {
  ByteIdx t{};
  for (int c = 0; c < 3; ++c) {
    uint64_t m = 0;
    for (int s = 0; s < 64; ++s) {
      const int l = s >> 4, k = (s >> 2) & 3, i = s & 3;
      const int pix = 16 * k + 4 * l + i;
      const int a = 3 * pix + c;
      t.lo[c][s] = static_cast<uint8_t>(a < 128 ? a : 0);
      t.hi[c][s] = static_cast<uint8_t>(a >= 128 ? a - 128 : 0);
      if (a >= 128) m |= uint64_t{1} << s;
    }
    t.hi_mask[c] = m;
  }
  return t;
}

constexpr ByteIdx kByteIdx = MakeByteIdx();

// 64 lookups of a 256-entry float table held as byte planes (4 x 256 bytes); out[k] = 16 floats.
LEDPIPE_TARGET_AVX512_VBMI inline void Lookup256(const uint8_t* planes, __m512i codes, __m512i out[4]) {
  const __mmask64 hi = _mm512_movepi8_mask(codes);
  __m512i b[4];
  for (int j = 0; j < 4; ++j) {
    const uint8_t* t = planes + 256 * j;
    const __m512i t0 = _mm512_loadu_si512(t), t1 = _mm512_loadu_si512(t + 64);
    const __m512i t2 = _mm512_loadu_si512(t + 128), t3 = _mm512_loadu_si512(t + 192);
    // Two index-merging permutes instead of two permutes and a blend: codes < 128 are looked up in
    // (t0, t1) and codes >= 128 keep their code as the index of the second, which looks them up in
    // (t2, t3) (the permute reads the index's low 7 bits) and leaves the others.
    const __m512i lo = _mm512_mask2_permutex2var_epi8(t0, codes, static_cast<__mmask64>(~hi), t1);
    b[j] = _mm512_mask2_permutex2var_epi8(t2, lo, hi, t3);
  }
  const __m512i x01l = _mm512_unpacklo_epi8(b[0], b[1]), x01h = _mm512_unpackhi_epi8(b[0], b[1]);
  const __m512i x23l = _mm512_unpacklo_epi8(b[2], b[3]), x23h = _mm512_unpackhi_epi8(b[2], b[3]);
  out[0] = _mm512_unpacklo_epi16(x01l, x23l);
  out[1] = _mm512_unpackhi_epi16(x01l, x23l);
  out[2] = _mm512_unpacklo_epi16(x01h, x23h);
  out[3] = _mm512_unpackhi_epi16(x01h, x23h);
}

LEDPIPE_TARGET_AVX512 inline __mmask16 Mask16(int n, int k) {
  const int m = n - 16 * k;
  return m <= 0 ? static_cast<__mmask16>(0) : TailMask(m);
}

LEDPIPE_TARGET_AVX512_VBMI void UnpackU8Vbmi(const CalibrationRow& a, int xa, int xb);

LEDPIPE_TARGET_AVX512_VBMI void UnpackU8Vbmi(const CalibrationRow& a) { UnpackU8Vbmi(a, 0, a.plan->width); }

// Pixels [xa, xb) (xa a multiple of 64).
LEDPIPE_TARGET_AVX512_VBMI void UnpackU8Vbmi(const CalibrationRow& a, int xa, int xb) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* out[4] = {a.buf, a.buf + w, a.buf + 2 * w, a.buf + 3 * w};
  const bool want_pos = p.has_matrix && !(a.flags & kCalSingleAnchor);
  __m512i lo_idx[3], hi_idx[3];
  __mmask64 hi_m[3];
  for (int c = 0; c < 3; ++c) {
    lo_idx[c] = _mm512_load_si512(kByteIdx.lo[c]);
    hi_idx[c] = _mm512_load_si512(kByteIdx.hi[c]);
    hi_m[c] = kByteIdx.hi_mask[c];
  }
  for (int x = xa; x < xb; x += 64) {
    const int n = xb - x < 64 ? xb - x : 64;
    const int bytes = 3 * n;
    const uint8_t* s = a.row + 3 * static_cast<size_t>(x);
    auto bm = [](int b) -> __mmask64 { return b >= 64 ? ~__mmask64{0} : (b <= 0 ? __mmask64{0} : ((__mmask64{1} << b) - 1)); };
    const __m512i r0 = _mm512_maskz_loadu_epi8(bm(bytes), s);
    const __m512i r1 = _mm512_maskz_loadu_epi8(bm(bytes - 64), s + 64);
    const __m512i r2 = _mm512_maskz_loadu_epi8(bm(bytes - 128), s + 128);
    __m512i code[3];
    for (int c = 0; c < 3; ++c) {
      const __m512i lo = _mm512_permutex2var_epi8(r0, lo_idx[c], r1);
      code[c] = _mm512_mask_permutexvar_epi8(lo, hi_m[c], hi_idx[c], r2);
    }
    __m512i v[4];
    for (int c = 0; c < 3; ++c) {
      Lookup256(p.byte_planes.data() + 1024 * c, code[c], v);
      for (int k = 0; k < 4; ++k) _mm512_mask_storeu_ps(out[c] + x + 16 * k, Mask16(n, k), _mm512_castsi512_ps(v[k]));
    }
    if (want_pos) {
      const __m512i m = _mm512_max_epu8(_mm512_max_epu8(code[0], code[1]), code[2]);
      Lookup256(p.byte_planes.data() + 1024 * 3, m, v);
      for (int k = 0; k < 4; ++k) _mm512_mask_storeu_ps(out[3] + x + 16 * k, Mask16(n, k), _mm512_castsi512_ps(v[k]));
    }
  }
}

LEDPIPE_TARGET_AVX512 void UnpackGather(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  float* P = B + w;
  const bool want_pos = p.has_matrix && !(a.flags & kCalSingleAnchor);
  const bool u8 = p.sample == SampleType::kU8;
  const __m512i step = _mm512_set1_epi32(u8 ? 3 : 6);
  const __m512i base = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), step);
  const __m512i lo = _mm512_set1_epi32(u8 ? 0xFF : 0xFFFF);
  for (int x = 0; x < w; x += 16) {
    const __mmask16 m = TailMask(w - x);
    // Byte gathers of 4 bytes at each sample: the last pixel's may read up to 3 bytes past it, so
    // load the samples from a copy when this is the frame's end.
    const uint8_t* s = a.row + (u8 ? 3 : 6) * static_cast<size_t>(x);
    alignas(64) uint8_t tmp[16 * 6 + 8];
    const int n = w - x < 16 ? w - x : 16;
    if (!a.tail_safe && x + 16 >= w) {
      std::memset(tmp, 0, sizeof(tmp));
      std::memcpy(tmp, s, static_cast<size_t>(n) * (u8 ? 3 : 6));
      s = tmp;
    }
    const __m512i cr = _mm512_and_si512(_mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, base, s, 1), lo);
    const __m512i cg = _mm512_and_si512(_mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, base, s + (u8 ? 1 : 2), 1), lo);
    const __m512i cb = _mm512_and_si512(_mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, base, s + (u8 ? 2 : 4), 1), lo);
    _mm512_mask_storeu_ps(R + x, m, Gather(p.decode[0], cr));
    _mm512_mask_storeu_ps(G + x, m, Gather(p.decode[1], cg));
    _mm512_mask_storeu_ps(B + x, m, Gather(p.decode[2], cb));
    if (want_pos) {
      const __m512i mx = _mm512_max_epi32(_mm512_max_epi32(cr, cg), cb);
      _mm512_mask_storeu_ps(P + x, m, Gather(p.pos.data(), mx));
    }
  }
}

// ---- Matrix, gain, seam, encode ----

LEDPIPE_TARGET_AVX512 inline __m512 Encode(const CalibrationPlan& p, int c, __m512 v) {
  __m512i b = _mm512_sub_epi32(_mm512_castps_si512(v), _mm512_set1_epi32(kEncodeLoBits));
  const __mmask16 zero = _mm512_cmplt_epi32_mask(b, _mm512_setzero_si512());
  b = _mm512_max_epi32(b, _mm512_setzero_si512());
  const __m512 z = _mm512_set1_ps(p.enc_zero[c]);
  if (p.enc_near[c] != nullptr) {
    return _mm512_mask_blend_ps(zero, Gather(p.enc_near[c], _mm512_srli_epi32(b, kEncodeNearShift)), z);
  }
  const __m512i idx = _mm512_srli_epi32(b, kEncodeShift);
  const __m512 frac = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(b, _mm512_set1_epi32((1 << kEncodeShift) - 1))),
                                    _mm512_set1_ps(1.0f / (1 << kEncodeShift)));
  const __m512 val = _mm512_i32gather_ps(idx, p.enc_pair[c], 8);
  const __m512 del = _mm512_i32gather_ps(idx, p.enc_pair[c] + 1, 8);
  return _mm512_mask_blend_ps(zero, _mm512_add_ps(val, _mm512_mul_ps(del, frac)), z);
}

// E(v) of plan.enc_poly (EncodePolyScalar, lane by lane): equals the rewritten nearest table's
// entry for v's bin, without the gather. Coefficients of each power: two registers (32 octaves).
struct PolyRegs {
  __m512 lo[kEncodePolyDegree + 1], hi[kEncodePolyDegree + 1];
};

LEDPIPE_TARGET_AVX512 inline void LoadPoly(const CalibrationPlan& p, int c, PolyRegs* r) {
  const float* cc = p.enc_poly_coef.data() + c * kEncodePolyOctaves * (kEncodePolyDegree + 1);
  for (int k = 0; k <= kEncodePolyDegree; ++k) {
    r->lo[k] = _mm512_loadu_ps(cc + k * kEncodePolyOctaves);
    r->hi[k] = _mm512_loadu_ps(cc + k * kEncodePolyOctaves + 16);
  }
}

LEDPIPE_TARGET_AVX512 inline __m512 EncodePoly(const PolyRegs& k, float zero_value, __m512 v) {
  const __m512i bits = _mm512_castps_si512(v);
  const __mmask16 zero = _mm512_cmplt_epi32_mask(bits, _mm512_set1_epi32(kEncodeLoBits));
  const __m512i cb = _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(~0x1FFF)), _mm512_set1_epi32(0x1000));
  const __m512 vc = _mm512_min_ps(_mm512_castsi512_ps(cb), _mm512_set1_ps(1.0f));
  __m512i s = _mm512_sub_epi32(_mm512_srli_epi32(_mm512_castps_si512(vc), 23), _mm512_set1_epi32(127 - kEncodePolyOctaves));
  s = _mm512_max_epi32(_mm512_min_epi32(s, _mm512_set1_epi32(kEncodePolyOctaves - 1)), _mm512_setzero_si512());
  const __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(127 + kEncodePolyOctaves), s), 23));
  const __m512 t = _mm512_sub_ps(_mm512_mul_ps(vc, scale), _mm512_set1_ps(1.0f));
  __m512 r = _mm512_permutex2var_ps(k.lo[kEncodePolyDegree], s, k.hi[kEncodePolyDegree]);
  for (int d = kEncodePolyDegree - 1; d >= 0; --d) {
    r = _mm512_add_ps(_mm512_mul_ps(r, t), _mm512_permutex2var_ps(k.lo[d], s, k.hi[d]));
  }
  return _mm512_mask_blend_ps(zero, r, _mm512_set1_ps(zero_value));
}

LEDPIPE_TARGET_AVX512 inline __m512 Dot(__m512 m0, __m512 m1, __m512 m2, __m512 r, __m512 g, __m512 b) {
  return _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(m0, r), _mm512_mul_ps(m1, g)), _mm512_mul_ps(m2, b));
}

LEDPIPE_TARGET_AVX512 inline __m512 LoadGain(const CalibrationPlan& p, size_t i, __mmask16 m) {
  if (p.gain_type == 1) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, p.gain.data() + i)));
  }
  return _mm512_cvtepi32_ps(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p.gain.data() + 2 * i)));
}

LEDPIPE_TARGET_AVX512 void MatrixAvx512(const CalibrationRow& a, const CalRun& run) {
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
  const __m512 srow = _mm512_set1_ps(run.srow);
  const __m512 lane = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512 ta[9], ts[9];
  if (th) {
    for (int k = 0; k < 9; ++k) {
      ta[k] = _mm512_set1_ps(th->a[k]);
      ts[k] = _mm512_set1_ps(th->s[k]);
    }
  }
  const __m512 txc = _mm512_set1_ps(th ? th->xc : 0.0f);
  const float* scol = seam ? p.seam_col.data() + static_cast<size_t>(mr) * p.width : nullptr;
  const __m512 zero = _mm512_setzero_ps();
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
  const __m512i kmax = _mm512_set1_epi32(K - 1);
  const __m512i ione = _mm512_set1_epi32(1);
  __m512 M[9];
  const float* mt = run.mats_t;
  for (int e = 0; e < 9; ++e) M[e] = single ? _mm512_set1_ps(mats[static_cast<size_t>(K - 1) * 9 + e]) : _mm512_loadu_ps(mt + 16 * e);
  const __m512 vg0 = _mm512_set1_ps(p.gain_offset[0]), vg1 = _mm512_set1_ps(p.gain_offset[1]), vg2 = _mm512_set1_ps(p.gain_offset[2]);
  const __m512 vs0 = _mm512_set1_ps(p.gain_scale[0]), vs1 = _mm512_set1_ps(p.gain_scale[1]), vs2 = _mm512_set1_ps(p.gain_scale[2]);
  const bool poly = p.enc_poly;
  const bool poly_shared = poly && p.enc_near[0] == p.enc_near[1] && p.enc_near[1] == p.enc_near[2];
  PolyRegs pk[3];
  if (poly) {
    LoadPoly(p, 0, &pk[0]);
    if (!poly_shared) {
      LoadPoly(p, 1, &pk[1]);
      LoadPoly(p, 2, &pk[2]);
    }
  }
  for (int x = x0; x < x1; x += 16) {
    const __mmask16 lm = TailMask(x1 - x);
    const __m512 r = _mm512_maskz_loadu_ps(lm, R + x), g = _mm512_maskz_loadu_ps(lm, G + x), b = _mm512_maskz_loadu_ps(lm, B + x);
    __m512 o0 = zero, o1 = zero, o2 = zero;
    if (single) {
      o0 = _mm512_add_ps(o0, _mm512_mul_ps(one, Dot(M[0], M[1], M[2], r, g, b)));
      o1 = _mm512_add_ps(o1, _mm512_mul_ps(one, Dot(M[3], M[4], M[5], r, g, b)));
      o2 = _mm512_add_ps(o2, _mm512_mul_ps(one, Dot(M[6], M[7], M[8], r, g, b)));
    } else {
      // The scalar loop runs j = k0 and, when k0 < K - 1, k0 + 1; a lane whose k0 is K - 1
      // adds 0 * Dot (+-0, which leaves every sum unchanged) in the second product.
      const __m512 pp = _mm512_maskz_loadu_ps(lm, P + x);
      const __m512i k0 = _mm512_cvttps_epi32(pp);
      const __m512i k1 = _mm512_min_epi32(_mm512_add_epi32(k0, ione), kmax);
      const __mmask16 two = _mm512_cmpgt_epi32_mask(k1, k0);
      const __m512 w0 = _mm512_max_ps(_mm512_sub_ps(one, _mm512_and_ps(_mm512_sub_ps(pp, _mm512_cvtepi32_ps(k0)), absmask)), zero);
      const __m512 w1 = _mm512_maskz_max_ps(two, _mm512_sub_ps(one, _mm512_and_ps(_mm512_sub_ps(pp, _mm512_cvtepi32_ps(k1)), absmask)), zero);
      __m512 A[9], C[9];
      for (int e = 0; e < 9; ++e) {
        A[e] = _mm512_permutexvar_ps(k0, M[e]);
        C[e] = _mm512_permutexvar_ps(k1, M[e]);
      }
      o0 = _mm512_add_ps(o0, _mm512_mul_ps(w0, Dot(A[0], A[1], A[2], r, g, b)));
      o1 = _mm512_add_ps(o1, _mm512_mul_ps(w0, Dot(A[3], A[4], A[5], r, g, b)));
      o2 = _mm512_add_ps(o2, _mm512_mul_ps(w0, Dot(A[6], A[7], A[8], r, g, b)));
      o0 = _mm512_add_ps(o0, _mm512_mul_ps(w1, Dot(C[0], C[1], C[2], r, g, b)));
      o1 = _mm512_add_ps(o1, _mm512_mul_ps(w1, Dot(C[3], C[4], C[5], r, g, b)));
      o2 = _mm512_add_ps(o2, _mm512_mul_ps(w1, Dot(C[6], C[7], C[8], r, g, b)));
    }
    if (gain) {
      const size_t i = pix0 + x;
      o0 = _mm512_mul_ps(o0, _mm512_add_ps(vg0, _mm512_mul_ps(vs0, LoadGain(p, i, lm))));
      o1 = _mm512_mul_ps(o1, _mm512_add_ps(vg1, _mm512_mul_ps(vs1, LoadGain(p, plane + i, lm))));
      o2 = _mm512_mul_ps(o2, _mm512_add_ps(vg2, _mm512_mul_ps(vs2, LoadGain(p, 2 * plane + i, lm))));
    }
    if (seam) {
      const __m512 s = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, scol + x), srow);
      o0 = _mm512_mul_ps(o0, s);
      o1 = _mm512_mul_ps(o1, s);
      o2 = _mm512_mul_ps(o2, s);
    }
    o0 = _mm512_min_ps(_mm512_max_ps(o0, zero), one);
    o1 = _mm512_min_ps(_mm512_max_ps(o1, zero), one);
    o2 = _mm512_min_ps(_mm512_max_ps(o2, zero), one);
    if (th) {
      // float(x + i) is exact, so this is the scalar float(x) - xc lane by lane.
      const __m512 fx = _mm512_sub_ps(_mm512_add_ps(_mm512_set1_ps(static_cast<float>(x)), lane), txc);
      __m512 m[9];
      for (int k = 0; k < 9; ++k) m[k] = _mm512_add_ps(ta[k], _mm512_mul_ps(fx, ts[k]));
      const __m512 t0 = Dot(m[0], m[1], m[2], o0, o1, o2), t1 = Dot(m[3], m[4], m[5], o0, o1, o2), t2 = Dot(m[6], m[7], m[8], o0, o1, o2);
      o0 = _mm512_min_ps(_mm512_max_ps(t0, zero), one);
      o1 = _mm512_min_ps(_mm512_max_ps(t1, zero), one);
      o2 = _mm512_min_ps(_mm512_max_ps(t2, zero), one);
    }
    if (poly) {
      _mm512_mask_storeu_ps(R + x, lm, EncodePoly(pk[0], p.enc_zero[0], o0));
      _mm512_mask_storeu_ps(G + x, lm, EncodePoly(pk[poly_shared ? 0 : 1], p.enc_zero[1], o1));
      _mm512_mask_storeu_ps(B + x, lm, EncodePoly(pk[poly_shared ? 0 : 2], p.enc_zero[2], o2));
    } else {
      _mm512_mask_storeu_ps(R + x, lm, Encode(p, 0, o0));
      _mm512_mask_storeu_ps(G + x, lm, Encode(p, 1, o1));
      _mm512_mask_storeu_ps(B + x, lm, Encode(p, 2, o2));
    }
  }
}

// ---- 3D LUT ----

LEDPIPE_TARGET_AVX512 void LutAvx512(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  const int n = p.lut_size;
  const size_t n3 = static_cast<size_t>(n) * n * n;
  const float* T[3] = {p.lut.data(), p.lut.data() + n3, p.lut.data() + 2 * n3};
  const __m512i vsr = _mm512_set1_epi32(1), vsg = _mm512_set1_epi32(n), vsb = _mm512_set1_epi32(n * n);
  const __m512i vsum = _mm512_set1_epi32(1 + n + n * n);
  const __m512i nm2 = _mm512_set1_epi32(n - 2);
  for (int x = 0; x < w; x += 16) {
    const __mmask16 lm = TailMask(w - x);
    const __m512 gr = _mm512_maskz_loadu_ps(lm, R + x), gg = _mm512_maskz_loadu_ps(lm, G + x), gb = _mm512_maskz_loadu_ps(lm, B + x);
    const __m512i ir = _mm512_min_epi32(_mm512_cvttps_epi32(gr), nm2);
    const __m512i ig = _mm512_min_epi32(_mm512_cvttps_epi32(gg), nm2);
    const __m512i ib = _mm512_min_epi32(_mm512_cvttps_epi32(gb), nm2);
    const __m512 fr = _mm512_sub_ps(gr, _mm512_cvtepi32_ps(ir));
    const __m512 fg = _mm512_sub_ps(gg, _mm512_cvtepi32_ps(ig));
    const __m512 fb = _mm512_sub_ps(gb, _mm512_cvtepi32_ps(ib));
    const __mmask16 max_r = _mm512_cmp_ps_mask(fr, fg, _CMP_GE_OQ) & _mm512_cmp_ps_mask(fr, fb, _CMP_GE_OQ);
    const __mmask16 max_g = static_cast<__mmask16>(~max_r & _mm512_cmp_ps_mask(fg, fb, _CMP_GE_OQ));
    const __mmask16 min_b = _mm512_cmp_ps_mask(fb, fr, _CMP_LE_OQ) & _mm512_cmp_ps_mask(fb, fg, _CMP_LE_OQ);
    const __mmask16 min_g = static_cast<__mmask16>(~min_b & _mm512_cmp_ps_mask(fg, fr, _CMP_LE_OQ) & _mm512_cmp_ps_mask(fg, fb, _CMP_LE_OQ));
    const __m512 fmax = _mm512_max_ps(_mm512_max_ps(fr, fg), fb);
    const __m512 fmin = _mm512_min_ps(_mm512_min_ps(fr, fg), fb);
    const __m512 fmid = _mm512_max_ps(_mm512_min_ps(fr, fg), _mm512_min_ps(_mm512_max_ps(fr, fg), fb));
    const __m512i off_a = _mm512_mask_blend_epi32(max_r, _mm512_mask_blend_epi32(max_g, vsb, vsg), vsr);
    const __m512i off_min = _mm512_mask_blend_epi32(min_b, _mm512_mask_blend_epi32(min_g, vsr, vsg), vsb);
    const __m512i off_ab = _mm512_sub_epi32(vsum, off_min);
    const __m512i base = _mm512_add_epi32(_mm512_add_epi32(ir, _mm512_mullo_epi32(ig, vsg)), _mm512_mullo_epi32(ib, vsb));
    const __m512i ia = _mm512_add_epi32(base, off_a), iab = _mm512_add_epi32(base, off_ab), i1 = _mm512_add_epi32(base, vsum);
    float* out[3] = {R, G, B};
    for (int c = 0; c < 3; ++c) {
      const __m512 c0 = Gather(T[c], base), ca = Gather(T[c], ia), cab = Gather(T[c], iab), c1 = Gather(T[c], i1);
      const __m512 v = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, _mm512_mul_ps(_mm512_sub_ps(ca, c0), fmax)),
                                                   _mm512_mul_ps(_mm512_sub_ps(cab, ca), fmid)),
                                     _mm512_mul_ps(_mm512_sub_ps(c1, cab), fmin));
      _mm512_mask_storeu_ps(out[c] + x, lm, v);
    }
  }
}

// ---- Quantise + interleave ----

LEDPIPE_TARGET_AVX512 inline __m512i Quantise(__m512 v, __m512 maxf, __m512 t, __m512i maxi) {
  const __m512 c = _mm512_min_ps(_mm512_max_ps(v, _mm512_setzero_ps()), _mm512_set1_ps(1.0f));
  return _mm512_min_epi32(_mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(c, maxf), t)), maxi);
}

struct alignas(64) PackIdx {
  int16_t w[2][32];  // u16: words of (R0..R15, G0..G15) and (B0..B15) -> interleaved
};

constexpr PackIdx MakePackIdx() {
  PackIdx t{};
  for (int o = 0; o < 48; ++o) {
    const int pix = o / 3, c = o % 3;
    const int src = c == 0 ? pix : (c == 1 ? 16 + pix : 32 + pix);  // index into (a:32 words, b:32 words)
    t.w[o / 32][o % 32] = static_cast<int16_t>(src);
  }
  return t;
}

constexpr PackIdx kPack = MakePackIdx();

LEDPIPE_TARGET_AVX512 inline __mmask64 ByteMask(int b) {
  return b >= 64 ? ~__mmask64{0} : (b <= 0 ? __mmask64{0} : ((__mmask64{1} << b) - 1));
}

LEDPIPE_TARGET_AVX512 inline __mmask32 WordMask(int b) {
  return b >= 32 ? ~__mmask32{0} : (b <= 0 ? __mmask32{0} : static_cast<__mmask32>((1u << b) - 1u));
}

LEDPIPE_TARGET_AVX512 void StoreAvx512(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  const float* R = a.buf;
  const float* G = R + w;
  const float* B = G + w;
  const int max_out = (1 << p.out_bits) - 1;
  const __m512 maxf = _mm512_set1_ps(static_cast<float>(max_out));
  const __m512i maxi = _mm512_set1_epi32(max_out);
  const __m512 up = _mm512_set1_ps(65535.0f / static_cast<float>(max_out));
  const __m512 half = _mm512_set1_ps(0.5f);
  const bool scale16 = p.sample == SampleType::kU16 && max_out != 65535;
  const __m512i packw0 = _mm512_loadu_si512(kPack.w[0]), packw1 = _mm512_loadu_si512(kPack.w[1]);
  const __m512i sh128 = _mm512_set4_epi32(-1, 0x0E0D0C0A, 0x09080605, 0x04020100);  // per 128-bit lane: 12 bytes of 4 dwords
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
  for (int x = 0; x < w; x += 16) {
    const int n = w - x < 16 ? w - x : 16;
    const __mmask16 lm = TailMask(n);
    const __m512 t = _mm512_loadu_ps(a.dither + (x & (kDitherSize - 1)));
    __m512i qr = Quantise(_mm512_maskz_loadu_ps(lm, R + x), maxf, t, maxi);
    __m512i qg = Quantise(_mm512_maskz_loadu_ps(lm, G + x), maxf, t, maxi);
    __m512i qb = Quantise(_mm512_maskz_loadu_ps(lm, B + x), maxf, t, maxi);
    if (p.sample == SampleType::kU8) {
      const __m512i px = _mm512_or_si512(_mm512_or_si512(qr, _mm512_slli_epi32(qg, 8)), _mm512_slli_epi32(qb, 16));
      const __m512i packed = _mm512_permutexvar_epi32(lanes, _mm512_shuffle_epi8(px, sh128));
      _mm512_mask_storeu_epi8(a.row + 3 * static_cast<size_t>(x), ByteMask(3 * n), packed);
    } else {
      if (scale16) {
        qr = _mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(qr), up), half));
        qg = _mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(qg), up), half));
        qb = _mm512_cvttps_epi32(_mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(qb), up), half));
      }
      const __m512i rg = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi32_epi16(qr)), _mm512_cvtepi32_epi16(qg), 1);
      const __m512i bb = _mm512_castsi256_si512(_mm512_cvtepi32_epi16(qb));
      const __m512i o0 = _mm512_permutex2var_epi16(rg, packw0, bb);
      const __m512i o1 = _mm512_permutex2var_epi16(rg, packw1, bb);
      uint8_t* d = a.row + 6 * static_cast<size_t>(x);
      _mm512_mask_storeu_epi16(d, WordMask(3 * n), o0);
      _mm512_mask_storeu_epi16(d + 64, WordMask(3 * n - 32), o1);
    }
  }
}


// ---- Fused fast path: matrix, gains, seams, thermal, encode, quantise, interleave in one step ----
// (rgb24 with VBMI, anchors <= 16, no LUT, a power-law output with plan.enc_scaled.) The same
// definition as the scalar path computed differently: M(p) = A_k + f * D_k instead of the two
// weighted products, fused multiply-adds, and the encode as q(m) * S[slot] (within kEncodeScaledTol
// codes of the exact table) fused with the dither add. Within 1 LSB of scalar (tested).

struct alignas(64) InterleaveIdx {
  uint8_t b[64];
};

constexpr InterleaveIdx MakeInterleaveIdx() {
  InterleaveIdx t{};
  for (int j = 0; j < 64; ++j) t.b[j] = static_cast<uint8_t>(j < 48 ? (j % 3) * 16 + j / 3 : 0);
  return t;
}

constexpr InterleaveIdx kInterleave = MakeInterleaveIdx();

LEDPIPE_TARGET_AVX512 inline __m512i EncodeScaled(__m512 v, const __m512* q, __m512 s_lo, __m512 s_hi, __m512 dither) {
  const __m512i bits = _mm512_castps_si512(v);
  const __m512 t = _mm512_getmant_ps(v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);  // the mantissa m in [1, 2)
  __m512 r = _mm512_fmadd_ps(q[4], t, q[3]);
  r = _mm512_fmadd_ps(r, t, q[2]);
  r = _mm512_fmadd_ps(r, t, q[1]);
  r = _mm512_fmadd_ps(r, t, q[0]);
  const __m512 sc = _mm512_permutex2var_ps(s_lo, _mm512_srli_epi32(bits, 23), s_hi);
  return _mm512_cvttps_epi32(_mm512_fmadd_ps(r, sc, dither));
}

// Pixels [x0, x1) of `run`, decoded up to `decoded` (bytes of later pixels are still input).
LEDPIPE_TARGET_AVX512_VBMI void FastRunAvx512(const CalibrationRow& a, const CalRun& run, int x0, int x1, int decoded) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
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
  const ThermalSegment* th = run.therm;  // the segment of the block's first pixel (advanced per block)
  const __m512 zero = _mm512_setzero_ps();
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 lo_clamp = _mm512_set1_ps(0x1p-31f);
  __m512 A[9], Dm[9];
  for (int e = 0; e < 9; ++e) {
    if (single) {
      A[e] = _mm512_set1_ps(run.mats[static_cast<size_t>(K - 1) * 9 + e]);
      Dm[e] = zero;
    } else {
      A[e] = _mm512_loadu_ps(run.mats_ad + e * 16);
      Dm[e] = _mm512_loadu_ps(run.mats_ad + (9 + e) * 16);
    }
  }
  const __m512i kmax = _mm512_set1_epi32(K >= 2 ? K - 2 : 0);
  const __m512 vg0 = _mm512_set1_ps(p.gain_offset[0]), vg1 = _mm512_set1_ps(p.gain_offset[1]), vg2 = _mm512_set1_ps(p.gain_offset[2]);
  const __m512 vs0 = _mm512_set1_ps(p.gain_scale[0]), vs1 = _mm512_set1_ps(p.gain_scale[1]), vs2 = _mm512_set1_ps(p.gain_scale[2]);
  __m512 q[5];
  for (int k = 0; k < 5; ++k) q[k] = _mm512_set1_ps(p.enc_scaled_q[k]);
  const __m512 s_lo = _mm512_loadu_ps(p.enc_scaled_s), s_hi = _mm512_loadu_ps(p.enc_scaled_s + 16);
  const __m512i inter = _mm512_load_si512(kInterleave.b);
  const __m512 srow = _mm512_set1_ps(run.srow);
  const bool seam_row = seam && run.srow != 1.0f;
  const int edge0 = run.mod_x0, edge1 = run.mod_x1 - 1;
  const __m512 lane = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int x = x0; x < x1; x += 16) {
    const int n = x1 - x < 16 ? x1 - x : 16;
    const __mmask16 lm = TailMask(n);
    const __m512 r = _mm512_maskz_loadu_ps(lm, R + x), g = _mm512_maskz_loadu_ps(lm, G + x), b = _mm512_maskz_loadu_ps(lm, B + x);
    __m512 M[9];
    if (single) {
      for (int e = 0; e < 9; ++e) M[e] = A[e];
    } else {
      const __m512 pp = _mm512_maskz_loadu_ps(lm, P + x);
      const __m512i k = _mm512_min_epi32(_mm512_cvttps_epi32(pp), kmax);
      const __m512 f = _mm512_sub_ps(pp, _mm512_cvtepi32_ps(k));
      const int k0 = _mm_cvtsi128_si32(_mm512_castsi512_si128(k));
      if (_mm512_mask_cmpneq_epi32_mask(lm, k, _mm512_set1_epi32(k0)) == 0) {
        // Every pixel of the block between the same two anchors (smooth content, mostly): broadcasts.
        const float* ad = run.mats_ad + k0;
        for (int e = 0; e < 9; ++e) M[e] = _mm512_fmadd_ps(f, _mm512_set1_ps(ad[(9 + e) * 16]), _mm512_set1_ps(ad[e * 16]));
      } else {
        for (int e = 0; e < 9; ++e) M[e] = _mm512_fmadd_ps(f, _mm512_permutexvar_ps(k, Dm[e]), _mm512_permutexvar_ps(k, A[e]));
      }
    }
    __m512 o0 = _mm512_fmadd_ps(M[2], b, _mm512_fmadd_ps(M[1], g, _mm512_mul_ps(M[0], r)));
    __m512 o1 = _mm512_fmadd_ps(M[5], b, _mm512_fmadd_ps(M[4], g, _mm512_mul_ps(M[3], r)));
    __m512 o2 = _mm512_fmadd_ps(M[8], b, _mm512_fmadd_ps(M[7], g, _mm512_mul_ps(M[6], r)));
    if (gain) {
      const size_t i = pix0 + x;
      o0 = _mm512_mul_ps(o0, _mm512_fmadd_ps(vs0, LoadGain(p, i, lm), vg0));
      o1 = _mm512_mul_ps(o1, _mm512_fmadd_ps(vs1, LoadGain(p, plane + i, lm), vg1));
      o2 = _mm512_mul_ps(o2, _mm512_fmadd_ps(vs2, LoadGain(p, 2 * plane + i, lm), vg2));
    }
    // Seam gains are 1 except on a module's edge rows and columns (a product with 1 is exact: skipped).
    if (seam && (seam_row || (edge0 >= x && edge0 < x + 16) || (edge1 >= x && edge1 < x + 16))) {
      const __m512 sg = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, scol + x), srow);
      o0 = _mm512_mul_ps(o0, sg);
      o1 = _mm512_mul_ps(o1, sg);
      o2 = _mm512_mul_ps(o2, sg);
    }
    if (th) {
      o0 = _mm512_min_ps(_mm512_max_ps(o0, zero), one);
      o1 = _mm512_min_ps(_mm512_max_ps(o1, zero), one);
      o2 = _mm512_min_ps(_mm512_max_ps(o2, zero), one);
      // The thermal matrix a + (x - xc) * s of each pixel's segment: a block crossing into the next
      // segment takes that one's coefficients in the lanes past the boundary.
      while (x >= th->x1) ++th;
      const __m512 xf = _mm512_add_ps(_mm512_set1_ps(static_cast<float>(x)), lane);
      const __m512 fx = _mm512_sub_ps(xf, _mm512_set1_ps(th->xc));
      __m512 T[9];
      for (int k = 0; k < 9; ++k) T[k] = _mm512_fmadd_ps(fx, _mm512_set1_ps(th->s[k]), _mm512_set1_ps(th->a[k]));
      for (const ThermalSegment* nx = th; x + n > nx->x1;) {
        ++nx;
        const __mmask16 past = static_cast<__mmask16>(~TailMask(nx->x0 - x));
        const __m512 fx2 = _mm512_sub_ps(xf, _mm512_set1_ps(nx->xc));
        for (int k = 0; k < 9; ++k) {
          T[k] = _mm512_mask_blend_ps(past, T[k], _mm512_fmadd_ps(fx2, _mm512_set1_ps(nx->s[k]), _mm512_set1_ps(nx->a[k])));
        }
      }
      const __m512 t0 = _mm512_fmadd_ps(T[2], o2, _mm512_fmadd_ps(T[1], o1, _mm512_mul_ps(T[0], o0)));
      const __m512 t1 = _mm512_fmadd_ps(T[5], o2, _mm512_fmadd_ps(T[4], o1, _mm512_mul_ps(T[3], o0)));
      const __m512 t2 = _mm512_fmadd_ps(T[8], o2, _mm512_fmadd_ps(T[7], o1, _mm512_mul_ps(T[6], o0)));
      o0 = t0;
      o1 = t1;
      o2 = t2;
    }
    // Clamp to [2^-31, 1] (NaN -> 2^-31): the encode's domain.
    o0 = _mm512_min_ps(_mm512_max_ps(o0, lo_clamp), one);
    o1 = _mm512_min_ps(_mm512_max_ps(o1, lo_clamp), one);
    o2 = _mm512_min_ps(_mm512_max_ps(o2, lo_clamp), one);
    const __m512 t = _mm512_loadu_ps(a.dither + (x & (kDitherSize - 1)));
    const __m128i c0 = _mm512_cvtusepi32_epi8(EncodeScaled(o0, q, s_lo, s_hi, t));
    const __m128i c1 = _mm512_cvtusepi32_epi8(EncodeScaled(o1, q, s_lo, s_hi, t));
    const __m128i c2 = _mm512_cvtusepi32_epi8(EncodeScaled(o2, q, s_lo, s_hi, t));
    const __m512i rgb = _mm512_inserti32x4(_mm512_inserti32x4(_mm512_castsi128_si512(c0), c1, 1), c2, 2);
    // Bytes past this block up to `decoded` were read already: they may be overwritten now (later
    // blocks write their own); blocks near the decoded end store under a mask.
    uint8_t* d = a.row + 3 * static_cast<size_t>(x);
    if (x + 22 <= decoded) {
      _mm512_storeu_si512(d, _mm512_permutexvar_epi8(inter, rgb));
    } else {
      _mm512_mask_storeu_epi8(d, ByteMask(3 * n), _mm512_permutexvar_epi8(inter, rgb));
    }
  }
}
}  // namespace

LEDPIPE_TARGET_AVX512 void CalibrateRowAvx512(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  if (p.has_matrix && p.mats_ad.empty()) {  // more than 16 anchors
    CalibrateRowAvx2(a);
    return;
  }
  const bool vbmi = HasVbmi();
  if (p.sample == SampleType::kU8 && vbmi && !p.byte_planes.empty()) {
    if (p.enc_scaled && p.lut_size == 0 && !p.mats_ad.empty() && FastPathEnabled()) {
      // Chunks of 512 pixels: decode, then the runs' pixels in the chunk, while the floats are in L1.
      constexpr int kChunk = 512;
      int ri = 0;
      for (int c0 = 0; c0 < p.width; c0 += kChunk) {
        const int c1 = c0 + kChunk < p.width ? c0 + kChunk : p.width;
        UnpackU8Vbmi(a, c0, c1);
        while (ri < a.nruns && a.runs[ri].x1 <= c0) ++ri;
        for (int i = ri; i < a.nruns && a.runs[i].x0 < c1; ++i) {
          const CalRun& r = a.runs[i];
          FastRunAvx512(a, r, r.x0 > c0 ? r.x0 : c0, r.x1 < c1 ? r.x1 : c1, c1);
        }
      }
      return;
    }
    UnpackU8Vbmi(a);
  } else {
    UnpackGather(a);
  }
  for (int i = 0; i < a.nruns; ++i) ForEachThermalPiece(a.runs[i], [&](const CalRun& q) { MatrixAvx512(a, q); });
  if (p.lut_size > 0) LutAvx512(a);
  StoreAvx512(a);
}

#else
void CalibrateRowAvx512(const CalibrationRow& a) { CalibrateRowAvx2(a); }
#endif

}  // namespace ledpipe
