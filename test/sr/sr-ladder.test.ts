import fs from 'node:fs';
import path from 'node:path';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, type Backend, type InferenceSession } from '../../src/inference/backend.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { ModelCardError } from '../../src/models/model-card.js';
import { ModelNotFoundError, ModelRegistry } from '../../src/models/registry.js';
import type { PixelFormat } from '../../src/pipeline/frame.js';
import { resize } from '../../src/native/index.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage, type SrStageOptions } from '../../src/stages/sr-stage.js';
import { card, deepModel, identityModel, nativeAvailable, nearestModel, nearestUpscale, randomFrameData, rank3Model, skipNote, testFrame, tmpDir, writeModel } from './fixtures.js';

/** ONNX Runtime whose sessions throw on run number `failAt` and after (1 = the warm-up). */
class FailingBackend implements Backend {
  readonly name = 'onnxruntime' as const;
  private readonly inner = new OnnxRuntimeBackend();
  constructor(private readonly failAt: number) {}
  probe() {
    return this.inner.probe();
  }
  async load(modelPath: string, options = {}): Promise<InferenceSession> {
    const s = await this.inner.load(modelPath, options);
    let runs = 0;
    return {
      backend: s.backend, modelPath: s.modelPath, input: s.input, output: s.output, close: () => s.close(),
      run: (t) => (++runs >= this.failAt ? Promise.reject(new Error('device lost')) : s.run(t)),
    };
  }
}

function lanczos(data: Buffer, w: number, h: number, s: number, format: PixelFormat, filter: 'lanczos3' | 'cubic' = 'lanczos3'): Buffer {
  return resize({ src: data, srcWidth: w, srcHeight: h, dst: Buffer.alloc(w * h * s * s * (format === 'rgb24' ? 3 : 6)), dstWidth: w * s, dstHeight: h * s, format, filter });
}

describe.skipIf(!nativeAvailable)(`SR stage ladder, errors and live fallback${skipNote}`, () => {
  let dir: string;
  let registry: ModelRegistry;

  beforeAll(() => {
    dir = tmpDir();
    writeModel(dir, 'fam-q', deepModel(2).onnx, card('fam-q', { family: 'fam', tier: 'quality', receptiveField: 7 }));
    writeModel(dir, 'fam-b', nearestModel(), card('fam-b', { family: 'fam', tier: 'balanced' }));
    writeModel(dir, 'fam-luma', nearestModel({ channels: 1 }), card('fam-luma', { family: 'fam', tier: 'realtime', input: { colour: 'luma' }, output: { colour: 'luma' } }));
    // Incompatible or broken models, each with a card that looks fine (tier realtime: never the default).
    writeModel(dir, 'bad-rank', rank3Model(), card('bad-rank', { tier: 'realtime' }));
    writeModel(dir, 'bad-channels', identityModel(4), card('bad-channels', { tier: 'realtime' }));
    writeModel(dir, 'bad-scale', nearestModel(), card('bad-scale', { tier: 'realtime', scale: 4 }));
    writeModel(dir, 'bad-dtype', nearestModel({ dtype: 'float16' }), card('bad-dtype', { tier: 'realtime' }));
    writeModel(dir, 'bad-name', nearestModel({ input: 'data' }), card('bad-name', { tier: 'realtime' }));
    writeModel(dir, 'bad-luma', nearestModel(), card('bad-luma', { tier: 'realtime', input: { colour: 'luma' }, output: { colour: 'luma' } }));
    writeModel(dir, 'corrupt', Buffer.from('this is not protobuf'), card('corrupt', { family: 'corrupt', tier: 'realtime' }));
    writeModel(dir, 'missing', null, card('missing', { tier: 'realtime' }));
    writeModel(dir, 'bad-card', nearestModel(), card('bad-card', { tier: 'realtime', tile: { size: 64 } }));
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const make = (options: SrStageOptions, width = 24, height = 15, format: PixelFormat = 'rgb24') =>
    createSrStage({ width, height, format, fps: 60, live: false, log: silentLogger }, { registry, threads: 1, ...options });

  it('builds the ladder from the family (same colour), ending with Lanczos; optional bicubic', async () => {
    const stage = await make({ model: 'fam-q', bicubicRung: true });
    expect(stage.modes).toEqual(['quality', 'balanced', 'lanczos', 'bicubic']);
    expect(stage.model?.id).toBe('fam-q');
    await stage.close();
    const single = await make({ model: 'fam-b', ladder: false });
    expect(single.modes).toEqual(['balanced', 'lanczos']);
    await single.close();
    const byScale = await make({ scale: 2 });
    expect(byScale.model?.id).toBe('fam-q');
    await byScale.close();
  });

  for (const format of ['rgb24', 'rgb48le'] as const) {
    it(`setMode switches between frames; the Lanczos rung gives the native Lanczos result (${format})`, async () => {
      const stage = await make({ model: 'fam-q', bicubicRung: true }, 24, 15, format);
      const data = randomFrameData(24, 15, format, 31);
      const once = async () => {
        const out = await stage.process(testFrame(data, 24, 15, format));
        const copy = Buffer.from(out.data);
        out.release();
        return copy;
      };
      await once();
      expect(stage.lastRung).toBe('quality');
      stage.setMode(1);
      const nn = await once();
      expect(stage.lastRung).toBe('balanced');
      const u = format === 'rgb24' ? nn : new Uint16Array(nn.buffer, nn.byteOffset, nn.length / 2);
      const src = format === 'rgb24' ? data : new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
      expect(Array.from(u)).toEqual(nearestUpscale(src, 24, 15, 2));
      stage.setMode(2);
      expect((await once()).equals(lanczos(data, 24, 15, 2, format))).toBe(true);
      expect(stage.lastRung).toBe('lanczos');
      stage.setMode(3);
      expect((await once()).equals(lanczos(data, 24, 15, 2, format, 'cubic'))).toBe(true);
      stage.setMode(0);
      await once();
      expect(stage.rungCounts).toEqual({ quality: 2, balanced: 1, lanczos: 1, bicubic: 1 });
      expect(() => stage.setMode(4)).toThrow('sr.setMode: expected an integer from 0 to 3, got 4');
      await stage.close();
    });
  }

  it('in a pipeline: frames come out at the new size, in order, every input released', async () => {
    const stage = await make({ model: 'fam-b', ladder: false, poolCapacity: 3 });
    const pipeline = createPipeline({ stages: [stage], fps: 30 });
    const inputs = Array.from({ length: 5 }, (_, i) => testFrame(randomFrameData(24, 15, 'rgb24', 50 + i), 24, 15, 'rgb24', i));
    const expected = inputs.map((f) => nearestUpscale(f.data, 24, 15, 2));
    const outs = await lastValueFrom(pipeline.process(from(inputs)).pipe(
      map((f) => {
        const copy = { seq: f.seq, width: f.width, data: Array.from(f.data) };
        f.release();
        return copy;
      }),
      toArray(),
    ));
    expect(outs.map((o) => o.seq)).toEqual([0, 1, 2, 3, 4]);
    outs.forEach((o, i) => {
      expect(o.width).toBe(48);
      expect(o.data).toEqual(expected[i]);
    });
    expect(inputs.every((f) => f.released === 1)).toBe(true);
    expect(pipeline.stats.framesOut).toBe(5);
  });

  it('a bare ONNX path runs with an inferred card', async () => {
    const bare = path.join(dir, 'bare-dir');
    fs.mkdirSync(bare, { recursive: true });
    const file = path.join(bare, 'plain.onnx');
    fs.writeFileSync(file, nearestModel());
    const stage = await make({ model: file });
    expect(stage.model).toMatchObject({ id: 'plain', inferred: true, scale: 2 });
    expect(stage.modes).toEqual(['model', 'lanczos']);
    const data = randomFrameData(24, 15, 'rgb24', 60);
    expect(Array.from((await stage.process(testFrame(data, 24, 15, 'rgb24'))).data)).toEqual(nearestUpscale(data, 24, 15, 2));
    await stage.close();
  });

  it('incompatible models: ModelLoadError naming the file and what was expected', async () => {
    const cases: Array<[string, string | RegExp]> = [
      ['bad-rank', /bad-rank\.onnx: input 'input' has rank 3; expected 4 \(N, C, H, W\)/],
      ['bad-channels', /bad-channels\.onnx: input 'input' has 4 channels; expected 3 \(RGB\) or 1 \(luma\)/],
      ['bad-scale', /bad-scale\.onnx: output has shape \[1, 3, 30, 48\] for input \[1, 3, 15, 24\]; expected \[1, 3, 60, 96\] \(scale 4 from .*bad-scale\.json\)/],
      ['bad-dtype', /bad-dtype\.onnx: input 'input' is float16; expected float32 \(card .*bad-dtype\.json\)/],
      ['bad-name', /bad-name\.onnx: input is named 'data'; expected 'input'/],
      ['bad-luma', /bad-luma\.onnx: input 'input' has 3 channel\(s\); expected 1 for colour 'luma'/],
      ['corrupt', /corrupt\.onnx: not a loadable ONNX model/],
      ['missing', /missing\.onnx: no such model file \(the card .*missing\.json names it\)/],
    ];
    for (const [id, message] of cases) {
      const attempt = make({ model: id });
      await expect(attempt, id).rejects.toThrow(ModelLoadError);
      await expect(make({ model: id }), id).rejects.toThrow(message);
    }
    await expect(make({ model: 'bad-card' })).rejects.toThrow(ModelCardError);
    await expect(make({ model: 'bad-card' })).rejects.toThrow(/bad-card\.json: tile\.overlap: expected an integer from 0 to 4096, got nothing/);
    await expect(make({ model: 'nope' })).rejects.toThrow(ModelNotFoundError);
    await expect(make({ model: 'fam-b', scale: 4 })).rejects.toThrow(/fam-b\.json: scale: the model is x2 but --scale 4 was asked for/);
    await expect(make({ scale: 1 })).rejects.toThrow(/sr: no x1 model in .*; give --model ID\|PATH/);
  });

  it('offline: a model that fails at run rejects (the pipeline stops naming the stage) and frees the output buffer', async () => {
    const stage = await make({ model: 'fam-b', backend: new FailingBackend(2), poolCapacity: 1 });
    const frame = testFrame(randomFrameData(24, 15, 'rgb24', 32), 24, 15, 'rgb24');
    await expect(stage.process(frame)).rejects.toThrow('device lost');
    expect(frame.released).toBe(0); // the pipeline releases it
    // The one pool buffer came back: a later frame on the Lanczos rung does not wait forever.
    stage.setMode(1);
    (await stage.process(testFrame(randomFrameData(24, 15, 'rgb24', 33), 24, 15, 'rgb24'))).release();
    await stage.close();
  });

  it('live: a model that fails at run falls back to Lanczos, logs once, never throws', async () => {
    const logs: string[] = [];
    const stage = await make({ model: 'fam-b', ladder: false, live: true, backend: new FailingBackend(3), log: (m) => logs.push(m) });
    const data = randomFrameData(24, 15, 'rgb24', 34);
    const rungs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const frame = testFrame(Buffer.from(data), 24, 15, 'rgb24', i);
      const out = await stage.process(frame);
      rungs.push(stage.lastRung!);
      expect(frame.released).toBe(1);
      if (i >= 1) expect(out.data.equals(lanczos(data, 24, 15, 2, 'rgb24'))).toBe(true);
      out.release();
    }
    expect(rungs).toEqual(['balanced', 'lanczos', 'lanczos', 'lanczos']);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^sr: model .*fam-b\.onnx \(rung 'balanced'\) failed, using 'lanczos' from now on: device lost$/);
    expect(stage.failures).toBe(1);
    await stage.close();
  });

  it('live: a model that fails at load keeps its place on the ladder and maps to Lanczos', async () => {
    const logs: string[] = [];
    const stage = await make({ model: 'corrupt', live: true, log: (m) => logs.push(m) });
    expect(stage.modes).toEqual(['realtime', 'lanczos']);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^sr: model .*corrupt\.onnx \(rung 'realtime'\) failed to load, using 'lanczos' from now on: .*not a loadable ONNX model/);
    const data = randomFrameData(24, 15, 'rgb24', 35);
    const out = await stage.process(testFrame(data, 24, 15, 'rgb24'));
    expect(stage.lastRung).toBe('lanczos');
    expect(out.data.equals(lanczos(data, 24, 15, 2, 'rgb24'))).toBe(true);
    await stage.close();
  });

  it('passThrough (bypass, live failures) delivers the output size through the Lanczos rung', async () => {
    const stage = await make({ model: 'fam-q', bicubicRung: true });
    expect(stage.output).toEqual({ width: 48, height: 30, format: 'rgb24' });
    const data = randomFrameData(24, 15, 'rgb24', 37);
    const out = await stage.passThrough(testFrame(data, 24, 15, 'rgb24'));
    expect([out.width, out.height, stage.lastRung]).toEqual([48, 30, 'lanczos']);
    expect(out.data.equals(lanczos(data, 24, 15, 2, 'rgb24'))).toBe(true);
    await stage.close();
  });

  it('live: no usable model at all (unknown id, bad card) still gives a Lanczos stage at the asked scale', async () => {
    const logs: string[] = [];
    const stage = await make({ model: path.join(dir, 'nope.onnx'), scale: 4, live: true, log: (m) => logs.push(m) });
    expect(stage.modes).toEqual(['lanczos']);
    expect(stage.outputWidth).toBe(96);
    expect(logs[0]).toMatch(/^sr: no usable model, using 'lanczos': --model: .*nope\.onnx: no such file$/);
    const data = randomFrameData(24, 15, 'rgb24', 36);
    expect((await stage.process(testFrame(data, 24, 15, 'rgb24'))).data.equals(lanczos(data, 24, 15, 4, 'rgb24'))).toBe(true);
    await stage.close();
  });
});
