/**
 * Shows a calibration on a simulated screen and measures what a colorimeter would: per pixel and
 * gray level, ΔE2000 between what the pixel emits and the target gray at that level. Lab uses the
 * target gray of the same level as its reference white, so low-gray casts and non-uniformity count
 * as much as at full white (a stricter test than one reference white for all levels).
 * "Before" is the uncalibrated screen (drive = input level) scaled so its mean white matches the
 * target luminance: it shows non-uniformity, white point and low-gray cast, not the peak reduction.
 */
import { deltaE2000 } from './ciede2000.js';
import { xyzToLab } from './cielab.js';
import { rgbToXyzMatrix } from './colour-spaces.js';
import { ditherTiles, DITHER_TILE_INDEX } from './dither-tiles.js';
import { buildKernelPlan } from './fullgray-plan.js';
import { applyReference, KERNEL_FLAG_GAIN, KERNEL_FLAG_SEAM } from './fullgray-reference.js';
import type { Calibration } from './ledcal-format.js';
import { mulMatVec, type Vec3 } from './matrix3.js';
import { emit, type SimulatedScreen } from './screen-model.js';
import { transferDecode, transferEncode } from './transfer-curve.js';
import { applyNativeCalibration, createNativeCalibrationPlan, nativeCalibrationAvailable } from '../native/calibration.js';

export interface LevelError {
  readonly level: number;
  readonly before: { mean: number; p95: number; max: number };
  readonly after: { mean: number; p95: number; max: number };
}

function stats(v: number[]): { mean: number; p95: number; max: number } {
  const s = [...v].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p95: s[Math.min(s.length - 1, Math.floor(0.95 * s.length))]!, max: s[s.length - 1]! };
}

/** The anchors and the geometric midpoints between them. */
export function evaluationLevels(anchors: readonly number[]): number[] {
  const out: number[] = [];
  anchors.forEach((a, i) => {
    out.push(a);
    if (i + 1 < anchors.length) out.push(Math.sqrt(a * anchors[i + 1]!));
  });
  return out;
}

export interface EvaluateOptions {
  readonly levels?: readonly number[];
  /** Use the native kernel when available (default true). */
  readonly native?: boolean;
}

export function evaluateCalibration(screen: SimulatedScreen, cal: Calibration, o: EvaluateOptions = {}): LevelError[] {
  const p = screen.profile;
  const W = p.width, H = p.height, n = W * H;
  const peak = (cal.target.peakNits ?? p.peakNits) / p.peakNits;
  const white = mulMatVec(rgbToXyzMatrix({ name: 'target', primaries: cal.target.primaries, white: cal.target.white }), [1, 1, 1]);
  let meanWhite = 0;
  for (let i = 0; i < n; i++) meanWhite += emit(screen, i, [1, 1, 1])[1]! / n;
  const enc = transferEncode(cal.input), dec = transferDecode(cal.input);
  const outDec = transferDecode(cal.output.transfer);
  const maxOut = 2 ** cal.output.bitDepth - 1;
  const useNative = (o.native ?? true) && nativeCalibrationAvailable();
  const plan = buildKernelPlan({ width: W, height: H, format: 'rgb48le', outBits: cal.output.bitDepth, calibration: cal, lut: null });
  const native = useNative ? createNativeCalibrationPlan(plan) : null;
  const flags = KERNEL_FLAG_GAIN | KERNEL_FLAG_SEAM;
  const frame = Buffer.alloc(n * 6);
  const results: LevelError[] = [];
  for (const level of o.levels ?? evaluationLevels(cal.anchors)) {
    const code = Math.round(enc(level) * 65535);
    const Lin = dec(code / 65535);
    for (let i = 0; i < n * 3; i++) frame.writeUInt16LE(code, 2 * i);
    if (native) applyNativeCalibration({ plan: native, width: W, height: H, format: 'rgb48le', data: frame, flags, ditherIndex: DITHER_TILE_INDEX.none });
    else applyReference({ calibration: cal, lut: null, format: 'rgb48le', width: W, height: H, outBits: cal.output.bitDepth, flags, dither: ditherTiles()[0]!, ditherX: 0, ditherY: 0 }, frame);
    const ref: Vec3 = [white[0] * peak * Lin, white[1] * peak * Lin, white[2] * peak * Lin];
    const target = xyzToLab(ref, ref);
    const before: number[] = [], after: number[] = [];
    for (let i = 0; i < n; i++) {
      const q = (c: number): number => {
        const v = frame.readUInt16LE(2 * (3 * i + c));
        const codeOut = maxOut === 65535 ? v : Math.round((v * maxOut) / 65535);
        return outDec(codeOut / maxOut);
      };
      after.push(deltaE2000(xyzToLab(emit(screen, i, [q(0), q(1), q(2)]), ref), target));
      const b = emit(screen, i, [Lin, Lin, Lin]).map((v) => (v * peak) / meanWhite) as unknown as Vec3;
      before.push(deltaE2000(xyzToLab(b, ref), target));
    }
    results.push({ level, before: stats(before), after: stats(after) });
  }
  return results;
}

/** A markdown table of the results. */
export function formatLevelErrors(rows: readonly LevelError[]): string {
  const f = (v: number): string => v.toFixed(2);
  const lines = ['| gray level (linear) | before mean | before p95 | after mean | after p95 | after max |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.level.toPrecision(3)} | ${f(r.before.mean)} | ${f(r.before.p95)} | ${f(r.after.mean)} | ${f(r.after.p95)} | ${f(r.after.max)} |`);
  return lines.join('\n');
}
