/** The test-side ONNX encoder: half conversion, and models ONNX Runtime loads and computes as specified. */
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { buildModel, floatAttr, fromHalfBits, seededRandom, tinySrModel, toHalfBits } from '../support/onnx-builder.js';
import { maxAbsDiff, tempDir, writeModel } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('half precision', () => {
  it('rounds to nearest even and keeps specials', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00); // rounds up to Inf
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(toHalfBits(NaN) & 0x7e00).toBe(0x7e00);
    for (let h = 0; h < 0x7c00; h += 97) expect(toHalfBits(fromHalfBits(h))).toBe(h);
  });
});

describe('models', () => {
  it('encodes Conv (int and float attributes, raw initializers) as ONNX Runtime computes it', async () => {
    // 1x1 conv with 2 in / 1 out channels, then LeakyRelu(alpha 0.5, a FLOAT attribute).
    const file = writeModel(tmp.dir, 'conv.onnx', buildModel({
      input: { name: 'x', dtype: 'float32', shape: [1, 2, 'h', 'w'] },
      output: { name: 'y', dtype: 'float32', shape: [1, 1, 'h', 'w'] },
      nodes: [
        { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [1, 1], pads: [0, 0, 0, 0] } },
        { op: 'LeakyRelu', inputs: ['c'], outputs: ['y'], attrs: { alpha: floatAttr(0.5) } },
      ],
      initializers: [
        { name: 'w', dtype: 'float32', dims: [1, 2, 1, 1], data: [2, -1] },
        { name: 'b', dtype: 'float32', dims: [1], data: [0.25] },
      ],
    }));
    const s = await new OnnxRuntimeBackend().load(file);
    const x = Float32Array.from([1, 2, 3, 0, /* ch 1 */ 0, 5, 1, 1]);
    const out = await s.run({ dtype: 'float32', shape: [1, 2, 2, 2], data: x });
    const expected = [0, 1, 2, 3].map((i) => {
      const v = 2 * x[i]! - x[i + 4]! + 0.25;
      return v < 0 ? 0.5 * v : v;
    });
    expect(Array.from(out.data)).toEqual(expected);
    await s.close();
  });

  it('builds the tiny SR model in float32 and float16 with dynamic H/W', async () => {
    for (const dtype of ['float32', 'float16'] as const) {
      const s = await new OnnxRuntimeBackend().load(writeModel(tmp.dir, `sr-${dtype}.onnx`, tinySrModel({ scale: 4, dtype })));
      expect(s.input).toEqual({ name: 'input', dtype, shape: [1, 3, 'height', 'width'] });
      const data = dtype === 'float32' ? new Float32Array(3 * 5 * 7) : new Uint16Array(3 * 5 * 7);
      const out = await s.run({ dtype, shape: [1, 3, 5, 7], data });
      expect(out.shape).toEqual([1, 3, 20, 28]);
      await s.close();
    }
  });

  it('is deterministic for a seed', () => {
    expect(tinySrModel({ seed: 9 }).equals(tinySrModel({ seed: 9 }))).toBe(true);
    expect(tinySrModel({ seed: 9 }).equals(tinySrModel({ seed: 10 }))).toBe(false);
    const r = seededRandom(1);
    expect(maxAbsDiff([r(), r()], [r(), r()])).toBeGreaterThan(0);
  });
});
