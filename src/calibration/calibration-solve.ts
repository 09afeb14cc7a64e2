/**
 * `calibrate solve`: from a camera measurement (per pixel, per gray-level anchor, XYZ of each
 * channel driven alone) to a .ledcal calibration that brings every pixel to the target gamut and
 * white within the wall's headroom.
 *
 * 1. Per pixel and anchor, the per-unit-drive primary matrix U (columns: XYZ / level).
 * 2. Peak: the largest white luminance every pixel can reach without any channel above 100% drive
 *    for any in-gamut colour: min over pixels of 1 / max row sum of max(inv(U)·A, 0), times `headroom`.
 * 3. Per pixel and anchor, C = inv(U(d))·A·peak, where U(d) is re-interpolated (log level) at the
 *    drive each channel actually gets for the anchor's gray (a few fixed-point iterations).
 * 4. Compression for memory bandwidth: C ≈ diag(g_pixel)·M_module,anchor by alternating least squares;
 *    seam gains are the module edges' mean gain relative to the interior, divided out of g;
 *    g is quantised to u8/u16 with a per-channel offset and scale; M is stored as float16.
 */
import type { Chromaticity } from './chromaticity.js';
import { PRIMARIES_BT709, rgbToXyzMatrix, WHITE_D65 } from './colour-spaces.js';
import { halfToFloat, floatToHalf } from '../util/half-float.js';
import type { Calibration, DitherMode, TransferCurve } from './ledcal-format.js';
import { invert, mulMat, type Matrix3 } from './matrix3.js';
import type { ScreenMeasurement } from './screen-model.js';

export interface SolveOptions {
  readonly primaries?: { red: Chromaticity; green: Chromaticity; blue: Chromaticity };
  readonly white?: Chromaticity;
  readonly input?: TransferCurve;
  readonly output?: { transfer: TransferCurve; bitDepth: number; dither: DitherMode };
  /** Fraction of the achievable peak to use (default 0.98: margin for measurement noise). */
  readonly headroom?: number;
  readonly gainType?: 'u8' | 'u16';
  readonly matrixType?: 'f16' | 'f32';
  readonly seams?: boolean;
  /** Per-pixel gains are fitted on anchors at or above this level (default 0.05). */
  readonly gainFromLevel?: number;
  /** Gray-level anchors of the calibration (default DEFAULT_SOLVE_ANCHORS). */
  readonly anchors?: readonly number[];
}

/** Denser where LEDs change fastest (low gray). */
export const DEFAULT_SOLVE_ANCHORS: readonly number[] = [0.002, 0.0032, 0.005, 0.008, 0.0126, 0.02, 0.032, 0.05, 0.08, 1];

export interface SolveReport {
  /** Target white luminance relative to the mean native white (Y = 1), and in cd/m². */
  readonly peak: number;
  readonly peakNits: number;
  /** Index of the pixel that limits the peak. */
  readonly limitingPixel: { x: number; y: number };
  readonly gainRange: [number, number];
}

type M3 = number[][];
const toM = (m: Matrix3): M3 => m.map((r) => [...r]);
const asMatrix3 = (m: M3): Matrix3 => [[m[0]![0]!, m[0]![1]!, m[0]![2]!], [m[1]![0]!, m[1]![1]!, m[1]![2]!], [m[2]![0]!, m[2]![1]!, m[2]![2]!]];

export function solveCalibration(m: ScreenMeasurement, o: SolveOptions = {}): { calibration: Calibration; report: SolveReport } {
  const W = m.width, H = m.height, n = W * H;
  const levels = m.levels, L = levels.length;
  const anchors = o.anchors ?? DEFAULT_SOLVE_ANCHORS;
  const K = anchors.length;
  const primaries = o.primaries ?? { red: PRIMARIES_BT709.red, green: PRIMARIES_BT709.green, blue: PRIMARIES_BT709.blue };
  const white = o.white ?? WHITE_D65;
  const A = rgbToXyzMatrix({ name: 'target', primaries, white });
  const headroom = o.headroom ?? 0.98;
  // Channel c's per-unit XYZ at drive d (log-level interpolation between measured levels, clamped).
  const unitAt = (p: number, c: number, d: number): number[] => {
    let k = 0, t = 0;
    if (L > 1 && d > levels[0]!) {
      if (d >= levels[L - 1]!) { k = L - 2; t = 1; }
      else {
        while (d >= levels[k + 1]!) k++;
        t = Math.log(d / levels[k]!) / Math.log(levels[k + 1]! / levels[k]!);
      }
    }
    const at = (kk: number, j: number): number => m.xyz[((p * L + kk) * 3 + c) * 3 + j]! / levels[kk]!;
    return [0, 1, 2].map((j) => (L === 1 ? at(0, j) : at(k, j) * (1 - t) + at(Math.min(k + 1, L - 1), j) * t));
  };
  // Per-unit primaries at drive d for all channels: columns = channels.
  const unitMatrix = (p: number, d: readonly number[]): M3 => {
    const out: M3 = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let c = 0; c < 3; c++) {
      const u = unitAt(p, c, Math.max(d[c]!, 1e-6));
      for (let j = 0; j < 3; j++) out[j]![c] = u[j]!;
    }
    return out;
  };

  // 2. Peak.
  let peak = Infinity, limiting = 0;
  for (let p = 0; p < n; p++) {
    const Q = toM(mulMat(invert(asMatrix3(unitMatrix(p, [1, 1, 1]))), A));
    const worst = Math.max(...Q.map((row) => row.reduce((s, v) => s + Math.max(v, 0), 0)));
    const pk = 1 / worst;
    if (pk < peak) { peak = pk; limiting = p; }
  }
  peak *= headroom;

  // 3. Per-pixel, per-anchor corrections (9 floats each).
  const C = new Float64Array(n * K * 9);
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < K; k++) {
      let U = unitMatrix(p, [anchors[k]!, anchors[k]!, anchors[k]!]);
      let Cm: M3 = [];
      for (let it = 0; it < 4; it++) {
        Cm = toM(mulMat(invert(asMatrix3(U)), A)).map((row) => row.map((v) => v * peak));
        U = unitMatrix(p, Cm.map((row) => anchors[k]! * (row[0]! + row[1]! + row[2]!)));
      }
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[(p * K + k) * 9 + a * 3 + b] = Cm[a]![b]!;
    }
  }

  // 4. Compression: C[p,k] ≈ diag(g[p]) · M[module,k].
  const cols = Math.ceil(W / m.moduleWidth), rows = Math.ceil(H / m.moduleHeight);
  const modOf = (p: number): number => Math.floor(Math.floor(p / W) / m.moduleHeight) * cols + Math.floor((p % W) / m.moduleWidth);
  const g = new Float64Array(n * 3).fill(1);
  const M = new Float64Array(rows * cols * K * 9);
  const gainFromLevel = o.gainFromLevel ?? 0.05;
  for (let iter = 0; iter < 6; iter++) {
    const num = new Float64Array(M.length), den = new Float64Array(rows * cols * K * 3);
    for (let p = 0; p < n; p++) {
      const mod = modOf(p);
      for (let k = 0; k < K; k++) {
        for (let c = 0; c < 3; c++) {
          const gc = g[p * 3 + c]!;
          den[(mod * K + k) * 3 + c] += gc * gc;
          for (let j = 0; j < 3; j++) num[(mod * K + k) * 9 + c * 3 + j] += C[(p * K + k) * 9 + c * 3 + j]! * gc;
        }
      }
    }
    for (let i = 0; i < M.length; i++) M[i] = num[i]! / den[Math.floor(i / 3)]!;
    for (let p = 0; p < n; p++) {
      const mod = modOf(p);
      for (let c = 0; c < 3; c++) {
        let s = 0, used = 0;
        for (let k = 0; k < K; k++) {
          // Per-pixel gains come from the upper gray levels, where drive-dependent low-gray effects are gone;
          // the module matrices carry the low-gray correction.
          if (anchors[k]! < gainFromLevel && k !== K - 1) continue;
          used++;
          let dot = 0, mm = 0;
          for (let j = 0; j < 3; j++) {
            const mv = M[(mod * K + k) * 9 + c * 3 + j]!;
            dot += C[(p * K + k) * 9 + c * 3 + j]! * mv;
            mm += mv * mv;
          }
          s += dot / mm;
        }
        g[p * 3 + c] = s / used;
      }
    }
  }
  // Seams: module edges' mean gain relative to the interior.
  let seams: Float32Array | null = null;
  if (o.seams ?? true) {
    seams = new Float32Array(rows * cols * 4);
    for (let mr = 0; mr < rows; mr++) {
      for (let mc = 0; mc < cols; mc++) {
        const x0 = mc * m.moduleWidth, x1 = Math.min(x0 + m.moduleWidth, W) - 1;
        const y0 = mr * m.moduleHeight, y1 = Math.min(y0 + m.moduleHeight, H) - 1;
        const meanG = (p: number): number => (g[p * 3]! + g[p * 3 + 1]! + g[p * 3 + 2]!) / 3;
        let interior = 0, ni = 0;
        for (let y = y0 + 1; y < y1; y++) for (let x = x0 + 1; x < x1; x++) { interior += meanG(y * W + x); ni++; }
        interior = ni ? interior / ni : 1;
        const edgeMean = (pixels: number[]): number => (pixels.length === 0 ? 1 : pixels.reduce((s, p) => s + meanG(p), 0) / pixels.length / interior);
        const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
        const left = range(y0 + 1, y1 - 1).map((y) => y * W + x0), right = range(y0 + 1, y1 - 1).map((y) => y * W + x1);
        const top = range(x0 + 1, x1 - 1).map((x) => y0 * W + x), bottom = range(x0 + 1, x1 - 1).map((x) => y1 * W + x);
        const s = [edgeMean(left), edgeMean(right), edgeMean(top), edgeMean(bottom)];
        seams.set(s.map((v) => Math.fround(v)), (mr * cols + mc) * 4);
        for (let y = y0; y <= y1; y++) {
          for (let x = x0; x <= x1; x++) {
            let f = 1;
            if (x === x0) f *= seams[(mr * cols + mc) * 4]!;
            if (x === x1) f *= seams[(mr * cols + mc) * 4 + 1]!;
            if (y === y0) f *= seams[(mr * cols + mc) * 4 + 2]!;
            if (y === y1) f *= seams[(mr * cols + mc) * 4 + 3]!;
            if (f !== 1) for (let c = 0; c < 3; c++) g[(y * W + x) * 3 + c] /= f;
          }
        }
      }
    }
  }
  // Quantise gains (planar R, G, B).
  const gainType = o.gainType ?? 'u8';
  const maxQ = gainType === 'u8' ? 255 : 65535;
  const data = gainType === 'u8' ? new Uint8Array(3 * n) : new Uint16Array(3 * n);
  const scale: [number, number, number] = [0, 0, 0], offset: [number, number, number] = [0, 0, 0];
  let gmin = Infinity, gmax = -Infinity;
  for (let c = 0; c < 3; c++) {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < n; p++) { lo = Math.min(lo, g[p * 3 + c]!); hi = Math.max(hi, g[p * 3 + c]!); }
    gmin = Math.min(gmin, lo); gmax = Math.max(gmax, hi);
    offset[c] = Math.fround(lo);
    scale[c] = Math.fround(Math.max(hi - lo, 1e-9) / maxQ);
    for (let p = 0; p < n; p++) data[c * n + p] = Math.min(maxQ, Math.max(0, Math.round((g[p * 3 + c]! - offset[c]) / scale[c])));
  }
  const matrixType = o.matrixType ?? 'f16';
  const matrices = new Float32Array(M.length);
  for (let i = 0; i < M.length; i++) matrices[i] = matrixType === 'f16' ? halfToFloat(floatToHalf(M[i]!)) : M[i]!;
  const calibration: Calibration = {
    width: W,
    height: H,
    module: { width: m.moduleWidth, height: m.moduleHeight },
    anchors: [...anchors],
    input: o.input ?? { curve: 'gamma', gamma: 2.4 },
    output: o.output ?? { transfer: { curve: 'linear' }, bitDepth: 16, dither: 'ordered' },
    target: { primaries, white, peakNits: peak * m.peakNits },
    matrices,
    matrixType,
    gain: { type: gainType, scale, offset, data },
    seams,
    lut: null,
  };
  return { calibration, report: { peak, peakNits: peak * m.peakNits, limitingPixel: { x: limiting % W, y: Math.floor(limiting / W) }, gainRange: [gmin, gmax] } };
}
