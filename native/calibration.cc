// Runs a calibration job: rows split into bands across `threads` threads (the
// calling thread takes the first band), one row kernel per ISA path.
#include "calibration.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

namespace ledpipe {
namespace {

CalibrationRowFn RowKernelFor(Isa isa) {
  switch (isa) {
    case Isa::kScalar:
      return CalibrateRowScalar;
    case Isa::kAvx2:
      return CalibrateRowAvx2;
    default:
      return CalibrateRowAvx512;
  }
}

// The shared row planner: each row's runs (module column x thermal segment) with their per-module
// set-up, for every ISA path.
class CalRowPlanner {
 public:
  explicit CalRowPlanner(const CalibrationJob& job) : job_(job), p_(*job.plan) {
    if (!job.thermal_zones.empty()) {
      // The calibration kernels evaluate a segment at the frame's x: the window's origin goes into xc.
      thermal_.reset(new ThermalRowPlanner(job.thermal_zones.data(), job.thermal_cols, job.thermal_rows, p_.width, p_.height,
                                           job.thermal_origin_x, job.thermal_origin_y, job.thermal_canvas_w,
                                           job.thermal_canvas_h, /*origin_in_xc=*/true));
    }
  }

  void Plan(int y, std::vector<CalRun>* out) {
    out->clear();
    if (!p_.has_matrix) return;
    const int mr = y / p_.mod_h;
    const int K = p_.anchors;
    const bool seam = (job_.flags & kCalUseSeam) && p_.has_seam;
    int nseg = 0;
    const ThermalSegment* segs = thermal_ ? thermal_->Row(y, &nseg) : nullptr;
    int si = 0;
    for (int mc = 0; mc < p_.mod_cols; ++mc) {
      const size_t mod = static_cast<size_t>(mr) * p_.mod_cols + mc;
      CalRun r;
      r.x0 = mc * p_.mod_w;
      r.x1 = r.x0 + p_.mod_w < p_.width ? r.x0 + p_.mod_w : p_.width;
      r.mc = mc;
      r.mats = p_.matrices.data() + mod * K * 9;
      r.mats_ad = p_.mats_ad.empty() ? nullptr : p_.mats_ad.data() + mod * 2 * 9 * 16;
      r.mats_t = r.mats_ad;  // its first half: each element at every anchor
      r.mod_x0 = r.x0;
      r.mod_x1 = r.x1;
      r.srow = seam ? p_.seam_row[static_cast<size_t>(y) * p_.mod_cols + mc] : 1.0f;
      if (segs) {
        while (si + 1 < nseg && segs[si].x1 <= r.x0) ++si;
        r.therm = &segs[si];
      }
      out->push_back(r);
    }
  }

 private:
  const CalibrationJob& job_;
  const CalibrationPlan& p_;
  std::unique_ptr<ThermalRowPlanner> thermal_;
};

void RunBand(const CalibrationJob& job, int y0, int y1) {
  const CalibrationPlan& p = *job.plan;
  thread_local std::vector<float> scratch;
  thread_local std::vector<CalRun> runs;
  if (scratch.size() < static_cast<size_t>(p.width) * 4) scratch.resize(static_cast<size_t>(p.width) * 4);
  const CalibrationRowFn fn = RowKernelFor(job.isa);
  const size_t stride = static_cast<size_t>(p.width) * 3 * (p.sample == SampleType::kU8 ? 1 : 2);
  const std::vector<float>& tile = p.dither[static_cast<size_t>(job.dither_index)];
  CalRowPlanner planner(job);
  for (int y = y0; y < y1; ++y) {
    planner.Plan(y, &runs);
    CalibrationRow a;
    a.plan = &p;
    a.runs = runs.data();
    a.nruns = static_cast<int>(runs.size());
    a.row = job.data + static_cast<size_t>(y) * stride;
    a.tail_safe = y + 1 < p.height;
    a.y = y;
    a.flags = job.flags;
    a.dither = tile.data() + static_cast<size_t>((y + job.dither_y) & (kDitherSize - 1)) * kDitherStride +
               (job.dither_x & (kDitherSize - 1));
    a.buf = scratch.data();
    fn(a);
  }
}

float FromBits(uint32_t b) {
  float v;
  std::memcpy(&v, &b, 4);
  return v;
}

uint32_t ToBits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

// The exact encode at v (the pair table's interpolation, in double; below 2^-40 the zero value).
double PairValue(const float* pairs, float zero_value, double v) {
  if (v < 0x1p-40) return zero_value;
  const float vf = static_cast<float>(v);
  const uint32_t b = ToBits(vf) - static_cast<uint32_t>(kEncodeLoBits);
  const uint32_t idx = b >> kEncodeShift;
  const double frac = static_cast<double>(b & ((1u << kEncodeShift) - 1)) / (1 << kEncodeShift);
  return static_cast<double>(pairs[2 * idx]) + static_cast<double>(pairs[2 * idx + 1]) * frac;
}

// Least-squares quartic in t of segment s: s >= 1 the octave [2^(s-32), 2^(s-31)) with t = v 2^(32-s) - 1
// in [0, 1] (the pair table's exact grid values); s = 0 everything below 2^-31, t = v 2^32 - 1 in [-1, 1).
void FitSegment(const float* pairs, float zero_value, int s, float* coef /* [k * 32 + s] */) {
  constexpr int D = kEncodePolyDegree + 1;
  double ata[D][D] = {}, atb[D] = {};
  for (int i = 0; i <= 256; ++i) {
    double t, y;
    if (s > 0) {
      t = i / 256.0;
      y = pairs[2 * ((s + 40 - kEncodePolyOctaves) * 256 + i)];  // pair table: 256 entries per octave from 2^-40
    } else {
      t = -1.0 + i / 128.0;
      y = PairValue(pairs, zero_value, std::ldexp(t + 1.0, -kEncodePolyOctaves));
    }
    double pw[D];
    pw[0] = 1;
    for (int k = 1; k < D; ++k) pw[k] = pw[k - 1] * t;
    for (int r = 0; r < D; ++r) {
      atb[r] += pw[r] * y;
      for (int c = 0; c < D; ++c) ata[r][c] += pw[r] * pw[c];
    }
  }
  for (int c = 0; c < D; ++c) {  // Gauss-Jordan with partial pivoting
    int piv = c;
    for (int r = c + 1; r < D; ++r) {
      if (std::fabs(ata[r][c]) > std::fabs(ata[piv][c])) piv = r;
    }
    for (int k = 0; k < D; ++k) std::swap(ata[c][k], ata[piv][k]);
    std::swap(atb[c], atb[piv]);
    for (int r = 0; r < D; ++r) {
      if (r == c) continue;
      const double f = ata[r][c] / ata[c][c];
      for (int k = 0; k < D; ++k) ata[r][k] -= f * ata[c][k];
      atb[r] -= f * atb[c];
    }
  }
  for (int k = 0; k < D; ++k) coef[k * kEncodePolyOctaves + s] = static_cast<float>(atb[k] / ata[k][k]);
}

}  // namespace

float EncodePolyScalar(const float* coef, float v) {
  const uint32_t cb = (ToBits(v) & ~uint32_t{0x1FFF}) | 0x1000u;
  float vc = FromBits(cb);
  vc = vc < 1.0f ? vc : 1.0f;
  int s = static_cast<int>(ToBits(vc) >> 23) - (127 - kEncodePolyOctaves);
  s = s < kEncodePolyOctaves - 1 ? s : kEncodePolyOctaves - 1;
  s = s > 0 ? s : 0;
  const float scale = FromBits(static_cast<uint32_t>(127 + kEncodePolyOctaves - s) << 23);
  const float t = vc * scale - 1.0f;
  float r = coef[kEncodePolyDegree * kEncodePolyOctaves + s];
  for (int k = kEncodePolyDegree - 1; k >= 0; --k) r = r * t + coef[k * kEncodePolyOctaves + s];
  return r;
}

void FinalizeCalibrationPlan(CalibrationPlan& p) {
  p.byte_planes.clear();
  if (p.sample == SampleType::kU8) {
    const float* tabs[4] = {p.decode[0], p.decode[1], p.decode[2], p.has_matrix ? p.pos.data() : p.decode[0]};
    p.byte_planes.resize(4 * 4 * 256);
    for (int t = 0; t < 4; ++t) {
      for (int c = 0; c < 256; ++c) {
        uint32_t bits;
        std::memcpy(&bits, tabs[t] + c, 4);
        for (int j = 0; j < 4; ++j) p.byte_planes[(t * 4 + j) * 256 + c] = static_cast<uint8_t>(bits >> (8 * j));
      }
    }
  }
  p.mats_ad.clear();
  if (p.has_matrix && p.anchors <= 16) {
    const size_t mods = static_cast<size_t>(p.mod_rows) * p.mod_cols;
    const int K = p.anchors;
    p.mats_ad.assign(mods * 2 * 9 * 16, 0.0f);
    for (size_t m = 0; m < mods; ++m) {
      const float* mm = p.matrices.data() + m * K * 9;
      for (int k = 0; k < K; ++k) {
        for (int e = 0; e < 9; ++e) {
          const float a = mm[k * 9 + e];
          const float d = k + 1 < K ? mm[(k + 1) * 9 + e] - a : 0.0f;
          p.mats_ad[((m * 2 + 0) * 9 + e) * 16 + k] = a;
          p.mats_ad[((m * 2 + 1) * 9 + e) * 16 + k] = d;
        }
      }
    }
  }
  FitEncodeScaled(p);
  FitEncodePoly(p);
}

// Power-law outputs: E(v) = q(m) * S[slot] (see CalibrationPlan::enc_scaled), fitted to the exact
// nearest table (bin centres) and checked over every bin as the kernel evaluates it (FMA Horner).
void FitEncodeScaled(CalibrationPlan& p) {
  p.enc_scaled = false;
  if (!p.has_matrix || p.lut_size > 0 || p.enc_near_store.empty() || p.out_bits > 8 || p.sample != SampleType::kU8) return;
  if (p.enc_near[0] != p.enc_near[1] || p.enc_near[1] != p.enc_near[2]) return;
  const float* exact = p.enc_near[0];
  const double max_out = static_cast<double>((1 << p.out_bits) - 1);
  constexpr int kPerOct = 1 << (23 - kEncodeNearShift);  // 1024 bins per octave
  // Bin i's centre value (the last bin: exactly 1.0).
  auto centre = [](int i) {
    const uint32_t b = static_cast<uint32_t>(kEncodeLoBits) + (static_cast<uint32_t>(i) << kEncodeNearShift) +
                       (i + 1 < kEncodeNearSize ? (1u << (kEncodeNearShift - 1)) : 0u);
    return FromBits(b);
  };
  // q: least squares on the top octave [0.5, 1) (bins of octave 39), a quartic in the mantissa m.
  constexpr int D = 5;
  double ata[D][D] = {}, atb[D] = {};
  const int top0 = 39 * kPerOct;
  for (int i = 0; i < kPerOct; ++i) {
    const double t = 2.0 * centre(top0 + i);  // the mantissa m (the polynomial is in m itself)
    const double y = exact[top0 + i] * max_out;
    double pw[D];
    pw[0] = 1;
    for (int k = 1; k < D; ++k) pw[k] = pw[k - 1] * t;
    for (int r = 0; r < D; ++r) {
      atb[r] += pw[r] * y;
      for (int c = 0; c < D; ++c) ata[r][c] += pw[r] * pw[c];
    }
  }
  for (int c = 0; c < D; ++c) {
    int piv = c;
    for (int r = c + 1; r < D; ++r)
      if (std::fabs(ata[r][c]) > std::fabs(ata[piv][c])) piv = r;
    for (int k = 0; k < D; ++k) std::swap(ata[c][k], ata[piv][k]);
    std::swap(atb[c], atb[piv]);
    for (int r = 0; r < D; ++r) {
      if (r == c) continue;
      const double f = ata[r][c] / ata[c][c];
      for (int k = 0; k < D; ++k) ata[r][k] -= f * ata[c][k];
      atb[r] -= f * atb[c];
    }
  }
  float q[D];
  for (int k = 0; k < D; ++k) q[k] = static_cast<float>(atb[k] / ata[k][k]);
  auto qf = [&](float t) {
    float r = q[D - 1];
    for (int k = D - 2; k >= 0; --k) r = std::fma(r, t, q[k]);
    return r;
  };
  // S per slot: octave [2^(s-32), 2^(s-31)) for biased exponents 96..126 (slot = exponent & 31 = 0..30),
  // slot 31 = exactly 1.0. Least-squares ratio of the exact values to q over the octave's bins.
  float S[32] = {0};
  for (int e = 96; e <= 126; ++e) {
    const int oct = e - (127 - 40);  // octave index of the nearest table (0 = [2^-40, 2^-39))
    double num = 0.0, den = 0.0;
    for (int i = 0; i < kPerOct; ++i) {
      const float v = centre(oct * kPerOct + i);
      const float m = FromBits((ToBits(v) & 0x7FFFFFu) | 0x3F800000u);
      const double a = exact[oct * kPerOct + i] * max_out, b = qf(m);
      num += a * b;
      den += b * b;
    }
    S[e & 31] = den > 0.0 ? static_cast<float>(num / den) : 0.0f;
  }
  S[127 & 31] = static_cast<float>(exact[kEncodeNearSize - 1] * max_out / qf(1.0f));
  // Check every bin (v below 2^-31 is taken as 2^-31).
  float worst = 0.0f;
  for (int i = 0; i < kEncodeNearSize; ++i) {
    float v = centre(i);
    v = v < 0x1p-31f ? 0x1p-31f : v;
    const uint32_t b = ToBits(v);
    const float m = FromBits((b & 0x7FFFFFu) | 0x3F800000u);
    const float y = qf(m) * S[(b >> 23) & 31];
    const float err = static_cast<float>(std::fabs(y - exact[i] * max_out));
    if (!(err <= kEncodeScaledTol)) return;
    worst = std::max(worst, err);
  }
  for (int k = 0; k < D; ++k) p.enc_scaled_q[k] = q[k];
  for (int k = 0; k < 32; ++k) p.enc_scaled_s[k] = S[k];
  p.enc_scaled_err = worst;
  p.enc_scaled = true;
}

// Fits E(v) per channel; keeps it (rewriting the nearest tables) only when every channel is within
// kEncodePolyTol output codes of the exact table over all its entries.
void FitEncodePoly(CalibrationPlan& p) {
  p.enc_poly = false;
  p.enc_poly_coef.clear();
  if (!p.has_matrix || p.enc_near_store.empty() || p.out_bits > 8) return;
  constexpr int P = kEncodePolyOctaves * (kEncodePolyDegree + 1);
  std::vector<float> coef(3 * P);
  const float max_out = static_cast<float>((1 << p.out_bits) - 1);
  float worst = 0.0f;
  for (int c = 0; c < 3; ++c) {
    float* cc = coef.data() + c * P;
    for (int s = 0; s < kEncodePolyOctaves; ++s) FitSegment(p.enc_pair[c], p.enc_zero[c], s, cc);
    float range = 0.0f;
    for (int i = 0; i < kEncodeNearSize; ++i) range = std::max(range, std::fabs(p.enc_near[c][i]));
    const float tol_unit = (range > 1.0f ? range : 1.0f) / max_out;
    for (int i = 0; i < kEncodeNearSize; ++i) {
      const uint32_t b = static_cast<uint32_t>(kEncodeLoBits) + (static_cast<uint32_t>(i) << kEncodeNearShift) +
                         (i + 1 < kEncodeNearSize ? (1u << (kEncodeNearShift - 1)) : 0u);
      const float e = EncodePolyScalar(cc, FromBits(b));
      const float err = std::fabs(e - p.enc_near[c][i]) / tol_unit;
      if (!(err <= kEncodePolyTol)) return;
      worst = std::max(worst, err);
    }
  }
  // Rewrite the tables (shared storage is rewritten once per channel, with the same values).
  for (int c = 0; c < 3; ++c) {
    float* t = p.enc_near_store.data() + (p.enc_near[c] - p.enc_near_store.data());
    for (int i = 0; i < kEncodeNearSize; ++i) {
      const uint32_t b = static_cast<uint32_t>(kEncodeLoBits) + (static_cast<uint32_t>(i) << kEncodeNearShift) +
                         (i + 1 < kEncodeNearSize ? (1u << (kEncodeNearShift - 1)) : 0u);
      t[i] = EncodePolyScalar(coef.data() + c * P, FromBits(b));
    }
  }
  p.enc_poly_coef = std::move(coef);
  p.enc_poly_err = worst;
  p.enc_poly = true;
}

void CalibrationJob::Run() const {
  const int h = plan->height;
  int t = threads < 1 ? 1 : threads;
  if (t > h) t = h;
  if (t == 1) {
    RunBand(*this, 0, h);
    return;
  }
  std::vector<std::thread> others;
  others.reserve(static_cast<size_t>(t - 1));
  for (int i = 1; i < t; ++i) {
    const int y0 = static_cast<int>(static_cast<int64_t>(h) * i / t);
    const int y1 = static_cast<int>(static_cast<int64_t>(h) * (i + 1) / t);
    others.emplace_back([this, y0, y1] { RunBand(*this, y0, y1); });
  }
  RunBand(*this, 0, static_cast<int>(static_cast<int64_t>(h) / t));
  for (std::thread& th : others) th.join();
}

}  // namespace ledpipe
