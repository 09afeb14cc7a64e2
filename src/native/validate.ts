/** Argument checks shared by the native wrappers; messages name the argument, the expectation and the value. */
import type { PixelFormat } from '../pipeline/frame.js';
import type { PlanarArray } from './binding.js';

export const MAX_DIMENSION = 32768;

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'string') return `'${value}' of type string`;
  return `${String(value)} of type ${typeof value}`;
}

export function checkDimension(name: string, value: unknown, min = 1, max = MAX_DIMENSION): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected integer between ${min} and ${max} for ${name} but received ${describeValue(value)}`);
  }
  return value;
}

export function checkInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || Math.abs(value) > 1 << 20) {
    throw new RangeError(`Expected integer between ${-(1 << 20)} and ${1 << 20} for ${name} but received ${describeValue(value)}`);
  }
  return value;
}

export function checkFormat(name: string, value: unknown): PixelFormat {
  if (value !== 'rgb24' && value !== 'rgb48le') {
    throw new RangeError(`Expected 'rgb24' or 'rgb48le' for ${name} but received ${describeValue(value)}`);
  }
  return value;
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`Expected one of ${allowed.map((a) => `'${a}'`).join(', ')} for ${name} but received ${describeValue(value)}`);
  }
  return value as T;
}

/** A Buffer/TypedArray with at least `bytes` bytes. */
export function checkBytes(name: string, value: unknown, bytes: number): ArrayBufferView {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) {
    throw new TypeError(`Expected Buffer or TypedArray for ${name} but received ${describeValue(value)}`);
  }
  if (value.byteLength < bytes) {
    throw new RangeError(`Expected at least ${bytes} bytes for ${name} but received ${value.byteLength}`);
  }
  return value;
}

/** A planar tensor (Float32Array f32 or Uint16Array f16) with at least `elements` elements. */
export function checkPlanar(name: string, value: unknown, elements: number): PlanarArray {
  if (!(value instanceof Float32Array) && !(value instanceof Uint16Array)) {
    throw new TypeError(`Expected Float32Array (f32) or Uint16Array (f16 bits) for ${name} but received ${describeValue(value)}`);
  }
  if (value.length < elements) {
    throw new RangeError(`Expected at least ${elements} elements for ${name} but received ${value.length}`);
  }
  return value;
}

/** Two views share memory: an in-place kernel would read what it already wrote. */
export function checkDisjoint(nameA: string, a: ArrayBufferView, nameB: string, b: ArrayBufferView): void {
  if (a.buffer !== b.buffer) return;
  const a0 = a.byteOffset, a1 = a.byteOffset + a.byteLength;
  const b0 = b.byteOffset, b1 = b.byteOffset + b.byteLength;
  if (a0 < b1 && b0 < a1) throw new RangeError(`Expected ${nameA} and ${nameB} not to overlap`);
}
