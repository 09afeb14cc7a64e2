/**
 * Plane-level conversions the SR stage does in TypeScript, where the native kernels have no match:
 * model tensors in a dtype or range other than float [0, 1], and half floats. BT.709's luma weights
 * live here for the TypeScript side; the luma path itself is native (src/native/sr-luma.ts).
 * Everything writes into caller-owned arrays (no allocation per frame).
 */
import type { TensorData, TensorDType } from '../inference/backend.js';
import type { ModelRange } from '../models/model-card.js';
import { floatToHalf, halfToFloat } from '../util/half-float.js';

/** BT.709 luma coefficients (Y = KR R + KG G + KB B); native/sr_luma_kernels.h has the same. */
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
