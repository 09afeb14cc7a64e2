// Portable luma split/merge row kernels; the reference the SIMD paths match bit for bit.
#include <algorithm>

#include "half.h"
#include "sr_luma_kernels.h"

namespace ledpipe {
namespace {

inline float LoadSample(const uint8_t* p, SampleType st) {
  if (st == SampleType::kU8) return static_cast<float>(p[0]);
  return static_cast<float>(static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8));
}

inline void StoreSample(uint8_t* p, SampleType st, float v) {
  // min/max written so NaN becomes 0, as _mm_max_ps(v, 0) does.
  float c = v > 0.0f ? v : 0.0f;
  c = c < 1.0f ? c : 1.0f;
  if (st == SampleType::kU8) {
    p[0] = static_cast<uint8_t>(static_cast<int32_t>(c * 255.0f + 0.5f));
  } else {
    const auto x = static_cast<uint32_t>(static_cast<int32_t>(c * 65535.0f + 0.5f));
    p[0] = static_cast<uint8_t>(x & 0xffu);
    p[1] = static_cast<uint8_t>(x >> 8);
  }
}

}  // namespace

void LumaSplitScalar(const uint8_t* src, size_t pixels, SampleType st, void* y, PlaneType yt, float* cr, float* cb) {
  const size_t sb = SampleBytes(st);
  const float scale = st == SampleType::kU8 ? 1.0f / 255.0f : 1.0f / 65535.0f;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = src + i * 3 * sb;
    const float r = LoadSample(p, st) * scale;
    const float g = LoadSample(p + sb, st) * scale;
    const float b = LoadSample(p + 2 * sb, st) * scale;
    const float luma = (kLumaKr * r + kLumaKg * g) + kLumaKb * b;
    if (yt == PlaneType::kF32) {
      static_cast<float*>(y)[i] = luma;
    } else {
      static_cast<uint16_t*>(y)[i] = FloatToHalf(luma);
    }
    cr[i] = r - luma;
    cb[i] = b - luma;
  }
}

void LumaHorizontalScalarRange(const float* in, int w, int m0, int m1, const LumaTaps& taps, float* out) {
  const int s = taps.scale;
  for (int m = m0; m < m1; ++m) {
    for (int p = 0; p < s; ++p) {
      const float* c = taps.c[p];
      const int j = m + taps.base[p];
      const auto x = [&](int k) { return in[std::clamp(j + k, 0, w - 1)]; };
      float acc = c[0] * x(0);
      for (int k = 1; k < kLumaTaps; ++k) acc = acc + c[k] * x(k);
      out[static_cast<size_t>(m) * s + p] = acc;
    }
  }
}

void LumaHorizontalScalar(const float* in, int w, const LumaTaps& taps, float* out) {
  LumaHorizontalScalarRange(in, w, 0, w, taps, out);
}

void LumaMergeScalar(const float* const* hr, const float* const* hb, const float* cv, const void* y, PlaneType yt,
                     size_t n, uint8_t* dst, SampleType st) {
  const size_t sb = SampleBytes(st);
  for (size_t i = 0; i < n; ++i) {
    float cr = cv[0] * hr[0][i];
    float cb = cv[0] * hb[0][i];
    for (int k = 1; k < kLumaTaps; ++k) {
      cr = cr + cv[k] * hr[k][i];
      cb = cb + cv[k] * hb[k][i];
    }
    const float luma = yt == PlaneType::kF32 ? static_cast<const float*>(y)[i]
                                             : HalfToFloat(static_cast<const uint16_t*>(y)[i]);
    uint8_t* p = dst + i * 3 * sb;
    StoreSample(p, st, luma + cr);
    StoreSample(p + sb, st, luma + (kLumaGr * cr + kLumaGb * cb));
    StoreSample(p + 2 * sb, st, luma + cb);
  }
}

const LumaKernels& LumaKernelsFor(Isa isa) {
  static const LumaKernels kScalar{LumaSplitScalar, LumaHorizontalScalar, LumaMergeScalar};
  static const LumaKernels kAvx2{LumaSplitAvx2, LumaHorizontalAvx2, LumaMergeAvx2};
  static const LumaKernels kAvx512{LumaSplitAvx512, LumaHorizontalAvx512, LumaMergeAvx512};
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
