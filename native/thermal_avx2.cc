// AVX2 thermal kernel: 8 pixels (24 samples, three vectors in sample order) per
// step. Decode and encode are gathers on the tables; the 3x3 product works in
// sample order with the other two channels of each sample's pixel brought in by
// lane permutes, so no deinterleave is needed. Same float operations in the
// same order as thermal_scalar.cc, so the paths agree bit for bit, except the
// u8 encode where a scaled cubic fits (see thermal.h): no encode gathers.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "simd_target.h"
#include "thermal.h"

namespace ledpipe {

#if LEDPIPE_HAVE_X86_SIMD
namespace {

// Channel of lane l in vector j of a 24-sample block: (8j + l) % 3; pixel: (8j + l) / 3.
constexpr int Chan(int j, int l) { return (8 * j + l) % 3; }
constexpr int Pix(int j, int l) { return (8 * j + l) / 3; }

struct SegmentVectors {
  __m256 ad[3], sd[3], a1[3], s1[3], a2[3], s2[3];
  __m256i pix[3];
};

LEDPIPE_TARGET_AVX2 inline void Prepare(const ThermalSegment& seg, SegmentVectors* v) {
  alignas(32) float ad[8], sd[8], a1[8], s1[8], a2[8], s2[8];
  alignas(32) int32_t px[8];
  for (int j = 0; j < 3; ++j) {
    for (int l = 0; l < 8; ++l) {
      const int c = Chan(j, l);
      const int c1 = c == 2 ? 0 : c + 1;
      const int c2 = c == 0 ? 2 : c - 1;
      ad[l] = seg.a[c * 3 + c];
      sd[l] = seg.s[c * 3 + c];
      a1[l] = seg.a[c * 3 + c1];
      s1[l] = seg.s[c * 3 + c1];
      a2[l] = seg.a[c * 3 + c2];
      s2[l] = seg.s[c * 3 + c2];
      px[l] = Pix(j, l);
    }
    v->ad[j] = _mm256_load_ps(ad);
    v->sd[j] = _mm256_load_ps(sd);
    v->a1[j] = _mm256_load_ps(a1);
    v->s1[j] = _mm256_load_ps(s1);
    v->a2[j] = _mm256_load_ps(a2);
    v->s2[j] = _mm256_load_ps(s2);
    v->pix[j] = _mm256_load_si256(reinterpret_cast<const __m256i*>(px));
  }
}

LEDPIPE_TARGET_AVX2 inline __m256i LoadCodes(const uint8_t* p, SampleType st) {
  if (st == SampleType::kU8) return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

LEDPIPE_TARGET_AVX2 inline void StoreCodes(uint8_t* p, SampleType st, __m256i c) {
  const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
  if (st == SampleType::kU8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packus_epi16(w, w));
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), w);
  }
}

struct EncodeConsts {
  __m256i base_bits, base_idx, mask;
  __m256 inv, zero, one;
  int sh;
};

LEDPIPE_TARGET_AVX2 inline __m256i Encode(__m256 v, const EncodeConsts& k, const float* enc, __m256 half) {
  v = _mm256_max_ps(v, k.zero);  // NaN -> 0 (max returns the second operand)
  v = _mm256_min_ps(v, k.one);
  const __m256i bits = _mm256_castps_si256(v);
  const __m256i below = _mm256_cmpgt_epi32(k.base_bits, bits);
  const __m256i idx =
      _mm256_andnot_si256(below, _mm256_sub_epi32(_mm256_srl_epi32(bits, _mm_cvtsi32_si128(k.sh)), k.base_idx));
  const __m256 f = _mm256_andnot_ps(_mm256_castsi256_ps(below),
                                    _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(bits, k.mask)), k.inv));
  const __m256 e0 = _mm256_i32gather_ps(enc, idx, 4);
  const __m256 e1 = _mm256_i32gather_ps(enc + 1, idx, 4);
  return _mm256_cvttps_epi32(_mm256_add_ps(_mm256_add_ps(e0, _mm256_mul_ps(_mm256_sub_ps(e1, e0), f)), half));
}

// u8 output with a fitted scaled cubic (tables.poly, mode 2; see thermal.h): no gathers. The
// 32-entry scale table is four in-register permutes and three blends on the slot's bits 3 and 4.
// Unfused, as the fit was checked; within 1 code of the table path.
struct PolyConsts {
  __m256 lowest, one, c[4], s[4];
  __m256i mant, one_bits;
};

LEDPIPE_TARGET_AVX2 inline __m256i EncodeScaled(__m256 v, const PolyConsts& p, __m256 half) {
  v = _mm256_max_ps(v, p.lowest);  // NaN and anything below 2^-E -> 2^-E (value enc[0])
  v = _mm256_min_ps(v, p.one);
  const __m256i bits = _mm256_castps_si256(v);
  const __m256i slot = _mm256_srli_epi32(bits, 23);
  const __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, p.mant), p.one_bits));
  __m256 r = _mm256_add_ps(_mm256_mul_ps(p.c[3], m), p.c[2]);
  r = _mm256_add_ps(_mm256_mul_ps(r, m), p.c[1]);
  r = _mm256_add_ps(_mm256_mul_ps(r, m), p.c[0]);
  const __m256 b3 = _mm256_castsi256_ps(_mm256_slli_epi32(slot, 28));  // slot bit 3 in the sign
  const __m256 b4 = _mm256_castsi256_ps(_mm256_slli_epi32(slot, 27));  // slot bit 4 in the sign
  const __m256 s01 =
      _mm256_blendv_ps(_mm256_permutevar8x32_ps(p.s[0], slot), _mm256_permutevar8x32_ps(p.s[1], slot), b3);
  const __m256 s23 =
      _mm256_blendv_ps(_mm256_permutevar8x32_ps(p.s[2], slot), _mm256_permutevar8x32_ps(p.s[3], slot), b3);
  return _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(r, _mm256_blendv_ps(s01, s23, b4)), half));
}

// Lane sources of the "next channel" (rot1) and "channel after next" (rot2) of
// each sample's pixel, as (vector, lane) pairs, built from Chan/Pix at compile time.
struct Rot {
  int vec[8];
  int lane[8];
};

constexpr Rot MakeRot(int j, int step) {
  Rot r{};
  for (int l = 0; l < 8; ++l) {
    const int i = 8 * j + l;
    const int c = i % 3;
    const int src = i - c + (c + step) % 3;
    r.vec[l] = src / 8;
    r.lane[l] = src % 8;
  }
  return r;
}

struct RotVectors {
  __m256i idx[3][2][3];  // [j][rot][source vector]
  __m256 mask[3][2][3];
};

LEDPIPE_TARGET_AVX2 inline void PrepareRot(RotVectors* rv) {
  for (int j = 0; j < 3; ++j) {
    for (int k = 0; k < 2; ++k) {
      const Rot r = MakeRot(j, k + 1);
      for (int s = 0; s < 3; ++s) {
        alignas(32) int32_t idx[8];
        alignas(32) int32_t mask[8];
        for (int l = 0; l < 8; ++l) {
          idx[l] = r.lane[l];
          mask[l] = r.vec[l] == s ? -1 : 0;
        }
        rv->idx[j][k][s] = _mm256_load_si256(reinterpret_cast<const __m256i*>(idx));
        rv->mask[j][k][s] = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(mask)));
      }
    }
  }
}

// Hand-unrolled rotations (the source vectors each output lane draws from are fixed).
LEDPIPE_TARGET_AVX2 inline __m256 Rot2Src(__m256 a, __m256i ia, __m256 b, __m256i ib, __m256 mb) {
  return _mm256_blendv_ps(_mm256_permutevar8x32_ps(a, ia), _mm256_permutevar8x32_ps(b, ib), mb);
}

}  // namespace

LEDPIPE_TARGET_AVX2 void ThermalRowAvx2(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs,
                                        const ThermalTables& t, const float* drow) {
  const size_t sb = SampleBytes(st);
  const int sh = 23 - t.shift;
  EncodeConsts k;
  k.base_bits = _mm256_set1_epi32((127 - t.octaves) << 23);
  k.base_idx = _mm256_set1_epi32((127 - t.octaves) << t.shift);
  k.mask = _mm256_set1_epi32((1 << sh) - 1);
  k.inv = _mm256_set1_ps(1.0f / static_cast<float>(1 << sh));
  k.zero = _mm256_setzero_ps();
  k.one = _mm256_set1_ps(1.0f);
  const __m256 dpat = _mm256_setr_ps(drow[0], drow[1], drow[2], drow[3], drow[0], drow[1], drow[2], drow[3]);
  const __m256i three = _mm256_set1_epi32(3);
  k.sh = sh;
  RotVectors rv;
  PrepareRot(&rv);
  const bool poly = st == SampleType::kU8 && t.poly != nullptr && t.poly_mode == 2;
  PolyConsts pc;
  {
    const int32_t lowest_bits = (127 - t.octaves) << 23;
    float lowest;
    std::memcpy(&lowest, &lowest_bits, sizeof lowest);
    pc.lowest = _mm256_set1_ps(lowest);
    pc.one = k.one;
    pc.mant = _mm256_set1_epi32(0x7fffff);
    pc.one_bits = _mm256_set1_epi32(0x3f800000);
    for (int c = 0; c < 4; ++c) {
      pc.c[c] = _mm256_set1_ps(poly ? t.poly[c * 32] : 0.0f);
      pc.s[c] = poly ? _mm256_loadu_ps(t.poly + 4 * 32 + 8 * c) : k.zero;
    }
  }
  // Source vectors of the rotations: vector 0 draws from {0, 1}, vector 1 from {0, 1, 2}, vector 2 from {1, 2}.
  for (int i = 0; i < nsegs; ++i) {
    const ThermalSegment& seg = segs[i];
    SegmentVectors sv;
    Prepare(seg, &sv);
    const __m256 xc = _mm256_set1_ps(seg.xc);
    // 8 pixels per step. With the fitted encode (within 1 code of the table, not equal to it) the
    // tail runs the same operations on a padded copy, so a pixel's result does not depend on where
    // its segment starts (a --region window clips segments).
    alignas(32) uint8_t pad[8 * 3 * 2] = {0};
    int x = seg.x0;
    while (x < seg.x1) {
      uint8_t* p = row + static_cast<size_t>(x) * 3 * sb;
      const size_t tail = x + 8 <= seg.x1 ? 0 : static_cast<size_t>(seg.x1 - x) * 3 * sb;
      if (tail > 0) {
        if (!poly) break;
        std::memcpy(pad, p, tail);
        p = pad;
      }
      __m256 lin[3];
      for (int j = 0; j < 3; ++j) lin[j] = _mm256_i32gather_ps(t.decode, LoadCodes(p + 8 * j * sb, st), 4);
      const __m256i xb = _mm256_set1_epi32(x + seg.xo);  // canvas coordinate
      for (int j = 0; j < 3; ++j) {
        __m256 r1, r2;
        if (j == 0) {
          r1 = Rot2Src(lin[0], rv.idx[0][0][0], lin[1], rv.idx[0][0][1], rv.mask[0][0][1]);
          r2 = Rot2Src(lin[0], rv.idx[0][1][0], lin[1], rv.idx[0][1][1], rv.mask[0][1][1]);
        } else if (j == 1) {
          r1 = _mm256_blendv_ps(Rot2Src(lin[1], rv.idx[1][0][1], lin[0], rv.idx[1][0][0], rv.mask[1][0][0]),
                                _mm256_permutevar8x32_ps(lin[2], rv.idx[1][0][2]), rv.mask[1][0][2]);
          r2 = _mm256_blendv_ps(Rot2Src(lin[1], rv.idx[1][1][1], lin[0], rv.idx[1][1][0], rv.mask[1][1][0]),
                                _mm256_permutevar8x32_ps(lin[2], rv.idx[1][1][2]), rv.mask[1][1][2]);
        } else {
          r1 = Rot2Src(lin[2], rv.idx[2][0][2], lin[1], rv.idx[2][0][1], rv.mask[2][0][1]);
          r2 = Rot2Src(lin[2], rv.idx[2][1][2], lin[1], rv.idx[2][1][1], rv.mask[2][1][1]);
        }
        const __m256i px = _mm256_add_epi32(xb, sv.pix[j]);
        const __m256 fx = _mm256_sub_ps(_mm256_cvtepi32_ps(px), xc);
        const __m256 half = _mm256_permutevar8x32_ps(dpat, _mm256_and_si256(px, three));
        const __m256 md = _mm256_add_ps(sv.ad[j], _mm256_mul_ps(fx, sv.sd[j]));
        const __m256 m1 = _mm256_add_ps(sv.a1[j], _mm256_mul_ps(fx, sv.s1[j]));
        const __m256 m2 = _mm256_add_ps(sv.a2[j], _mm256_mul_ps(fx, sv.s2[j]));
        const __m256 out =
            _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(md, lin[j]), _mm256_mul_ps(m1, r1)), _mm256_mul_ps(m2, r2));
        StoreCodes(p + 8 * j * sb, st, poly ? EncodeScaled(out, pc, half) : Encode(out, k, t.encode, half));
      }
      if (tail > 0) {
        std::memcpy(row + static_cast<size_t>(x) * 3 * sb, pad, tail);
        x = seg.x1;
        break;
      }
      x += 8;
    }
    ThermalPixelsScalar(row, st, seg, x, seg.x1, t, drow);
  }
}

#else

void ThermalRowAvx2(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs, const ThermalTables& t,
                    const float* drow) {
  ThermalRowScalar(row, st, segs, nsegs, t, drow);
}

#endif

}  // namespace ledpipe
