// Per-row setup of the thermal kernel: vertical interpolation of the zone
// matrices, then the row's segments between zone centres (shared by every ISA
// path, so the paths see the same coefficients bit for bit).
#include "thermal.h"

#include <cmath>
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

}  // namespace

void ThermalJob::Run() const {
  const ThermalRowFn row_fn = isa == Isa::kScalar ? ThermalRowScalar : ThermalRowAvx2;
  const size_t stride = static_cast<size_t>(width) * 3 * SampleBytes(sample);
  thread_local std::vector<double> row_m;
  thread_local std::vector<ThermalSegment> segs;
  row_m.assign(static_cast<size_t>(cols) * 9, 0.0);
  segs.assign(static_cast<size_t>(cols) + 1, ThermalSegment());

  // Column boundaries are the same for every row.
  std::vector<int> xs(static_cast<size_t>(cols));
  for (int c = 0; c < cols; ++c) {
    const int v = FirstAtOrAfter(Centre(c, cols, width));
    xs[c] = v > width ? width : v;
  }

  for (int y = 0; y < height; ++y) {
    // Vertical: between the zone rows around this pixel row's centre, clamped at the edges.
    const double py = y + 0.5;
    int r0 = 0, r1 = 0;
    double w = 0.0;
    if (rows > 1) {
      const double first = Centre(0, rows, height), last = Centre(rows - 1, rows, height);
      if (py <= first) {
        r0 = r1 = 0;
      } else if (py >= last) {
        r0 = r1 = rows - 1;
      } else {
        r0 = static_cast<int>(std::floor(py * rows / height - 0.5));
        if (r0 > rows - 2) r0 = rows - 2;
        r1 = r0 + 1;
        const double c0 = Centre(r0, rows, height), c1 = Centre(r1, rows, height);
        w = (py - c0) / (c1 - c0);
      }
    }
    for (int c = 0; c < cols; ++c) {
      const float* m0 = zones + (static_cast<size_t>(r0) * cols + c) * 9;
      const float* m1 = zones + (static_cast<size_t>(r1) * cols + c) * 9;
      for (int k = 0; k < 9; ++k) row_m[c * 9 + k] = m0[k] + (static_cast<double>(m1[k]) - m0[k]) * w;
    }
    // Horizontal: constant left of the first centre and right of the last, linear between.
    int n = 0;
    auto constant = [&](int x0, int x1, int c) {
      if (x1 <= x0) return;
      ThermalSegment& s = segs[n++];
      s.x0 = x0;
      s.x1 = x1;
      s.xc = 0.0f;
      for (int k = 0; k < 9; ++k) {
        s.a[k] = static_cast<float>(row_m[c * 9 + k]);
        s.s[k] = 0.0f;
      }
    };
    constant(0, xs[0], 0);
    for (int c = 0; c + 1 < cols; ++c) {
      if (xs[c + 1] <= xs[c]) continue;
      ThermalSegment& s = segs[n++];
      const double c0 = Centre(c, cols, width), c1 = Centre(c + 1, cols, width);
      s.x0 = xs[c];
      s.x1 = xs[c + 1];
      s.xc = static_cast<float>(c0 - 0.5);
      for (int k = 0; k < 9; ++k) {
        s.a[k] = static_cast<float>(row_m[c * 9 + k]);
        s.s[k] = static_cast<float>((row_m[(c + 1) * 9 + k] - row_m[c * 9 + k]) / (c1 - c0));
      }
    }
    constant(xs[cols - 1], width, cols - 1);
    row_fn(data + static_cast<size_t>(y) * stride, sample, segs.data(), n, tables, tables.dither + 4 * (y & 3));
  }
}

}  // namespace ledpipe
