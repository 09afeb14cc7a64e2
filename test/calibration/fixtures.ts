/** Synthetic calibrations and frames for the full-gray calibration suites. */
import type { Calibration, TransferCurve } from '../../src/calibration/ledcal-format.js';
import { moduleGrid } from '../../src/calibration/ledcal-format.js';
import { PRIMARIES_BT709, WHITE_D65 } from '../../src/calibration/colour-spaces.js';
import { lut3dFromFunction } from '../../src/calibration/lut-builders.js';
import type { CubeLut } from '../../src/calibration/cube-lut.js';
import { nativeStatus } from '../../src/native/index.js';
import { nativeCalibrationAvailable } from '../../src/native/calibration.js';
import { seededRandom as rng } from '../../src/util/seeded-random.js';

export const nativeCalAvailable = nativeStatus().available && nativeCalibrationAvailable();
export const nativeSkipNote = nativeCalAvailable ? '' : ` (skipped: ${nativeStatus().reason ?? 'addon has no calibration kernel'})`;

export { seededRandom as rng } from '../../src/util/seeded-random.js';

export interface FixtureOptions {
  width?: number;
  height?: number;
  moduleWidth?: number;
  moduleHeight?: number;
  anchors?: number[];
  gain?: 'u8' | 'u16' | null;
  seams?: boolean;
  input?: TransferCurve;
  output?: TransferCurve;
  bitDepth?: number;
  lut?: CubeLut | null;
  seed?: number;
}

/** A calibration with near-identity matrices that differ per module and anchor, random gains and seams. */
export function makeCalibration(o: FixtureOptions = {}): Calibration {
  const width = o.width ?? 67, height = o.height ?? 29;
  const module = { width: o.moduleWidth ?? 16, height: o.moduleHeight ?? 8 };
  const anchors = o.anchors ?? [0.005, 0.05, 0.3, 1];
  const r = rng(o.seed ?? 1);
  const grid = moduleGrid({ width, height, module });
  const K = anchors.length;
  const matrices = new Float32Array(grid.rows * grid.cols * K * 9);
  for (let i = 0; i < grid.rows * grid.cols * K; i++) {
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) matrices[i * 9 + a * 3 + b] = a === b ? 0.75 + 0.2 * r() : 0.08 * (r() - 0.5);
  }
  const n = width * height * 3;
  const gainType = o.gain === undefined ? 'u8' : o.gain;
  let gain: Calibration['gain'] = null;
  if (gainType) {
    const data = gainType === 'u8' ? new Uint8Array(n) : new Uint16Array(n);
    const maxQ = gainType === 'u8' ? 255 : 65535;
    for (let i = 0; i < n; i++) data[i] = Math.floor(r() * (maxQ + 1));
    gain = { type: gainType, scale: [0.3 / maxQ, 0.3 / maxQ, 0.3 / maxQ], offset: [0.7, 0.7, 0.7], data };
  }
  let seams: Float32Array | null = null;
  if (o.seams ?? true) {
    seams = new Float32Array(grid.rows * grid.cols * 4);
    for (let i = 0; i < seams.length; i++) seams[i] = 0.9 + 0.1 * r();
  }
  return {
    width, height, module, anchors,
    input: o.input ?? { curve: 'gamma', gamma: 2.4 },
    output: { transfer: o.output ?? { curve: 'gamma', gamma: 2.2 }, bitDepth: o.bitDepth ?? 8, dither: 'none' },
    target: { primaries: { red: PRIMARIES_BT709.red, green: PRIMARIES_BT709.green, blue: PRIMARIES_BT709.blue }, white: WHITE_D65, peakNits: null },
    matrices, matrixType: 'f32', gain, seams,
    lut: o.lut ? { source: 'embedded', cube: o.lut } : null,
  };
}

/** A mildly non-linear colour LUT (saturation and a hue twist). */
export function gradingLut(size = 17): CubeLut {
  return {
    title: 'grade',
    lut1d: null,
    lut3d: lut3dFromFunction(size, ([r, g, b]) => {
      const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      const s = (v: number): number => Math.min(1, Math.max(0, y + 1.15 * (v - y)));
      return [s(r) ** 1.05, s(0.95 * g + 0.05 * b), s(b) ** 0.97];
    }),
  };
}

export function randomFrame(width: number, height: number, format: 'rgb24' | 'rgb48le', seed: number): Buffer {
  const r = rng(seed);
  const buf = Buffer.alloc(width * height * (format === 'rgb24' ? 3 : 6));
  for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(r() * 256);
  // Mix in some low-gray pixels, where the anchors differ most.
  if (format === 'rgb24') for (let i = 0; i < buf.length; i += 7) buf[i] = buf[i]! >> 3;
  return buf;
}

/**
 * Each path's output against scalar's (outs[i] from isas[i], scalar first). Where the plan has the
 * fused fast path (`fast`: nativeCalibrationPlanInfo(plan).fastPath), the AVX2 and AVX-512 paths
 * compute the same definition with fused multiply-adds and a fitted encode, so they may differ by
 * 1 LSB on a small share of samples; otherwise every path is bit-equal. `lsb`: 16-bit frame units
 * per output LSB (1 for 8-bit samples).
 */
export function expectPathsAgree(outs: Buffer[], isas: readonly string[], format: 'rgb24' | 'rgb48le', expectFn: (v: unknown, msg?: string) => { toBe(x: unknown): void; toBeLessThanOrEqual(x: number): void; toBeLessThan(x: number): void }, fast: boolean, lsb = 1): void {
  for (let i = 1; i < outs.length; i++) {
    if (!fast) {
      expectFn(outs[i]!.equals(outs[0]!), `${isas[i]} bit-equal to scalar`).toBe(true);
      continue;
    }
    let max = 0, diff = 0;
    const n = format === 'rgb24' ? outs[0]!.length : outs[0]!.length / 2;
    for (let j = 0; j < n; j++) {
      const d = format === 'rgb24' ? Math.abs(outs[i]![j]! - outs[0]![j]!) : Math.round(Math.abs(outs[i]!.readUInt16LE(2 * j) - outs[0]!.readUInt16LE(2 * j)) / lsb);
      if (d > 0) diff++;
      if (d > max) max = d;
    }
    expectFn(max, `${isas[i]}: max |path - scalar| in LSBs`).toBeLessThanOrEqual(1);
    expectFn(diff / n, `${isas[i]}: share of samples differing from scalar (${diff} of ${n})`).toBeLessThan(0.02);
  }
}
