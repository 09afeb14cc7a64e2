// Portable resize row kernels; the reference the SIMD paths match bit for bit.
#include "resize_kernels.h"

namespace ledpipe {
namespace {

inline float LoadSample(const uint8_t* row, size_t i, SampleType st) {
  if (st == SampleType::kU8) return static_cast<float>(row[i]);
  const uint8_t* p = row + 2 * i;
  return static_cast<float>(static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8));
}

}  // namespace

void VerticalScalarRange(const uint8_t* const* rows, const float* coefs, int taps, size_t i0, size_t i1,
                         SampleType st, float* out) {
  for (size_t i = i0; i < i1; ++i) {
    float acc = 0.0f;
    for (int k = 0; k < taps; ++k) acc = acc + coefs[k] * LoadSample(rows[k], i, st);
    out[i] = acc;
  }
}

void VerticalScalar(const uint8_t* const* rows, const float* coefs, int taps, size_t n, SampleType st, float* out) {
  VerticalScalarRange(rows, coefs, taps, 0, n, st, out);
}

void HorizontalScalarRange(const float* in, const int32_t* left, const float* coefs, int taps, int x0, int x1,
                           float* out) {
  for (int x = x0; x < x1; ++x) {
    const float* c = coefs + static_cast<size_t>(x) * taps;
    const float* p = in + 3 * static_cast<size_t>(left[x]);
    float r = 0.0f, g = 0.0f, b = 0.0f;
    for (int k = 0; k < taps; ++k) {
      r = r + c[k] * p[3 * k];
      g = g + c[k] * p[3 * k + 1];
      b = b + c[k] * p[3 * k + 2];
    }
    out[3 * static_cast<size_t>(x)] = r;
    out[3 * static_cast<size_t>(x) + 1] = g;
    out[3 * static_cast<size_t>(x) + 2] = b;
  }
}

void HorizontalScalar(const float* in, const int32_t* left, const float* coefs, const float* /*coefs_t*/, int taps,
                      int dst_w, float* out) {
  HorizontalScalarRange(in, left, coefs, taps, 0, dst_w, out);
}

void StoreRowScalar(const float* in, size_t n, SampleType st, uint8_t* out) {
  const float maxv = st == SampleType::kU8 ? 255.0f : 65535.0f;
  for (size_t i = 0; i < n; ++i) {
    float c = in[i] > 0.0f ? in[i] : 0.0f;
    c = c < maxv ? c : maxv;
    const auto x = static_cast<uint32_t>(static_cast<int32_t>(c + 0.5f));
    if (st == SampleType::kU8) {
      out[i] = static_cast<uint8_t>(x);
    } else {
      out[2 * i] = static_cast<uint8_t>(x & 0xffu);
      out[2 * i + 1] = static_cast<uint8_t>(x >> 8);
    }
  }
}

const ResizeKernels& ResizeKernelsFor(Isa isa) {
  static const ResizeKernels kScalar{VerticalScalar, HorizontalScalar, StoreRowScalar};
  static const ResizeKernels kAvx2{VerticalAvx2, HorizontalAvx2, StoreRowAvx2};
  static const ResizeKernels kAvx512{VerticalAvx512, HorizontalAvx512, StoreRowAvx512};
  switch (isa) {
    case Isa::kAvx2:
      return kAvx2;
    case Isa::kAvx512:
      return kAvx512;
    default:
      return kScalar;
  }
}

}  // namespace ledpipe
