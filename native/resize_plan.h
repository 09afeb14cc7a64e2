// Separable resampling coefficients for one axis.
//
// Output sample i (0-based) is centred at source coordinate (i + 0.5) * src / dst,
// source pixel j at j + 0.5. The kernel is stretched by max(src / dst, 1), so a
// downscale widens the support and low-passes instead of aliasing. Taps outside
// the image are folded onto the edge pixel (edge replication). Weights are
// computed in double, normalised to sum to 1, then stored as float.
#pragma once

#include <cstdint>
#include <vector>

namespace ledpipe {

enum class ResizeFilter {
  kLanczos3 = 0,  // sinc(x) * sinc(x / 3), |x| < 3
  kCubic = 1,     // Keys cubic, a = -0.5 (Catmull-Rom), |x| < 2
};

struct AxisPlan {
  int src = 0;
  int dst = 0;
  ResizeFilter filter = ResizeFilter::kLanczos3;
  int taps = 0;                // taps per output sample, the same for all
  std::vector<int32_t> left;   // dst entries: first source index of the window
  std::vector<float> coefs;    // dst * taps, output-major
  std::vector<float> coefs_t;  // taps * dst, tap-major (for SIMD lanes across outputs)
};

AxisPlan PlanAxis(int src, int dst, ResizeFilter filter);

double FilterRadius(ResizeFilter filter);
double FilterWeight(ResizeFilter filter, double x);

}  // namespace ledpipe
