/**
 * Plane-level conversions the SR stage does in TypeScript, where the native kernels have no match:
 * model tensors in a dtype or range other than float [0, 1], half floats, and BT.709 luma.
 * Everything writes into caller-owned arrays (no allocation per frame).
 */
import type { TensorData, TensorDType } from '../inference/backend.js';
import type { ModelRange } from '../models/model-card.js';
import { floatToHalf, halfToFloat } from '../util/half-float.js';

/** BT.709 luma coefficients (Y = KR R + KG G + KB B). */
export const BT709 = { kr: 0.2126, kg: 0.7152, kb: 0.0722 } as const;

// One half-float codec for the project (round to nearest even, as F16C and the native kernels do).
export { floatToHalf, halfToFloat } from '../util/half-float.js';

/** Writes `count` samples of `src` (0..1) into `dst` as the model's dtype and range. */
export function encodeSamples(src: Float32Array, dst: TensorData, dtype: TensorDType, range: ModelRange, count: number): void {
  const k = range[1];
  switch (dtype) {
    case 'float32': {
      const d = dst as Float32Array;
      for (let i = 0; i < count; i++) d[i] = src[i]! * k;
      return;
    }
    case 'float16': {
      const d = dst as Uint16Array;
      for (let i = 0; i < count; i++) d[i] = floatToHalf(src[i]! * k);
      return;
    }
    case 'uint8': {
      const d = dst as Uint8Array;
      for (let i = 0; i < count; i++) d[i] = Math.round(Math.min(Math.max(src[i]!, 0), 1) * 255);
      return;
    }
    case 'int8':
      throw new TypeError('int8 model tensors are not supported by the sr stage');
  }
}

/** Reads `count` samples of a model tensor back to float 0..1 into `dst`. */
export function decodeSamples(src: TensorData, dtype: TensorDType, range: ModelRange, dst: Float32Array, count: number): void {
  const inv = 1 / range[1];
  if (dtype === 'float16') {
    const s = src as Uint16Array;
    for (let i = 0; i < count; i++) dst[i] = halfToFloat(s[i]!) * inv;
    return;
  }
  if (dtype === 'int8') throw new TypeError('int8 model tensors are not supported by the sr stage');
  const s = src as Float32Array | Uint8Array;
  const k = dtype === 'uint8' ? 1 / 255 : inv;
  if (k === 1 && s instanceof Float32Array) {
    dst.set(s.subarray(0, count));
    return;
  }
  for (let i = 0; i < count; i++) dst[i] = s[i]! * k;
}

/** Y plane (BT.709) of a planar RGB image of `pixels` samples per plane. */
export function lumaPlane(rgb: Float32Array, pixels: number, y: Float32Array): void {
  const { kr, kg, kb } = BT709;
  for (let i = 0; i < pixels; i++) y[i] = kr * rgb[i]! + kg * rgb[pixels + i]! + kb * rgb[2 * pixels + i]!;
}

/**
 * Replaces the luma of a planar RGB image with `y` and keeps its chroma: each channel gets
 * `y - Y(rgb)` added. Equivalent to converting to Y'CbCr (BT.709), swapping Y and converting back,
 * since Cb = (B - Y) / 1.8556 and Cr = (R - Y) / 1.5748 are unchanged when R, G, B and Y move together.
 */
export function replaceLuma(rgb: Float32Array, pixels: number, y: Float32Array): void {
  const { kr, kg, kb } = BT709;
  for (let i = 0; i < pixels; i++) {
    const r = rgb[i]!;
    const g = rgb[pixels + i]!;
    const b = rgb[2 * pixels + i]!;
    const d = y[i]! - (kr * r + kg * g + kb * b);
    rgb[i] = r + d;
    rgb[pixels + i] = g + d;
    rgb[2 * pixels + i] = b + d;
  }
}
