// The luma SR path's per-pixel work around the model, as two fused native passes.
//
// Split (before the model): interleaved RGB frame -> the model's Y plane (BT.709, f32 or
// f16, written straight into the tensor handed to the backend) and two low-resolution
// chroma planes cr = R - Y, cb = B - Y (f32).
//
// Merge (after the model): the chroma planes upsampled s times (Lanczos-3, fixed
// polyphase taps, separable: horizontal into a small ring of rows, then vertical), added
// to the model's Y (R = y + cr, B = y + cb, G = y - (KR cr + KB cb) / KG), rounded,
// clamped and packed straight into the output frame. Output rows [row0, row1) only, so
// a frame can be merged as bands on several threads; any band split gives the same bytes.
//
// This is the old path's "Lanczos-upscale the RGB frame, then swap its luma for the
// model's" without the 8-bit round trip of the upscaled frame and without clamping its
// ringing per channel before the swap (Y is linear, so upscaling R - Y equals R minus
// Y of the upscaled R, G, B).
#pragma once

#include <napi.h>

#include "sr_luma_kernels.h"

namespace ledpipe {

struct LumaSplitJob {
  const uint8_t* src = nullptr;
  SampleType sample = SampleType::kU8;
  void* y = nullptr;
  PlaneType y_type = PlaneType::kF32;
  float* chroma = nullptr;  // cr plane then cb plane, width * height each
  size_t pixels = 0;
  Isa isa = Isa::kScalar;

  void Run() const;
};

struct LumaMergeJob {
  const void* y = nullptr;  // (s width) x (s height)
  PlaneType y_type = PlaneType::kF32;
  const float* chroma = nullptr;
  int width = 0;  // of the chroma planes (the model's input)
  int height = 0;
  int scale = 2;
  uint8_t* dst = nullptr;  // (s width) x (s height) interleaved
  SampleType sample = SampleType::kU8;
  int row0 = 0;  // output rows [row0, row1)
  int row1 = 0;
  Isa isa = Isa::kScalar;

  void Run() const;
};

void RegisterSrLuma(Napi::Env env, Napi::Object exports);

}  // namespace ledpipe
