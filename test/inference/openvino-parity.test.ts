/**
 * OpenVINO against ONNX Runtime on the same model and input. Tolerances: float32 max |diff| <= 1e-3
 * (seen: 1.2e-7); float16 models max |diff| <= 4e-3, i.e. a few half-precision steps at the output's
 * magnitude, and mean <= 1e-4 (seen: 1.2e-4 / 4.9e-4 max, < 1e-6 mean: both compute in f32 between
 * half-precision input and output, but round intermediate results differently). Sizes differ per
 * case so dynamic H/W is exercised, and a size is repeated to hit the compiled-shape cache.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceSession, Tensor } from '../../src/inference/backend.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { OpenVinoBackend } from '../../src/inference/openvino-backend.js';
import { tinySrModel } from '../support/onnx-builder.js';
import { floatsOf, maxAbsDiff, meanAbsDiff, openVinoProbe, randomImage, REALESR_FP16, tempDir, writeModel } from './fixtures.js';

const ov = openVinoProbe();
const skipNote = ov.available ? '' : ` (skipped: OpenVINO unavailable: ${ov.reason})`;
const realesrNote = existsSync(REALESR_FP16) ? '' : ` (skipped: ${REALESR_FP16} not present)`;

async function both(file: string): Promise<{ ort: InferenceSession; ov: InferenceSession }> {
  return { ort: await new OnnxRuntimeBackend().load(file, { threads: 2 }), ov: await new OpenVinoBackend().load(file, { threads: 2 }) };
}

async function compare(s: { ort: InferenceSession; ov: InferenceSession }, input: Tensor): Promise<{ max: number; mean: number; shape: readonly number[] }> {
  const [a, b] = [await s.ort.run(input), await s.ov.run(input)];
  expect(b.shape).toEqual(a.shape);
  expect(b.dtype).toBe(a.dtype);
  const fa = floatsOf(a);
  const fb = floatsOf(b);
  return { max: maxAbsDiff(fa, fb), mean: meanAbsDiff(fa, fb), shape: b.shape };
}

describe.skipIf(!ov.available)(`OpenVINO vs ONNX Runtime${skipNote}`, () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  describe('tiny x2 model, float32', () => {
    let s: { ort: InferenceSession; ov: InferenceSession };
    beforeAll(async () => {
      s = await both(writeModel(tmp.dir, 'tiny-f32.onnx', tinySrModel({ scale: 2, features: 8, depth: 3, seed: 7 })));
    });
    afterAll(async () => {
      await s.ort.close();
      await s.ov.close();
    });

    it('reports the ports as ONNX Runtime does', () => {
      expect(s.ov.input).toEqual({ name: 'input', dtype: 'float32', shape: [1, 3, null, null] });
      expect(s.ov.output.dtype).toBe('float32');
      expect(s.ov.backend).toBe('openvino');
    });

    for (const [w, h] of [[23, 17], [64, 48], [23, 17]] as const) {
      it(`matches within 1e-3 at ${w}x${h}`, async () => {
        const r = await compare(s, randomImage('float32', w, h, w * h));
        console.log(`parity tiny-f32 ${w}x${h}: max ${r.max.toExponential(2)} mean ${r.mean.toExponential(2)}`);
        expect(r.shape).toEqual([1, 3, h * 2, w * 2]);
        expect(r.max).toBeLessThanOrEqual(1e-3);
      });
    }
  });

  describe('tiny x4 model, float16', () => {
    let s: { ort: InferenceSession; ov: InferenceSession };
    beforeAll(async () => {
      s = await both(writeModel(tmp.dir, 'tiny-f16.onnx', tinySrModel({ scale: 4, features: 8, depth: 2, dtype: 'float16', seed: 3 })));
    });
    afterAll(async () => {
      await s.ort.close();
      await s.ov.close();
    });

    for (const [w, h] of [[20, 12], [33, 29]] as const) {
      it(`matches within 4e-3 (half precision) at ${w}x${h}`, async () => {
        const r = await compare(s, randomImage('float16', w, h, w + h));
        console.log(`parity tiny-f16 ${w}x${h}: max ${r.max.toExponential(2)} mean ${r.mean.toExponential(2)}`);
        expect(r.shape).toEqual([1, 3, h * 4, w * 4]);
        expect(r.max).toBeLessThanOrEqual(4e-3);
        expect(r.mean).toBeLessThanOrEqual(1e-4);
      });
    }
  });

  describe.skipIf(!existsSync(REALESR_FP16))(`realesr-general-x4v3 fp16${realesrNote}`, () => {
    let s: { ort: InferenceSession; ov: InferenceSession };
    beforeAll(async () => {
      s = await both(REALESR_FP16);
    });
    afterAll(async () => {
      await s?.ort.close();
      await s?.ov.close();
    });

    for (const [w, h] of [[32, 24], [48, 40]] as const) {
      it(`matches within 4e-3 (half precision) at ${w}x${h}`, async () => {
        const r = await compare(s, randomImage('float16', w, h, 11 * w + h));
        console.log(`parity realesr-general-x4v3-fp16 ${w}x${h}: max ${r.max.toExponential(2)} mean ${r.mean.toExponential(2)}`);
        expect(r.shape).toEqual([1, 3, h * 4, w * 4]);
        expect(r.max).toBeLessThanOrEqual(4e-3);
        expect(r.mean).toBeLessThanOrEqual(1e-4);
      });
    }
  });
});
