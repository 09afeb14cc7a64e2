// Thermal compensation of interleaved RGB frames (u8 or u16 LE), in place, in
// linear light: decode each code through a table, multiply by a per-pixel 3x3
// matrix interpolated bilinearly between zone (cabinet) centres, encode through
// a table indexed by the float's bits, round once.
//
// Numerical contract, identical on every ISA path (bit-exact; no FMA):
//   lin_c = decode[code_c]
//   m     = a + (float(x) - xc) * s        per coefficient, per row segment
//   out_c = (m_cc * lin_c + m_c,c+1 * lin_c+1) + m_c,c+2 * lin_c+2     (channels mod 3)
//   v     = min(max(out_c, 0), 1)          (NaN -> 0)
//   below 2^-E: i = 0, f = 0; else i = (bits(v) >> (23 - S)) - ((127 - E) << S),
//                                  f = float(bits(v) & (2^(23-S) - 1)) * 2^-(23-S)
//   code  = int(enc[i] + (enc[i + 1] - enc[i]) * f + d[y & 3][x & 3])
// where d is a 4x4 rounding threshold (all 0.5f: plain rounding; Bayer: ordered dither).
// where enc holds E octaves of 2^S entries (+2), already scaled to output codes.
#pragma once

#include <cstdint>

#include "convert_kernels.h"
#include "isa.h"

namespace ledpipe {

// One run of pixels [x0, x1) of a row whose matrix is a + (float(x) - xc) * s, row-major 3x3.
struct ThermalSegment {
  int x0 = 0;
  int x1 = 0;
  float xc = 0.0f;
  float a[9] = {0};
  float s[9] = {0};
};

struct ThermalTables {
  const float* decode = nullptr;  // 256 (u8) or 65536 (u16) linear values
  const float* encode = nullptr;  // (E << S) + 2 output codes
  int octaves = 0;                // E
  int shift = 0;                  // S
  const float* dither = nullptr;  // 4x4 rounding thresholds, row-major
};

struct ThermalJob {
  uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  SampleType sample = SampleType::kU8;
  const float* zones = nullptr;  // rows * cols * 9, row-major zones, row-major matrices
  int cols = 1;
  int rows = 1;
  ThermalTables tables;
  Isa isa = Isa::kScalar;

  void Run() const;
};

// `drow`: the 4 rounding thresholds of this row (dither + 4 * (y & 3)).
using ThermalRowFn = void (*)(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs,
                              const ThermalTables& t, const float* drow);

void ThermalRowScalar(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs, const ThermalTables& t,
                      const float* drow);
// Pixels [x0, x1) of one segment, scalar (also the SIMD paths' tails).
void ThermalPixelsScalar(uint8_t* row, SampleType st, const ThermalSegment& seg, int x0, int x1,
                         const ThermalTables& t, const float* drow);
void ThermalRowAvx2(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs, const ThermalTables& t,
                    const float* drow);

}  // namespace ledpipe
