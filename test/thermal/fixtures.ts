/** Shared thermal test helpers: frames, zone matrices, a capturing logger, a manual clock. */
import type { Frame, PixelFormat } from '../../src/pipeline/frame.js';
import type { Logger } from '../../src/pipeline/logger.js';

export { nativeAvailable, rng, skipNote } from '../native/fixtures.js';

export interface CapturedLog extends Logger {
  readonly lines: { level: string; message: string }[];
  warnings(): string[];
}

export function captureLog(): CapturedLog {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), warnings: () => lines.filter((l) => l.level === 'warn').map((l) => l.message) };
}

export function manualClock(start = 0): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export function makeFrame(data: Buffer, width: number, height: number, format: PixelFormat, seq: number, ptsMs: number): Frame {
  return { data, width, height, format, seq, ptsMs, release: () => undefined };
}

/** A frame buffer filled with one code per channel. */
export function solidFrame(width: number, height: number, format: PixelFormat, rgb: [number, number, number]): Buffer {
  const n = width * height;
  if (format === 'rgb24') {
    const b = Buffer.alloc(n * 3);
    for (let i = 0; i < n; i++) b.set(rgb, i * 3);
    return b;
  }
  const b = Buffer.alloc(n * 6);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) b.writeUInt16LE(rgb[c]!, i * 6 + c * 2);
  return b;
}

/** Random zone matrices near the identity (diagonal 0.6..1.1, cross terms ±0.05), as float32. */
export function randomZones(count: number, r: () => number): Float32Array {
  const z = new Float32Array(count * 9);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 9; k++) z[i * 9 + k] = k % 4 === 0 ? 0.6 + 0.5 * r() : (r() - 0.5) * 0.1;
  }
  return z;
}
