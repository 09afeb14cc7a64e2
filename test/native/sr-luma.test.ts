/**
 * The luma SR passes (src/native/sr-luma.ts) against the double-precision reference, on every ISA
 * path this CPU has: within 1 LSB of the reference and bit-identical across paths; bands of any
 * split give the same bytes as one call; an x1 merge of an unchanged Y gives the frame back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  lumaKernelsAvailable, lumaMerge, lumaMergeAsync, lumaSplit, lumaSplitAsync, nativeInfo, setNativeIsa, type NativeIsa, type PlanarArray,
} from '../../src/native/index.js';
import { floatToHalf, halfToFloat } from '../../src/util/half-float.js';
import { maxAbsDiff, nativeAvailable, randomRgb24, randomRgb48, rng, skipNote, smoothRgb24 } from './fixtures.js';
import { quantize } from './resize-reference.js';
import { referenceMerge, referenceSplit } from './sr-luma-reference.js';

function onEveryPath<T>(fn: (isa: NativeIsa) => T): Map<NativeIsa, T> {
  const out = new Map<NativeIsa, T>();
  for (const isa of nativeInfo().supportedIsas) {
    setNativeIsa(isa);
    out.set(isa, fn(isa));
  }
  return out;
}

const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function expectBitEqual(results: Map<NativeIsa, ArrayBufferView>): void {
  const scalar = bytes(results.get('scalar')!);
  for (const [isa, r] of results) expect(bytes(r).equals(scalar), `${isa} bit-equal to scalar`).toBe(true);
}

/** A model's Y: the input's Y, nearest x`s`, with a ripple (so merge sees Y it did not make). */
function modelY(y: ArrayLike<number>, width: number, height: number, s: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(width * s * height * s);
  for (let row = 0; row < height * s; row++) {
    for (let x = 0; x < width * s; x++) out[row * width * s + x] = y[Math.floor(row / s) * width + Math.floor(x / s)]! + 0.08 * (r() - 0.5);
  }
  return out;
}

describe.skipIf(!nativeAvailable)(`luma split / merge vs double-precision reference${skipNote}`, () => {
  const initial = nativeAvailable ? nativeInfo().isa : 'scalar';
  afterAll(() => {
    if (nativeAvailable) setNativeIsa(initial);
  });

  // Widths that are not multiples of 8 or 16, and a 1-pixel axis.
  const sizes: [number, number][] = [[61, 17], [37, 9], [16, 5], [1, 7], [5, 1], [130, 3]];

  for (const format of ['rgb24', 'rgb48le'] as const) {
    const maxv = format === 'rgb24' ? 255 : 65535;
    const frame = (w: number, h: number, seed: number) => (format === 'rgb24' ? randomRgb24(w, h, seed) : randomRgb48(w, h, seed));

    for (const [W, H] of sizes) {
      it(`${format} ${W}x${H}: split within float rounding of the reference, f16 Y its rounding, paths bit-equal`, () => {
        const src = frame(W, H, W * 31 + H);
        const want = referenceSplit(src, W * H, maxv);
        const f32 = onEveryPath(() => {
          const y = new Float32Array(W * H);
          const chroma = new Float32Array(2 * W * H);
          lumaSplit({ src, width: W, height: H, format, y, chroma });
          return { y, chroma };
        });
        expectBitEqual(new Map([...f32].map(([k, v]) => [k, v.y])));
        expectBitEqual(new Map([...f32].map(([k, v]) => [k, v.chroma])));
        const { y, chroma } = f32.get('scalar')!;
        expect(maxAbsDiff(y, want.y)).toBeLessThan(3e-7);
        expect(maxAbsDiff(chroma.subarray(0, W * H), want.cr)).toBeLessThan(3e-7);
        expect(maxAbsDiff(chroma.subarray(W * H), want.cb)).toBeLessThan(3e-7);
        const f16 = onEveryPath(() => lumaSplit({ src, width: W, height: H, format, y: new Uint16Array(W * H), chroma: new Float32Array(2 * W * H) }));
        expectBitEqual(f16);
        expect(Array.from(f16.get('scalar')!)).toEqual(Array.from(y, floatToHalf));
      });

      for (const scale of [2, 1, 4]) {
        it(`${format} ${W}x${H} x${scale}: merge within 1 LSB of the reference on every path, paths bit-equal`, () => {
          const src = frame(W, H, W * 7 + H + scale);
          const y = new Float32Array(W * H);
          const chroma = new Float32Array(2 * W * H);
          lumaSplit({ src, width: W, height: H, format, y, chroma });
          const yUp = modelY(y, W, H, scale, scale);
          const outPixels = W * H * scale * scale;
          const make = () => (format === 'rgb24' ? new Uint8Array(3 * outPixels) : new Uint16Array(3 * outPixels));
          const got = onEveryPath(() => lumaMerge({ y: yUp, chroma, width: W, height: H, scale, dst: make(), format }));
          expectBitEqual(got);
          const want = quantize(referenceMerge(yUp, chroma.subarray(0, W * H), chroma.subarray(W * H), W, H, scale, maxv), maxv);
          for (const [isa, out] of got) expect(maxAbsDiff(out, want), `${isa}`).toBeLessThanOrEqual(1);
        });
      }
    }
  }

  it('f16 Y from the model merges like its float value', () => {
    const W = 45, H = 13;
    const src = smoothRgb24(W, H);
    const y = new Float32Array(W * H);
    const chroma = new Float32Array(2 * W * H);
    lumaSplit({ src, width: W, height: H, format: 'rgb24', y, chroma });
    const halves = Uint16Array.from(modelY(y, W, H, 2, 3), floatToHalf);
    const asFloat = Float32Array.from(halves, halfToFloat);
    const got = onEveryPath(() => lumaMerge({ y: halves, chroma, width: W, height: H, scale: 2, dst: new Uint8Array(3 * 4 * W * H), format: 'rgb24' }));
    expectBitEqual(got);
    const want = lumaMerge({ y: asFloat, chroma, width: W, height: H, scale: 2, dst: new Uint8Array(3 * 4 * W * H), format: 'rgb24' });
    expect(bytes(got.get('scalar')!).equals(bytes(want))).toBe(true);
  });

  it('bands: any split of the output rows gives the bytes of one call (x2 and x4)', async () => {
    const W = 67, H = 29;
    const src = randomRgb24(W, H, 5);
    const y = new Float32Array(W * H);
    const chroma = new Float32Array(2 * W * H);
    lumaSplit({ src, width: W, height: H, format: 'rgb24', y, chroma });
    for (const scale of [2, 4]) {
      const yUp = modelY(y, W, H, scale, 9);
      const n = 3 * W * H * scale * scale;
      const whole = lumaMerge({ y: yUp, chroma, width: W, height: H, scale, dst: new Uint8Array(n), format: 'rgb24' });
      const rows = H * scale;
      for (const cuts of [[rows >> 1], [1, 7, 8, 31], [rows - 1], [3, rows - 3]]) {
        const dst = new Uint8Array(n);
        const edges = [0, ...cuts, rows];
        await Promise.all(edges.slice(1).map((row1, i) => lumaMergeAsync({ y: yUp, chroma, width: W, height: H, scale, dst, format: 'rgb24', row0: edges[i]!, row1 })));
        expect(bytes(dst).equals(bytes(whole)), `x${scale} cuts ${cuts.join(',')}`).toBe(true);
      }
    }
  });

  it('x1 merge of the unchanged Y gives an rgb24 frame back exactly; async split equals sync', async () => {
    const W = 83, H = 21;
    const src = randomRgb24(W, H, 17);
    const y = new Float32Array(W * H);
    const chroma = new Float32Array(2 * W * H);
    await lumaSplitAsync({ src, width: W, height: H, format: 'rgb24', y, chroma });
    const y2 = lumaSplit({ src, width: W, height: H, format: 'rgb24', y: new Float32Array(W * H), chroma: new Float32Array(2 * W * H) });
    expect(bytes(y).equals(bytes(y2))).toBe(true);
    for (const isa of nativeInfo().supportedIsas) {
      setNativeIsa(isa);
      const back = lumaMerge({ y, chroma, width: W, height: H, scale: 1, dst: new Uint8Array(3 * W * H), format: 'rgb24' });
      expect(bytes(back).equals(bytes(src)), isa).toBe(true);
    }
  });

  it('the addon has the kernels', () => {
    expect(lumaKernelsAvailable()).toBe(true);
  });

  it('rejects bad arguments with messages naming them', () => {
    const W = 8, H = 4;
    const src = randomRgb24(W, H, 1);
    const y: PlanarArray = new Float32Array(W * H);
    const chroma = new Float32Array(2 * W * H);
    expect(() => lumaSplit({ src, width: W, height: H, format: 'rgb24', y, chroma: new Float32Array(W * H) })).toThrow('Expected at least 64 elements for chroma but received 32');
    expect(() => lumaSplit({ src, width: W, height: H, format: 'rgb24', y: new Float64Array(W * H) as unknown as Float32Array, chroma })).toThrow(/Float32Array \(f32\) or Uint16Array \(f16 bits\) for y/);
    expect(() => lumaSplit({ src, width: W, height: H, format: 'rgb24', y: chroma.subarray(0, W * H), chroma })).toThrow('Expected y and chroma not to overlap');
    const yUp = new Float32Array(4 * W * H);
    const dst = new Uint8Array(12 * W * H);
    expect(() => lumaMerge({ y: yUp, chroma, width: W, height: H, scale: 3, dst, format: 'rgb24' })).toThrow('Expected 1, 2 or 4 for scale but received 3 of type number');
    expect(() => lumaMerge({ y, chroma, width: W, height: H, scale: 2, dst, format: 'rgb24' })).toThrow('Expected at least 128 elements for y but received 32');
    expect(() => lumaMerge({ y: yUp, chroma, width: W, height: H, scale: 2, dst: new Uint8Array(10), format: 'rgb24' })).toThrow('Expected at least 384 bytes for dst but received 10');
    expect(() => lumaMerge({ y: yUp, chroma, width: W, height: H, scale: 2, dst, format: 'rgb24', row0: 5, row1: 4 })).toThrow(/row1/);
    expect(() => lumaMerge({ y: yUp, chroma, width: W, height: H, scale: 2, dst, format: 'rgb24', row1: 9 })).toThrow(/row1/);
  });
});
