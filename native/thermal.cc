// Per-row setup of the thermal kernel: vertical interpolation of the zone
// matrices, then the row's segments between zone centres (shared by every ISA
// path, so the paths see the same coefficients bit for bit).
#include "thermal.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace ledpipe {
namespace {

// Zone centre k of n across `extent` pixels, in pixel-centre coordinates (pixel i is at i + 0.5).
inline double Centre(int k, int n, int extent) { return (k + 0.5) * extent / n; }

// First pixel whose centre is at or right of `c`.
inline int FirstAtOrAfter(double c) {
  const double v = std::ceil(c - 0.5);
  return v < 0 ? 0 : static_cast<int>(v);
}

// LEDPIPE_THERMAL_NO_VBMI=1 (read per frame; tests) takes the gather decode as on CPUs without VBMI.
bool CpuHasVbmi() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool has = __builtin_cpu_supports("avx512vbmi");
  const char* off = std::getenv("LEDPIPE_THERMAL_NO_VBMI");
  return has && !(off != nullptr && off[0] == '1');
#else
  return false;
#endif
}

// The encode table as the scalar path reads it, in double: octave k, mantissa m in [1, 2).
double TableAt(const ThermalTables& t, int k, double m) {
  const int per = 1 << t.shift;
  const double pos = (m - 1.0) * per;
  int i = static_cast<int>(std::floor(pos));
  if (i > per - 1) i = per - 1;
  const double f = pos - i;
  const size_t b = static_cast<size_t>(k) * per + i;
  return t.encode[b] + (static_cast<double>(t.encode[b + 1]) - t.encode[b]) * f;
}

// Solves the 4x4 system a x = y (partial pivoting).
void Solve4(double a[4][4], double y[4], double x[4]) {
  for (int i = 0; i < 4; ++i) {
    int p = i;
    for (int r = i + 1; r < 4; ++r)
      if (std::fabs(a[r][i]) > std::fabs(a[p][i])) p = r;
    for (int c = 0; c < 4; ++c) std::swap(a[i][c], a[p][c]);
    std::swap(y[i], y[p]);
    for (int r = i + 1; r < 4; ++r) {
      const double f = a[r][i] / a[i][i];
      for (int c = i; c < 4; ++c) a[r][c] -= f * a[i][c];
      y[r] -= f * y[i];
    }
  }
  for (int i = 3; i >= 0; --i) {
    double v = y[i];
    for (int c = i + 1; c < 4; ++c) v -= a[i][c] * x[c];
    x[i] = v / a[i][i];
  }
}

}  // namespace

int FitThermalEncodePoly(const ThermalTables& t, float* poly, double* max_err) {
  *max_err = 0.0;
  const int E = t.octaves;
  if (E < 1 || E > 31) return 0;
  const int per = 1 << t.shift;
  const double pi = 3.14159265358979323846;
  const float enc1 = t.encode[static_cast<size_t>(E) * per];  // v = 1.0
  auto fit = [&](int k, float* cf) {
    double a[4][4], y[4], c[4];
    for (int i = 0; i < 4; ++i) {
      const double m = 1.5 + 0.5 * std::cos((2 * i + 1) * pi / 8);  // Chebyshev nodes on [1, 2]
      for (int j = 0; j < 4; ++j) a[i][j] = std::pow(m, j);
      y[i] = TableAt(t, k, m);
    }
    Solve4(a, y, c);
    for (int j = 0; j < 4; ++j) cf[j] = static_cast<float>(c[j]);
  };
  auto horner = [](const float* cf, float m) { return ((cf[3] * m + cf[2]) * m + cf[1]) * m + cf[0]; };
  // Checked as the kernel evaluates it (float Horner, then the scale) at every table point and midpoint.
  auto check = [&](int k, const float* cf, float scale) {
    double worst = 0.0;
    for (int q = 0; q < 2 * per; ++q) {
      const float mq = static_cast<float>(1.0 + q / (2.0 * per));
      const float p = scale == 1.0f ? horner(cf, mq) : horner(cf, mq) * scale;
      const double e = std::fabs(p - TableAt(t, k, mq));
      if (e > worst) worst = e;
    }
    return worst;
  };

  // Mode 2: one cubic (the top octave's) times a per-octave scale (power laws, linear).
  std::memset(poly, 0, sizeof(float) * 5 * 32);
  float top[4];
  fit(E - 1, top);
  double err2 = 0.0;
  for (int k = 0; k < E; ++k) {
    double num = 0.0, den = 0.0;
    for (int q = 0; q <= per; ++q) {
      const double m = 1.0 + static_cast<double>(q) / per - (q == per ? 1e-12 : 0.0);
      const double a = TableAt(t, k, m), b = TableAt(t, E - 1, m);
      num += a * b;
      den += b * b;
    }
    const float r = den > 0.0 ? static_cast<float>(num / den) : 0.0f;
    poly[4 * 32 + ((127 - E + k) & 31)] = r;
    const double e = check(k, top, r);
    if (e > err2) err2 = e;
  }
  {
    const float h1 = horner(top, 1.0f);
    const float r = h1 != 0.0f ? static_cast<float>(enc1 / h1) : 0.0f;
    poly[4 * 32 + (127 & 31)] = r;
    const double e = std::fabs(static_cast<double>(h1 * r) - enc1);
    if (e > err2) err2 = e;
  }
  if (err2 <= kThermalPolyTolerance) {
    for (int j = 0; j < 4; ++j) poly[j * 32] = top[j];
    *max_err = err2;
    return 2;
  }

  // Mode 1: a cubic per octave.
  std::memset(poly, 0, sizeof(float) * 5 * 32);
  double err1 = 0.0;
  for (int k = 0; k < E; ++k) {
    float cf[4];
    fit(k, cf);
    const double e = check(k, cf, 1.0f);
    if (e > err1) err1 = e;
    for (int j = 0; j < 4; ++j) poly[j * 32 + ((127 - E + k) & 31)] = cf[j];
  }
  poly[0 * 32 + (127 & 31)] = enc1;
  *max_err = err1;
  return err1 <= kThermalPolyTolerance ? 1 : 0;
}

namespace {

// Solves the n x n system a x = y in place (partial pivoting), n <= 8.
void SolveN(int n, double a[8][8], double* y, double* x) {
  for (int i = 0; i < n; ++i) {
    int p = i;
    for (int r = i + 1; r < n; ++r)
      if (std::fabs(a[r][i]) > std::fabs(a[p][i])) p = r;
    for (int c = 0; c < n; ++c) std::swap(a[i][c], a[p][c]);
    std::swap(y[i], y[p]);
    for (int r = i + 1; r < n; ++r) {
      const double f = a[r][i] / a[i][i];
      for (int c = i; c < n; ++c) a[r][c] -= f * a[i][c];
      y[r] -= f * y[i];
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    double v = y[i];
    for (int c = i + 1; c < n; ++c) v -= a[i][c] * x[c];
    x[i] = v / a[i][i];
  }
}

// The kernel's evaluation of q at mantissa m: t = m - 1.5, Horner with fused multiply-adds.
inline float EvalQ(const ThermalScaledPoly& q, float m) {
  const float t = m - 1.5f;
  float r = q.c[ThermalScaledPoly::kDegree];
  for (int j = ThermalScaledPoly::kDegree - 1; j >= 0; --j) r = std::fmaf(r, t, q.c[j]);
  return r;
}

// Least-squares q over the points of octave `ref` (in u = 2t, converted to t), then a
// least-squares scale per octave. points(k, ms, vs) lists octave k's (mantissa, value) pairs.
template <class Points>
void FitScaled(int octaves, int ref, const Points& points, ThermalScaledPoly* q, float* scales) {
  constexpr int n = ThermalScaledPoly::kDegree + 1;
  std::vector<double> ms, vs;
  points(ref, &ms, &vs);
  double a[8][8] = {{0}}, y[8] = {0}, c[8] = {0};
  for (size_t i = 0; i < ms.size(); ++i) {
    const double u = 2.0 * (ms[i] - 1.5);
    double pu[8];
    pu[0] = 1.0;
    for (int j = 1; j < n; ++j) pu[j] = pu[j - 1] * u;
    for (int r = 0; r < n; ++r) {
      y[r] += pu[r] * vs[i];
      for (int cc = 0; cc < n; ++cc) a[r][cc] += pu[r] * pu[cc];
    }
  }
  SolveN(n, a, y, c);
  for (int j = 0; j < n; ++j) q->c[j] = static_cast<float>(c[j] * std::pow(2.0, j));
  for (int k = 0; k < octaves; ++k) {
    points(k, &ms, &vs);
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < ms.size(); ++i) {
      const double b = EvalQ(*q, static_cast<float>(ms[i]));
      num += vs[i] * b;
      den += b * b;
    }
    scales[k] = den > 0.0 ? static_cast<float>(num / den) : 0.0f;
  }
}

}  // namespace

bool FitThermalEncode16(const ThermalTables& t, ThermalScaledPoly* out, double* max_err) {
  *max_err = 0.0;
  const int E = t.octaves;
  if (E < 1 || E > 47) return false;
  const int per = 1 << t.shift;
  *out = ThermalScaledPoly();
  auto points = [&](int k, std::vector<double>* ms, std::vector<double>* vs) {
    ms->clear();
    vs->clear();
    for (int q = 0; q < per; ++q) {
      ms->push_back(1.0 + static_cast<double>(q) / per);
      vs->push_back(t.encode[static_cast<size_t>(k) * per + q]);
    }
  };
  float scales[48] = {0};
  FitScaled(E, E - 1, points, out, scales);
  std::vector<double> ms, vs;
  for (int k = 0; k < E; ++k) {
    out->scale[k] = scales[k];
    points(k, &ms, &vs);
    for (size_t i = 0; i < ms.size(); ++i) {
      const double e = std::fabs(static_cast<double>(EvalQ(*out, static_cast<float>(ms[i])) * scales[k]) - vs[i]);
      if (e > *max_err) *max_err = e;
    }
  }
  // v = 1.0: slot E, mantissa 1.
  const float enc1 = t.encode[static_cast<size_t>(E) * per];
  const float q1 = EvalQ(*out, 1.0f);
  out->scale[E] = q1 != 0.0f ? static_cast<float>(enc1 / q1) : 0.0f;
  const double e1 = std::fabs(static_cast<double>(q1 * out->scale[E]) - enc1);
  if (e1 > *max_err) *max_err = e1;
  return *max_err <= kThermalPolyTolerance;
}

bool FitThermalDecode16(const float* decode, ThermalScaledPoly* out, double* max_rel_err) {
  *max_rel_err = 0.0;
  *out = ThermalScaledPoly();
  if (decode[0] != 0.0f) return false;
  // Octave k holds codes [2^k, 2^(k+1)); mantissa m = code / 2^k.
  auto points = [&](int k, std::vector<double>* ms, std::vector<double>* vs) {
    ms->clear();
    vs->clear();
    for (int c = 1 << k; c < (2 << k) && c < 65536; ++c) {
      ms->push_back(static_cast<double>(c) / (1 << k));
      vs->push_back(decode[c]);
    }
  };
  float scales[48] = {0};
  FitScaled(16, 15, points, out, scales);
  for (int k = 0; k < 16; ++k) out->scale[(k + 15) & 15] = scales[k];  // slot: low 4 bits of 127 + k
  for (int c = 1; c < 65536; ++c) {
    int k = 0;
    while ((2 << k) <= c) ++k;
    const float m = static_cast<float>(static_cast<double>(c) / (1 << k));
    const double v = EvalQ(*out, m) * scales[k];
    const double ref = decode[c];
    if (ref <= 0.0) return false;
    const double e = std::fabs(v / ref - 1.0);
    if (e > *max_rel_err) *max_rel_err = e;
  }
  return *max_rel_err <= kThermalDecodeRelTolerance;
}

namespace {

// True (and the copy refreshed) when t's encode table (with E and S) differs from the cached copy.
bool EncodeChanged(const ThermalTables& t, std::vector<float>* copy) {
  const size_t n = (static_cast<size_t>(t.octaves) << t.shift) + 2;
  if (copy->size() == n + 2 && (*copy)[0] == static_cast<float>(t.octaves) &&
      (*copy)[1] == static_cast<float>(t.shift) && std::memcmp(copy->data() + 2, t.encode, n * sizeof(float)) == 0) {
    return false;
  }
  copy->assign(n + 2, 0.0f);
  (*copy)[0] = static_cast<float>(t.octaves);
  (*copy)[1] = static_cast<float>(t.shift);
  std::memcpy(copy->data() + 2, t.encode, n * sizeof(float));
  return true;
}

}  // namespace

void ThermalJob::Run() const {
  ThermalRowFn row_fn = isa == Isa::kScalar ? ThermalRowScalar : ThermalRowAvx2;
  ThermalTables tt = tables;
  if (isa != Isa::kScalar) {
    if (isa == Isa::kAvx512) row_fn = ThermalRowAvx512;
    if (sample == SampleType::kU8) {
      // The fit depends only on the encode table: cached against a copy of it.
      thread_local std::vector<float> enc_copy;
      thread_local float poly[5 * 32];
      thread_local int poly_mode = 0;
      if (EncodeChanged(tables, &enc_copy)) {
        double err = 0.0;
        poly_mode = FitThermalEncodePoly(tables, poly, &err);
        if (std::getenv("LEDPIPE_THERMAL_DEBUG")) {
          std::fprintf(stderr, "thermal u8 encode fit: E %d, max error %.5f code, mode %d\n", tables.octaves, err,
                       poly_mode);
        }
      }
      if (poly_mode != 0) {
        tt.poly = poly;
        tt.poly_mode = poly_mode;
      }
      if (isa == Isa::kAvx512 && CpuHasVbmi()) {
        thread_local uint8_t planes[4 * 256];
        for (int i = 0; i < 256; ++i) {
          uint32_t b;
          std::memcpy(&b, tables.decode + i, 4);
          for (int p = 0; p < 4; ++p) planes[p * 256 + i] = static_cast<uint8_t>(b >> (8 * p));
        }
        tt.decode_planes = planes;
      }
    } else if (isa == Isa::kAvx512) {
      // u16: the fits depend only on the tables: cached against copies of them.
      thread_local std::vector<float> enc_copy, dec_copy;
      thread_local ThermalScaledPoly enc16, dec16;
      thread_local bool enc_ok = false, dec_ok = false;
      if (EncodeChanged(tables, &enc_copy)) {
        double err = 0.0;
        enc_ok = FitThermalEncode16(tables, &enc16, &err);
        if (std::getenv("LEDPIPE_THERMAL_DEBUG")) {
          std::fprintf(stderr, "thermal u16 encode fit: E %d, max error %.5f code, used %d\n", tables.octaves, err,
                       enc_ok ? 1 : 0);
        }
      }
      if (dec_copy.size() != 65536 || std::memcmp(dec_copy.data(), tables.decode, 65536 * sizeof(float)) != 0) {
        dec_copy.assign(tables.decode, tables.decode + 65536);
        double err = 0.0;
        dec_ok = FitThermalDecode16(tables.decode, &dec16, &err);
        if (std::getenv("LEDPIPE_THERMAL_DEBUG")) {
          std::fprintf(stderr, "thermal u16 decode fit: max relative error %.3g, used %d\n", err, dec_ok ? 1 : 0);
        }
      }
      if (enc_ok) tt.enc16 = &enc16;
      if (dec_ok) tt.dec16 = &dec16;
    }
  }
  const size_t stride = static_cast<size_t>(width) * 3 * SampleBytes(sample);
  // The zone grid covers the canvas; this frame is the window at (origin_x, origin_y) of it (--region).
  ThermalRowPlanner planner(zones, cols, rows, width, height, origin_x, origin_y, canvas_width, canvas_height);
  for (int y = 0; y < height; ++y) {
    int n = 0;
    const ThermalSegment* segs = planner.Row(y, &n);
    row_fn(data + static_cast<size_t>(y) * stride, sample, segs, n, tt, tables.dither + 4 * ((y + origin_y) & 3));
  }
}

ThermalRowPlanner::ThermalRowPlanner(const float* zones, int cols, int rows, int width, int height, int origin_x, int origin_y, int canvas_width,
                                     int canvas_height, bool origin_in_xc)
    : zones_(zones),
      cols_(cols),
      rows_(rows),
      width_(width),
      height_(height),
      ox_(origin_x),
      oy_(origin_y),
      cw_(canvas_width > 0 ? canvas_width : width),
      ch_(canvas_height > 0 ? canvas_height : height),
      origin_in_xc_(origin_in_xc) {
  row_m_.assign(static_cast<size_t>(cols) * 9, 0.0);
  segs_.assign(static_cast<size_t>(cols) + 1, ThermalSegment());
  // Column boundaries (canvas coordinates) are the same for every row.
  xs_.resize(static_cast<size_t>(cols));
  for (int c = 0; c < cols; ++c) {
    const int v = FirstAtOrAfter(Centre(c, cols, cw_));
    xs_[c] = v > cw_ ? cw_ : v;
  }
}

const ThermalSegment* ThermalRowPlanner::Row(int y, int* count) {
  const int cols = cols_, rows = rows_, cw = cw_, ch = ch_, ox = ox_;
  // Vertical: between the zone rows around this pixel row's centre (on the canvas), clamped at the edges.
  const double py = y + oy_ + 0.5;
  int r0 = 0, r1 = 0;
  double w = 0.0;
  if (rows > 1) {
    const double first = Centre(0, rows, ch), last = Centre(rows - 1, rows, ch);
    if (py <= first) {
      r0 = r1 = 0;
    } else if (py >= last) {
      r0 = r1 = rows - 1;
    } else {
      r0 = static_cast<int>(std::floor(py * rows / ch - 0.5));
      if (r0 > rows - 2) r0 = rows - 2;
      r1 = r0 + 1;
      const double c0 = Centre(r0, rows, ch), c1 = Centre(r1, rows, ch);
      w = (py - c0) / (c1 - c0);
    }
  }
  // Rows beyond the outermost zone centres (and 1-row grids) repeat the previous row's segments.
  if (n_ >= 0 && r0 == prev_r0_ && r1 == prev_r1_ && w == prev_w_) {
    *count = n_;
    return segs_.data();
  }
  prev_r0_ = r0;
  prev_r1_ = r1;
  prev_w_ = w;
  for (int c = 0; c < cols; ++c) {
    const float* m0 = zones_ + (static_cast<size_t>(r0) * cols + c) * 9;
    const float* m1 = zones_ + (static_cast<size_t>(r1) * cols + c) * 9;
    for (int k = 0; k < 9; ++k) row_m_[c * 9 + k] = m0[k] + (static_cast<double>(m1[k]) - m0[k]) * w;
  }
  // Horizontal: constant left of the first centre and right of the last, linear between. Segments
  // are laid out on the canvas, then clipped to the frame's window [ox, ox + width).
  int n = 0;
  auto clip = [&](ThermalSegment& s, int x0, int x1) {
    x0 = x0 > ox ? x0 : ox;
    x1 = x1 < ox + width_ ? x1 : ox + width_;
    if (x1 <= x0) return false;
    s.x0 = x0 - ox;
    s.x1 = x1 - ox;
    s.xo = origin_in_xc_ ? 0 : ox;
    return true;
  };
  auto constant = [&](int x0, int x1, int c) {
    ThermalSegment& s = segs_[n];
    if (!clip(s, x0, x1)) return;
    ++n;
    s.xc = 0.0f;
    for (int k = 0; k < 9; ++k) {
      s.a[k] = static_cast<float>(row_m_[c * 9 + k]);
      s.s[k] = 0.0f;
    }
  };
  constant(0, xs_[0], 0);
  for (int c = 0; c + 1 < cols; ++c) {
    if (xs_[c + 1] <= xs_[c]) continue;
    ThermalSegment& s = segs_[n];
    if (!clip(s, xs_[c], xs_[c + 1])) continue;
    ++n;
    const double c0 = Centre(c, cols, cw), c1 = Centre(c + 1, cols, cw);
    s.xc = static_cast<float>(c0 - 0.5 - (origin_in_xc_ ? ox : 0));
    for (int k = 0; k < 9; ++k) {
      s.a[k] = static_cast<float>(row_m_[c * 9 + k]);
      s.s[k] = static_cast<float>((row_m_[(c + 1) * 9 + k] - row_m_[c * 9 + k]) / (c1 - c0));
    }
  }
  constant(xs_[cols - 1], cw, cols - 1);
  n_ = n;
  *count = n;
  return segs_.data();
}

}  // namespace ledpipe
