// Portable conversion path; also the reference the SIMD paths must match bit for bit.
#include <cstring>

#include "convert_kernels.h"
#include "half.h"

namespace ledpipe {
namespace {

inline float Load(const uint8_t* p, SampleType st) {
  if (st == SampleType::kU8) return static_cast<float>(p[0]);
  return static_cast<float>(static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8));
}

inline void Store(uint8_t* p, SampleType st, float v) {
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

inline void PutPlane(void* plane, PlaneType pt, size_t i, float v) {
  if (pt == PlaneType::kF32) {
    static_cast<float*>(plane)[i] = v;
  } else {
    static_cast<uint16_t*>(plane)[i] = FloatToHalf(v);
  }
}

inline float GetPlane(const void* plane, PlaneType pt, size_t i) {
  if (pt == PlaneType::kF32) return static_cast<const float*>(plane)[i];
  return HalfToFloat(static_cast<const uint16_t*>(plane)[i]);
}

}  // namespace

void ToPlanarScalar(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt) {
  const size_t sb = SampleBytes(st);
  const float scale = st == SampleType::kU8 ? 1.0f / 255.0f : 1.0f / 65535.0f;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = src + i * 3 * sb;
    PutPlane(dst.r, pt, i, Load(p, st) * scale);
    PutPlane(dst.g, pt, i, Load(p + sb, st) * scale);
    PutPlane(dst.b, pt, i, Load(p + 2 * sb, st) * scale);
  }
}

void ToInterleavedScalar(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st) {
  const size_t sb = SampleBytes(st);
  for (size_t i = 0; i < pixels; ++i) {
    uint8_t* p = dst + i * 3 * sb;
    Store(p, st, GetPlane(src.r, pt, i));
    Store(p + sb, st, GetPlane(src.g, pt, i));
    Store(p + 2 * sb, st, GetPlane(src.b, pt, i));
  }
}

const ConvertKernels& ConvertKernelsFor(Isa isa) {
  static const ConvertKernels kScalar{ToPlanarScalar, ToInterleavedScalar};
  static const ConvertKernels kAvx2{ToPlanarAvx2, ToInterleavedAvx2};
  static const ConvertKernels kAvx512{ToPlanarAvx512, ToInterleavedAvx512};
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
