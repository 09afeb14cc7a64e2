/**
 * What the demo wall shows: the simulated screen of `calibrate synth` (per-pixel primaries, mura,
 * seams, low-gray cast; src/calibration/screen-model.ts) warmed by the thermal LED model
 * (src/thermal/led-model.ts), and the colorimetry the report quotes (ΔE2000, uniformity, PSNR).
 */
import { deltaE2000 } from '../calibration/ciede2000.js';
import { xyzToLab } from '../calibration/cielab.js';
import { BT709, rgbToXyzMatrix, xyzToRgbMatrix } from '../calibration/colour-spaces.js';
import { invert, mulMat, mulMatVec, type Matrix3, type Vec3 } from '../calibration/matrix3.js';
import { emit, type SimulatedScreen } from '../calibration/screen-model.js';
import { resolveLedType, referenceScreenMatrix, screenMatrix } from '../thermal/led-model.js';
import { correctionMatrix, peakDrive } from '../thermal/thermal-correction.js';
import type { Rect } from './clip.js';

const A709 = rgbToXyzMatrix(BT709);
const XYZ_TO_709 = xyzToRgbMatrix(BT709);
export const LED_TYPE = 'smd-rgb';

/** Drive-space matrix of the warm LEDs: the screen at T emits what the 25 °C screen emits for M(T)·d. */
export function warmDriveMatrix(celsius: number): Matrix3 {
  const model = resolveLedType(LED_TYPE).model;
  return mulMat(invert(referenceScreenMatrix(model)), screenMatrix(model, celsius));
}

/** Linear drive per pixel (n·3) from frame codes. */
export function driveFromCodes(data: Buffer, format: 'rgb24' | 'rgb48le', decode: (v: number) => number): Float32Array {
  const n = format === 'rgb24' ? data.length : data.length / 2;
  const out = new Float32Array(n);
  if (format === 'rgb24') {
    const lut = Float32Array.from({ length: 256 }, (_, v) => decode(v / 255));
    for (let i = 0; i < n; i++) out[i] = lut[data[i]!]!;
  } else {
    const lut = Float32Array.from({ length: 65536 }, (_, v) => decode(v / 65535));
    for (let i = 0; i < n; i++) out[i] = lut[data.readUInt16LE(2 * i)]!;
  }
  return out;
}

export const gamma24 = (v: number): number => Math.pow(v, 2.4);
export const linear = (v: number): number => v;

/** XYZ per pixel the screen emits for the drive, on LEDs at `celsius` (Y: 1 = the mean native white). */
export function emitFrame(screen: SimulatedScreen, drive: Float32Array, celsius: number): Float32Array {
  const M = warmDriveMatrix(celsius);
  const n = drive.length / 3;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const d = mulMatVec(M, [drive[3 * i]!, drive[3 * i + 1]!, drive[3 * i + 2]!]);
    const e = emit(screen, i, d);
    out[3 * i] = e[0];
    out[3 * i + 1] = e[1];
    out[3 * i + 2] = e[2];
  }
  return out;
}

/** The target: BT.709 / D65 at `peak` (Y units of the screen) for the drive, per pixel. */
export function targetFrame(drive: Float32Array, peak: number): Float32Array {
  const n = drive.length / 3;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = mulMatVec(A709, [drive[3 * i]! * peak, drive[3 * i + 1]! * peak, drive[3 * i + 2]! * peak]);
    out.set(t, 3 * i);
  }
  return out;
}

/** Scales `xyz` so that its mean Y equals `ref`'s: ΔE at equal luminance (global brightness removed). */
export function matchLuminance(xyz: Float32Array, ref: Float32Array): Float32Array {
  let a = 0, b = 0;
  for (let i = 1; i < xyz.length; i += 3) {
    a += xyz[i]!;
    b += ref[i]!;
  }
  const k = a > 0 ? b / a : 1;
  return xyz.map((v) => v * k);
}

function inRect(i: number, width: number, r: Rect): boolean {
  const x = i % width, y = Math.floor(i / width);
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

export interface RegionStats {
  readonly meanDe: number;
  readonly p95De: number;
  /** Luminance non-uniformity: σ/mean of Y over the region, percent. */
  readonly yCvPct: number;
}

/**
 * ΔE2000 per pixel in a region. `neutralWhite`: Lab's reference white is each pixel's own target
 * (for neutral test areas: a low-gray cast counts as much as a full-white one, as in
 * docs/CALIBRATION.md); otherwise the target white at full drive. Pixels whose target Y is under
 * `minY` (black) are left out.
 */
export function regionStats(shown: Float32Array, target: Float32Array, width: number, r: Rect, white: Vec3, neutralWhite: boolean, minY = 1e-5): RegionStats {
  const de: number[] = [];
  let sy = 0, syy = 0, cnt = 0;
  const n = shown.length / 3;
  for (let i = 0; i < n; i++) {
    if (!inRect(i, width, r)) continue;
    const t: Vec3 = [target[3 * i]!, target[3 * i + 1]!, target[3 * i + 2]!];
    if (t[1] < minY) continue;
    const s: Vec3 = [shown[3 * i]!, shown[3 * i + 1]!, shown[3 * i + 2]!];
    const w = neutralWhite ? t : white;
    de.push(deltaE2000(xyzToLab(s, w), xyzToLab(t, w)));
    const rel = s[1] / t[1];
    sy += rel;
    syy += rel * rel;
    cnt++;
  }
  de.sort((a, b) => a - b);
  const mean = sy / Math.max(cnt, 1);
  const sd = Math.sqrt(Math.max(syy / Math.max(cnt, 1) - mean * mean, 0));
  return {
    meanDe: de.reduce((a, b) => a + b, 0) / Math.max(de.length, 1),
    p95De: de[Math.min(de.length - 1, Math.floor(0.95 * de.length))] ?? 0,
    yCvPct: (100 * sd) / Math.max(mean, 1e-12),
  };
}

export function whiteXyz(peak: number): Vec3 {
  return mulMatVec(A709, [peak, peak, peak]);
}

/** Display-referred sRGB (8-bit) of emitted XYZ: the target white at `peak` maps to 1, times `exposure`. */
export function toSrgb(xyz: Float32Array, peak: number, exposure = 1, contrastAroundMean = 1): Buffer {
  const n = xyz.length / 3;
  const lin = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = mulMatVec(XYZ_TO_709, [xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!]);
    for (let c = 0; c < 3; c++) lin[3 * i + c] = (v[c]! / peak) * exposure;
  }
  if (contrastAroundMean !== 1) {
    let m = 0;
    for (const v of lin) m += v;
    m /= lin.length;
    for (let i = 0; i < lin.length; i++) lin[i] = m + (lin[i]! - m) * contrastAroundMean;
  }
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < lin.length; i++) {
    const v = Math.min(Math.max(lin[i]!, 0), 1);
    out[i] = Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055));
  }
  return out;
}

/** Thermal drift of the LED model alone: ΔE2000 (equal luminance) of white and a skin tone at T vs 25 °C, without and with the correction. */
export function thermalDrift(celsius: number): { white: { without: number; with: number }; skin: { without: number; with: number }; brightnessKept: number; redLoss: number } {
  const model = resolveLedType(LED_TYPE).model;
  const Pref = referenceScreenMatrix(model), PT = screenMatrix(model, celsius);
  const C = correctionMatrix(model, celsius);
  const k = 1 / Math.max(1, peakDrive(C));
  const de = (d: Vec3, M: Matrix3): number => {
    const ref = mulMatVec(Pref, d), got = mulMatVec(M, d);
    const s = ref[1] / got[1];
    const g: Vec3 = [got[0] * s, got[1] * s, got[2] * s];
    return deltaE2000(xyzToLab(g, mulMatVec(Pref, [1, 1, 1])), xyzToLab(ref, mulMatVec(Pref, [1, 1, 1])));
  };
  const comp = mulMat(PT, C.map((r) => r.map((v) => v * k)) as unknown as Matrix3);
  const skin: Vec3 = [0.74, 0.42, 0.3];
  return {
    white: { without: de([1, 1, 1], PT), with: de([1, 1, 1], comp) },
    skin: { without: de(skin, PT), with: de(skin, comp) },
    brightnessKept: k,
    redLoss: 1 - PT[1][0] / Pref[1][0],
  };
}

/** PSNR (dB) of two rgb24 buffers, over all samples or over luma (BT.709 weights). */
export function psnr(a: Buffer, b: Buffer, luma = false): number {
  let se = 0, n = 0;
  if (luma) {
    for (let i = 0; i < a.length; i += 3) {
      const ya = 0.2126 * a[i]! + 0.7152 * a[i + 1]! + 0.0722 * a[i + 2]!;
      const yb = 0.2126 * b[i]! + 0.7152 * b[i + 1]! + 0.0722 * b[i + 2]!;
      se += (ya - yb) ** 2;
      n++;
    }
  } else {
    for (let i = 0; i < a.length; i++) {
      se += (a[i]! - b[i]!) ** 2;
      n++;
    }
  }
  return se === 0 ? 99 : 10 * Math.log10((255 * 255) / (se / n));
}

/** rgb48le → rgb24 (rounded). */
export function to8bit(data: Buffer): Buffer {
  const out = Buffer.alloc(data.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(data.readUInt16LE(2 * i) / 257);
  return out;
}
