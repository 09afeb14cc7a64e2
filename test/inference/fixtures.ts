/** Shared test data for the inference suites: tiny models written to a temp folder, random tensors, diffs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenVinoBackend } from '../../src/inference/openvino-backend.js';
import type { Tensor, TensorDType } from '../../src/inference/backend.js';
import { fromHalfArray, seededRandom, toHalfArray } from '../support/onnx-builder.js';

/** The real SR model the parity suite also runs when present. */
export const REALESR_FP16 = '/work/shared/weights/realesr-general-x4v3/realesr-general-x4v3-fp16.onnx';

let probed: ReturnType<OpenVinoBackend['probe']> | undefined;

/** OpenVINO as found in this process's environment (probed once per test file). */
export function openVinoProbe(): ReturnType<OpenVinoBackend['probe']> {
  probed ??= new OpenVinoBackend().probe();
  return probed;
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'ledpipe-inference-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeModel(dir: string, name: string, bytes: Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** A [1, 3, h, w] tensor of uniform values in [0, 1). */
export function randomImage(dtype: TensorDType, width: number, height: number, seed: number): Tensor {
  const r = seededRandom(seed);
  const values = Float32Array.from({ length: 3 * width * height }, () => r());
  return { dtype, shape: [1, 3, height, width], data: dtype === 'float16' ? toHalfArray(values) : values };
}

/** Tensor values as floats (half bits decoded). */
export function floatsOf(t: Tensor): Float32Array {
  return t.dtype === 'float16' ? fromHalfArray(t.data as Uint16Array) : Float32Array.from(t.data);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
