/**
 * The luma stage's two-band Lanczos upscale (frames of 64 rows or more) equals the whole-frame
 * resize bit for bit: the stage output equals the planar reference path built from one native
 * resize call (toPlanar, lumaPlane, the model, replaceLuma, toInterleaved), for even and odd heights.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry.js';
import { planarLength, resize, toInterleaved, toPlanar } from '../../src/native/index.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { lumaPlane, replaceLuma } from '../../src/stages/sr-tensor.js';
import { card, nativeAvailable, nearestModel, randomFrameData, skipNote, testFrame, tmpDir, writeModel } from './fixtures.js';

describe.skipIf(!nativeAvailable)(`luma x2 stage with the two-band upscale${skipNote}`, () => {
  let dir: string;
  let registry: ModelRegistry;
  beforeAll(() => {
    dir = tmpDir();
    writeModel(dir, 'luma-x2', nearestModel({ channels: 1 }), card('luma-x2', { family: 'luma', input: { colour: 'luma' }, output: { colour: 'luma' }, tile: { size: 1024, overlap: 8 } }));
    registry = new ModelRegistry({ dirs: [dir] });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [W, H, format] of [[53, 64, 'rgb24'], [41, 97, 'rgb24'], [37, 70, 'rgb48le'], [20, 63, 'rgb24']] as const) {
    it(`${W}x${H} ${format}: bit for bit the one-call path`, async () => {
      const stage = await createSrStage({ width: W, height: H, format, fps: 60, live: false, log: silentLogger }, { registry, model: 'luma-x2', ladder: false });
      const data = randomFrameData(W, H, format, W * H);
      const out = await stage.process(testFrame(Buffer.from(data), W, H, format));
      // Reference, one resize call for the whole frame.
      const n = W * H;
      const rgbIn = toPlanar({ src: data, width: W, height: H, format, dst: new Float32Array(planarLength(W, H)) }) as Float32Array;
      const y = new Float32Array(n);
      lumaPlane(rgbIn, n, y);
      const yUp = new Float32Array(4 * n);
      for (let r = 0; r < 2 * H; r++) for (let c = 0; c < 2 * W; c++) yUp[r * 2 * W + c] = y[(r >> 1) * W + (c >> 1)]!;
      const bpp = format === 'rgb24' ? 3 : 6;
      const up = resize({ src: data, srcWidth: W, srcHeight: H, dst: Buffer.alloc(4 * n * bpp), dstWidth: 2 * W, dstHeight: 2 * H, format, filter: 'lanczos3' });
      const rgbUp = toPlanar({ src: up, width: 2 * W, height: 2 * H, format, dst: new Float32Array(planarLength(2 * W, 2 * H)) }) as Float32Array;
      replaceLuma(rgbUp, 4 * n, yUp);
      const want = toInterleaved({ src: rgbUp, width: 2 * W, height: 2 * H, format, dst: Buffer.alloc(4 * n * bpp) });
      expect(out.data.equals(want)).toBe(true);
      await stage.close();
    });
  }
});
