import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry.js';
import type { PixelFormat } from '../../src/pipeline/frame.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { ModelRung } from '../../src/stages/sr-rungs.js';
import { buildModel } from '../support/onnx-builder.js';
import { card, deepModel, maxAbsDiff, nativeAvailable, nearestModel, nearestUpscale, patternFrameData, randomFrameData, samples, skipNote, testFrame, tmpDir, writeModel } from './fixtures.js';

/** A x2 nearest model whose input is fixed at 1x3x32x32. */
function fixedNearest(): Buffer {
  const w = new Array<number>(12 * 3).fill(0);
  for (let c = 0; c < 3; c++) for (let k = 0; k < 4; k++) w[(c * 4 + k) * 3 + c] = 1;
  return buildModel({
    input: { name: 'input', dtype: 'float32', shape: [1, 3, 32, 32] },
    output: { name: 'output', dtype: 'float32', shape: [1, 3, 64, 64] },
    nodes: [
      { op: 'Conv', inputs: ['input', 'w'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
      { op: 'DepthToSpace', inputs: ['c'], outputs: ['output'], attrs: { blocksize: 2, mode: 'CRD' } },
    ],
    initializers: [{ name: 'w', dtype: 'float32', dims: [12, 3, 1, 1], data: w }],
  });
}

describe.skipIf(!nativeAvailable)(`SR stage tiling${skipNote}`, () => {
  let dir: string;
  let registry: ModelRegistry;
  const deep = deepModel(2); // receptive field 7
  const deep16 = deepModel(2, 11, 'float16');

  beforeAll(() => {
    dir = tmpDir();
    const common = { family: 'deep', receptiveField: deep.receptiveField, params: 1000, macsPerInputPixel: 1000 };
    writeModel(dir, 'deep-whole', deep.onnx, card('deep-whole', { ...common, tile: { size: 512, overlap: 8 } }));
    writeModel(dir, 'deep-t32', deep.onnx, card('deep-t32', { ...common, tile: { size: 32, overlap: 8 } }));
    writeModel(dir, 'deep-t48', deep.onnx, card('deep-t48', { ...common, tile: { size: 48, overlap: 20 } }));
    const f16 = { ...common, family: 'deep16', precision: 'fp16', input: { dtype: 'float16' }, output: { dtype: 'float16' } };
    writeModel(dir, 'deep16-whole', deep16.onnx, card('deep16-whole', { ...f16, tile: { size: 512, overlap: 8 } }));
    writeModel(dir, 'deep16-t32', deep16.onnx, card('deep16-t32', { ...f16, tile: { size: 32, overlap: 8 } }));
    // The same network with a card that understates its receptive field: seams must show.
    writeModel(dir, 'deep-liar', deep.onnx, card('deep-liar', { ...common, receptiveField: 1, tile: { size: 32, overlap: 2 } }));
    writeModel(dir, 'nn-t16', nearestModel(), card('nn-t16', { family: 'nn', tile: { size: 16, overlap: 4 } }));
    writeModel(dir, 'fixed32', fixedNearest(), card('fixed32', { family: 'fixed', tile: { size: 32, overlap: 4 } }));
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(model: string, data: Buffer, width: number, height: number, format: PixelFormat): Promise<{ out: Buffer; rung: ModelRung }> {
    const stage = await createSrStage({ width, height, format, fps: 60, live: false, log: silentLogger }, { registry, model, threads: 1, ladder: false });
    const rung = stage.modelRungs[0]!;
    const out = await stage.process(testFrame(data, width, height, format));
    const copy = Buffer.from(out.data);
    out.release();
    await stage.close();
    return { out: copy, rung };
  }

  for (const format of ['rgb24', 'rgb48le'] as const) {
    it(`tiled output equals whole-frame output within 1/255 when the overlap covers the receptive field (${format})`, async () => {
      const W = 101;
      const H = 71;
      const max = format === 'rgb24' ? 255 : 65535;
      const data = patternFrameData(W, H, format);
      const whole = await run('deep-whole', data, W, H, format);
      expect(whole.rung.tiled).toBe(false);
      for (const id of ['deep-t32', 'deep-t48']) {
        const tiled = await run(id, data, W, H, format);
        expect(tiled.rung.tiled).toBe(true);
        expect(tiled.rung.tileCount).toBeGreaterThan(4);
        const diff = maxAbsDiff(samples(tiled.out, format), samples(whole.out, format));
        expect(diff / max, `${id}: max |tiled - whole| = ${diff} codes`).toBeLessThanOrEqual(1 / 255);
      }
    });
  }

  it('the same holds for a float16 model (tiles blended from half-precision output)', async () => {
    const data = randomFrameData(90, 66, 'rgb24', 21);
    const whole = await run('deep16-whole', data, 90, 66, 'rgb24');
    const tiled = await run('deep16-t32', data, 90, 66, 'rgb24');
    expect(maxAbsDiff(tiled.out, whole.out)).toBeLessThanOrEqual(1);
  });

  it('control: an overlap smaller than the true receptive field leaves seams above 1/255', async () => {
    const data = randomFrameData(101, 71, 'rgb24', 22);
    const whole = await run('deep-whole', data, 101, 71, 'rgb24');
    const liar = await run('deep-liar', data, 101, 71, 'rgb24');
    expect(maxAbsDiff(liar.out, whole.out)).toBeGreaterThan(1);
  });

  it('a tiled nearest model reconstructs nearest x2 exactly', async () => {
    const data = randomFrameData(53, 37, 'rgb48le', 23);
    const { out, rung } = await run('nn-t16', data, 53, 37, 'rgb48le');
    expect(rung.tileCount).toBeGreaterThan(9);
    expect(Array.from(samples(out, 'rgb48le'))).toEqual(nearestUpscale(samples(data, 'rgb48le'), 53, 37, 2));
  });

  it('a fixed-size model always runs in tiles of its size, also on frames smaller than that', async () => {
    for (const [W, H] of [[70, 45], [20, 12]] as const) {
      const data = randomFrameData(W, H, 'rgb24', 24);
      const { out, rung } = await run('fixed32', data, W, H, 'rgb24');
      expect(rung.tiled).toBe(true);
      expect(Array.from(out)).toEqual(nearestUpscale(data, W, H, 2));
    }
  });
});
