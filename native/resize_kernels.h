// Row kernels of the separable resize. Every ISA path performs the same float
// operations in the same order (acc = 0; acc = acc + c * v per tap, no FMA), so
// the paths agree bit for bit; rounding to integers happens once, in Store.
#pragma once

#include <cstddef>
#include <cstdint>

#include "convert_kernels.h"
#include "isa.h"

namespace ledpipe {

// out[i] = sum_k coefs[k] * float(rows[k][i]), i < n samples (u8 or little-endian u16).
using VerticalFn = void (*)(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st,
                            float* out);
// out[3x + c] = sum_k coefs[x][k] * in[3 (left[x] + k) + c] for x < dst_w.
// `in` must be readable and `out` writable 4 floats past the last sample.
using HorizontalFn = void (*)(const float* in, const int32_t* left, const float* coefs, const float* coefs_t, int taps,
                              int dst_w, float* out);
// out[i] = int(min(max(in[i], 0), maxv) + 0.5), NaN -> 0.
using StoreRowFn = void (*)(const float* in, size_t n, SampleType st, uint8_t* out);

struct ResizeKernels {
  VerticalFn vertical;
  HorizontalFn horizontal;
  StoreRowFn store;
};

const ResizeKernels& ResizeKernelsFor(Isa isa);

void VerticalScalar(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st, float* out);
void HorizontalScalar(const float* in, const int32_t* left, const float* coefs, const float* coefs_t, int taps,
                      int dst_w, float* out);
void StoreRowScalar(const float* in, size_t n, SampleType st, uint8_t* out);
void VerticalScalarRange(const uint8_t* const* rows, const float* coefs, int taps, size_t i0, size_t i1,
                         SampleType st, float* out);
void HorizontalScalarRange(const float* in, const int32_t* left, const float* coefs, int taps, int x0, int x1,
                           float* out);

void VerticalAvx2(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st, float* out);
void HorizontalAvx2(const float* in, const int32_t* left, const float* coefs, const float* coefs_t, int taps,
                    int dst_w, float* out);
void StoreRowAvx2(const float* in, size_t n, SampleType st, uint8_t* out);

void VerticalAvx512(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st, float* out);
void HorizontalAvx512(const float* in, const int32_t* left, const float* coefs, const float* coefs_t, int taps,
                      int dst_w, float* out);
void StoreRowAvx512(const float* in, size_t n, SampleType st, uint8_t* out);

}  // namespace ledpipe
