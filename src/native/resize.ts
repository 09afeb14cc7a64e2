/**
 * Separable high-quality resize of interleaved RGB frames (rgb24 / rgb48le).
 *
 * Filters: 'lanczos3' (sinc(x) sinc(x/3), |x| < 3) and 'cubic' (Keys, a = -0.5,
 * i.e. Catmull-Rom, |x| < 2). Pixel centres are aligned ((i + 0.5) * src / dst);
 * when downscaling the kernel is stretched by src / dst so it low-passes. Edges
 * replicate. Float32 arithmetic with one rounding at the end: within 1 LSB of an
 * exact double-precision computation, bit-identical across ISA paths.
 */
import { bytesPerPixel, type PixelFormat } from '../pipeline/frame.js';
import type { ResizeFilter } from './binding.js';
import { nativeBinding } from './load.js';
import { checkBytes, checkDimension, checkDisjoint, checkFormat, checkOneOf } from './validate.js';

export const RESIZE_FILTERS: readonly ResizeFilter[] = ['lanczos3', 'cubic'];

export interface ResizeOptions<T extends ArrayBufferView> {
  src: ArrayBufferView;
  srcWidth: number;
  srcHeight: number;
  /** dstWidth * dstHeight * bytesPerPixel(format) bytes; must not overlap src. */
  dst: T;
  dstWidth: number;
  dstHeight: number;
  format: PixelFormat;
  /** Default 'lanczos3'. */
  filter?: ResizeFilter;
}

function checkResize<T extends ArrayBufferView>(o: ResizeOptions<T>): ResizeFilter {
  const format = checkFormat('format', o.format);
  const srcWidth = checkDimension('srcWidth', o.srcWidth);
  const srcHeight = checkDimension('srcHeight', o.srcHeight);
  const dstWidth = checkDimension('dstWidth', o.dstWidth);
  const dstHeight = checkDimension('dstHeight', o.dstHeight);
  const filter = checkOneOf('filter', o.filter ?? 'lanczos3', RESIZE_FILTERS);
  const src = checkBytes('src', o.src, srcWidth * srcHeight * bytesPerPixel(format));
  const dst = checkBytes('dst', o.dst, dstWidth * dstHeight * bytesPerPixel(format));
  checkDisjoint('src', src, 'dst', dst);
  return filter;
}

/** Resizes on the calling thread. Returns `dst`. */
export function resize<T extends ArrayBufferView>(options: ResizeOptions<T>): T {
  const filter = checkResize(options);
  const o = options;
  return nativeBinding().resize(o.src, o.srcWidth, o.srcHeight, o.dst, o.dstWidth, o.dstHeight, o.format, filter);
}

/** Resizes on the libuv thread pool; leave src and dst alone until it settles. */
export function resizeAsync<T extends ArrayBufferView>(options: ResizeOptions<T>): Promise<T> {
  const filter = checkResize(options);
  const o = options;
  return nativeBinding().resizeAsync(o.src, o.srcWidth, o.srcHeight, o.dst, o.dstWidth, o.dstHeight, o.format, filter);
}
