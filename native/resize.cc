#include "resize.h"

#include <vector>

#include "resize_kernels.h"

namespace ledpipe {
namespace {

// Coefficients for the last sizes this thread resized (a video stream keeps its sizes).
struct ThreadScratch {
  AxisPlan x;
  AxisPlan y;
  std::vector<float> vrow;
  std::vector<float> hrow;
  std::vector<const uint8_t*> rows;
};

const AxisPlan& CachedPlan(AxisPlan* slot, int src, int dst, ResizeFilter filter) {
  if (slot->src != src || slot->dst != dst || slot->filter != filter || slot->taps == 0) {
    *slot = PlanAxis(src, dst, filter);
  }
  return *slot;
}

}  // namespace

void ResizeJob::Run() const {
  thread_local ThreadScratch scratch;
  const AxisPlan& px = CachedPlan(&scratch.x, src_w, dst_w, filter);
  const AxisPlan& py = CachedPlan(&scratch.y, src_h, dst_h, filter);
  const ResizeKernels& k = ResizeKernelsFor(isa);
  const size_t sb = SampleBytes(sample);
  const size_t src_stride = static_cast<size_t>(src_w) * 3 * sb;
  const size_t dst_stride = static_cast<size_t>(dst_w) * 3 * sb;
  // +4: the SIMD horizontal pass reads and writes one spare lane past the last pixel.
  scratch.vrow.resize(static_cast<size_t>(src_w) * 3 + 4);
  scratch.hrow.resize(static_cast<size_t>(dst_w) * 3 + 4);
  scratch.rows.resize(py.taps);
  scratch.vrow[static_cast<size_t>(src_w) * 3] = 0.0f;
  for (int y = 0; y < dst_h; ++y) {
    const int top = py.left[y];
    for (int t = 0; t < py.taps; ++t) scratch.rows[t] = src + static_cast<size_t>(top + t) * src_stride;
    k.vertical(scratch.rows.data(), py.coefs.data() + static_cast<size_t>(y) * py.taps, py.taps,
               static_cast<size_t>(src_w) * 3, sample, scratch.vrow.data());
    k.horizontal(scratch.vrow.data(), px.left.data(), px.coefs.data(), px.coefs_t.data(), px.taps, dst_w,
                 scratch.hrow.data());
    k.store(scratch.hrow.data(), static_cast<size_t>(dst_w) * 3, sample, dst + static_cast<size_t>(y) * dst_stride);
  }
}

}  // namespace ledpipe
