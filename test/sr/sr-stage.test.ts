import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry.js';
import { FramePool } from '../../src/pipeline/frame-pool.js';
import type { PixelFormat } from '../../src/pipeline/frame.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage, type SrStageOptions } from '../../src/stages/sr-stage.js';
import { quantize } from '../native/resize-reference.js';
import { referenceMerge, referenceSplit } from '../native/sr-luma-reference.js';
import { card, identityModel, maxAbsDiff, nativeAvailable, nearestModel, nearestUpscale, patternFrameData, quantise, randomFrameData, samples, sharpenModel, skipNote, SHARPEN, testFrame, tmpDir, writeModel } from './fixtures.js';

describe.skipIf(!nativeAvailable)(`SR stage on built models${skipNote}`, () => {
  let dir: string;
  let registry: ModelRegistry;

  beforeAll(() => {
    dir = tmpDir();
    writeModel(dir, 'nn-x2', nearestModel(), card('nn-x2', { family: 'nn', tier: 'quality' }));
    writeModel(dir, 'nn-x2-f16', nearestModel({ dtype: 'float16' }), card('nn-x2-f16', { family: 'nn16', precision: 'fp16', input: { dtype: 'float16' }, output: { dtype: 'float16' } }));
    writeModel(dir, 'nn-x4', nearestModel({ scale: 4 }), card('nn-x4', { family: 'nn4', scale: 4 }));
    writeModel(dir, 'sharpen', sharpenModel(), card('sharpen', { task: 'restore', scale: 1, family: 'sharp', receptiveField: 3 }));
    writeModel(dir, 'luma-x2', nearestModel({ channels: 1 }), card('luma-x2', { family: 'luma', input: { colour: 'luma' }, output: { colour: 'luma' } }));
    writeModel(dir, 'luma-x2-f16', nearestModel({ channels: 1, dtype: 'float16' }), card('luma-x2-f16', { family: 'luma16', precision: 'fp16', input: { colour: 'luma', dtype: 'float16' }, output: { colour: 'luma', dtype: 'float16' } }));
    writeModel(dir, 'luma-x2-f255', nearestModel({ channels: 1 }), card('luma-x2-f255', { family: 'luma255', input: { colour: 'luma', range: [0, 255] }, output: { colour: 'luma', range: [0, 255] } }));
    writeModel(dir, 'luma-x1', identityModel(1), card('luma-x1', { task: 'denoise', scale: 1, family: 'luma1', input: { colour: 'luma' }, output: { colour: 'luma' } }));
    writeModel(dir, 'u8-x1', identityModel(3, 'uint8'), card('u8-x1', { task: 'restore', scale: 1, family: 'u8', input: { dtype: 'uint8', range: [0, 255] }, output: { dtype: 'uint8', range: [0, 255] } }));
    writeModel(dir, 'f255-x1', identityModel(3), card('f255-x1', { task: 'restore', scale: 1, family: 'f255', input: { range: [0, 255] }, output: { range: [0, 255] } }));
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const make = (width: number, height: number, format: PixelFormat, options: SrStageOptions) =>
    createSrStage({ width, height, format, fps: 60, live: false, log: silentLogger }, { registry, threads: 1, ...options });

  it('nearest x2 model: output equals nearest-neighbour x2 exactly; input released, output pooled', async () => {
    const stage = await make(37, 23, 'rgb24', { model: 'nn-x2' });
    expect(stage.modes).toEqual(['quality', 'lanczos']);
    expect([stage.outputWidth, stage.outputHeight]).toEqual([74, 46]);
    const data = randomFrameData(37, 23, 'rgb24', 1);
    const input = testFrame(data, 37, 23, 'rgb24', 5);
    const out = await stage.process(input);
    expect([out.width, out.height, out.format, out.seq, out.ptsMs]).toEqual([74, 46, 'rgb24', 5, input.ptsMs]);
    expect(input.released).toBe(1);
    expect(Array.from(out.data)).toEqual(nearestUpscale(data, 37, 23, 2));
    expect(stage.lastRung).toBe('quality');
    expect(stage.rungCounts).toEqual({ quality: 1, lanczos: 0 });
    out.release();
    await stage.close();
  });

  it('rgb48le path: 16-bit frames through an f32 model round-trip exactly', async () => {
    const stage = await make(29, 17, 'rgb48le', { model: 'nn-x4' });
    const data = randomFrameData(29, 17, 'rgb48le', 2);
    const out = await stage.process(testFrame(data, 29, 17, 'rgb48le'));
    expect([out.width, out.height, out.data.length]).toEqual([116, 68, 116 * 68 * 6]);
    expect(Array.from(samples(out.data, 'rgb48le'))).toEqual(nearestUpscale(samples(data, 'rgb48le'), 29, 17, 4));
    await stage.close();
  });

  it('float16 model: rgb24 exactly, rgb48le within the 11 significant bits of half precision', async () => {
    const s8 = await make(31, 19, 'rgb24', { model: 'nn-x2-f16' });
    const d8 = randomFrameData(31, 19, 'rgb24', 3);
    expect(Array.from((await s8.process(testFrame(d8, 31, 19, 'rgb24'))).data)).toEqual(nearestUpscale(d8, 31, 19, 2));
    await s8.close();
    const s16 = await make(31, 19, 'rgb48le', { model: 'nn-x2-f16' });
    const d16 = randomFrameData(31, 19, 'rgb48le', 4);
    const out = await s16.process(testFrame(d16, 31, 19, 'rgb48le'));
    expect(maxAbsDiff(samples(out.data, 'rgb48le'), nearestUpscale(samples(d16, 'rgb48le'), 31, 19, 2))).toBeLessThanOrEqual(16);
    await s16.close();
  });

  it('x1 restore model keeps the size; 3x3 sharpening matches a reference within 1 LSB', async () => {
    const W = 41;
    const H = 27;
    const stage = await make(W, H, 'rgb24', { model: 'sharpen' });
    expect(stage.modes).toEqual(['quality', 'passthrough']);
    const data = patternFrameData(W, H, 'rgb24');
    const out = await stage.process(testFrame(data, W, H, 'rgb24'));
    expect([out.width, out.height]).toEqual([W, H]);
    const want: number[] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          let v = 0;
          for (let ky = -1; ky <= 1; ky++) for (let kx = -1; kx <= 1; kx++) {
            const sx = x + kx;
            const sy = y + ky;
            if (sx < 0 || sy < 0 || sx >= W || sy >= H) continue; // zero padding
            v += SHARPEN[(ky + 1) * 3 + kx + 1]! * (data[(sy * W + sx) * 3 + c]! / 255);
          }
          want.push(quantise(v, 255));
        }
      }
    }
    expect(maxAbsDiff(out.data, want)).toBeLessThanOrEqual(1);
    // The x1 ladder's last rung hands the frame back untouched.
    stage.setMode(1);
    const frame = testFrame(Buffer.from(data), W, H, 'rgb24');
    expect(await stage.process(frame)).toBe(frame);
    expect(frame.released).toBe(0);
    expect(stage.lastRung).toBe('passthrough');
    await stage.close();
  });

  it('uint8 and [0, 255] float models: identity round-trips exactly', async () => {
    for (const model of ['u8-x1', 'f255-x1']) {
      for (const format of ['rgb24', 'rgb48le'] as const) {
        const stage = await make(23, 11, format, { model });
        const data = randomFrameData(23, 11, format, 9);
        const out = await stage.process(testFrame(data, 23, 11, format));
        if (format === 'rgb24' || model === 'f255-x1') expect(out.data.equals(data)).toBe(true);
        else expect(maxAbsDiff(samples(out.data, format), samples(data, format))).toBeLessThanOrEqual(128); // 8-bit model on 16-bit frames
        await stage.close();
      }
    }
  });

  describe('luma-only models', () => {
    it('x1 identity on Y keeps frames bit for bit', async () => {
      const stage = await make(33, 21, 'rgb24', { model: 'luma-x1' });
      const data = randomFrameData(33, 21, 'rgb24', 5);
      expect((await stage.process(testFrame(Buffer.from(data), 33, 21, 'rgb24'))).data.equals(data)).toBe(true);
      await stage.close();
    });

    it('x2 half-float model (Y written as halves) and [0, 255] model (encoded): within 1 code of the float32 model', async () => {
      const W = 29;
      const H = 17;
      const data = patternFrameData(W, H, 'rgb24');
      const run = async (model: string) => {
        const stage = await make(W, H, 'rgb24', { model });
        const out = Buffer.from((await stage.process(testFrame(Buffer.from(data), W, H, 'rgb24'))).data);
        await stage.close();
        return out;
      };
      const want = await run('luma-x2');
      expect(maxAbsDiff(await run('luma-x2-f16'), want)).toBeLessThanOrEqual(1);
      expect(maxAbsDiff(await run('luma-x2-f255'), want)).toBeLessThanOrEqual(1);
    });

    for (const format of ['rgb24', 'rgb48le'] as const) {
      it(`x2: model on BT.709 Y, chroma (R - Y, B - Y) upsampled with Lanczos-3 (${format})`, async () => {
        const W = 35;
        const H = 22;
        const max = format === 'rgb24' ? 255 : 65535;
        const stage = await make(W, H, format, { model: 'luma-x2' });
        const data = patternFrameData(W, H, format);
        const out = await stage.process(testFrame(data, W, H, format));
        // Reference in double precision: Y of the input, nearest x2 (the model); chroma differences of
        // the input upsampled with the resize's Lanczos-3 weights; back to RGB.
        const { y, cr, cb } = referenceSplit(samples(data, format), W * H, max);
        const yUp = Float64Array.from({ length: 4 * W * H }, (_, i) => y[(Math.floor(i / (2 * W)) >> 1) * W + ((i % (2 * W)) >> 1)]!);
        const want = quantize(referenceMerge(yUp, cr, cb, W, H, 2, max), max);
        expect(maxAbsDiff(samples(out.data, format), want)).toBeLessThanOrEqual(1);
        await stage.close();
      });
    }
  });

  it('pool: output frames come from the stage pool (capacity option) and go back on release', async () => {
    const stage = await make(16, 8, 'rgb24', { model: 'nn-x2', poolCapacity: 2 });
    const inputs = new FramePool(16, 8, 'rgb24', 3);
    const outs = [];
    for (let i = 0; i < 2; i++) {
      const f = inputs.frame(inputs.tryAcquireBuffer()!, i, 0);
      f.data.fill(i);
      outs.push(await stage.process(f));
    }
    expect(inputs.inUse).toBe(0);
    // Both output buffers are out: the third frame waits until one is released.
    const third = stage.process(inputs.frame(inputs.tryAcquireBuffer()!, 2, 0));
    let done = false;
    void third.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    outs[0]!.release();
    const f3 = await third;
    expect(f3.data).toBe(outs[0]!.data);
    f3.release();
    outs[1]!.release();
    await stage.close();
  });

  it('rejects frames of another geometry, naming both', async () => {
    const stage = await make(16, 8, 'rgb24', { model: 'nn-x2' });
    await expect(stage.process(testFrame(Buffer.alloc(8 * 8 * 3), 8, 8, 'rgb24'))).rejects.toThrow("stage 'sr' was built for 16x8 rgb24 frames, got 8x8 rgb24");
    await stage.close();
  });

  it('validates its options up front, naming the field', async () => {
    await expect(make(8, 8, 'rgb24', { scale: 3 })).rejects.toThrow('sr.scale: expected 1, 2 or 4, got 3');
    await expect(make(8, 8, 'rgb24', { threads: 0 })).rejects.toThrow('sr.threads: expected an integer from 1 to 256, got 0');
    await expect(make(8, 8, 'rgb24', { poolCapacity: 0 })).rejects.toThrow('sr.poolCapacity: expected an integer from 1 to 64, got 0');
    await expect(make(8, 8, 'rgb24', { backendName: 'cuda' as 'onnxruntime' })).rejects.toThrow("sr.backend: expected tensorrt, openvino, onnxruntime, got 'cuda'");
  });
});
