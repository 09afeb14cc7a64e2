// Interleaved frame <-> planar tensor conversion as a job (see convert_kernels.h).
#pragma once

#include <napi.h>

#include "convert_kernels.h"

namespace ledpipe {

struct ConvertJob {
  bool to_planar = true;
  uint8_t* interleaved = nullptr;
  SampleType sample = SampleType::kU8;
  void* planes = nullptr;  // three planes of `pixels` elements, R then G then B
  PlaneType plane_type = PlaneType::kF32;
  size_t pixels = 0;
  Isa isa = Isa::kScalar;

  void Run() const;
};

void RegisterConvert(Napi::Env env, Napi::Object exports);

}  // namespace ledpipe
