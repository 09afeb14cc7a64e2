// Runs a calibration job: rows split into bands across `threads` threads (the
// calling thread takes the first band), one row kernel per ISA path.
#include "calibration.h"

#include <thread>

namespace ledpipe {
namespace {

CalibrationRowFn RowKernelFor(Isa isa) {
  return isa == Isa::kScalar ? CalibrateRowScalar : CalibrateRowAvx2;
}

void RunBand(const CalibrationJob& job, int y0, int y1) {
  const CalibrationPlan& p = *job.plan;
  thread_local std::vector<float> scratch;
  if (scratch.size() < static_cast<size_t>(p.width) * 4) scratch.resize(static_cast<size_t>(p.width) * 4);
  const CalibrationRowFn fn = RowKernelFor(job.isa);
  const size_t stride = static_cast<size_t>(p.width) * 3 * (p.sample == SampleType::kU8 ? 1 : 2);
  const std::vector<float>& tile = p.dither[static_cast<size_t>(job.dither_index)];
  for (int y = y0; y < y1; ++y) {
    CalibrationRow a;
    a.plan = &p;
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

}  // namespace

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
