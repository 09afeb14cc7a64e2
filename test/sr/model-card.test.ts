import { describe, expect, it } from 'vitest';
import { ModelCardError, parseModelCard, validateModelCard } from '../../src/models/model-card.js';
import { card } from './fixtures.js';

const FILE = 'models/x.json';

/** The card with `patch` applied (undefined deletes a field), validated. */
function check(patch: Record<string, unknown>, base = card('x')): () => unknown {
  const c: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete c[k];
    else c[k] = v;
  }
  return () => validateModelCard(c, FILE, { expectedId: 'x' });
}

describe('model card schema', () => {
  it('accepts a complete card and returns it typed, not inferred', () => {
    const full = card('x', {
      description: 'a test',
      measured: { quality: { 'psnrY.set5': 37.1 }, speed: [{ backend: 'onnxruntime', inputSize: '960x540', threads: 2, msPerFrame: 50.5, machine: '2 vCPU EPYC' }] },
      trainedFor: { content: 'live video', sourceSize: '960x540', pixelPitchMm: 2.6, viewingDistanceM: 5, notes: 'indoor' },
      provenance: { source: 'here', licence: 'MIT', derivedFrom: 'realesr-general-x4v3', notes: '' },
    });
    const c = validateModelCard(full, FILE, { expectedId: 'x' });
    expect(c).toMatchObject({ id: 'x', task: 'sr', scale: 2, tier: 'quality', inferred: false, tile: { size: 256, overlap: 16 } });
    expect(c.measured?.speed?.[0]?.msPerFrame).toBe(50.5);
    expect(c.trainedFor?.pixelPitchMm).toBe(2.6);
    expect(c.provenance.derivedFrom).toBe('realesr-general-x4v3');
  });

  it('accepts every allowed value of the enumerations', () => {
    for (const task of ['sr', 'restore']) expect(check({ task })).not.toThrow();
    expect(check({ task: 'denoise', scale: 1 })).not.toThrow();
    expect(check({ task: 'restore', scale: 1 })).not.toThrow();
    for (const scale of [2, 4]) expect(check({ scale })).not.toThrow();
    for (const tier of ['quality', 'balanced', 'realtime']) expect(check({ tier })).not.toThrow();
    for (const precision of ['fp32', 'fp16', 'int8', 'mixed']) expect(check({ precision })).not.toThrow();
    for (const dtype of ['float32', 'float16']) expect(check({ input: { ...(card('x').input as object), dtype } })).not.toThrow();
    expect(check({ input: { ...(card('x').input as object), dtype: 'uint8', range: [0, 255] } })).not.toThrow();
    expect(check({ input: { ...(card('x').input as object), dtype: 'int8', range: [0, 255] } })).not.toThrow();
    expect(check({ input: { ...(card('x').input as object), colour: 'luma' }, output: { ...(card('x').output as object), colour: 'luma' } })).not.toThrow();
  });

  it('names the file, the field, the allowed values and the value received', () => {
    expect(check({ scale: 3 })).toThrow('models/x.json: scale: expected 1, 2 or 4, got 3');
    expect(check({ task: 'upscale' })).toThrow(`models/x.json: task: expected 'sr', 'denoise' or 'restore', got "upscale"`);
    expect(check({ tier: 'fast' })).toThrow(`tier: expected 'quality', 'balanced' or 'realtime', got "fast"`);
    expect(check({ precision: 'bf16' })).toThrow(`precision: expected 'fp32', 'fp16', 'int8' or 'mixed', got "bf16"`);
    expect(check({ scale: undefined })).toThrow('scale: expected 1, 2 or 4, got nothing');
  });

  it('checks id: pattern and equal to the file name', () => {
    expect(check({ id: 'Bad Id' })).toThrow('id: expected lower-case letters');
    expect(check({ id: 'y' })).toThrow(`models/x.json: id: expected 'x' (the file name), got "y"`);
    expect(check({ id: 7 })).toThrow('id: expected a non-empty string, got 7');
  });

  it('ties scale to task', () => {
    expect(check({ task: 'sr', scale: 1 })).toThrow("scale: expected 2 or 4 for task 'sr'");
    expect(check({ task: 'denoise', scale: 2 })).toThrow("scale: expected 1 for task 'denoise'");
  });

  it('checks family', () => {
    expect(check({ family: '' })).toThrow('family: expected a non-empty string, got ""');
    expect(check({ family: 'Has Space' })).toThrow('family: expected lower-case letters');
  });

  it('checks the input and output tensor contracts', () => {
    const input = card('x').input as Record<string, unknown>;
    expect(check({ input: 'rgb' })).toThrow('input: expected an object, got "rgb"');
    expect(check({ input: { ...input, layout: 'NHWC' } })).toThrow(`input.layout: expected 'NCHW', got "NHWC"`);
    expect(check({ input: { ...input, dtype: 'float64' } })).toThrow(`input.dtype: expected 'float32', 'float16', 'uint8' or 'int8', got "float64"`);
    expect(check({ input: { ...input, range: [0, 2] } })).toThrow('input.range: expected [0, 1] or [0, 255], got [0,2]');
    expect(check({ input: { ...input, range: 1 } })).toThrow('input.range: expected [0, 1] or [0, 255], got 1');
    expect(check({ input: { ...input, dtype: 'uint8' } })).toThrow('input.range: expected [0, 255] for dtype uint8, got [0,1]');
    expect(check({ input: { ...input, colour: 'yuv' } })).toThrow(`input.colour: expected 'rgb' or 'luma', got "yuv"`);
    expect(check({ input: { ...input, name: '' } })).toThrow('input.name: expected a non-empty string');
    expect(check({ input: { ...input, shape: [1] } })).toThrow('input.shape: unknown field; allowed: name, layout, dtype, range, colour');
    expect(check({ output: { ...input, name: 'output', colour: 'luma' } })).toThrow(`output.colour: expected 'rgb' like input.colour, got "luma"`);
  });

  it('checks tiles against the receptive field', () => {
    expect(check({ tile: { size: 8, overlap: 0 } })).toThrow('tile.size: expected an integer from 16 to 8192, got 8');
    expect(check({ tile: { size: 64, overlap: -1 } })).toThrow('tile.overlap: expected an integer from 0 to 4096, got -1');
    expect(check({ receptiveField: 9, tile: { size: 64, overlap: 8 } })).toThrow('tile.overlap: expected at least receptiveField (9) so tiles join without seams, got 8');
    expect(check({ receptiveField: 9, tile: { size: 64, overlap: 40 } })).toThrow('tile.overlap: expected at most half of tile.size (32), got 40');
    expect(check({ receptiveField: 9, tile: { size: 64, overlap: 9 } })).not.toThrow();
    expect(check({ receptiveField: 0 })).toThrow('receptiveField: expected an integer from 1 to 1024, got 0');
    expect(check({ tile: { size: 64, overlap: 8, stride: 4 } })).toThrow('tile.stride: unknown field');
  });

  it('checks params, MACs and provenance', () => {
    expect(check({ params: -1 })).toThrow('params: expected an integer from 0 to');
    expect(check({ params: 1.5 })).toThrow('params: expected an integer');
    expect(check({ macsPerInputPixel: 'many' })).toThrow('macsPerInputPixel: expected a finite number >= 0, got "many"');
    expect(check({ provenance: undefined })).toThrow('provenance: expected an object, got nothing');
    expect(check({ provenance: { source: 'x', notes: '' } })).toThrow('provenance.licence: expected a non-empty string, got nothing');
    expect(check({ provenance: { source: 'x', licence: 'MIT' } })).toThrow('provenance.notes: expected a string, got nothing');
    expect(check({ provenance: { source: 'x', licence: 'MIT', notes: '', derivedFrom: '' } })).toThrow('provenance.derivedFrom: expected a non-empty string');
  });

  it('checks measured and trainedFor when present', () => {
    expect(check({ measured: { quality: { psnr: 'high' } } })).toThrow('measured.quality.psnr: expected a finite number, got "high"');
    expect(check({ measured: { speed: {} } })).toThrow('measured.speed: expected an array');
    const speed = { backend: 'onnxruntime', inputSize: '960x540', threads: 2, msPerFrame: 5, machine: 'm' };
    expect(check({ measured: { speed: [{ ...speed, backend: 'cuda' }] } })).toThrow(`measured.speed[0].backend: expected 'tensorrt', 'openvino' or 'onnxruntime', got "cuda"`);
    expect(check({ measured: { speed: [{ ...speed, inputSize: '960*540' }] } })).toThrow('measured.speed[0].inputSize: expected WIDTHxHEIGHT such as 960x540, got "960*540"');
    expect(check({ measured: { speed: [{ ...speed, threads: 0 }] } })).toThrow('measured.speed[0].threads: expected an integer from 1 to 1024, got 0');
    expect(check({ measured: { speed: [{ ...speed, msPerFrame: 0 }] } })).toThrow('measured.speed[0].msPerFrame: expected a finite number > 0, got 0');
    expect(check({ trainedFor: { pixelPitchMm: -2 } })).toThrow('trainedFor.pixelPitchMm: expected a finite number > 0, got -2');
    expect(check({ trainedFor: { screen: 'big' } })).toThrow('trainedFor.screen: unknown field');
  });

  it('rejects unknown top-level fields (typos) and non-objects', () => {
    expect(check({ scael: 2 })).toThrow('models/x.json: scael: unknown field; allowed: id, task, scale');
    expect(check({ $comment: 'notes for humans' })).not.toThrow();
    expect(() => validateModelCard([1], FILE)).toThrow('models/x.json: expected a JSON object, got [1]');
  });

  it('lists every problem at once, one line each', () => {
    try {
      check({ scale: 3, tier: 'x', params: undefined })();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ModelCardError);
      const e = err as ModelCardError;
      expect(e.file).toBe(FILE);
      expect(e.problems).toHaveLength(3);
      expect(e.message.split('\n').every((l) => l.startsWith('models/x.json: '))).toBe(true);
    }
  });

  it('reports JSON syntax errors with the file name', () => {
    expect(() => parseModelCard('{ "id": ', FILE)).toThrow(/^models\/x\.json: not valid JSON/);
  });
});
