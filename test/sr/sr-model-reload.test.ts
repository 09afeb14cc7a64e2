import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { card, deepModel, nativeAvailable, randomFrameData, skipNote, testFrame, tmpDir, writeModel } from './fixtures.js';

async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function replace(file: string, data: Buffer | string): void {
  fs.writeFileSync(`${file}.tmp`, data);
  fs.renameSync(`${file}.tmp`, file);
}

// A model file changed under a running stage: frames keep flowing; a bad file never replaces a good model.
describe.skipIf(!nativeAvailable)(`SR stage: model file reload while frames flow${skipNote}`, () => {
  it('garbage, a removed file, then a new model: the running model stays until a good file arrives', async () => {
    const dir = tmpDir();
    const a = deepModel(2, 7), b = deepModel(2, 99);
    const file = writeModel(dir, 'm', a.onnx, card('m', { tier: 'quality', receptiveField: a.receptiveField }));
    const infos: string[] = [], warns: string[] = [];
    const log = { error: (m: string) => warns.push(m), warn: (m: string) => warns.push(m), info: (m: string) => infos.push(m), debug: () => undefined };
    const stage = await createSrStage(
      { width: 20, height: 12, format: 'rgb24', fps: 60, live: true, log },
      { model: 'm', registry: new ModelRegistry({ dirs: [dir] }), backendName: 'onnxruntime', ladder: false, log: (m) => warns.push(m) },
    );
    const input = randomFrameData(20, 12, 'rgb24', 5);
    const run = async () => {
      const out = await stage.process(testFrame(Buffer.from(input), 20, 12, 'rgb24'));
      const copy = Buffer.from(out.data);
      out.release();
      return copy;
    };
    const outA = await run();

    // Frames flow the whole time; every one must come from model A or model B, whole.
    const seen: Buffer[] = [];
    let flowing = true;
    const pump = (async () => {
      while (flowing) {
        seen.push(await run());
        await new Promise((r) => setImmediate(r));
      }
    })();

    replace(file, 'not an onnx model');
    await until(() => warns.length >= 1);
    expect(warns[0]).toMatch(/^sr: model .*m\.onnx was not reloaded, keeping the running model: /);
    fs.rmSync(file);
    await until(() => warns.length >= 2);
    expect(warns[1]).toMatch(/was not reloaded, keeping the running model: .*(no such|ENOENT|not a loadable|does not exist)/i);
    expect((await run()).equals(outA)).toBe(true);

    replace(file, b.onnx);
    await until(() => infos.some((m) => /sr: reloaded model .*m\.onnx \(rung 'quality'\)/.test(m)));
    flowing = false;
    await pump;
    const outB = await run();
    expect(outB.equals(outA)).toBe(false);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((o) => o.equals(outA) || o.equals(outB))).toBe(true);
    expect(stage.lastRung).toBe('quality');
    expect(stage.failures).toBe(0);
    expect(stage.watches[0]!.stats).toMatchObject({ reloads: 1, rejected: 2 });
    await stage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
