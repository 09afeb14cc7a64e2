// Scalar calibration row kernel: the reference order of float operations that
// the SIMD path reproduces lane by lane (max/min written as the SSE instructions
// define them: a > b ? a : b, NaN -> second operand).
#include <cstring>

#include "calibration.h"

namespace ledpipe {
namespace {

inline float MaxF(float a, float b) { return a > b ? a : b; }
inline float MinF(float a, float b) { return a < b ? a : b; }

inline int32_t Bits(float v) {
  int32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

inline float Encode(const CalibrationPlan& p, int c, float v) {
  int32_t b = Bits(v) - kEncodeLoBits;
  const bool zero = b < 0;
  b = b > 0 ? b : 0;
  if (p.enc_near[c] != nullptr) {
    const float r = p.enc_near[c][b >> kEncodeNearShift];
    return zero ? p.enc_zero[c] : r;
  }
  const int32_t idx = b >> kEncodeShift;
  const float frac = static_cast<float>(b & ((1 << kEncodeShift) - 1)) * (1.0f / (1 << kEncodeShift));
  const float r = p.enc_pair[c][2 * idx] + p.enc_pair[c][2 * idx + 1] * frac;
  return zero ? p.enc_zero[c] : r;
}

inline float Dot(const float* m, float r, float g, float b) { return (m[0] * r + m[1] * g) + m[2] * b; }

}  // namespace

void CalPhaseUnpackScalar(const CalibrationRow& a, int x0, int x1) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  float* P = B + w;
  for (int x = x0; x < x1; ++x) {
    int cr, cg, cb;
    if (p.sample == SampleType::kU8) {
      cr = a.row[3 * x];
      cg = a.row[3 * x + 1];
      cb = a.row[3 * x + 2];
    } else {
      const uint8_t* s = a.row + 6 * static_cast<size_t>(x);
      cr = s[0] | (s[1] << 8);
      cg = s[2] | (s[3] << 8);
      cb = s[4] | (s[5] << 8);
    }
    R[x] = p.decode[0][cr];
    G[x] = p.decode[1][cg];
    B[x] = p.decode[2][cb];
    if (p.has_matrix && !(a.flags & kCalSingleAnchor)) {
      int m = cr > cg ? cr : cg;
      m = m > cb ? m : cb;
      P[x] = p.pos[m];
    }
  }
}

void CalPhaseMatrixScalar(const CalibrationRow& a, const CalRun& run, int x0, int x1) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  const float* P = B + w;
  const int mr = a.y / p.mod_h;
  const int K = p.anchors;
  const float* mats = run.mats;
  const bool gain = (a.flags & kCalUseGain) && p.gain_type != 0;
  const bool seam = (a.flags & kCalUseSeam) && p.has_seam;
  const bool single = (a.flags & kCalSingleAnchor) || K == 1;
  const size_t plane = static_cast<size_t>(p.width) * p.height;
  const size_t pix0 = static_cast<size_t>(a.y) * p.width;
  const float srow = run.srow;
  const float* scol = seam ? p.seam_col.data() + static_cast<size_t>(mr) * p.width : nullptr;
  const ThermalSegment* th = run.therm;
  for (int x = x0; x < x1; ++x) {
    const float r = R[x], g = G[x], b = B[x];
    float o0 = 0.0f, o1 = 0.0f, o2 = 0.0f;
    if (single) {
      const float* m = mats + static_cast<size_t>(K - 1) * 9;
      o0 = o0 + 1.0f * Dot(m, r, g, b);
      o1 = o1 + 1.0f * Dot(m + 3, r, g, b);
      o2 = o2 + 1.0f * Dot(m + 6, r, g, b);
    } else {
      const float pp = P[x];
      const int k0 = static_cast<int>(pp);
      const int k1 = k0 + 1 < K - 1 ? k0 + 1 : K - 1;
      for (int j = k0; j <= k1; ++j) {
        float d = pp - static_cast<float>(j);
        d = d < 0 ? -d : d;
        const float wj = MaxF(1.0f - d, 0.0f);
        const float* m = mats + static_cast<size_t>(j) * 9;
        o0 = o0 + wj * Dot(m, r, g, b);
        o1 = o1 + wj * Dot(m + 3, r, g, b);
        o2 = o2 + wj * Dot(m + 6, r, g, b);
      }
    }
    if (gain) {
      const size_t i = pix0 + x;
      float q0, q1, q2;
      if (p.gain_type == 1) {
        q0 = p.gain[i];
        q1 = p.gain[plane + i];
        q2 = p.gain[2 * plane + i];
      } else {
        const uint16_t* g16 = reinterpret_cast<const uint16_t*>(p.gain.data());
        q0 = g16[i];
        q1 = g16[plane + i];
        q2 = g16[2 * plane + i];
      }
      o0 = o0 * (p.gain_offset[0] + p.gain_scale[0] * q0);
      o1 = o1 * (p.gain_offset[1] + p.gain_scale[1] * q1);
      o2 = o2 * (p.gain_offset[2] + p.gain_scale[2] * q2);
    }
    if (seam) {
      const float s = scol[x] * srow;
      o0 = o0 * s;
      o1 = o1 * s;
      o2 = o2 * s;
    }
    o0 = MinF(MaxF(o0, 0.0f), 1.0f);
    o1 = MinF(MaxF(o1, 0.0f), 1.0f);
    o2 = MinF(MaxF(o2, 0.0f), 1.0f);
    if (th) {
      const float fx = static_cast<float>(x) - th->xc;
      float m[9];
      for (int k = 0; k < 9; ++k) m[k] = th->a[k] + fx * th->s[k];
      const float t0 = Dot(m, o0, o1, o2), t1 = Dot(m + 3, o0, o1, o2), t2 = Dot(m + 6, o0, o1, o2);
      o0 = MinF(MaxF(t0, 0.0f), 1.0f);
      o1 = MinF(MaxF(t1, 0.0f), 1.0f);
      o2 = MinF(MaxF(t2, 0.0f), 1.0f);
    }
    R[x] = Encode(p, 0, o0);
    G[x] = Encode(p, 1, o1);
    B[x] = Encode(p, 2, o2);
  }
}

void CalPhaseLutScalar(const CalibrationRow& a, int x0, int x1) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  float* R = a.buf;
  float* G = R + w;
  float* B = G + w;
  const int n = p.lut_size;
  const size_t n3 = static_cast<size_t>(n) * n * n;
  const float* T[3] = {p.lut.data(), p.lut.data() + n3, p.lut.data() + 2 * n3};
  const int sr = 1, sg = n, sb = n * n;
  for (int x = x0; x < x1; ++x) {
    const float gr = R[x], gg = G[x], gb = B[x];
    int ir = static_cast<int>(gr), ig = static_cast<int>(gg), ib = static_cast<int>(gb);
    ir = ir < n - 2 ? ir : n - 2;
    ig = ig < n - 2 ? ig : n - 2;
    ib = ib < n - 2 ? ib : n - 2;
    const float fr = gr - static_cast<float>(ir);
    const float fg = gg - static_cast<float>(ig);
    const float fb = gb - static_cast<float>(ib);
    const bool max_r = fr >= fg && fr >= fb;
    const bool max_g = !max_r && fg >= fb;
    const bool min_b = fb <= fr && fb <= fg;
    const bool min_g = !min_b && fg <= fr && fg <= fb;
    const float fmax = MaxF(MaxF(fr, fg), fb);
    const float fmin = MinF(MinF(fr, fg), fb);
    const float fmid = MaxF(MinF(fr, fg), MinF(MaxF(fr, fg), fb));
    const int off_a = max_r ? sr : (max_g ? sg : sb);
    const int off_min = min_b ? sb : (min_g ? sg : sr);
    const int off_ab = (sr + sg + sb) - off_min;
    const int base = ir * sr + ig * sg + ib * sb;
    const int i0 = base, ia = base + off_a, iab = base + off_ab, i1 = base + sr + sg + sb;
    float out[3];
    for (int c = 0; c < 3; ++c) {
      const float c0 = T[c][i0], ca = T[c][ia], cab = T[c][iab], c1 = T[c][i1];
      out[c] = ((c0 + (ca - c0) * fmax) + (cab - ca) * fmid) + (c1 - cab) * fmin;
    }
    R[x] = out[0];
    G[x] = out[1];
    B[x] = out[2];
  }
}

void CalPhaseStoreScalar(const CalibrationRow& a, int x0, int x1) {
  const CalibrationPlan& p = *a.plan;
  const int w = p.width;
  const float* R = a.buf;
  const float* G = R + w;
  const float* B = G + w;
  const int max_out = (1 << p.out_bits) - 1;
  const float maxf = static_cast<float>(max_out);
  const float up = 65535.0f / maxf;
  const bool scale16 = p.sample == SampleType::kU16 && max_out != 65535;
  const float* src[3] = {R, G, B};
  for (int x = x0; x < x1; ++x) {
    const float t = a.dither[x & (kDitherSize - 1)];
    for (int c = 0; c < 3; ++c) {
      const float v = MinF(MaxF(src[c][x], 0.0f), 1.0f);
      int q = static_cast<int>(v * maxf + t);
      q = q < max_out ? q : max_out;
      if (p.sample == SampleType::kU8) {
        a.row[3 * x + c] = static_cast<uint8_t>(q);
      } else {
        if (scale16) q = static_cast<int>(static_cast<float>(q) * up + 0.5f);
        uint8_t* d = a.row + 6 * static_cast<size_t>(x) + 2 * c;
        d[0] = static_cast<uint8_t>(q & 0xFF);
        d[1] = static_cast<uint8_t>(q >> 8);
      }
    }
  }
}

void CalibrateRowScalar(const CalibrationRow& a) {
  const CalibrationPlan& p = *a.plan;
  CalPhaseUnpackScalar(a, 0, p.width);
  for (int i = 0; i < a.nruns; ++i) {
    ForEachThermalPiece(a.runs[i], [&](const CalRun& q) { CalPhaseMatrixScalar(a, q, q.x0, q.x1); });
  }
  if (p.lut_size > 0) CalPhaseLutScalar(a, 0, p.width);
  CalPhaseStoreScalar(a, 0, p.width);
}

}  // namespace ledpipe
