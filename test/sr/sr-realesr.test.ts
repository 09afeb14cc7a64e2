import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnxruntime-backend.js';
import { planarLength, resize, toPlanar } from '../../src/native/index.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { fromHalfArray } from '../support/onnx-builder.js';
import { nativeAvailable, rng, testFrame } from './fixtures.js';

/** The pretrained Real-ESRGAN general x4 v3 (fp16) from the shared weights folder, when present. */
const WEIGHTS = path.resolve(import.meta.dirname, '../../../shared/weights/realesr-general-x4v3/realesr-general-x4v3-fp16.onnx');
const present = fs.existsSync(WEIGHTS);
const skipReason = !nativeAvailable ? 'native addon unavailable' : !present ? `${WEIGHTS} not present` : '';

const HW = 256;
const HH = 192;

/** A sharp synthetic HR image: text-like strokes, bars and flat colour blocks on a light ground. */
function syntheticHr(): Buffer {
  const img = Buffer.alloc(HW * HH * 3, 235);
  const fill = (x0: number, y0: number, w: number, h: number, rgb: [number, number, number]) => {
    for (let y = Math.max(0, y0); y < Math.min(HH, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(HW, x0 + w); x++) img.set(rgb, (y * HW + x) * 3);
    }
  };
  const r = rng(99);
  // Rows of "glyphs": each a few random strokes inside a 16x24 cell, stroke width 4.
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 12; col++) {
      const x0 = 8 + col * 20;
      const y0 = 8 + row * 30;
      const ink: [number, number, number] = row % 2 ? [20, 20, 120] : [15, 15, 15];
      fill(x0, y0, 4, 24, ink); // stem
      if (r() < 0.7) fill(x0, y0, 16, 4, ink); // top bar
      if (r() < 0.6) fill(x0, y0 + 10, 12, 4, ink); // middle bar
      if (r() < 0.5) fill(x0, y0 + 20, 16, 4, ink); // bottom bar
      if (r() < 0.5) fill(x0 + 12, y0, 4, 24, ink); // second stem
    }
  }
  // Colour blocks and a bar chart below the text.
  fill(8, 132, 60, 52, [200, 40, 40]);
  fill(76, 132, 60, 52, [40, 160, 60]);
  for (let i = 0; i < 12; i++) fill(148 + i * 8, 184 - 8 - 4 * i, 4, 8 + 4 * i, [30, 60, 200]);
  return img;
}

/** Box (area) downscale by 4. */
function areaDown4(hr: Buffer): Buffer {
  const w = HW / 4;
  const h = HH / 4;
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += hr[((4 * y + dy) * HW + 4 * x + dx) * 3 + c]!;
        out[(y * w + x) * 3 + c] = Math.round(s / 16);
      }
    }
  }
  return out;
}

function psnr(a: Buffer, b: Buffer): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

describe.skipIf(skipReason !== '')(`realesr-general-x4v3 (fp16) through the SR stage${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('64x48 -> 256x192: right size, sane values, and a higher PSNR than bicubic on a sharp synthetic pattern', async () => {
    const hr = syntheticHr();
    const lr = areaDown4(hr);
    // Given by path, without a card: the card is inferred (fp16 tensors, scale 4 from a probe run).
    const stage = await createSrStage({ width: 64, height: 48, format: 'rgb24', fps: 30, live: false, log: silentLogger }, { model: WEIGHTS, registry: new ModelRegistry({ dirs: [] }), threads: 2 });
    expect(stage.model).toMatchObject({ inferred: true, scale: 4, input: { dtype: 'float16', name: 'data' } });
    const out = await stage.process(testFrame(lr, 64, 48, 'rgb24'));
    expect([out.width, out.height, out.data.length]).toEqual([HW, HH, HW * HH * 3]);
    const bicubic = resize({ src: lr, srcWidth: 64, srcHeight: 48, dst: Buffer.alloc(HW * HH * 3), dstWidth: HW, dstHeight: HH, format: 'rgb24', filter: 'cubic' });
    const pSr = psnr(out.data, hr);
    const pBicubic = psnr(bicubic, hr);
    // Sanity: not flat, not a copy of bicubic, and close to the HR image.
    let min = 255;
    let max = 0;
    for (const v of out.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(max - min).toBeGreaterThan(150);
    expect(pSr, `PSNR SR ${pSr.toFixed(2)} dB vs bicubic ${pBicubic.toFixed(2)} dB`).toBeGreaterThan(pBicubic);
    await stage.close();
  });

  it('the raw fp16 model output on that input is finite and within [-0.5, 1.5] (overshoot at edges only)', async () => {
    const lr = areaDown4(syntheticHr());
    const session = await new OnnxRuntimeBackend().load(WEIGHTS, { threads: 2 });
    const input = toPlanar({ src: lr, width: 64, height: 48, format: 'rgb24', dst: new Uint16Array(planarLength(64, 48)) });
    const out = await session.run({ data: input, dtype: 'float16', shape: [1, 3, 48, 64] });
    await session.close();
    expect(out.shape).toEqual([1, 3, HH, HW]);
    const values = fromHalfArray(out.data as Uint16Array);
    let nonFinite = 0;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of values) {
      if (!Number.isFinite(v)) nonFinite++;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(nonFinite).toBe(0);
    expect(min).toBeGreaterThan(-0.5);
    expect(max).toBeLessThan(1.5);
    expect(sum / values.length).toBeCloseTo(areaDown4(syntheticHr()).reduce((a, b) => a + b, 0) / (64 * 48 * 3 * 255), 1);
  });
});
