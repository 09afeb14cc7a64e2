/**
 * The luma path's chroma against the path it replaced (until 2026-11-25): Lanczos-upscale the RGB
 * frame to integers, then swap its luma for the model's (`rgb += y - Y(rgb)` in float, then round).
 * The new path upsamples R - Y and B - Y in float without that rounding and without clamping Lanczos
 * ringing per channel first; the two agree closely (docs/MODELS.md quotes these PSNRs).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry.js';
import { planarLength, resize, toInterleaved, toPlanar } from '../../src/native/index.js';
import type { PixelFormat } from '../../src/pipeline/frame.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { BT709 } from '../../src/stages/sr-tensor.js';
import { card, nativeAvailable, nearestModel, patternFrameData, samples, skipNote, testFrame, tmpDir, writeModel } from './fixtures.js';

/** The frame realtime.js benchmarks: gradients and a hard-edged saturated pattern. */
function benchmarkFrame(w: number, h: number): Buffer {
  const b = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set([(x * 255) / w, (y * 255) / h, ((x ^ y) & 32) * 6], (y * w + x) * 3);
  return b;
}

/** The old luma path with a nearest-x2 model on the input's Y. */
function oldPath(data: Buffer, W: number, H: number, format: PixelFormat): Buffer {
  const { kr, kg, kb } = BT709;
  const n = W * H;
  const N = 4 * n;
  const bpp = format === 'rgb24' ? 3 : 6;
  const rgbIn = toPlanar({ src: data, width: W, height: H, format, dst: new Float32Array(planarLength(W, H)) });
  const up = resize({ src: data, srcWidth: W, srcHeight: H, dst: Buffer.alloc(N * bpp), dstWidth: 2 * W, dstHeight: 2 * H, format, filter: 'lanczos3' });
  const rgb = toPlanar({ src: up, width: 2 * W, height: 2 * H, format, dst: new Float32Array(planarLength(2 * W, 2 * H)) });
  for (let i = 0; i < N; i++) {
    const si = (Math.floor(i / (2 * W)) >> 1) * W + ((i % (2 * W)) >> 1);
    const yModel = Math.fround(kr * rgbIn[si]! + kg * rgbIn[n + si]! + kb * rgbIn[2 * n + si]!);
    const d = yModel - (kr * rgb[i]! + kg * rgb[N + i]! + kb * rgb[2 * N + i]!);
    rgb[i] = rgb[i]! + d;
    rgb[N + i] = rgb[N + i]! + d;
    rgb[2 * N + i] = rgb[2 * N + i]! + d;
  }
  return toInterleaved({ src: rgb, width: 2 * W, height: 2 * H, format, dst: Buffer.alloc(N * bpp) });
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>, max: number): { db: number; maxDiff: number } {
  let se = 0;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    se += d * d;
    maxDiff = Math.max(maxDiff, Math.abs(d));
  }
  return { db: se === 0 ? Infinity : 10 * Math.log10((max * max * a.length) / se), maxDiff };
}

describe.skipIf(!nativeAvailable)(`luma chroma vs the old Lanczos + luma-swap path${skipNote}`, () => {
  let dir: string;
  let registry: ModelRegistry;
  beforeAll(() => {
    dir = tmpDir();
    writeModel(dir, 'luma-x2', nearestModel({ channels: 1 }), card('luma-x2', { family: 'luma', input: { colour: 'luma' }, output: { colour: 'luma' }, tile: { size: 1024, overlap: 8 } }));
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, number, number, PixelFormat, (w: number, h: number) => Buffer, number]> = [
    ['benchmark frame', 240, 136, 'rgb24', benchmarkFrame, 45],
    ['pattern frame', 97, 61, 'rgb24', (w, h) => patternFrameData(w, h, 'rgb24'), 45],
    ['pattern frame', 97, 61, 'rgb48le', (w, h) => patternFrameData(w, h, 'rgb48le'), 45],
  ];
  for (const [what, W, H, format, make, minDb] of cases) {
    it(`${what} ${W}x${H} ${format}: PSNR >= ${minDb} dB`, async () => {
      const stage = await createSrStage({ width: W, height: H, format, fps: 60, live: false, log: silentLogger }, { registry, model: 'luma-x2', ladder: false });
      const data = make(W, H);
      const out = await stage.process(testFrame(Buffer.from(data), W, H, format));
      const max = format === 'rgb24' ? 255 : 65535;
      const r = psnr(samples(out.data, format), samples(oldPath(data, W, H, format), format), max);
      console.log(`[sr] luma chroma vs old path, ${what} ${W}x${H} ${format}: ${r.db.toFixed(2)} dB PSNR, max ${r.maxDiff} codes`);
      expect(r.db).toBeGreaterThanOrEqual(minDb);
      await stage.close();
    });
  }
});
