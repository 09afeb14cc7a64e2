#include "sr_luma.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "resize_plan.h"

namespace ledpipe {
namespace {

LumaTaps ComputeTaps(int scale) {
  LumaTaps t;
  t.scale = scale;
  for (int p = 0; p < scale; ++p) {
    // Output s m + p is centred at source coordinate m + f (source pixel j at j + 0.5, as PlanAxis).
    const double f = (p + 0.5) / scale - 0.5;
    t.base[p] = f < 0.0 ? -3 : -2;
    double w[kLumaTaps];
    double sum = 0.0;
    for (int k = 0; k < kLumaTaps; ++k) {
      w[k] = FilterWeight(ResizeFilter::kLanczos3, (t.base[p] + k) - f);
      sum += w[k];
    }
    for (int k = 0; k < kLumaTaps; ++k) t.c[p][k] = static_cast<float>(w[k] / sum);
  }
  return t;
}

// Upsampled chroma rows of one band, keyed by source row (a source row feeds 6 / s output rows
// on either side, so a ring of 8 holds every row the next output row needs).
constexpr int kRing = 8;

struct MergeScratch {
  int width = -1;
  int scale = 0;
  std::vector<float> rows;    // kRing slots x 2 planes x (s width + 16)
  int slot_row[kRing];
  const float* chroma = nullptr;
};

}  // namespace

const LumaTaps& LumaTapsFor(int scale) {
  static const LumaTaps k1 = ComputeTaps(1);
  static const LumaTaps k2 = ComputeTaps(2);
  static const LumaTaps k4 = ComputeTaps(4);
  switch (scale) {
    case 1:
      return k1;
    case 2:
      return k2;
    case 4:
      return k4;
    default:
      throw std::runtime_error("luma merge: scale must be 1, 2 or 4");
  }
}

void LumaSplitJob::Run() const {
  LumaKernelsFor(isa).split(src, pixels, sample, y, y_type, chroma, chroma + pixels);
}

void LumaMergeJob::Run() const {
  thread_local MergeScratch s;
  const LumaKernels& k = LumaKernelsFor(isa);
  const LumaTaps& taps = LumaTapsFor(scale);
  const size_t out_w = static_cast<size_t>(width) * scale;
  const size_t row_floats = out_w + 16;
  if (s.width != width || s.scale != scale) {
    s.width = width;
    s.scale = scale;
    s.rows.assign(static_cast<size_t>(kRing) * 2 * row_floats, 0.0f);
  }
  // Rows cached for another frame (or another band's planes) are stale.
  std::fill(std::begin(s.slot_row), std::end(s.slot_row), -1);
  const size_t plane = static_cast<size_t>(width) * height;
  const size_t ysize = y_type == PlaneType::kF32 ? 4 : 2;
  const size_t sb = SampleBytes(sample);

  // The upsampled (horizontal) cr and cb rows of source row j, computed once per band.
  auto source_row = [&](int j, int which) -> const float* {
    j = std::clamp(j, 0, height - 1);
    const int slot = j % kRing;
    float* base = s.rows.data() + static_cast<size_t>(slot) * 2 * row_floats;
    if (s.slot_row[slot] != j) {
      for (int c = 0; c < 2; ++c) {
        k.horizontal(chroma + c * plane + static_cast<size_t>(j) * width, width, taps, base + c * row_floats);
      }
      s.slot_row[slot] = j;
    }
    return base + which * row_floats;
  };

  const float* hr[kLumaTaps];
  const float* hb[kLumaTaps];
  for (int oy = row0; oy < row1; ++oy) {
    const int m = oy / scale;
    const int p = oy % scale;
    // Fetch cr and cb together: a slot holds both planes of one source row.
    for (int t = 0; t < kLumaTaps; ++t) {
      hr[t] = source_row(m + taps.base[p] + t, 0);
      hb[t] = source_row(m + taps.base[p] + t, 1);
    }
    const auto* yrow = static_cast<const uint8_t*>(y) + static_cast<size_t>(oy) * out_w * ysize;
    k.merge(hr, hb, taps.c[p], yrow, y_type, out_w, dst + static_cast<size_t>(oy) * out_w * 3 * sb, sample);
  }
}

}  // namespace ledpipe
