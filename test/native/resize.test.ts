import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { packageRoot, resize, type ResizeFilter } from '../../src/native/index.js';
import { maxAbsDiff, meanAbsDiff, nativeAvailable, randomRgb24, randomRgb48, skipNote, smoothRgb24 } from './fixtures.js';
import { quantize, referenceResize } from './resize-reference.js';

const FFMPEG = join(packageRoot(), 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');

describe.skipIf(!nativeAvailable)(`native resize vs double-precision reference${skipNote}`, () => {
  // Up, down, non-integer ratios, anisotropic, and degenerate 1-pixel axes.
  const cases: [number, number, number, number][] = [
    [40, 30, 80, 60], [40, 30, 100, 47], [96, 54, 32, 18], [97, 61, 40, 29], [50, 20, 13, 41], [1, 9, 5, 4], [7, 1, 3, 6], [33, 17, 33, 17],
  ];
  for (const filter of ['lanczos3', 'cubic'] as ResizeFilter[]) {
    for (const [sw, sh, dw, dh] of cases) {
      it(`${filter} ${sw}x${sh} -> ${dw}x${dh}: within 1 LSB (rgb24 and rgb48le)`, () => {
        const u8 = randomRgb24(sw, sh, sw * 1000 + dw);
        const got8 = resize({ src: u8, srcWidth: sw, srcHeight: sh, dst: new Uint8Array(dw * dh * 3), dstWidth: dw, dstHeight: dh, format: 'rgb24', filter });
        expect(maxAbsDiff(got8, quantize(referenceResize(u8, sw, sh, dw, dh, filter), 255))).toBeLessThanOrEqual(1);

        const u16 = randomRgb48(sw, sh, sh * 1000 + dh);
        const got16 = resize({ src: u16, srcWidth: sw, srcHeight: sh, dst: new Uint16Array(dw * dh * 3), dstWidth: dw, dstHeight: dh, format: 'rgb48le', filter });
        expect(maxAbsDiff(got16, quantize(referenceResize(u16, sw, sh, dw, dh, filter), 65535))).toBeLessThanOrEqual(1);
      });
    }
  }

  it('keeps a flat image flat and an identity resize lossless', () => {
    const flat = new Uint8Array(31 * 17 * 3).fill(200);
    const up = resize({ src: flat, srcWidth: 31, srcHeight: 17, dst: new Uint8Array(70 * 40 * 3), dstWidth: 70, dstHeight: 40, format: 'rgb24' });
    expect(up.every((v) => v === 200)).toBe(true);
    const src = randomRgb24(31, 17, 7);
    for (const filter of ['lanczos3', 'cubic'] as const) {
      const same = resize({ src, srcWidth: 31, srcHeight: 17, dst: new Uint8Array(src.length), dstWidth: 31, dstHeight: 17, format: 'rgb24', filter });
      expect(Buffer.from(same).equals(Buffer.from(src))).toBe(true);
    }
  });

  it('rejects overlapping buffers and unknown filters by name', () => {
    const buf = new Uint8Array(300);
    expect(() => resize({ src: buf.subarray(0, 12), srcWidth: 2, srcHeight: 2, dst: buf.subarray(6, 18), dstWidth: 2, dstHeight: 2, format: 'rgb24' })).toThrow(
      'Expected src and dst not to overlap',
    );
    expect(() => resize({ src: buf.subarray(0, 12), srcWidth: 2, srcHeight: 2, dst: buf.subarray(12, 24), dstWidth: 2, dstHeight: 2, format: 'rgb24', filter: 'spline' as ResizeFilter })).toThrow(
      "Expected one of 'lanczos3', 'cubic' for filter but received 'spline' of type string",
    );
  });

  // ffmpeg's swscale uses its own fixed-point coefficients, phase quantisation and edge
  // handling, so this is a plausibility check with a loose bound, not a contract.
  it.skipIf(!existsSync(FFMPEG))('is close to ffmpeg scale=flags=lanczos on a smooth image', () => {
    const cases = [[320, 180, 640, 360], [640, 360, 320, 180]] as const;
    for (const [sw, sh, dw, dh] of cases) {
      const src = smoothRgb24(sw, sh);
      const ff = spawnSync(FFMPEG, [
        '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${sw}x${sh}`, '-i', '-',
        '-vf', `scale=${dw}:${dh}:flags=lanczos+accurate_rnd+full_chroma_int`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-',
      ], { input: src, maxBuffer: 64 << 20 });
      expect(ff.status, ff.stderr?.toString()).toBe(0);
      const ours = resize({ src, srcWidth: sw, srcHeight: sh, dst: new Uint8Array(dw * dh * 3), dstWidth: dw, dstHeight: dh, format: 'rgb24', filter: 'lanczos3' });
      const mad = meanAbsDiff(ours, ff.stdout);
      console.log(`[native] lanczos3 ${sw}x${sh} -> ${dw}x${dh}: mean |ours - ffmpeg| = ${mad.toFixed(3)} LSB, max ${maxAbsDiff(ours, ff.stdout)}`);
      expect(mad).toBeLessThan(1.5);
    }
  });
});
