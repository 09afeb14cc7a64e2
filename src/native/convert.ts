/**
 * Interleaved RGB frames <-> planar NCHW tensors (one image: R plane, G plane, B plane),
 * normalised to 0..1, as f32 (Float32Array) or f16 (Uint16Array of IEEE half bits).
 *
 * Contract (identical on every ISA path): to float v = x * (1 / maxv) in float32
 * (maxv 255 or 65535), to half with round-to-nearest-even; back to integers
 * x = trunc(clamp(v, 0, 1) * maxv + 0.5), NaN -> 0. u8 <-> f32, u8 <-> f16 and
 * u16 <-> f32 round-trip exactly; u16 -> f16 keeps 11 significant bits.
 * Writes into the caller's `dst`; nothing is copied or allocated.
 */
import { bytesPerPixel, type PixelFormat } from '../pipeline/frame.js';
import type { PlanarArray } from './binding.js';
import { nativeBinding } from './load.js';
import { checkBytes, checkDimension, checkDisjoint, checkFormat, checkPlanar } from './validate.js';

export interface ToPlanarOptions<T extends PlanarArray> {
  /** Interleaved frame samples (rgb24 bytes or rgb48le little-endian u16). */
  src: ArrayBufferView;
  width: number;
  height: number;
  format: PixelFormat;
  /** 3 * width * height elements: Float32Array for f32, Uint16Array for f16. */
  dst: T;
}

export interface ToInterleavedOptions<T extends ArrayBufferView> {
  /** 3 * width * height elements, planar R, G, B. */
  src: PlanarArray;
  width: number;
  height: number;
  format: PixelFormat;
  /** width * height * bytesPerPixel(format) bytes. */
  dst: T;
}

/** Elements of one planar RGB image. */
export function planarLength(width: number, height: number): number {
  return 3 * width * height;
}

function checkToPlanar<T extends PlanarArray>(o: ToPlanarOptions<T>): void {
  const width = checkDimension('width', o.width);
  const height = checkDimension('height', o.height);
  const format = checkFormat('format', o.format);
  const src = checkBytes('src', o.src, width * height * bytesPerPixel(format));
  const dst = checkPlanar('dst', o.dst, planarLength(width, height));
  checkDisjoint('src', src, 'dst', dst);
}

function checkToInterleaved<T extends ArrayBufferView>(o: ToInterleavedOptions<T>): void {
  const width = checkDimension('width', o.width);
  const height = checkDimension('height', o.height);
  const format = checkFormat('format', o.format);
  const src = checkPlanar('src', o.src, planarLength(width, height));
  const dst = checkBytes('dst', o.dst, width * height * bytesPerPixel(format));
  checkDisjoint('src', src, 'dst', dst);
}

/** Interleaved frame -> planar tensor, on the calling thread. Returns `dst`. */
export function toPlanar<T extends PlanarArray>(options: ToPlanarOptions<T>): T {
  checkToPlanar(options);
  const { src, width, height, format, dst } = options;
  return nativeBinding().toPlanar(src, width, height, format, dst);
}

/** As toPlanar, on the libuv thread pool; leave src and dst alone until it settles. */
export function toPlanarAsync<T extends PlanarArray>(options: ToPlanarOptions<T>): Promise<T> {
  checkToPlanar(options);
  const { src, width, height, format, dst } = options;
  return nativeBinding().toPlanarAsync(src, width, height, format, dst);
}

/** Planar tensor -> interleaved frame, rounding and clamping, on the calling thread. Returns `dst`. */
export function toInterleaved<T extends ArrayBufferView>(options: ToInterleavedOptions<T>): T {
  checkToInterleaved(options);
  const { src, width, height, format, dst } = options;
  return nativeBinding().toInterleaved(src, width, height, dst, format);
}

/** As toInterleaved, on the libuv thread pool; leave src and dst alone until it settles. */
export function toInterleavedAsync<T extends ArrayBufferView>(options: ToInterleavedOptions<T>): Promise<T> {
  checkToInterleaved(options);
  const { src, width, height, format, dst } = options;
  return nativeBinding().toInterleavedAsync(src, width, height, dst, format);
}
