/** The OpenVINO backend's contract: probe, load errors naming the file, input checks, sessions. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, ModelLoadError, type Backend, type InferenceSession } from '../../src/inference/backend.js';
import { ModelContractError } from '../../src/inference/contract.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { OpenVinoBackend } from '../../src/inference/openvino-backend.js';
import { buildModel, tinySrModel } from '../support/onnx-builder.js';
import { maxAbsDiff, openVinoProbe, randomImage, tempDir, writeModel } from './fixtures.js';

const ov = openVinoProbe();
const skipNote = ov.available ? '' : ` (skipped: OpenVINO unavailable: ${ov.reason})`;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const corrupt = writeModel(tmp.dir, 'corrupt.onnx', randomBytes(4096));
const tiny = writeModel(tmp.dir, 'tiny.onnx', tinySrModel({ scale: 2, seed: 5 }));
/** Rank 3 in and out: [3, H, W] → Relu. */
const rank3 = writeModel(tmp.dir, 'rank3.onnx', buildModel({
  input: { name: 'x', dtype: 'float32', shape: [3, 'h', 'w'] },
  output: { name: 'y', dtype: 'float32', shape: [3, 'h', 'w'] },
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
}));

/** Rank 4, same size in and out: [1, 3, H, W] → Relu. */
const relu = writeModel(tmp.dir, 'relu.onnx', buildModel({
  input: { name: 'x', dtype: 'float32', shape: [1, 3, 'h', 'w'] },
  output: { name: 'y', dtype: 'float32', shape: [1, 3, 'h', 'w'] },
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
}));

describe.skipIf(!ov.available)(`OpenVINO backend${skipNote}`, () => {
  it('probes as available on CPU with the release version', () => {
    expect(ov).toMatchObject({ name: 'openvino', available: true, device: 'CPU' });
    expect(ov.version).toMatch(/^20\d\d\.\d+\.\d+$/);
    expect(ov.reason).toBeUndefined();
  });

  it('rejects a wrong-rank model with ModelContractError naming the file, port and rank', async () => {
    const err = await new OpenVinoBackend().load(rank3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelContractError);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toBe(`${rank3}: input 'x' has rank 3 [3, ?, ?]; expected a rank-4 NCHW image tensor [N, C, H, W]`);
  });

  it('rejects a missing file', async () => {
    const missing = `${tmp.dir}/absent.onnx`;
    await expect(new OpenVinoBackend().load(missing)).rejects.toThrow(`${missing}: no such model file`);
  });

  describe('a session', () => {
    let sessionP: Promise<InferenceSession>;
    beforeAll(() => {
      sessionP = new OpenVinoBackend().load(tiny, { threads: 1 });
    });
    afterAll(async () => (await sessionP).close());

    it('checks the tensor dtype and array type before running', async () => {
      const s = await sessionP;
      await expect(s.run(randomImage('float16', 8, 8, 1))).rejects.toThrow(`${tiny}: expected a float32 input tensor but received float16`);
      await expect(s.run({ dtype: 'float32', shape: [1, 3, 2, 2], data: new Uint16Array(12) })).rejects.toThrow(TypeError);
    });

    it('names the expected shape when the input does not fit', async () => {
      const s = await sessionP;
      await expect(s.run({ dtype: 'float32', shape: [3, 4, 4], data: new Float32Array(48) })).rejects.toThrow(
        `${tiny}: OpenVINO run failed: expected an input of rank 4 [1, 3, ?, ?] but received [3, 4, 4]`,
      );
      await expect(s.run({ dtype: 'float32', shape: [1, 3, 4, 4], data: new Float32Array(47) })).rejects.toThrow('needs 192 bytes but the data has 188');
    });

    it('runs concurrent calls of different sizes, each matching a lone run', async () => {
      const s = await sessionP;
      const inputs = [randomImage('float32', 9, 7, 1), randomImage('float32', 16, 5, 2), randomImage('float32', 9, 7, 3), randomImage('float32', 30, 20, 4), randomImage('float32', 6, 6, 5)];
      const together = await Promise.all(inputs.map((t) => s.run(t)));
      for (let i = 0; i < inputs.length; i++) {
        const alone = await s.run(inputs[i]!);
        expect(together[i]!.shape).toEqual([1, 3, inputs[i]!.shape[2]! * 2, inputs[i]!.shape[3]! * 2]);
        expect(maxAbsDiff(together[i]!.data, alone.data)).toBe(0);
      }
    });

    it('writes into a caller-owned output of the exact size and dtype; anything else gets a new array', async () => {
      const s = await sessionP;
      const input = randomImage('float32', 9, 7, 6);
      const alone = await s.run(input);
      const out = new Float32Array(3 * 18 * 14).fill(NaN);
      const into = await s.run(input, out);
      expect(into.data).toBe(out);
      expect(into.shape).toEqual([1, 3, 14, 18]);
      expect(maxAbsDiff(out, alone.data)).toBe(0);
      for (const other of [new Float32Array(out.length + 1), new Uint16Array(out.length), input.data]) {
        const r = await s.run(input, other);
        expect(r.data).not.toBe(other);
        expect(maxAbsDiff(r.data, alone.data)).toBe(0);
      }
    });
  });

  it('an output array that overlaps the input is not written (the result gets a new array)', async () => {
    const s = await new OpenVinoBackend().load(relu, { threads: 1 });
    const input = randomImage('float32', 8, 6, 4);
    (input.data as Float32Array)[0] = -1;
    const before = Float32Array.from(input.data as Float32Array);
    const r = await s.run(input, input.data);
    expect(r.data).not.toBe(input.data);
    expect(maxAbsDiff(input.data, before)).toBe(0);
    expect((r.data as Float32Array)[0]).toBe(0);
    await s.close();
  });

  it('rejects runs after close', async () => {
    const s = await new OpenVinoBackend().load(tiny);
    const pending = s.run(randomImage('float32', 12, 12, 9));
    await s.close();
    await expect(pending).resolves.toMatchObject({ shape: [1, 3, 24, 24] });
    await expect(s.run(randomImage('float32', 12, 12, 9))).rejects.toThrow('the OpenVINO session is closed');
  });
});

describe('every backend that can run here', () => {
  const backends: Backend[] = [new OnnxRuntimeBackend(), ...(ov.available ? [new OpenVinoBackend()] : [])];
  for (const backend of backends) {
    it(`${backend.name}: a corrupt model file rejects with ModelLoadError naming the file`, async () => {
      const err = await backend.load(corrupt).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelLoadError);
      expect((err as ModelLoadError).modelPath).toBe(corrupt);
      expect((err as ModelLoadError).backend).toBe(backend.name);
      expect((err as Error).message.startsWith(`${corrupt}: not a loadable`)).toBe(true);
    });
  }

  it('an unavailable OpenVINO refuses to load with its reason', async () => {
    const missing = new OpenVinoBackend({ env: { LEDPIPE_OPENVINO_LIB: `${tmp.dir}/nothing-here.so` } });
    const err = await missing.load(tiny).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/^backend openvino is not available: (library not found|not built)/);
  });
});
