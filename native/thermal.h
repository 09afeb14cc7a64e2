// Thermal compensation of interleaved RGB frames (u8 or u16 LE), in place, in
// linear light: decode each code through a table, multiply by a per-pixel 3x3
// matrix interpolated bilinearly between zone (cabinet) centres, encode through
// a table indexed by the float's bits, round once.
//
// Numerical contract (the scalar path, and the SIMD paths where they use the tables: bit-exact, no FMA):
//   lin_c = decode[code_c]
//   m     = a + (float(x) - xc) * s        per coefficient, per row segment
//   out_c = (m_cc * lin_c + m_c,c+1 * lin_c+1) + m_c,c+2 * lin_c+2     (channels mod 3)
//   v     = min(max(out_c, 0), 1)          (NaN -> 0)
//   below 2^-E: i = 0, f = 0; else i = (bits(v) >> (23 - S)) - ((127 - E) << S),
//                                  f = float(bits(v) & (2^(23-S) - 1)) * 2^-(23-S)
//   code  = int(enc[i] + (enc[i + 1] - enc[i]) * f + d[y & 3][x & 3])
// where d is a 4x4 rounding threshold (all 0.5f: plain rounding; Bayer: ordered dither).
// where enc holds E octaves of 2^S entries (+2), already scaled to output codes.
//
// The scalar path follows this contract; the SIMD paths follow it bit for bit wherever they use
// the tables. Where a fit holds (checked against every table entry when the tables change) they
// replace the tables by polynomials fitted to them:
//   u8 out:  mode 2 (power laws, linear): v's mantissa m in [1, 2), slot = biased exponent & 31,
//            code = int(q(m) * scale[slot] + d), q a cubic (AVX2 and AVX-512); mode 1 (sRGB,
//            PQ): a cubic per slot (AVX-512). Within kThermalPolyTolerance (0.05) codes of the
//            table; E <= 31.
//   u16 out: q(m - 1.5) * scale[slot], q of degree 6, slot = biased exponent - (127 - E), E <= 47
//            (AVX-512).
//   u16 in:  decode = q'(m - 1.5) * scale'[octave of the code], within 1e-6 relative (AVX-512).
//   u8 in:   AVX-512 decodes through byte-plane permutes (VBMI; exact table values) or gathers.
// The AVX-512 path uses fused multiply-adds (gains, product, polynomials) where it uses a fit.
// v below 2^-E (and NaN) is taken as 2^-E, whose value is enc[0] within the tolerance. So the
// SIMD paths are within 1 code of scalar (and of the float64 reference), differing from it on
// ~0.5-2 % of samples where a fit is used. Gains and rows: as above (per pixel, per row segment).
#pragma once

#include <cstdint>
#include <vector>

#include "convert_kernels.h"
#include "isa.h"

namespace ledpipe {

// One run of pixels [x0, x1) of a row whose matrix is a + (float(x) - xc) * s, row-major 3x3.
// x0, x1 index the frame buffer; the matrix (and the dither column) use the canvas coordinate
// x + xo, so a frame that is a window of a larger canvas (--region) gets the canvas's values.
struct ThermalSegment {
  int x0 = 0;
  int x1 = 0;
  int xo = 0;
  float xc = 0.0f;
  float a[9] = {0};
  float s[9] = {0};
};

// Per-row setup shared by the thermal kernel and the calibration kernel's fused thermal step:
// the zone matrices interpolated vertically (in double) for row y, then split into segments
// between zone centres (constant beyond the outermost ones). Rows with the same vertical weights
// reuse the previous row's segments. One planner per thread (it caches the last row).
class ThermalRowPlanner {
 public:
  // The zone grid covers a canvas_width x canvas_height canvas (0: the frame is the canvas); the frame
  // is its width x height window at (origin_x, origin_y) (--region).
  // origin_in_xc: for kernels that evaluate a + (x - xc) * s at the frame's x (the calibration's fused
  // step), the origin is folded into xc (exact: integers and halves) and xo is 0; the thermal kernels
  // use x + xo instead.
  ThermalRowPlanner(const float* zones /* rows * cols * 9 */, int cols, int rows, int width, int height, int origin_x = 0, int origin_y = 0,
                    int canvas_width = 0, int canvas_height = 0, bool origin_in_xc = false);
  // Segments of frame row y, in x order, covering [0, width); *count set to their number.
  const ThermalSegment* Row(int y, int* count);

 private:
  const float* zones_;
  int cols_, rows_, width_, height_, ox_, oy_, cw_, ch_;
  bool origin_in_xc_;
  std::vector<int> xs_;
  std::vector<double> row_m_;
  std::vector<ThermalSegment> segs_;
  int n_ = -1, prev_r0_ = -1, prev_r1_ = -1;
  double prev_w_ = -1.0;
};

struct ThermalScaledPoly;

struct ThermalTables {
  const float* decode = nullptr;  // 256 (u8) or 65536 (u16) linear values
  const float* encode = nullptr;  // (E << S) + 2 output codes
  int octaves = 0;                // E
  int shift = 0;                  // S
  const float* dither = nullptr;  // 4x4 rounding thresholds, row-major
  // Filled by ThermalJob::Run for the SIMD paths (null: not used).
  // 5 x 32 by exponent slot: c0[32], c1[32], c2[32], c3[32], scale[32]. Mode 1: a cubic per
  // slot (scale unused); mode 2: one cubic (c*[0]) times scale[slot] (power laws, linear).
  const float* poly = nullptr;
  int poly_mode = 0;
  const uint8_t* decode_planes = nullptr;  // u8 + VBMI: 4 x 256 bytes, byte p of decode[i] at [p * 256 + i]
  const ThermalScaledPoly* enc16 = nullptr;  // u16: encode as q(t) * scale[slot] (or null)
  const ThermalScaledPoly* dec16 = nullptr;  // u16: decode as q(t) * scale[slot] (or null)
};

// u16 on AVX-512, where the transfer allows it: a degree-6 polynomial in t = mantissa - 1.5
// times a per-octave scale, fitted (least squares) to the table entries and checked against every
// one of them in the kernel's arithmetic (fused multiply-adds). Encode: slot = biased exponent
// of v - (127 - E), 0..E (E <= 47), within kThermalPolyTolerance codes of every table point.
// Decode: slot = octave of the code (its float's biased exponent - 127, 0..15; code 0 -> 0),
// within kThermalDecodeRelTolerance of every entry (relative).
struct ThermalScaledPoly {
  static constexpr int kDegree = 6;
  float c[kDegree + 1] = {0};
  float scale[48] = {0};
};
constexpr double kThermalDecodeRelTolerance = 1e-6;

// Fit for u16 output / input; false when the transfer is not close enough to a scaled polynomial.
bool FitThermalEncode16(const ThermalTables& t, ThermalScaledPoly* out, double* max_err);
bool FitThermalDecode16(const float* decode /* 65536 */, ThermalScaledPoly* out, double* max_rel_err);

// Largest error (output codes) the per-octave cubic may have against the encode table.
constexpr double kThermalPolyTolerance = 0.05;

// Fits the cubic encode to `t.encode` (u8 output, E <= 31): the mode (2 when one scaled cubic
// fits every octave, else 1 when a cubic per octave does, 0 when neither is within tolerance).
int FitThermalEncodePoly(const ThermalTables& t, float* poly /* 5 * 32 */, double* max_err);

struct ThermalJob {
  uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  SampleType sample = SampleType::kU8;
  const float* zones = nullptr;  // rows * cols * 9, row-major zones, row-major matrices
  int cols = 1;
  int rows = 1;
  // Where the frame sits on the canvas the zone grid covers (--region): zone centres, the
  // interpolation and the dither phase follow canvas coordinates. 0 x 0: the frame is the canvas.
  int origin_x = 0;
  int origin_y = 0;
  int canvas_width = 0;
  int canvas_height = 0;
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
// 16 pixels per step; a row's codes are decoded into a float buffer first, then each segment
// runs in 16-pixel blocks with a masked tail (no scalar tail).
void ThermalRowAvx512(uint8_t* row, SampleType st, const ThermalSegment* segs, int nsegs, const ThermalTables& t,
                      const float* drow);

}  // namespace ledpipe
