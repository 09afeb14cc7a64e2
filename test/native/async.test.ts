import { describe, it, expect } from 'vitest';
import {
  planarLength, resize, resizeAsync, toInterleavedAsync, toPlanar, toPlanarAsync,
} from '../../src/native/index.js';
import { nativeAvailable, randomRgb24, randomRgb48, skipNote } from './fixtures.js';

describe.skipIf(!nativeAvailable)(`native async kernels match the sync ones${skipNote}`, () => {
  const W = 203;
  const H = 117;

  it('toPlanarAsync / toInterleavedAsync', async () => {
    const src = randomRgb48(W, H, 51);
    const sync = toPlanar({ src, width: W, height: H, format: 'rgb48le', dst: new Float32Array(planarLength(W, H)) });
    const dst = new Float32Array(planarLength(W, H));
    const got = await toPlanarAsync({ src, width: W, height: H, format: 'rgb48le', dst });
    expect(got).toBe(dst);
    expect(Array.from(got)).toEqual(Array.from(sync));
    const back = await toInterleavedAsync({ src: got, width: W, height: H, format: 'rgb48le', dst: new Uint16Array(src.length) });
    expect(Array.from(back)).toEqual(Array.from(src));
    const half = await toPlanarAsync({ src, width: W, height: H, format: 'rgb48le', dst: new Uint16Array(planarLength(W, H)) });
    expect(Array.from(half)).toEqual(Array.from(toPlanar({ src, width: W, height: H, format: 'rgb48le', dst: new Uint16Array(planarLength(W, H)) })));
  });

  it('resizeAsync, several in flight at once', async () => {
    const frames = [1, 2, 3, 4, 5, 6].map((seed) => randomRgb24(W, H, seed));
    const dw = 320;
    const dh = 180;
    const results = await Promise.all(
      frames.map((src, i) => resizeAsync({ src, srcWidth: W, srcHeight: H, dst: Buffer.alloc(dw * dh * 3), dstWidth: dw, dstHeight: dh, format: 'rgb24', filter: i % 2 ? 'cubic' : 'lanczos3' })),
    );
    results.forEach((got, i) => {
      const want = resize({ src: frames[i]!, srcWidth: W, srcHeight: H, dst: Buffer.alloc(dw * dh * 3), dstWidth: dw, dstHeight: dh, format: 'rgb24', filter: i % 2 ? 'cubic' : 'lanczos3' });
      expect(got.equals(want)).toBe(true);
    });
  });

  it('validates before queueing: bad arguments throw synchronously', () => {
    expect(() => resizeAsync({ src: new Uint8Array(3), srcWidth: 2, srcHeight: 1, dst: new Uint8Array(3), dstWidth: 1, dstHeight: 1, format: 'rgb24' })).toThrow(
      'Expected at least 6 bytes for src but received 3',
    );
  });
});
