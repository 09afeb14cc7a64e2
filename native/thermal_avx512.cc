// AVX-512 thermal kernel (contract in thermal.h). Per row: (1) decode every code into a float
// buffer; (2) per segment, 16 pixels per step, the tail under lane masks (no scalar tail).
//  - u8 with VBMI and a fitted encode (the common case): the row is split into R, G, B byte
//    planes and decoded with byte-plane table permutes (no gathers), so the 3x3 product needs no
//    lane rotations; codes are interleaved again with one byte permute per 16 pixels.
//  - otherwise sample order (three vectors of 16 samples, the other two channels of each
//    sample's pixel brought in by two-source permutes); decode by gathers, byte-plane permutes
//    (u8) or the fitted polynomial (u16).
// Encode: the fitted polynomials (fused multiply-adds; within 1 code of scalar) or, where no fit
// holds, the scalar path's table lerp with gathers and its exact operation order (bit-equal).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "simd_target.h"
#include "thermal.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

#define LEDPIPE_TARGET_AVX512_VBMI \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vbmi,avx2,f16c")))

// Sample i = 16j + l of a 48-sample block: channel i % 3, pixel i / 3.
constexpr int Chan(int j, int l) { return (16 * j + l) % 3; }
constexpr int Pix(int j, int l) { return (16 * j + l) / 3; }
// Sample holding channel (c + step) % 3 of sample i's pixel.
constexpr int RotSrc(int i, int step) { return i - i % 3 + (i % 3 + step) % 3; }

// Per-lane index patterns of a 48-sample block, built at compile time.
struct alignas(64) LaneTables {
  int32_t diag[3][16], next[3][16], prev[3][16];  // matrix element (row-major 3x3) each lane needs
  int32_t pix[3][16];                             // pixel of each lane within the block
  int32_t rot0[2][16], rot1[2][16], rot1b[2][16], rot2[2][16];
  uint16_t rot1b_mask[2];
};

constexpr LaneTables MakeLaneTables() {
  LaneTables t{};
  for (int j = 0; j < 3; ++j) {
    for (int l = 0; l < 16; ++l) {
      const int c = Chan(j, l);
      const int c1 = c == 2 ? 0 : c + 1;
      const int c2 = c == 0 ? 2 : c - 1;
      t.diag[j][l] = c * 3 + c;
      t.next[j][l] = c * 3 + c1;
      t.prev[j][l] = c * 3 + c2;
      t.pix[j][l] = Pix(j, l);
    }
  }
  // Rotations: vector 0 draws from {0, 1} and vector 2 from {1, 2} (one two-source permute
  // each); vector 1 from {1, 2} plus sample 15 of vector 0 (a masked permute after).
  for (int k = 0; k < 2; ++k) {
    unsigned mask = 0;
    for (int l = 0; l < 16; ++l) {
      t.rot0[k][l] = RotSrc(l, k + 1);
      const int s1 = RotSrc(16 + l, k + 1);
      t.rot1[k][l] = s1 >= 16 ? s1 - 16 : 0;
      t.rot1b[k][l] = s1 < 16 ? s1 : 0;
      if (s1 < 16) mask |= 1u << l;
      t.rot2[k][l] = RotSrc(32 + l, k + 1) - 16;
    }
    t.rot1b_mask[k] = static_cast<uint16_t>(mask);
  }
  return t;
}

constexpr LaneTables kLanes = MakeLaneTables();

LEDPIPE_TARGET_AVX512 inline __m512i LoadIdx(const int32_t* p) {
  return _mm512_load_si512(reinterpret_cast<const void*>(p));
}

struct SegmentVectors {
  __m512 ad[3], sd[3], a1[3], s1[3], a2[3], s2[3], half[3];
};

LEDPIPE_TARGET_AVX512 inline void Prepare(const ThermalSegment& seg, const float* drow, SegmentVectors* v) {
  const __m512 a = _mm512_maskz_loadu_ps(0x1ff, seg.a);
  const __m512 s = _mm512_maskz_loadu_ps(0x1ff, seg.s);
  const __m512 d = _mm512_maskz_loadu_ps(0xf, drow);
  const __m512i x0 = _mm512_set1_epi32(seg.x0 + seg.xo);  // canvas coordinate
  const __m512i three = _mm512_set1_epi32(3);
  for (int j = 0; j < 3; ++j) {
    const __m512i di = LoadIdx(kLanes.diag[j]), ni = LoadIdx(kLanes.next[j]), pi = LoadIdx(kLanes.prev[j]);
    v->ad[j] = _mm512_permutexvar_ps(di, a);
    v->sd[j] = _mm512_permutexvar_ps(di, s);
    v->a1[j] = _mm512_permutexvar_ps(ni, a);
    v->s1[j] = _mm512_permutexvar_ps(ni, s);
    v->a2[j] = _mm512_permutexvar_ps(pi, a);
    v->s2[j] = _mm512_permutexvar_ps(pi, s);
    // Blocks step 16 pixels, so each lane's dither column stays (x0 + pixel) & 3.
    v->half[j] = _mm512_permutexvar_ps(_mm512_and_si512(_mm512_add_epi32(x0, LoadIdx(kLanes.pix[j])), three), d);
  }
}

struct RotVectors {
  __m512i i0[2], i1[2], i1b[2], i2[2];
  __mmask16 m1b[2];
};

LEDPIPE_TARGET_AVX512 inline void PrepareRot(RotVectors* rv) {
  for (int k = 0; k < 2; ++k) {
    rv->i0[k] = LoadIdx(kLanes.rot0[k]);
    rv->i1[k] = LoadIdx(kLanes.rot1[k]);
    rv->i1b[k] = LoadIdx(kLanes.rot1b[k]);
    rv->i2[k] = LoadIdx(kLanes.rot2[k]);
    rv->m1b[k] = static_cast<__mmask16>(kLanes.rot1b_mask[k]);
  }
}

struct EncodeConsts {
  __m512i base_bits, base_idx, mask, mant, one_bits;
  __m512 inv, zero, one, lowest;
  __m512 p[4][2];  // mode 1: cubic coefficients by exponent slot: slots 0-15, 16-31
  __m512 c[4];     // mode 2: the cubic
  __m512 scale[2];  // mode 2: the octave scale by slot
  __m512 c16[ThermalScaledPoly::kDegree + 1];  // mode 3 (u16): q
  __m512 s16[3];                                // mode 3: scale by slot 0..47
  __m512i slot_base;                            // mode 3: 127 - E
  __m512 mid;
  __m128i sh;
};

LEDPIPE_TARGET_AVX512 inline __m512i EncodeTable(__m512 v, const EncodeConsts& k, const float* enc, __m512 half) {
  v = _mm512_max_ps(v, k.zero);  // NaN -> 0 (max returns the second operand)
  v = _mm512_min_ps(v, k.one);
  const __m512i bits = _mm512_castps_si512(v);
  const __mmask16 above = _mm512_cmpge_epi32_mask(bits, k.base_bits);
  const __m512i idx = _mm512_maskz_sub_epi32(above, _mm512_srl_epi32(bits, k.sh), k.base_idx);
  const __m512 f = _mm512_maskz_mul_ps(above, _mm512_cvtepi32_ps(_mm512_and_si512(bits, k.mask)), k.inv);
  const __m512 e0 = _mm512_i32gather_ps(idx, enc, 4);
  const __m512 e1 = _mm512_i32gather_ps(idx, enc + 1, 4);
  return _mm512_cvttps_epi32(_mm512_add_ps(_mm512_add_ps(e0, _mm512_mul_ps(_mm512_sub_ps(e1, e0), f)), half));
}

// Below 2^-E (and NaN) clamp to 2^-E, whose cubic value is the table's enc[0] (within the fit
// tolerance), as the scalar path's "below" case; above 1.0 to 1.0 (the constant slot).
LEDPIPE_TARGET_AVX512 inline __m512i EncodePoly(__m512 v, const EncodeConsts& k, __m512 half) {
  v = _mm512_max_ps(v, k.lowest);  // NaN -> 2^-E (max returns the second operand)
  v = _mm512_min_ps(v, k.one);
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i slot = _mm512_srli_epi32(bits, 23);  // the permutes read its low 5 bits
  const __m512 m = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(bits, k.mant, k.one_bits, 0xea));  // [1, 2)
  __m512 r = _mm512_permutex2var_ps(k.p[3][0], slot, k.p[3][1]);
  r = _mm512_fmadd_ps(r, m, _mm512_permutex2var_ps(k.p[2][0], slot, k.p[2][1]));
  r = _mm512_fmadd_ps(r, m, _mm512_permutex2var_ps(k.p[1][0], slot, k.p[1][1]));
  r = _mm512_fmadd_ps(r, m, _mm512_permutex2var_ps(k.p[0][0], slot, k.p[0][1]));
  // r + d >= -0.05 + 1/32 > -1: truncation never gives a negative code.
  return _mm512_cvttps_epi32(_mm512_add_ps(r, half));
}

// Mode 2: one cubic in the mantissa times the octave's scale.
LEDPIPE_TARGET_AVX512 inline __m512i EncodeScaled(__m512 v, const EncodeConsts& k, __m512 half) {
  v = _mm512_max_ps(v, k.lowest);
  v = _mm512_min_ps(v, k.one);
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i slot = _mm512_srli_epi32(bits, 23);
  const __m512 m = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(bits, k.mant, k.one_bits, 0xea));
  __m512 r = _mm512_fmadd_ps(k.c[3], m, k.c[2]);
  r = _mm512_fmadd_ps(r, m, k.c[1]);
  r = _mm512_fmadd_ps(r, m, k.c[0]);
  return _mm512_cvttps_epi32(_mm512_fmadd_ps(r, _mm512_permutex2var_ps(k.scale[0], slot, k.scale[1]), half));
}

// The encode constants; returns the mode (0: table, 1: cubic per octave, 2: scaled cubic).
LEDPIPE_TARGET_AVX512 inline int SetupEncode(const ThermalTables& t, SampleType st, EncodeConsts* k) {
  int mode = 0;
  const int sh = 23 - t.shift;
  k->base_bits = _mm512_set1_epi32((127 - t.octaves) << 23);
  k->base_idx = _mm512_set1_epi32((127 - t.octaves) << t.shift);
  k->mask = _mm512_set1_epi32((1 << sh) - 1);
  k->mant = _mm512_set1_epi32(0x7fffff);
  k->one_bits = _mm512_set1_epi32(0x3f800000);
  k->inv = _mm512_set1_ps(1.0f / static_cast<float>(1 << sh));
  k->zero = _mm512_setzero_ps();
  k->one = _mm512_set1_ps(1.0f);
  {
    const int32_t lowest_bits = (127 - t.octaves) << 23;
    float lowest;
    std::memcpy(&lowest, &lowest_bits, sizeof lowest);
    k->lowest = _mm512_set1_ps(lowest);
  }
  k->sh = _mm_cvtsi32_si128(sh);
  mode = t.poly != nullptr && st == SampleType::kU8 ? t.poly_mode : 0;
  for (int c = 0; c < 4; ++c) {
    k->p[c][0] = mode != 0 ? _mm512_loadu_ps(t.poly + c * 32) : k->zero;
    k->p[c][1] = mode != 0 ? _mm512_loadu_ps(t.poly + c * 32 + 16) : k->zero;
    k->c[c] = mode != 0 ? _mm512_set1_ps(t.poly[c * 32]) : k->zero;
  }
  k->scale[0] = mode != 0 ? _mm512_loadu_ps(t.poly + 4 * 32) : k->zero;
  k->scale[1] = mode != 0 ? _mm512_loadu_ps(t.poly + 4 * 32 + 16) : k->zero;
  k->mid = _mm512_set1_ps(1.5f);
  k->slot_base = _mm512_set1_epi32(127 - t.octaves);
  if (st == SampleType::kU16 && t.enc16 != nullptr) {
    mode = 3;
    for (int j = 0; j <= ThermalScaledPoly::kDegree; ++j) k->c16[j] = _mm512_set1_ps(t.enc16->c[j]);
    for (int q = 0; q < 3; ++q) k->s16[q] = _mm512_loadu_ps(t.enc16->scale + 16 * q);
  }
  return mode;
}

// Mode 3 (u16): q(t) times the octave's scale (slots 0..47: a two-register permute, then slots
// 32..47 from the third register).
LEDPIPE_TARGET_AVX512 inline __m512i EncodeScaled16(__m512 v, const EncodeConsts& k, __m512 half) {
  v = _mm512_max_ps(v, k.lowest);
  v = _mm512_min_ps(v, k.one);
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i slot = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), k.slot_base);
  const __m512 t =
      _mm512_sub_ps(_mm512_castsi512_ps(_mm512_ternarylogic_epi32(bits, k.mant, k.one_bits, 0xea)), k.mid);
  __m512 r = k.c16[ThermalScaledPoly::kDegree];
  for (int j = ThermalScaledPoly::kDegree - 1; j >= 0; --j) r = _mm512_fmadd_ps(r, t, k.c16[j]);
  __m512 sc = _mm512_permutex2var_ps(k.s16[0], slot, k.s16[1]);
  sc = _mm512_mask_permutexvar_ps(sc, _mm512_cmpge_epi32_mask(slot, _mm512_set1_epi32(32)), slot, k.s16[2]);
  return _mm512_cvttps_epi32(_mm512_fmadd_ps(r, sc, half));
}

inline __mmask16 LaneMask(int n) {
  return n >= 16 ? static_cast<__mmask16>(0xffff) : n <= 0 ? 0 : static_cast<__mmask16>((1u << n) - 1);
}

// Decode, u8 with VBMI: 64 codes per step. The codes' dwords are transposed 4x4 first so that
// the byte-plane unpacks (which interleave within 128-bit lanes) come out in sample order.
LEDPIPE_TARGET_AVX512_VBMI void DecodeU8VbmiAvx512(const uint8_t* src, int n, const uint8_t* planes, float* out) {
  __m512i tb[4][4];
  for (int p = 0; p < 4; ++p)
    for (int q = 0; q < 4; ++q) tb[p][q] = _mm512_loadu_si512(planes + p * 256 + q * 64);
  const __m512i tr = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  for (int i = 0; i < n; i += 64) {
    const int left = n - i;
    const __mmask64 m = left >= 64 ? ~0ULL : ((1ULL << left) - 1);
    const __m512i in = _mm512_permutexvar_epi32(tr, _mm512_maskz_loadu_epi8(m, src + i));
    const __mmask64 hi = _mm512_movepi8_mask(in);
    __m512i b[4];
    for (int p = 0; p < 4; ++p) {
      // Index-merging permutes: codes < 128 from (tb0, tb1), then codes >= 128 from (tb2, tb3).
      const __m512i lo = _mm512_mask2_permutex2var_epi8(tb[p][0], in, static_cast<__mmask64>(~hi), tb[p][1]);
      b[p] = _mm512_mask2_permutex2var_epi8(tb[p][2], lo, hi, tb[p][3]);
    }
    const __m512i w01l = _mm512_unpacklo_epi8(b[0], b[1]), w01h = _mm512_unpackhi_epi8(b[0], b[1]);
    const __m512i w23l = _mm512_unpacklo_epi8(b[2], b[3]), w23h = _mm512_unpackhi_epi8(b[2], b[3]);
    _mm512_storeu_si512(out + i, _mm512_unpacklo_epi16(w01l, w23l));
    _mm512_storeu_si512(out + i + 16, _mm512_unpackhi_epi16(w01l, w23l));
    _mm512_storeu_si512(out + i + 32, _mm512_unpacklo_epi16(w01h, w23h));
    _mm512_storeu_si512(out + i + 48, _mm512_unpackhi_epi16(w01h, w23h));
  }
}

LEDPIPE_TARGET_AVX512 void DecodeGatherAvx512(const uint8_t* src, int n, SampleType st, const float* decode, float* out) {
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = LaneMask(n - i);
    const __m512i idx =
        st == SampleType::kU8
            ? _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, src + i))
            : _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, reinterpret_cast<const uint16_t*>(src) + i));
    _mm512_storeu_ps(out + i, _mm512_i32gather_ps(idx, decode, 4));
  }
}

// One block of 16 pixels at x: the three vectors of output codes (int32, in sample order).
// u16 decode as q(t) times the code's octave scale (no gathers); code 0 -> 0.
LEDPIPE_TARGET_AVX512 void DecodePolyU16Avx512(const uint8_t* src, int n, const ThermalScaledPoly& q, float* out) {
  __m512 c[ThermalScaledPoly::kDegree + 1];
  for (int j = 0; j <= ThermalScaledPoly::kDegree; ++j) c[j] = _mm512_set1_ps(q.c[j]);
  const __m512 scale = _mm512_loadu_ps(q.scale);
  const __m512i mant = _mm512_set1_epi32(0x7fffff), one_bits = _mm512_set1_epi32(0x3f800000);
  const __m512 mid = _mm512_set1_ps(1.5f);
  const uint16_t* s = reinterpret_cast<const uint16_t*>(src);
  for (int i = 0; i < n; i += 16) {
    const __m512i code = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(LaneMask(n - i), s + i));
    const __m512i bits = _mm512_castps_si512(_mm512_cvtepi32_ps(code));
    const __m512 t =
        _mm512_sub_ps(_mm512_castsi512_ps(_mm512_ternarylogic_epi32(bits, mant, one_bits, 0xea)), mid);
    __m512 r = c[ThermalScaledPoly::kDegree];
    for (int j = ThermalScaledPoly::kDegree - 1; j >= 0; --j) r = _mm512_fmadd_ps(r, t, c[j]);
    const __m512 sc = _mm512_permutexvar_ps(_mm512_srli_epi32(bits, 23), scale);
    _mm512_storeu_ps(out + i, _mm512_maskz_mul_ps(_mm512_test_epi32_mask(code, code), r, sc));
  }
}

template <int kMode>
LEDPIPE_TARGET_AVX512 inline void Block(const float* lin, int x, int xo, const SegmentVectors& sv, __m512 xc,
                                        const ThermalTables& t, const EncodeConsts& k, const RotVectors& rv,
                                        const __m512i* pix, __m512i* code) {
  const float* p = lin + static_cast<size_t>(x) * 3;
  const __m512 v0 = _mm512_loadu_ps(p), v1 = _mm512_loadu_ps(p + 16), v2 = _mm512_loadu_ps(p + 32);
  const __m512i xb = _mm512_set1_epi32(x + xo);  // canvas coordinate
  for (int j = 0; j < 3; ++j) {
    __m512 lin_j, r1, r2;
    if (j == 0) {
      lin_j = v0;
      r1 = _mm512_permutex2var_ps(v0, rv.i0[0], v1);
      r2 = _mm512_permutex2var_ps(v0, rv.i0[1], v1);
    } else if (j == 1) {
      lin_j = v1;
      r1 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(v1, rv.i1[0], v2), rv.m1b[0], rv.i1b[0], v0);
      r2 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(v1, rv.i1[1], v2), rv.m1b[1], rv.i1b[1], v0);
    } else {
      lin_j = v2;
      r1 = _mm512_permutex2var_ps(v1, rv.i2[0], v2);
      r2 = _mm512_permutex2var_ps(v1, rv.i2[1], v2);
    }
    const __m512 fx = _mm512_sub_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(xb, pix[j])), xc);
    __m512 out;
    if (kMode == 0) {  // the scalar path's operations (no FMA): bit-equal to it
      const __m512 md = _mm512_add_ps(sv.ad[j], _mm512_mul_ps(fx, sv.sd[j]));
      const __m512 m1 = _mm512_add_ps(sv.a1[j], _mm512_mul_ps(fx, sv.s1[j]));
      const __m512 m2 = _mm512_add_ps(sv.a2[j], _mm512_mul_ps(fx, sv.s2[j]));
      out = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(md, lin_j), _mm512_mul_ps(m1, r1)), _mm512_mul_ps(m2, r2));
    } else {  // cubic encode (already within 1 code, not bit-equal): fused multiply-adds
      const __m512 md = _mm512_fmadd_ps(fx, sv.sd[j], sv.ad[j]);
      const __m512 m1 = _mm512_fmadd_ps(fx, sv.s1[j], sv.a1[j]);
      const __m512 m2 = _mm512_fmadd_ps(fx, sv.s2[j], sv.a2[j]);
      out = _mm512_fmadd_ps(m2, r2, _mm512_fmadd_ps(m1, r1, _mm512_mul_ps(md, lin_j)));
    }
    code[j] = kMode == 3   ? EncodeScaled16(out, k, sv.half[j])
              : kMode == 2 ? EncodeScaled(out, k, sv.half[j])
              : kMode == 1 ? EncodePoly(out, k, sv.half[j])
                           : EncodeTable(out, k, t.encode, sv.half[j]);
  }
}

// Narrows three code vectors (48 samples) in registers: u8 into 48 bytes of one vector, u16 into
// 32 + 16 words (saturating, as the codes never exceed the output range).
LEDPIPE_TARGET_AVX512 inline __m512i PackU8(const __m512i* code) {
  __m512i b = _mm512_castsi128_si512(_mm512_cvtusepi32_epi8(code[0]));
  b = _mm512_inserti32x4(b, _mm512_cvtusepi32_epi8(code[1]), 1);
  return _mm512_inserti32x4(b, _mm512_cvtusepi32_epi8(code[2]), 2);
}

template <int kMode>
LEDPIPE_TARGET_AVX512 inline void Segment(uint8_t* row, SampleType st, const ThermalSegment& seg, const float* lin,
                                          const ThermalTables& t, const float* drow, const EncodeConsts& k,
                                          const RotVectors& rv, const __m512i* pix) {
  SegmentVectors sv;
  Prepare(seg, drow, &sv);
  const __m512 xc = _mm512_set1_ps(seg.xc);
  const bool u8 = st == SampleType::kU8;
  __m512i code[3];
  int x = seg.x0;
  for (; x + 16 <= seg.x1; x += 16) {
    Block<kMode>(lin, x, seg.xo, sv, xc, t, k, rv, pix, code);
    uint8_t* p = row + static_cast<size_t>(x) * 3 * (u8 ? 1 : 2);
    if (u8) {
      _mm512_mask_storeu_epi8(p, 0xffffffffffffULL, PackU8(code));
    } else {
      const __m512i w01 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtusepi32_epi16(code[0])),
                                             _mm512_cvtusepi32_epi16(code[1]), 1);
      _mm512_storeu_si512(p, w01);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + 64), _mm512_cvtusepi32_epi16(code[2]));
    }
  }
  if (x < seg.x1) {  // tail: fewer than 16 pixels, under lane masks
    Block<kMode>(lin, x, seg.xo, sv, xc, t, k, rv, pix, code);
    const int left = (seg.x1 - x) * 3;
    uint8_t* p = row + static_cast<size_t>(x) * 3 * (u8 ? 1 : 2);
    if (u8) {
      _mm512_mask_storeu_epi8(p, (1ULL << left) - 1, PackU8(code));
    } else {
      for (int j = 0; j < 3; ++j) {
        const __mmask16 m = LaneMask(left - 16 * j);
        if (m == 0) break;
        _mm512_mask_cvtusepi32_storeu_epi16(p + 32 * j, m, code[j]);
      }
    }
  }
}

// ---- Planar u8 kernel (VBMI, cubic encode): the row is split into R, G, B byte planes and
// decoded per plane, so the 3x3 product needs no lane rotations and the gains are evaluated
// once per pixel column; the codes are interleaved again with one byte permute per block.

// Deinterleave index of plane c for 64 pixels held in three vectors (bytes 0..191), composed
// with the 4x4 dword transpose that makes the byte-plane unpacks come out in pixel order.
struct alignas(64) PlanarTables {
  uint8_t split[3][64];      // source byte (0..127 from vectors 0-1; 128..191 from vector 2)
  uint8_t interleave[64];    // the packed codes (see MakePlanarTables) -> R0 G0 B0 R1 ...
  int32_t iota[16];
};

constexpr PlanarTables MakePlanarTables() {
  PlanarTables t{};
  constexpr int tr[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 64; ++p) t.split[c][p] = static_cast<uint8_t>(3 * (4 * tr[p >> 2] + (p & 3)) + c);
  // After packus_epi32(R, G), packus_epi32(B, B), packus_epi16 of those (all within 128-bit
  // lanes), pixel i of plane c sits at byte 16 * (i / 4) + 4 * c + i % 4.
  for (int o = 0; o < 64; ++o) {
    const int i = o / 3, c = o % 3;
    t.interleave[o] = static_cast<uint8_t>(o < 48 ? 16 * (i / 4) + 4 * c + i % 4 : 0);
  }
  for (int l = 0; l < 16; ++l) t.iota[l] = l;
  return t;
}

constexpr PlanarTables kPlanar = MakePlanarTables();

inline __mmask64 ByteMask(int n) { return n >= 64 ? ~0ULL : n <= 0 ? 0 : ((1ULL << n) - 1); }

// One byte plane (64 codes, already transposed) -> 64 floats in pixel order.
LEDPIPE_TARGET_AVX512_VBMI inline void DecodePlane(__m512i in, const __m512i (*tb)[4], float* out) {
  const __mmask64 hi = _mm512_movepi8_mask(in);
  __m512i b[4];
  for (int p = 0; p < 4; ++p) {
    // Index-merging permutes: codes < 128 from (tb0, tb1), then codes >= 128 from (tb2, tb3).
    const __m512i lo = _mm512_mask2_permutex2var_epi8(tb[p][0], in, static_cast<__mmask64>(~hi), tb[p][1]);
    b[p] = _mm512_mask2_permutex2var_epi8(tb[p][2], lo, hi, tb[p][3]);
  }
  const __m512i w01l = _mm512_unpacklo_epi8(b[0], b[1]), w01h = _mm512_unpackhi_epi8(b[0], b[1]);
  const __m512i w23l = _mm512_unpacklo_epi8(b[2], b[3]), w23h = _mm512_unpackhi_epi8(b[2], b[3]);
  _mm512_storeu_si512(out, _mm512_unpacklo_epi16(w01l, w23l));
  _mm512_storeu_si512(out + 16, _mm512_unpackhi_epi16(w01l, w23l));
  _mm512_storeu_si512(out + 32, _mm512_unpacklo_epi16(w01h, w23h));
  _mm512_storeu_si512(out + 48, _mm512_unpackhi_epi16(w01h, w23h));
}

LEDPIPE_TARGET_AVX512_VBMI void DecodePlanarU8Avx512(const uint8_t* src, int width, const uint8_t* planes, float* lr,
                                               float* lg, float* lb) {
  __m512i tb[4][4];
  for (int p = 0; p < 4; ++p)
    for (int q = 0; q < 4; ++q) tb[p][q] = _mm512_loadu_si512(planes + p * 256 + q * 64);
  __m512i split[3];
  __mmask64 from2[3];
  for (int c = 0; c < 3; ++c) {
    split[c] = _mm512_load_si512(reinterpret_cast<const void*>(kPlanar.split[c]));
    from2[c] = _mm512_movepi8_mask(split[c]);  // bit 7: source byte >= 128, in vector 2
  }
  const int n = width * 3;
  for (int x = 0; x < width; x += 64) {
    const int i = x * 3;
    const __m512i in0 = _mm512_maskz_loadu_epi8(ByteMask(n - i), src + i);
    const __m512i in1 = _mm512_maskz_loadu_epi8(ByteMask(n - i - 64), src + i + 64);
    const __m512i in2 = _mm512_maskz_loadu_epi8(ByteMask(n - i - 128), src + i + 128);
    float* out[3] = {lr + x, lg + x, lb + x};
    for (int c = 0; c < 3; ++c) {
      const __m512i v = _mm512_mask_permutexvar_epi8(_mm512_permutex2var_epi8(in0, split[c], in1), from2[c],
                                                     split[c], in2);
      DecodePlane(v, tb, out[c]);
    }
  }
}

template <int kMode>
LEDPIPE_TARGET_AVX512_VBMI inline __m512i PlanarBlock(const float* lr, const float* lg, const float* lb, int x,
                                                      const __m512* a, const __m512* s, __m512 xc, __m512 half,
                                                      const EncodeConsts& k, __m512i base, __m512i interleave) {
  const __m512 r = _mm512_loadu_ps(lr + x), g = _mm512_loadu_ps(lg + x), b = _mm512_loadu_ps(lb + x);
  const __m512 fx = _mm512_sub_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_set1_epi32(x), base)), xc);
  __m512i code[3];
  for (int c = 0; c < 3; ++c) {
    const __m512 m0 = _mm512_fmadd_ps(fx, s[c * 3], a[c * 3]);
    const __m512 m1 = _mm512_fmadd_ps(fx, s[c * 3 + 1], a[c * 3 + 1]);
    const __m512 m2 = _mm512_fmadd_ps(fx, s[c * 3 + 2], a[c * 3 + 2]);
    const __m512 out = _mm512_fmadd_ps(m2, b, _mm512_fmadd_ps(m1, g, _mm512_mul_ps(m0, r)));
    code[c] = kMode == 2 ? EncodeScaled(out, k, half) : EncodePoly(out, k, half);
  }
  // Saturating packs (codes may reach 256 by the fit's error: 255), then one byte permute.
  const __m512i w = _mm512_packus_epi16(_mm512_packus_epi32(code[0], code[1]), _mm512_packus_epi32(code[2], code[2]));
  return _mm512_permutexvar_epi8(interleave, w);
}

// The parts of the segments inside pixels [c0, c1), whose decoded planes start at pixel c0.
template <int kMode>
LEDPIPE_TARGET_AVX512_VBMI void PlanarSegmentsAvx512(uint8_t* row, const ThermalSegment* segs, int nsegs, int c0, int c1,
                                               const float* lr, const float* lg, const float* lb, const float* drow,
                                               const EncodeConsts& k) {
  const __m512i iota = _mm512_load_si512(reinterpret_cast<const void*>(kPlanar.iota));
  const __m512i interleave = _mm512_load_si512(reinterpret_cast<const void*>(kPlanar.interleave));
  const __m512 d = _mm512_maskz_loadu_ps(0xf, drow);
  for (int i = 0; i < nsegs; ++i) {
    const ThermalSegment& seg = segs[i];
    const int x0 = seg.x0 > c0 ? seg.x0 : c0;
    const int x1 = seg.x1 < c1 ? seg.x1 : c1;
    if (x1 <= x0) continue;
    __m512 a[9], s[9];
    for (int q = 0; q < 9; ++q) {
      a[q] = _mm512_set1_ps(seg.a[q]);
      s[q] = _mm512_set1_ps(seg.s[q]);
    }
    // fx = float(x) - xc with x = c0 + the plane index: the block passes its plane index.
    const __m512 xc = _mm512_set1_ps(seg.xc);
    const __m512i base = _mm512_add_epi32(_mm512_set1_epi32(c0 + seg.xo), iota);  // canvas coordinate
    // Blocks step 16 pixels, so lane l's dither column stays (x0 + l) & 3.
    const __m512 half = _mm512_permutexvar_ps(
        _mm512_and_si512(_mm512_add_epi32(_mm512_set1_epi32(x0 + seg.xo), iota), _mm512_set1_epi32(3)), d);
    int x = x0 - c0;
    const int end = x1 - c0;
    for (; x + 16 <= end; x += 16) {
      const __m512i bytes = PlanarBlock<kMode>(lr, lg, lb, x, a, s, xc, half, k, base, interleave);
      _mm512_mask_storeu_epi8(row + static_cast<size_t>(c0 + x) * 3, 0xffffffffffffULL, bytes);
    }
    if (x < end) {
      const __m512i bytes = PlanarBlock<kMode>(lr, lg, lb, x, a, s, xc, half, k, base, interleave);
      _mm512_mask_storeu_epi8(row + static_cast<size_t>(c0 + x) * 3, (1ULL << ((end - x) * 3)) - 1, bytes);
    }
  }
}

}  // namespace

LEDPIPE_TARGET_AVX512 void ThermalRowAvx512(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs,
                                            const ThermalTables& t, const float* drow) {
  if (nsegs <= 0) return;
  int width = 0;
  for (int i = 0; i < nsegs; ++i) width = segs[i].x1 > width ? segs[i].x1 : width;
  const int n = width * 3;
  // Decoded row, padded so whole 64-sample decode steps and 48-sample blocks stay inside.
  thread_local std::vector<float> lin_buf;
  const size_t need = static_cast<size_t>(n) + 192 > 3 * (512 + 64) ? static_cast<size_t>(n) + 192 : 3 * (512 + 64);
  if (lin_buf.size() < need) lin_buf.assign(need, 0.0f);
  float* lin = lin_buf.data();
  EncodeConsts k;
  const int mode = SetupEncode(t, st, &k);
  if (st == SampleType::kU8 && t.decode_planes != nullptr && mode != 0) {
    // In chunks of kChunk pixels, so the decoded planes (and the row) stay in L1.
    constexpr int kChunk = 512;
    const size_t pw = kChunk + 64;  // plane stride: whole 64-pixel decode steps
    float* lr = lin;
    float* lg = lin + pw;
    float* lb = lin + 2 * pw;
    for (int c0 = 0; c0 < width; c0 += kChunk) {
      const int c1 = width - c0 > kChunk ? c0 + kChunk : width;
      DecodePlanarU8Avx512(row + static_cast<size_t>(c0) * 3, c1 - c0, t.decode_planes, lr, lg, lb);
      if (mode == 2) {
        PlanarSegmentsAvx512<2>(row, segs, nsegs, c0, c1, lr, lg, lb, drow, k);
      } else {
        PlanarSegmentsAvx512<1>(row, segs, nsegs, c0, c1, lr, lg, lb, drow, k);
      }
    }
    return;
  }
  if (st == SampleType::kU8 && t.decode_planes != nullptr) {
    DecodeU8VbmiAvx512(row, n, t.decode_planes, lin);
  } else if (st == SampleType::kU16 && t.dec16 != nullptr) {
    DecodePolyU16Avx512(row, n, *t.dec16, lin);
  } else {
    DecodeGatherAvx512(row, n, st, t.decode, lin);
  }

  RotVectors rv;
  PrepareRot(&rv);
  __m512i pix[3];
  for (int j = 0; j < 3; ++j) pix[j] = LoadIdx(kLanes.pix[j]);
  for (int i = 0; i < nsegs; ++i) {
    if (mode == 3) {
      Segment<3>(row, st, segs[i], lin, t, drow, k, rv, pix);
    } else if (mode == 2) {
      Segment<2>(row, st, segs[i], lin, t, drow, k, rv, pix);
    } else if (mode == 1) {
      Segment<1>(row, st, segs[i], lin, t, drow, k, rv, pix);
    } else {
      Segment<0>(row, st, segs[i], lin, t, drow, k, rv, pix);
    }
  }
}

#else

void ThermalRowAvx512(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs, const ThermalTables& t,
                      const float* drow) {
  ThermalRowScalar(row, st, segs, nsegs, t, drow);
}

#endif

}  // namespace ledpipe
