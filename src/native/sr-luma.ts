/**
 * The luma SR path's per-pixel work around the model, as two fused native passes
 * (native/sr_luma.h):
 *
 * - lumaSplit: interleaved RGB frame -> the model's Y plane (BT.709; Float32Array, or
 *   Uint16Array of half bits) and two chroma planes `cr = R - Y`, `cb = B - Y` (Float32Array,
 *   cr plane then cb plane) at the frame's size.
 * - lumaMerge: the chroma planes upsampled `scale` times with Lanczos-3 (the resize's taps,
 *   edges replicated), added to the model's Y (`R = y + cr`, `B = y + cb`,
 *   `G = y - (KR cr + KB cb) / KG`), rounded and clamped into an interleaved frame of
 *   `scale` times the size; output rows [row0, row1) only, so bands can run on two threads.
 *
 * Float32 arithmetic in a fixed order, no FMA: bit-identical on every ISA path.
 */
import { bytesPerPixel, type PixelFormat } from '../pipeline/frame.js';
import type { NativeBinding, PlanarArray } from './binding.js';
import { nativeBinding, NativeUnavailableError } from './load.js';
import { checkBytes, checkDimension, checkDisjoint, checkFormat, checkPlanar, describeValue } from './validate.js';

export interface LumaSplitOptions<T extends PlanarArray> {
  /** Interleaved frame samples (rgb24 bytes or rgb48le little-endian u16). */
  src: ArrayBufferView;
  width: number;
  height: number;
  format: PixelFormat;
  /** width * height elements: Float32Array, or Uint16Array for half floats. */
  y: T;
  /** 2 * width * height floats: cr plane, then cb plane. */
  chroma: Float32Array;
}

export interface LumaMergeOptions<T extends ArrayBufferView> {
  /** The model's Y plane, (scale * width) x (scale * height): Float32Array or Uint16Array (half bits). */
  y: PlanarArray;
  /** lumaSplit's chroma planes, width x height each. */
  chroma: Float32Array;
  /** Size of the chroma planes (the model's input). */
  width: number;
  height: number;
  /** 1, 2 or 4. */
  scale: number;
  /** (scale * width) x (scale * height) pixels of `format`. */
  dst: T;
  format: PixelFormat;
  /** Output rows [row0, row1); default the whole frame. */
  row0?: number;
  row1?: number;
}

export const LUMA_MERGE_SCALES: readonly number[] = [1, 2, 4];

type LumaBinding = Required<Pick<NativeBinding, 'lumaSplit' | 'lumaSplitAsync' | 'lumaMerge' | 'lumaMergeAsync'>>;

function binding(): LumaBinding {
  const b = nativeBinding();
  if (!b.lumaSplit || !b.lumaSplitAsync || !b.lumaMerge || !b.lumaMergeAsync) throw new NativeUnavailableError('the loaded addon predates the luma SR kernels (rebuild it)');
  return b as LumaBinding;
}

/** Whether the loaded addon has lumaSplit / lumaMerge (false, never throws, without the addon). */
export function lumaKernelsAvailable(): boolean {
  try {
    binding();
    return true;
  } catch {
    return false;
  }
}

function checkChroma(value: unknown, pixels: number): Float32Array {
  if (!(value instanceof Float32Array)) throw new TypeError(`Expected Float32Array for chroma but received ${describeValue(value)}`);
  if (value.length < 2 * pixels) throw new RangeError(`Expected at least ${2 * pixels} elements for chroma but received ${value.length}`);
  return value;
}

function checkSplit<T extends PlanarArray>(o: LumaSplitOptions<T>): void {
  const width = checkDimension('width', o.width);
  const height = checkDimension('height', o.height);
  const format = checkFormat('format', o.format);
  const src = checkBytes('src', o.src, width * height * bytesPerPixel(format));
  const y = checkPlanar('y', o.y, width * height);
  const chroma = checkChroma(o.chroma, width * height);
  checkDisjoint('src', src, 'y', y);
  checkDisjoint('src', src, 'chroma', chroma);
  checkDisjoint('y', y, 'chroma', chroma);
}

function checkMerge<T extends ArrayBufferView>(o: LumaMergeOptions<T>): [number, number] {
  const width = checkDimension('width', o.width, 1, 8192);
  const height = checkDimension('height', o.height, 1, 8192);
  if (!LUMA_MERGE_SCALES.includes(o.scale)) throw new RangeError(`Expected 1, 2 or 4 for scale but received ${describeValue(o.scale)}`);
  const format = checkFormat('format', o.format);
  const outPixels = width * height * o.scale * o.scale;
  const y = checkPlanar('y', o.y, outPixels);
  const chroma = checkChroma(o.chroma, width * height);
  const dst = checkBytes('dst', o.dst, outPixels * bytesPerPixel(format));
  checkDisjoint('dst', dst, 'y', y);
  checkDisjoint('dst', dst, 'chroma', chroma);
  const rows = height * o.scale;
  const row0 = checkDimension('row0', o.row0 ?? 0, 0, rows);
  const row1 = checkDimension('row1', o.row1 ?? rows, row0, rows);
  return [row0, row1];
}

/** Frame -> Y and chroma planes, on the calling thread. Returns `y`. */
export function lumaSplit<T extends PlanarArray>(options: LumaSplitOptions<T>): T {
  checkSplit(options);
  const o = options;
  return binding().lumaSplit(o.src, o.width, o.height, o.format, o.y, o.chroma);
}

/** As lumaSplit, on the libuv thread pool; leave the arrays alone until it settles. */
export function lumaSplitAsync<T extends PlanarArray>(options: LumaSplitOptions<T>): Promise<T> {
  checkSplit(options);
  const o = options;
  return binding().lumaSplitAsync(o.src, o.width, o.height, o.format, o.y, o.chroma);
}

/** Y + upsampled chroma -> interleaved frame rows, on the calling thread. Returns `dst`. */
export function lumaMerge<T extends ArrayBufferView>(options: LumaMergeOptions<T>): T {
  const [row0, row1] = checkMerge(options);
  const o = options;
  return binding().lumaMerge(o.y, o.chroma, o.width, o.height, o.scale, o.dst, o.format, row0, row1);
}

/** As lumaMerge, on the libuv thread pool; leave the arrays alone until it settles. */
export function lumaMergeAsync<T extends ArrayBufferView>(options: LumaMergeOptions<T>): Promise<T> {
  const [row0, row1] = checkMerge(options);
  const o = options;
  return binding().lumaMergeAsync(o.y, o.chroma, o.width, o.height, o.scale, o.dst, o.format, row0, row1);
}
