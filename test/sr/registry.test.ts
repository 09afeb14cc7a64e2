import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../src/inference/backend.js';
import { ModelCardError } from '../../src/models/model-card.js';
import { defaultModelDirs, ModelNotFoundError, ModelRegistry, packageRootFrom } from '../../src/models/registry.js';
import { card, identityModel, nearestModel, rank3Model, tmpDir, writeModel } from './fixtures.js';

describe('model registry', () => {
  let dir: string;
  let extra: string;
  let registry: ModelRegistry;

  beforeAll(() => {
    dir = tmpDir();
    extra = tmpDir();
    const nn = nearestModel();
    writeModel(dir, 'fam-q', nn, card('fam-q', { family: 'fam', tier: 'quality' }));
    writeModel(dir, 'fam-r', nn, card('fam-r', { family: 'fam', tier: 'realtime' }));
    writeModel(dir, 'fam-b', nn, card('fam-b', { family: 'fam', tier: 'balanced' }));
    writeModel(dir, 'other-x4', nearestModel({ scale: 4 }), card('other-x4', { family: 'other', scale: 4, tier: 'balanced' }));
    writeModel(dir, 'dn', identityModel(3), card('dn', { task: 'denoise', scale: 1, family: 'dn' }));
    writeModel(dir, 'broken', nn, card('broken', { scale: 3 }));
    writeModel(dir, 'lonely', nn, null); // ONNX without a card
    writeModel(dir, 'cardonly', null, card('cardonly'));
    writeModel(extra, 'fam-q', nn, card('fam-q', { family: 'fam' })); // duplicate id in a later folder
    writeModel(extra, 'extra-x2', nn, card('extra-x2', { family: 'extra', tier: 'realtime' }));
    registry = new ModelRegistry({ dirs: [dir, extra, path.join(dir, 'missing-folder')] });
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(extra, { recursive: true, force: true });
  });

  it('finds the package root and its models folder from the module', () => {
    const root = packageRootFrom();
    expect(fs.existsSync(path.join(root, 'package.json'))).toBe(true);
    expect(defaultModelDirs({})[0]).toBe(path.join(root, 'models'));
    expect(defaultModelDirs({ LEDPIPE_MODELS_DIR: `/a${path.delimiter}/b` }).slice(1)).toEqual(['/a', '/b']);
  });

  it('lists valid models by scale, family and tier, and reports the rest as problems', () => {
    expect(registry.list().map((m) => m.card.id)).toEqual(['dn', 'extra-x2', 'fam-q', 'fam-b', 'fam-r', 'other-x4']);
    const problems = registry.problems().map((p) => p.message);
    expect(problems.some((m) => m.includes('broken.json: scale: expected 1, 2 or 4, got 3'))).toBe(true);
    expect(problems.some((m) => m.includes('lonely.onnx: no card lonely.json next to it'))).toBe(true);
    expect(problems.some((m) => m.includes('cardonly.onnx: no such model file'))).toBe(true);
    expect(problems.some((m) => m.includes("fam-q.json: id: 'fam-q' is already registered by"))).toBe(true);
  });

  it('looks models up by id, card path and ONNX path', async () => {
    const byId = await registry.getModel('fam-b');
    expect(byId.card.tier).toBe('balanced');
    expect(byId.modelPath).toBe(path.join(dir, 'fam-b.onnx'));
    expect((await registry.getModel(path.join(dir, 'fam-r.json'))).card.id).toBe('fam-r');
    expect((await registry.getModel(path.join(dir, 'fam-r.onnx'))).card.id).toBe('fam-r'); // its card is used
  });

  it('names the known ids for an unknown one, and the card problem for a broken one', async () => {
    await expect(registry.getModel('nope')).rejects.toThrow(ModelNotFoundError);
    await expect(registry.getModel('nope')).rejects.toThrow("--model: no model 'nope'; known: dn, extra-x2, fam-q");
    await expect(registry.getModel('broken')).rejects.toThrow(ModelCardError);
    await expect(registry.getModel('/no/such/model.onnx')).rejects.toThrow('--model: /no/such/model.onnx: no such file');
  });

  it('infers a card for an ONNX path without one (scale from a probe run)', async () => {
    const m = await registry.getModel(path.join(dir, 'lonely.onnx'));
    expect(m.cardPath).toBeNull();
    expect(m.card).toMatchObject({ id: 'lonely', inferred: true, scale: 2, task: 'sr', input: { name: 'input', dtype: 'float32', colour: 'rgb', range: [0, 1] }, params: null });
    const x4 = path.join(extra, 'x4.onnx');
    fs.writeFileSync(x4, nearestModel({ scale: 4, channels: 1, dtype: 'float16' }));
    expect((await registry.getModel(x4)).card).toMatchObject({ scale: 4, input: { colour: 'luma', dtype: 'float16' }, precision: 'fp16' });
    const x1 = path.join(extra, 'x1.onnx');
    fs.writeFileSync(x1, identityModel(3, 'uint8'));
    expect((await registry.getModel(x1)).card).toMatchObject({ scale: 1, task: 'restore', input: { dtype: 'uint8', range: [0, 255] } });
  });

  it('rejects models it cannot infer a card for, naming the file and what was expected', async () => {
    const r3 = path.join(extra, 'rank3.onnx');
    fs.writeFileSync(r3, rank3Model());
    await expect(registry.getModel(r3)).rejects.toThrow(ModelLoadError);
    await expect(registry.getModel(r3)).rejects.toThrow(/rank3\.onnx: input 'input' has rank 3 .*; expected 4 \(N, C, H, W\)/);
    const c4 = path.join(extra, 'c4.onnx');
    fs.writeFileSync(c4, identityModel(4));
    await expect(registry.getModel(c4)).rejects.toThrow("c4.onnx: input 'input' has 4 channels; expected 3 (RGB) or 1 (luma)");
    const junk = path.join(extra, 'junk.onnx');
    fs.writeFileSync(junk, Buffer.from('not a model'));
    await expect(registry.getModel(junk)).rejects.toThrow(/junk\.onnx: not a loadable ONNX model/);
  });

  it('picks the default model per scale: preferred task, best tier', () => {
    expect(registry.defaultModelFor(2)?.card.id).toBe('fam-q');
    expect(registry.defaultModelFor(4)?.card.id).toBe('other-x4');
    expect(registry.defaultModelFor(1)?.card.id).toBe('dn');
    expect(new ModelRegistry({ dirs: [] }).defaultModelFor(2)).toBeNull();
  });

  it('builds the ladder from the chosen tier down within the family and scale', () => {
    expect(registry.ladderFor(registry.find('fam-q')!).map((m) => m.card.id)).toEqual(['fam-q', 'fam-b', 'fam-r']);
    expect(registry.ladderFor(registry.find('fam-b')!).map((m) => m.card.id)).toEqual(['fam-b', 'fam-r']);
    expect(registry.ladderFor(registry.find('other-x4')!).map((m) => m.card.id)).toEqual(['other-x4']);
  });
});
