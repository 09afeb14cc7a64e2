// Separable resize of interleaved RGB (u8 or u16 LE): vertical pass into a float
// row, horizontal pass into a float row, one rounding on store. One output row
// at a time, so the scratch is two rows, reused per thread.
#pragma once

#include <cstdint>

#include "convert_kernels.h"
#include "isa.h"
#include "resize_plan.h"

namespace ledpipe {

struct ResizeJob {
  const uint8_t* src = nullptr;
  int src_w = 0;
  int src_h = 0;
  uint8_t* dst = nullptr;
  int dst_w = 0;
  int dst_h = 0;
  SampleType sample = SampleType::kU8;
  ResizeFilter filter = ResizeFilter::kLanczos3;
  Isa isa = Isa::kScalar;

  void Run() const;
};

}  // namespace ledpipe
