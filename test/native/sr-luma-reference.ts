/**
 * Double-precision reference for the luma SR passes (native/sr_luma.h): BT.709 Y and the chroma
 * differences cr = R - Y, cb = B - Y of the frame; after the model, cr and cb upsampled with the
 * resize's Lanczos-3 weights (edges replicated), added to the model's Y, G from Y's definition.
 * The native result must stay within 1 LSB.
 */
import { BT709 } from '../../src/stages/sr-tensor.js';
import { axisWeights } from './resize-reference.js';

export interface ReferenceSplit {
  y: Float64Array;
  cr: Float64Array;
  cb: Float64Array;
}

/** Y, cr, cb of interleaved samples (0..maxv). */
export function referenceSplit(src: ArrayLike<number>, pixels: number, maxv: number): ReferenceSplit {
  const { kr, kg, kb } = BT709;
  const y = new Float64Array(pixels);
  const cr = new Float64Array(pixels);
  const cb = new Float64Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const r = src[3 * i]! / maxv;
    const g = src[3 * i + 1]! / maxv;
    const b = src[3 * i + 2]! / maxv;
    y[i] = kr * r + kg * g + kb * b;
    cr[i] = r - y[i]!;
    cb[i] = b - y[i]!;
  }
  return { y, cr, cb };
}

/** Separable Lanczos-3 upscale of one plane by an integer factor, unrounded. */
export function referenceUpsample(plane: ArrayLike<number>, width: number, height: number, scale: number): Float64Array {
  const wx = axisWeights(width, width * scale, 'lanczos3');
  const wy = axisWeights(height, height * scale, 'lanczos3');
  const W = width * scale;
  const mid = new Float64Array(height * W);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (const [k, w] of wx[x]!) acc += w * plane[y * width + k]!;
      mid[y * W + x] = acc;
    }
  }
  const out = new Float64Array(W * height * scale);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (const [k, w] of wy[y]!) acc += w * mid[k * W + x]!;
      out[y * W + x] = acc;
    }
  }
  return out;
}

/** The merged frame's samples (unrounded, 0..maxv) for the model's `y` at the output size. */
export function referenceMerge(y: ArrayLike<number>, cr: ArrayLike<number>, cb: ArrayLike<number>, width: number, height: number, scale: number, maxv: number): Float64Array {
  const { kr, kg, kb } = BT709;
  const ur = referenceUpsample(cr, width, height, scale);
  const ub = referenceUpsample(cb, width, height, scale);
  const n = ur.length;
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[3 * i] = (y[i]! + ur[i]!) * maxv;
    out[3 * i + 1] = (y[i]! - (kr * ur[i]! + kb * ub[i]!) / kg) * maxv;
    out[3 * i + 2] = (y[i]! + ub[i]!) * maxv;
  }
  return out;
}
