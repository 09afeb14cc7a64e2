// Full-gray LED calibration and 3D LUT kernel on interleaved RGB frames, in place.
//
// Per pixel (docs/CALIBRATION.md has the exact definition the TypeScript
// reference follows):
//   1. codes -> decode table per channel (input transfer; or, with no matrix,
//      straight to LUT grid coordinates / output values);
//   2. (matrix) gray-level position p = pos[max(code)] in [0, K-1]; hat weights
//      w_j = max(0, 1 - |p - j|); v' = sum_j w_j * (M_j v) with the module's
//      3x3 matrices; times the per-pixel gain (off + scale * q, u8/u16 planes);
//      times the seam gain; clamped to [0, 1]; encoded by a table indexed by the
//      float's bits (256 steps per octave from 2^-40, linear interpolation);
//   3. (LUT) tetrahedral 3D LUT on grid coordinates;
//   4. q = trunc(clamp(v, 0, 1) * maxOut + T(x, y)), T from a 64x64 dither
//      threshold tile (0.5 everywhere: no dither), clamped to maxOut; in a
//      16-bit frame with maxOut < 65535 scaled by int(q * 65535 / maxOut + 0.5).
// The scalar path, AVX2 and the AVX-512 phase kernel perform the same float operations in the same
// order without FMA, so they agree bit for bit. The fused fast paths (CalibrationPlan::enc_scaled,
// docs/CALIBRATION.md) compute the same definition with FMAs and a fitted encode: within 1 LSB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "convert_kernels.h"
#include "isa.h"
#include "thermal.h"

namespace ledpipe {

// Encode table: index = (bits(v) - bits(2^-40)) >> 15, 256 entries per octave up to 1.0.
constexpr int32_t kEncodeLoBits = (127 - 40) << 23;
constexpr int kEncodeShift = 15;
constexpr int kEncodeSize = (40 << (23 - kEncodeShift)) + 1;  // 10241
// Output depths up to 10 bits use a 4x finer table without interpolation (one lookup per sample):
// index = (bits(v) - bits(2^-40)) >> 13, value at the bin's centre; error < 0.1 LSB at 10 bits.
constexpr int kEncodeNearShift = 13;
constexpr int kEncodeNearSize = (40 << (23 - kEncodeNearShift)) + 1;  // 40961

// Dither tile: 64 rows of 128 floats (64 thresholds, repeated), so 8 lanes never wrap.
constexpr int kDitherSize = 64;
constexpr int kDitherStride = 128;

enum CalibrationFlags : int {
  kCalUseGain = 1,
  kCalUseSeam = 2,
  kCalSingleAnchor = 4,
};

struct CalibrationPlan {
  int width = 0;
  int height = 0;
  SampleType sample = SampleType::kU8;
  int out_bits = 8;
  int in_codes = 256;
  // Per channel decode tables (may share storage); in_codes floats each.
  std::vector<float> decode_store;
  const float* decode[3] = {nullptr, nullptr, nullptr};
  // Matrix part.
  bool has_matrix = false;
  int anchors = 0;
  std::vector<float> pos;  // in_codes
  int mod_w = 1, mod_h = 1, mod_cols = 1, mod_rows = 1;
  std::vector<float> matrices;  // [mod_rows][mod_cols][anchors][9]
  int gain_type = 0;            // 0 none, 1 u8, 2 u16; planar R, G, B planes of width*height
  std::vector<uint8_t> gain;
  float gain_scale[3] = {0, 0, 0};
  float gain_offset[3] = {1, 1, 1};
  bool has_seam = false;
  std::vector<float> seam_col;  // [mod_rows][width]
  std::vector<float> seam_row;  // [height][mod_cols]
  // Per channel (or shared): kEncodeSize (value, delta) pairs, so one 64-bit load fetches both.
  std::vector<float> enc_store;
  const float* enc_pair[3] = {nullptr, nullptr, nullptr};
  // Nearest-value table (when non-empty, used instead of the pairs).
  std::vector<float> enc_near_store;
  const float* enc_near[3] = {nullptr, nullptr, nullptr};
  float enc_zero[3] = {0, 0, 0};
  // 3D LUT: planar R, G, B tables of n^3 output values in [0, 1], red index fastest.
  int lut_size = 0;
  std::vector<float> lut;
  // Dither tiles by index (e.g. none / ordered / temporal), kDitherSize * kDitherStride each.
  std::vector<std::vector<float>> dither;
  // Derived by FinalizeCalibrationPlan (SIMD layouts of the tables above, same values):
  // rgb24: decode R, G, B and pos as byte planes, [table][byte 0..3][code 0..255] (AVX-512 VBMI
  // in-register lookups instead of gathers).
  std::vector<uint8_t> byte_planes;
  // Output depths <= 8 with a nearest-value encode table: a quartic E(v) per segment fitted to the
  // table (segments 1..31: the octaves from 2^-31 to 1; segment 0: [0, 2^-31) linearly),
  // coefficients [channel][k 0..4][segment].
  // When it fits within kEncodePolyTol, the table entries are replaced by E(bin centre), so the
  // scalar and AVX2 lookups return exactly what the AVX-512 path computes in registers.
  bool enc_poly = false;
  std::vector<float> enc_poly_coef;
  float enc_poly_err = 0.0f;  // largest |E - exact| over the table, in output codes
  // anchors <= 16: module matrices transposed to [module][A or D][element 0..8][anchor 0..15] (zero
  // padded), so one register holds an element at every anchor and a lane permute picks a pixel's
  // anchor; A_k = M_k, D_k = M_(k+1) - M_k (0 for the last). The phase kernel reads the A half.
  std::vector<float> mats_ad;
  // The fused fast paths (AVX-512 with VBMI, AVX2 with FMA; rgb24 in, <= 8 bits out, no LUT,
  // anchors <= 16, one shared encode table): the same per-pixel definition computed differently
  // (within 1 LSB of scalar):
  //   anchor matrices as A_k + f * D_k (k = min(int(p), K - 2), f = p - k);
  //   encode of power-law outputs (gamma, linear) as codes = q(m) * S[slot] (fused with the dither
  //     add), v = 2^e * m clamped to [2^-31, 1], slot = e's biased exponent & 31, q of degree 4 in
  //     m (in [1, 2)), S already times 2^N - 1; fitted to the exact table and checked over all its bins
  //     (kEncodeScaledTol codes; else the fast path is not used).
  bool enc_scaled = false;
  float enc_scaled_q[5] = {0, 0, 0, 0, 0};
  float enc_scaled_s[32] = {0};
  float enc_scaled_err = 0.0f;  // largest |E - exact| over the table, in output codes
};

constexpr float kEncodeScaledTol = 0.05f;  // output codes

constexpr int kEncodePolyOctaves = 32;
constexpr int kEncodePolyDegree = 4;
constexpr float kEncodePolyTol = 0.02f;  // output codes (the nearest table itself: < 0.025 at 8 bits)

// Builds the derived layouts once the plan's tables are filled.
void FinalizeCalibrationPlan(CalibrationPlan& p);
void FitEncodePoly(CalibrationPlan& p);
void FitEncodeScaled(CalibrationPlan& p);  // before FitEncodePoly rewrites the nearest table
// E(v) for v in [2^-40, 1] (coef of one channel): v's nearest-table bin centre, then the quartic.
float EncodePolyScalar(const float* coef, float v);

// One run of a row's pixels [x0, x1) inside one module (and, when thermal compensation is fused,
// inside one thermal segment). Built once per row by the shared row planner (calibration.cc) for
// every ISA path, so the per-module set-up (matrix pointers, seam row gain) lives in one place.
struct CalRun {
  int x0 = 0;
  int x1 = 0;
  int mc = 0;                               // module column
  int mod_x0 = 0, mod_x1 = 0;               // the module's columns (its seam columns: mod_x0, mod_x1 - 1)
  const float* mats_ad = nullptr;           // [2][9][16] (the fast path) or null
  const float* mats = nullptr;              // [anchors][9] of this module
  const float* mats_t = nullptr;            // [9][16] (anchors <= 16: the A half of mats_ad) or null
  float srow = 1.0f;                        // seam gain of this module's row edge (1: none)
  // Fused thermal: the segment holding x0 (segments are contiguous in memory and in x, so the next
  // ones follow: a run may span several); matrix a + (float(x) - xc) * s. Null: none.
  const ThermalSegment* therm = nullptr;
};

// Calls fn(piece) for each part of `run` inside one thermal segment (piece.therm = that segment).
template <typename F>
inline void ForEachThermalPiece(const CalRun& run, F fn) {
  if (run.therm == nullptr) {
    fn(run);
    return;
  }
  const ThermalSegment* th = run.therm;
  int x = run.x0;
  while (x < run.x1) {
    while (x >= th->x1) ++th;
    CalRun q = run;
    q.x0 = x;
    q.x1 = th->x1 < run.x1 ? th->x1 : run.x1;
    q.therm = th;
    fn(q);
    x = q.x1;
  }
}

struct CalibrationRow {
  const CalibrationPlan* plan;
  const CalRun* runs;    // the row's runs in x order (matrix plans only)
  int nruns;
  uint8_t* row;          // interleaved samples of this row
  bool tail_safe;        // 32 bytes past each 8-pixel group are readable (not the frame's last bytes)
  int y;
  int flags;
  const float* dither;   // 128 thresholds, already offset by the frame's x offset
  float* buf;            // 4 * width floats of scratch: R, G, B, P
};

using CalibrationRowFn = void (*)(const CalibrationRow& a);

void CalibrateRowScalar(const CalibrationRow& a);
void CalibrateRowAvx2(const CalibrationRow& a);
void CalibrateRowAvx512(const CalibrationRow& a);

// Scalar phases over [x0, x1), used by the SIMD path for tails.
void CalPhaseUnpackScalar(const CalibrationRow& a, int x0, int x1);
void CalPhaseMatrixScalar(const CalibrationRow& a, const CalRun& run, int x0, int x1);
void CalPhaseLutScalar(const CalibrationRow& a, int x0, int x1);
void CalPhaseStoreScalar(const CalibrationRow& a, int x0, int x1);

struct CalibrationJob {
  std::shared_ptr<const CalibrationPlan> plan;
  uint8_t* data = nullptr;
  size_t bytes = 0;
  int flags = 0;
  int dither_index = 0;
  int dither_x = 0;
  int dither_y = 0;
  int threads = 1;
  Isa isa = Isa::kScalar;
  // Fused thermal compensation (empty: none): rows * cols zone matrices, row-major, applied in
  // linear light after the calibration's clamp: t = m * v (m interpolated per pixel as the thermal
  // kernel's ThermalRowPlanner does), clamped to [0, 1], then the calibration's encode.
  std::vector<float> thermal_zones;
  int thermal_cols = 0;
  int thermal_rows = 0;
  // The frame is a window of the canvas the zone grid covers (--region): origin and canvas size (0: none).
  int thermal_origin_x = 0;
  int thermal_origin_y = 0;
  int thermal_canvas_w = 0;
  int thermal_canvas_h = 0;

  void Run() const;
};

}  // namespace ledpipe
