// Row kernels of the luma SR path's fused pre- and post-pass (see sr_luma.h).
//
// Numerical contract, identical on every ISA path (bit-exact; -ffp-contract=off and
// explicit mul/add keep FMA out, sums run in the order written here):
//   split:  r = float(x) * (1 / maxv) (as toPlanar); Y = (KR * r + KG * g) + KB * b;
//           cr = r - Y; cb = b - Y; Y stored as f32 or f16 (round to nearest even).
//   horizontal (low-res chroma row -> s times wider): out[s m + p] =
//           (((((c[p][0] * in[m + base[p]]) + c[p][1] * in[m + base[p] + 1]) + ...) + c[p][5] * in[...+5]),
//           indices clamped to the row (edge replication).
//   merge:  cr = sum_k cv[k] * hr[k][x] (same order, k = 0..5), cb alike;
//           R = y + cr; B = y + cb; G = y + (GR * cr + GB * cb);
//           code = int(min(max(v, 0), 1) * maxv + 0.5f), NaN -> 0 (as toInterleaved).
#pragma once

#include <cstddef>
#include <cstdint>

#include "convert_kernels.h"
#include "isa.h"

namespace ledpipe {

// BT.709 luma weights (the TypeScript side's BT709), and G's share of a chroma change.
constexpr float kLumaKr = 0.2126f;
constexpr float kLumaKg = 0.7152f;
constexpr float kLumaKb = 0.0722f;
constexpr float kLumaGr = static_cast<float>(-0.2126 / 0.7152);
constexpr float kLumaGb = static_cast<float>(-0.0722 / 0.7152);

constexpr int kLumaTaps = 6;
constexpr int kLumaMaxScale = 4;

// Lanczos-3 polyphase taps for an integer upscale s (1, 2 or 4): output sample s m + p
// reads source samples m + base[p] .. m + base[p] + 5 with weights c[p][0..5]. The
// weights are the separable resize's (resize_plan.cc: centres (i + 0.5) / s, computed in
// double, normalised, stored as float), so an interior pixel matches resize() exactly.
struct LumaTaps {
  int scale = 0;
  int base[kLumaMaxScale] = {};
  float c[kLumaMaxScale][kLumaTaps] = {};
};

const LumaTaps& LumaTapsFor(int scale);

// Interleaved u8/u16 -> Y plane (f32 or f16) and cr, cb planes (f32), `pixels` samples.
using LumaSplitFn = void (*)(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr,
                             float* cb);
// One chroma row of `w` samples -> s * w samples in `out` (taps past either end read the
// edge sample).
using LumaHorizontalFn = void (*)(const float* in, int w, const LumaTaps& taps, float* out);
// One output row of n pixels: 6 upsampled cr rows and 6 cb rows, vertical taps cv,
// the model's Y row (f32 or f16) -> interleaved RGB u8/u16.
using LumaMergeFn = void (*)(const float* const* hr, const float* const* hb, const float* cv, const void* y,
                             PlaneType yt, size_t n, uint8_t* dst, SampleType st);

struct LumaKernels {
  LumaSplitFn split;
  LumaHorizontalFn horizontal;
  LumaMergeFn merge;
};

const LumaKernels& LumaKernelsFor(Isa isa);

void LumaSplitScalar(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr, float* cb);
void LumaHorizontalScalar(const float* in, int w, const LumaTaps& taps, float* out);
void LumaHorizontalScalarRange(const float* in, int w, int m0, int m1, const LumaTaps& taps, float* out);
// Source samples [kLumaEdge, w - kLumaEdge) have every tap inside the row.
constexpr int kLumaEdge = 3;
void LumaMergeScalar(const float* const* hr, const float* const* hb, const float* cv, const void* y, PlaneType yt,
                     size_t n, uint8_t* dst, SampleType st);

void LumaSplitAvx2(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr, float* cb);
void LumaHorizontalAvx2(const float* in, int w, const LumaTaps& taps, float* out);
void LumaMergeAvx2(const float* const* hr, const float* const* hb, const float* cv, const void* y, PlaneType yt,
                   size_t n, uint8_t* dst, SampleType st);

void LumaSplitAvx512(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr, float* cb);
void LumaHorizontalAvx512(const float* in, int w, const LumaTaps& taps, float* out);
void LumaMergeAvx512(const float* const* hr, const float* const* hb, const float* cv, const void* y, PlaneType yt,
                     size_t n, uint8_t* dst, SampleType st);

}  // namespace ledpipe
