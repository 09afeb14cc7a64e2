import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackends } from '../../src/inference/index.js';
import { ModelRegistry } from '../../src/models/registry.js';
import type { Logger } from '../../src/pipeline/logger.js';
import { StageConfigError, type StageContext } from '../../src/stages/registry.js';
import { SR_STAGE_FLAGS, srStageFactory, type SrStage } from '../../src/stages/sr-stage.js';
import { card, nativeAvailable, nearestModel, nearestUpscale, randomFrameData, skipNote, testFrame, tmpDir, writeModel } from './fixtures.js';

describe.skipIf(!nativeAvailable)(`srStageFactory: the 'sr' entry of the stage registry${skipNote}`, () => {
  let dir: string;
  let registry: ModelRegistry;
  const warnings: string[] = [];
  const log: Logger = { error: () => undefined, warn: (m) => warnings.push(m), info: () => undefined, debug: () => undefined };
  const ctx = (live = false): StageContext => ({ width: 20, height: 12, format: 'rgb24', fps: 30, live, log });

  beforeAll(() => {
    dir = tmpDir();
    writeModel(dir, 'nn-x2', nearestModel(), card('nn-x2', { family: 'nn' }));
    writeModel(dir, 'broken-x4', Buffer.from('junk'), card('broken-x4', { family: 'b', scale: 4 }));
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('owns --model, --scale, --backend and --threads', () => {
    const f = srStageFactory({ registry });
    expect(f.name).toBe('sr');
    expect(f.flags).toBe(SR_STAGE_FLAGS);
    expect(f.flags.map((x) => `--${x.name} ${x.value}`)).toEqual(['--model ID|PATH', '--scale 1|2|4', '--backend tensorrt|openvino|onnxruntime', '--threads N']);
  });

  it('unavailableReason: null when it can run, else why (phrased after "stage \'sr\' ")', () => {
    const f = srStageFactory({ registry });
    // No flags: never a default (a filter with no flags passes the picture through).
    expect(f.unavailableReason({})).toMatch(/^needs --model ID\|PATH or --scale 1\|2\|4/);
    expect(f.unavailableReason({ scale: '2' })).toBeNull(); // the x2 default exists
    expect(f.unavailableReason({ model: 'anything' })).toBeNull();
    expect(f.unavailableReason({ scale: '1' })).toMatch(/^needs --model ID\|PATH: no x1 model in /);
    expect(f.unavailableReason({ scale: '3' })).toBe("has a bad flag: --scale: expected 1, 2 or 4, got '3'");
    expect(f.unavailableReason({ threads: 'two' })).toBe("has a bad flag: --threads: expected an integer from 1 to 256, got 'two'");
    expect(f.unavailableReason({ backend: 'cuda' })).toBe("has a bad flag: --backend: expected tensorrt, openvino, onnxruntime, got 'cuda'");
    const missing = listBackends().find((b) => !b.available);
    if (missing) expect(f.unavailableReason({ backend: missing.name })).toMatch(new RegExp(`^cannot run: backend ${missing.name} is not available: `));
  });

  it('create: flags parsed, forced backend, frames processed', async () => {
    const stage = (await srStageFactory({ registry }).create(ctx(), { model: 'nn-x2', backend: 'onnxruntime', threads: '1' })) as SrStage;
    expect(stage.modes).toEqual(['quality', 'lanczos']);
    expect(stage.modelRungs[0]!.backend).toBe('onnxruntime');
    const data = randomFrameData(20, 12, 'rgb24', 41);
    expect(Array.from((await stage.process(testFrame(data, 20, 12, 'rgb24'))).data)).toEqual(nearestUpscale(data, 20, 12, 2));
    await stage.close();
  });

  it('create: bad flag values are StageConfigError naming the flag', async () => {
    const f = srStageFactory({ registry });
    await expect(f.create(ctx(), { scale: '8' })).rejects.toThrow(StageConfigError);
    await expect(f.create(ctx(), { scale: '8' })).rejects.toThrow("--scale: expected 1, 2 or 4, got '8'");
    await expect(f.create(ctx(), { model: '' })).rejects.toThrow('--model: expected a value');
    await expect(f.create(ctx(), { model: 'nope', backend: 'onnxruntime' })).rejects.toThrow(StageConfigError);
    await expect(f.create(ctx(), { model: 'nope', backend: 'onnxruntime' })).rejects.toThrow("--model: no model 'nope'; known: nn-x2");
    await expect(f.create(ctx(), { model: 'nn-x2', scale: '4', backend: 'onnxruntime' })).rejects.toThrow(/^.*nn-x2\.json: scale: the model is x2 but --scale 4 was asked for$/);
    await expect(f.create(ctx(), { model: 'nn-x2', scale: '4', backend: 'onnxruntime' })).rejects.toThrow(StageConfigError);
  });

  it('create without --backend: the selection/fallback chain of src/inference loads the model', async () => {
    const stage = (await srStageFactory({ registry }).create(ctx(), { model: 'nn-x2', threads: '1' })) as SrStage;
    expect(stage.modelRungs[0]!.backend).toBe(listBackends().find((b) => b.available)!.name);
    const data = randomFrameData(20, 12, 'rgb24', 42);
    expect(Array.from((await stage.process(testFrame(data, 20, 12, 'rgb24'))).data)).toEqual(nearestUpscale(data, 20, 12, 2));
    await stage.close();
  });

  it('live context: a broken model falls back to Lanczos and warns through ctx.log', async () => {
    warnings.length = 0;
    const stage = (await srStageFactory({ registry }).create(ctx(true), { model: 'broken-x4', backend: 'onnxruntime' })) as SrStage;
    expect(stage.outputWidth).toBe(80);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/broken-x4\.onnx \(rung 'quality'\) failed to load, using 'lanczos'/);
    const out = await stage.process(testFrame(randomFrameData(20, 12, 'rgb24', 43), 20, 12, 'rgb24'));
    expect(stage.lastRung).toBe('lanczos');
    expect(out.width).toBe(80);
    await stage.close();
  });
});
