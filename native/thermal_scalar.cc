// Portable thermal kernel; the reference the SIMD path matches bit for bit.
#include <cstring>

#include "thermal.h"

namespace ledpipe {
namespace {

inline uint32_t LoadCode(const uint8_t* p, SampleType st) {
  if (st == SampleType::kU8) return p[0];
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8);
}

inline void StoreCode(uint8_t* p, SampleType st, uint32_t v) {
  if (st == SampleType::kU8) {
    p[0] = static_cast<uint8_t>(v);
  } else {
    p[0] = static_cast<uint8_t>(v & 0xffu);
    p[1] = static_cast<uint8_t>(v >> 8);
  }
}

inline uint32_t Encode(float v, const ThermalTables& t, float half) {
  v = v > 0.0f ? v : 0.0f;
  v = v < 1.0f ? v : 1.0f;
  int32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  const int sh = 23 - t.shift;
  const int32_t base_bits = (127 - t.octaves) << 23;
  int32_t idx = 0;
  float f = 0.0f;
  if (bits >= base_bits) {
    idx = (bits >> sh) - ((127 - t.octaves) << t.shift);
    f = static_cast<float>(bits & ((1 << sh) - 1)) * (1.0f / static_cast<float>(1 << sh));
  }
  const float e0 = t.encode[idx];
  const float e1 = t.encode[idx + 1];
  return static_cast<uint32_t>(static_cast<int32_t>((e0 + (e1 - e0) * f) + half));
}

}  // namespace

void ThermalPixelsScalar(uint8_t* row, SampleType st, const ThermalSegment& seg, int x0, int x1,
                         const ThermalTables& t, const float* drow) {
  const size_t sb = SampleBytes(st);
  for (int x = x0; x < x1; ++x) {
    uint8_t* p = row + static_cast<size_t>(x) * 3 * sb;
    const float fx = static_cast<float>(x + seg.xo) - seg.xc;
    float m[9];
    for (int k = 0; k < 9; ++k) m[k] = seg.a[k] + fx * seg.s[k];
    float lin[3];
    for (int c = 0; c < 3; ++c) lin[c] = t.decode[LoadCode(p + c * sb, st)];
    for (int c = 0; c < 3; ++c) {
      const int c1 = c == 2 ? 0 : c + 1;
      const int c2 = c == 0 ? 2 : c - 1;
      const float out = (m[c * 3 + c] * lin[c] + m[c * 3 + c1] * lin[c1]) + m[c * 3 + c2] * lin[c2];
      StoreCode(p + c * sb, st, Encode(out, t, drow[(x + seg.xo) & 3]));
    }
  }
}

void ThermalRowScalar(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs, const ThermalTables& t,
                      const float* drow) {
  for (int i = 0; i < nsegs; ++i) ThermalPixelsScalar(row, st, segs[i], segs[i].x0, segs[i].x1, t, drow);
}

}  // namespace ledpipe
