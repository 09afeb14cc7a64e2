/** Shared test data for the native kernel suites: a seeded PRNG, frames, and the skip reason. */
import { nativeStatus } from '../../src/native/index.js';
import { seededRandom as rng } from '../../src/util/seeded-random.js';

const status = nativeStatus();
/** True when the addon is built and loads; suites use describe.skipIf(!nativeAvailable). */
export const nativeAvailable = status.available;
/** Suite title suffix saying why it was skipped. */
export const skipNote = status.available ? '' : ` (skipped: ${status.reason ?? 'addon unavailable'})`;

export { seededRandom as rng } from '../../src/util/seeded-random.js';

export function randomRgb24(width: number, height: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 256);
  return out;
}

export function randomRgb48(width: number, height: number, seed: number): Uint16Array {
  const r = rng(seed);
  const out = new Uint16Array(width * height * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 65536);
  return out;
}

/** A smooth image (gradients + low-frequency waves): what resize sees in video. */
export function smoothRgb24(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[i] = Math.round(127.5 + 120 * Math.sin(x / 7) * Math.cos(y / 11));
      out[i + 1] = Math.round((255 * x) / (width - 1));
      out[i + 2] = Math.round(127.5 + 100 * Math.sin((x + y) / 5));
    }
  }
  return out;
}

/** Largest |a[i] - b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expectSameLength(a, b);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expectSameLength(a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

function expectSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
}

/** IEEE half bits -> number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** The contract's float -> integer code: trunc(clamp(v, 0, 1) * maxv + 0.5) in float32, NaN -> 0. */
export function quantizeUnit(v: number, maxv: number): number {
  const f = Math.fround;
  let c = f(v) > 0 ? f(v) : 0;
  c = c < 1 ? c : 1;
  return Math.trunc(f(f(f(c) * f(maxv)) + 0.5));
}
