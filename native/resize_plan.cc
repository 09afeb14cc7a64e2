#include "resize_plan.h"

#include <algorithm>
#include <cmath>

namespace ledpipe {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Sinc(double x) {
  if (x == 0.0) return 1.0;
  const double px = kPi * x;
  return std::sin(px) / px;
}

}  // namespace

double FilterRadius(ResizeFilter filter) { return filter == ResizeFilter::kLanczos3 ? 3.0 : 2.0; }

double FilterWeight(ResizeFilter filter, double x) {
  const double ax = std::fabs(x);
  if (filter == ResizeFilter::kLanczos3) {
    return ax < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;
  }
  constexpr double a = -0.5;
  if (ax < 1.0) return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1.0;
  if (ax < 2.0) return ((a * ax - 5.0 * a) * ax + 8.0 * a) * ax - 4.0 * a;
  return 0.0;
}

AxisPlan PlanAxis(int src, int dst, ResizeFilter filter) {
  AxisPlan plan;
  plan.src = src;
  plan.dst = dst;
  plan.filter = filter;
  const double scale = static_cast<double>(src) / dst;
  const double stretch = std::max(scale, 1.0);
  const double support = FilterRadius(filter) * stretch;
  const int max_taps = static_cast<int>(std::ceil(2.0 * support)) + 1;
  const int taps = std::min(max_taps, src);
  plan.taps = taps;
  plan.left.assign(dst, 0);
  plan.coefs.assign(static_cast<size_t>(dst) * taps, 0.0f);
  plan.coefs_t.assign(static_cast<size_t>(dst) * taps, 0.0f);
  std::vector<double> w(taps);
  for (int i = 0; i < dst; ++i) {
    const double center = (i + 0.5) * scale;
    const int j0 = static_cast<int>(std::ceil(center - support - 0.5));
    const int j1 = static_cast<int>(std::floor(center + support - 0.5));
    const int lo = std::clamp(j0, 0, src - 1);
    const int left = std::min(lo, src - taps);
    std::fill(w.begin(), w.end(), 0.0);
    double sum = 0.0;
    for (int j = j0; j <= j1; ++j) {
      const double wj = FilterWeight(filter, (j + 0.5 - center) / stretch);
      const int k = std::clamp(j, 0, src - 1) - left;
      w[k] += wj;
      sum += wj;
    }
    if (std::fabs(sum) < 1e-12) {  // cannot happen for these kernels; keep nearest as a guard
      std::fill(w.begin(), w.end(), 0.0);
      w[std::clamp(static_cast<int>(center), 0, src - 1) - left] = 1.0;
      sum = 1.0;
    }
    plan.left[i] = left;
    for (int k = 0; k < taps; ++k) {
      const float c = static_cast<float>(w[k] / sum);
      plan.coefs[static_cast<size_t>(i) * taps + k] = c;
      plan.coefs_t[static_cast<size_t>(k) * dst + i] = c;
    }
  }
  return plan;
}

}  // namespace ledpipe
