#include "tiles.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "half.h"
#include "simd_target.h"

namespace ledpipe {
namespace {

// One body, compiled three times: plain, AVX2 and AVX-512 (the compiler
// vectorises it; element-wise IEEE operations give the same bits on every path).
__attribute__((always_inline)) inline void WeightRowBody(float* weight, const float* w, float* t, int n) {
  for (int i = 0; i < n; ++i) {
    const float sum = weight[i] + w[i];
    t[i] = w[i] / sum;
    weight[i] = sum;
  }
}

__attribute__((always_inline)) inline void BlendRowBody(float* __restrict out, const float* __restrict v,
                                                        const float* __restrict t, int n) {
  for (int i = 0; i < n; ++i) out[i] = t[i] == 1.0f ? v[i] : out[i] + (v[i] - out[i]) * t[i];
}

void WeightRowScalar(float* weight, const float* w, float* t, int n) { WeightRowBody(weight, w, t, n); }
void BlendRowScalar(float* __restrict out, const float* __restrict v, const float* __restrict t, int n) {
  BlendRowBody(out, v, t, n);
}
#if LEDPIPE_HAVE_X86_SIMD
LEDPIPE_TARGET_AVX2 void WeightRowAvx2(float* weight, const float* w, float* t, int n) {
  WeightRowBody(weight, w, t, n);
}
LEDPIPE_TARGET_AVX2 void BlendRowAvx2(float* __restrict out, const float* __restrict v, const float* __restrict t,
                                      int n) {
  BlendRowBody(out, v, t, n);
}
LEDPIPE_TARGET_AVX512 void WeightRowAvx512(float* weight, const float* w, float* t, int n) {
  WeightRowBody(weight, w, t, n);
}
LEDPIPE_TARGET_AVX512 void BlendRowAvx512(float* __restrict out, const float* __restrict v,
                                          const float* __restrict t, int n) {
  BlendRowBody(out, v, t, n);
}
#else
#define WeightRowAvx2 WeightRowScalar
#define BlendRowAvx2 BlendRowScalar
#define WeightRowAvx512 WeightRowScalar
#define BlendRowAvx512 BlendRowScalar
#endif

float Ramp(int i, int n, int lead, int trail) {
  float w = 1.0f;
  if (lead > 0 && i < lead) w = std::min(w, (static_cast<float>(i) + 0.5f) / static_cast<float>(lead));
  if (trail > 0 && i >= n - trail) w = std::min(w, (static_cast<float>(n - i) - 0.5f) / static_cast<float>(trail));
  return w;
}

}  // namespace

void TileExtractJob::Run() const {
  const size_t eb = elem_bytes;
  const size_t plane = static_cast<size_t>(width) * height * eb;
  // Columns [inner_lo, inner_hi) of the tile map inside the plane.
  const int inner_lo = std::clamp(-x0, 0, tile_w);
  const int inner_hi = std::clamp(width - x0, inner_lo, tile_w);
  for (int c = 0; c < channels; ++c) {
    const uint8_t* base = src + c * plane;
    uint8_t* out = dst + static_cast<size_t>(c) * tile_w * tile_h * eb;
    for (int ty = 0; ty < tile_h; ++ty) {
      const int sy = std::clamp(y0 + ty, 0, height - 1);
      const uint8_t* row = base + static_cast<size_t>(sy) * width * eb;
      uint8_t* o = out + static_cast<size_t>(ty) * tile_w * eb;
      for (int tx = 0; tx < inner_lo; ++tx) std::memcpy(o + tx * eb, row, eb);
      if (inner_hi > inner_lo) {
        std::memcpy(o + inner_lo * eb, row + static_cast<size_t>(x0 + inner_lo) * eb,
                    static_cast<size_t>(inner_hi - inner_lo) * eb);
      }
      const uint8_t* last = row + static_cast<size_t>(width - 1) * eb;
      for (int tx = std::max(inner_hi, inner_lo); tx < tile_w; ++tx) std::memcpy(o + tx * eb, last, eb);
    }
  }
}

void TileBlendJob::Run() const {
  auto weight_row = WeightRowScalar;
  auto blend_row = BlendRowScalar;
  if (isa == Isa::kAvx2) {
    weight_row = WeightRowAvx2;
    blend_row = BlendRowAvx2;
  } else if (isa == Isa::kAvx512) {
    weight_row = WeightRowAvx512;
    blend_row = BlendRowAvx512;
  }
  const int tx0 = std::clamp(-x0, 0, tile_w);
  const int tx1 = std::clamp(width - x0, tx0, tile_w);
  const int ty0 = std::clamp(-y0, 0, tile_h);
  const int ty1 = std::clamp(height - y0, ty0, tile_h);
  const int n = tx1 - tx0;
  if (n <= 0 || ty1 <= ty0) return;
  std::vector<float> ramp_x(n), w(n), t(n), v(tile_type == PlaneType::kF16 ? n : 0);
  for (int i = 0; i < n; ++i) ramp_x[i] = Ramp(tx0 + i, tile_w, feather_left, feather_right);
  const size_t out_plane = static_cast<size_t>(width) * height;
  const size_t tile_plane = static_cast<size_t>(tile_w) * tile_h;
  for (int ty = ty0; ty < ty1; ++ty) {
    const float ry = Ramp(ty, tile_h, feather_top, feather_bottom);
    for (int i = 0; i < n; ++i) w[i] = ramp_x[i] * ry;
    const size_t o = static_cast<size_t>(y0 + ty) * width + static_cast<size_t>(x0 + tx0);
    weight_row(weight + o, w.data(), t.data(), n);
    for (int c = 0; c < channels; ++c) {
      const size_t ti = c * tile_plane + static_cast<size_t>(ty) * tile_w + tx0;
      const float* vals;
      if (tile_type == PlaneType::kF32) {
        vals = static_cast<const float*>(tile) + ti;
      } else {
        const uint16_t* h = static_cast<const uint16_t*>(tile) + ti;
        for (int i = 0; i < n; ++i) v[i] = HalfToFloat(h[i]);
        vals = v.data();
      }
      blend_row(out + c * out_plane + o, vals, t.data(), n);
    }
  }
}

}  // namespace ledpipe
