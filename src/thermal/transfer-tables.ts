/**
 * The signal ↔ linear-light transfer the thermal stage works through, and the kernel's tables.
 * Gains must be applied to light, so codes are decoded first (16-bit-indexed table: 256 or 65536
 * entries) and encoded after (a table over E octaves below 1.0 with 2^S points each, indexed by
 * the float's bits and interpolated linearly: relative spacing 2^-S, so u16 gamma 2.4 stays
 * within ~0.1 code of the exact curve).
 */
import { gammaDecode, gammaEncode, pqDecode, pqEncode, PQ_PEAK_NITS, srgbDecode, srgbEncode } from '../calibration/transfer-functions.js';
import type { ThermalKernelTables } from '../native/thermal.js';
import type { PixelFormat } from '../pipeline/frame.js';

export interface SignalTransfer {
  /** As the flag names it, e.g. 'gamma:2.4'. */
  readonly name: string;
  /** Signal 0..1 → relative linear light 0..1. */
  decode(v: number): number;
  /** Relative linear light 0..1 → signal 0..1. */
  encode(l: number): number;
}

export const DEFAULT_TRANSFER = 'gamma:2.4';

/** Rounding after the gains: plain, or a 4x4 ordered (Bayer) dither that keeps the mean exact. */
export type ThermalDither = 'ordered' | 'none';
export const THERMAL_DITHERS: readonly ThermalDither[] = ['ordered', 'none'];
const BAYER4 = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];

/** The 4x4 rounding thresholds: (b + 0.5) / 16 for Bayer index b, or 0.5. */
export function ditherThresholds(dither: ThermalDither): Float32Array {
  return Float32Array.from(BAYER4, (b) => (dither === 'ordered' ? (b + 0.5) / 16 : 0.5));
}
export const ENCODE_SHIFT = 7;

/** Parses --thermal-transfer: srgb | gamma:G (1.0..4.0) | pq | linear. */
export function parseSignalTransfer(text: string, flag = '--thermal-transfer'): SignalTransfer {
  const t = text.trim().toLowerCase();
  if (t === 'srgb') return { name: 'srgb', decode: srgbDecode, encode: srgbEncode };
  if (t === 'linear') return { name: 'linear', decode: (v) => Math.min(Math.max(v, 0), 1), encode: (l) => Math.min(Math.max(l, 0), 1) };
  if (t === 'pq') return { name: 'pq', decode: (v) => pqDecode(v) / PQ_PEAK_NITS, encode: (l) => pqEncode(l * PQ_PEAK_NITS) };
  const m = /^gamma:(\d+(?:\.\d+)?)$/.exec(t);
  const g = m ? Number(m[1]) : NaN;
  if (!(g >= 1 && g <= 4)) throw new RangeError(`${flag}: expected srgb, gamma:G (G from 1.0 to 4.0), pq or linear but received '${text}'`);
  return { name: `gamma:${g}`, decode: (v) => gammaDecode(v, g), encode: (l) => gammaEncode(l, g) };
}

export function maxCode(format: PixelFormat): number {
  return format === 'rgb24' ? 255 : 65535;
}

/** Octaves below 1.0 the encode table must cover so that anything darker rounds like its floor. */
export function encodeOctaves(transfer: SignalTransfer, format: PixelFormat): number {
  const maxv = maxCode(format);
  const floor = transfer.encode(0) * maxv;
  for (let e = 1; e <= 126; e++) if (transfer.encode(2 ** -e) * maxv - floor < 0.25) return e;
  return 126;
}

/** Builds the kernel's decode and encode tables for a transfer and pixel format. */
export function buildThermalTables(transfer: SignalTransfer, format: PixelFormat, dither: ThermalDither = 'none'): ThermalKernelTables {
  const maxv = maxCode(format);
  const decode = new Float32Array(maxv + 1);
  for (let i = 0; i <= maxv; i++) decode[i] = transfer.decode(i / maxv);
  const octaves = encodeOctaves(transfer, format);
  const per = 1 << ENCODE_SHIFT;
  const n = octaves * per;
  const encode = new Float32Array(n + 2);
  for (let i = 0; i <= n; i++) {
    const l = 2 ** (-octaves + Math.floor(i / per)) * (1 + (i % per) / per);
    encode[i] = Math.min(Math.max(transfer.encode(Math.min(l, 1)) * maxv, 0), maxv);
  }
  encode[n + 1] = encode[n]!;
  return { decode, encode, octaves, shift: ENCODE_SHIFT, dither: ditherThresholds(dither) };
}
