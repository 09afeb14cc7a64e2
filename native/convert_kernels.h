// Interleaved RGB (u8 or u16 little-endian) <-> planar float (f32 or f16 bits).
//
// Numerical contract, identical on every ISA path (bit-exact):
//   to float:  v = float(x) * (1.0f / maxv)          maxv = 255 or 65535
//   to half:   FloatToHalf(v), round to nearest even
//   to int:    c = min(max(v, 0), 1) (NaN -> 0);  x = int(c * maxv + 0.5f)
#pragma once

#include <cstddef>
#include <cstdint>

#include "isa.h"

namespace ledpipe {

enum class SampleType { kU8 = 0, kU16 = 1 };
enum class PlaneType { kF32 = 0, kF16 = 1 };

struct PlanarRef {
  void* r;
  void* g;
  void* b;
};

struct ConstPlanarRef {
  const void* r;
  const void* g;
  const void* b;
};

// `src`/`dst` interleaved bytes; u16 samples are little-endian and may be unaligned.
using ToPlanarFn = void (*)(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt);
using ToInterleavedFn = void (*)(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st);

struct ConvertKernels {
  ToPlanarFn to_planar;
  ToInterleavedFn to_interleaved;
};

const ConvertKernels& ConvertKernelsFor(Isa isa);

// Per-ISA entry points (convert_<isa>.cc).
void ToPlanarScalar(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt);
void ToInterleavedScalar(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st);
void ToPlanarAvx2(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt);
void ToInterleavedAvx2(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st);
void ToPlanarAvx512(const uint8_t* src, size_t pixels, SampleType st, PlanarRef dst, PlaneType pt);
void ToInterleavedAvx512(ConstPlanarRef src, PlaneType pt, size_t pixels, uint8_t* dst, SampleType st);

// Offsets a planar/interleaved reference by `pixels` (for SIMD tails handed to the scalar path).
inline PlanarRef Advance(PlanarRef p, PlaneType pt, size_t pixels) {
  const size_t bytes = pixels * (pt == PlaneType::kF32 ? 4 : 2);
  return {static_cast<uint8_t*>(p.r) + bytes, static_cast<uint8_t*>(p.g) + bytes, static_cast<uint8_t*>(p.b) + bytes};
}

inline ConstPlanarRef Advance(ConstPlanarRef p, PlaneType pt, size_t pixels) {
  const size_t bytes = pixels * (pt == PlaneType::kF32 ? 4 : 2);
  return {static_cast<const uint8_t*>(p.r) + bytes, static_cast<const uint8_t*>(p.g) + bytes,
          static_cast<const uint8_t*>(p.b) + bytes};
}

inline size_t SampleBytes(SampleType st) { return st == SampleType::kU8 ? 1 : 2; }

}  // namespace ledpipe
