/**
 * The WebAssembly SIMD luma kernels (src/stages/sr-simd.ts) against the TypeScript loops they replace
 * (sr-tensor.ts `lumaPlane`, `replaceLuma`): bit for bit, on sizes with and without a tail of 1-3
 * pixels, with out-of-range values, NaN and infinities.
 */
import { describe, expect, it } from 'vitest';
import { LumaSimd, lumaSimdAvailable } from '../../src/stages/sr-simd.js';
import { lumaPlane, replaceLuma } from '../../src/stages/sr-tensor.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('WebAssembly SIMD luma kernels', () => {
  it('compile on this Node', () => {
    expect(lumaSimdAvailable()).toBe(true);
  });

  for (const pixels of [1, 3, 4, 7, 64, 37 * 23, 257 * 131]) {
    it(`${pixels} pixels: lumaPlane and replaceLuma equal the TypeScript loops bit for bit`, () => {
      const simd = LumaSimd.create(pixels)!;
      const r = rng(pixels);
      const rgb = new Float32Array(3 * pixels).map(() => r() * 1.3 - 0.15);
      const y = new Float32Array(pixels).map(() => r() * 1.4 - 0.2);
      const specials = [NaN, Infinity, -Infinity, 0, 1, -0, 1e-30, 0.5];
      for (let i = 0; i < Math.min(pixels, specials.length); i++) y[i] = specials[i]!;
      rgb[0] = 1;

      const wantY = new Float32Array(pixels);
      lumaPlane(rgb, pixels, wantY);
      simd.rgb.set(rgb);
      simd.lumaPlane();
      expect(sameBits(simd.y, wantY)).toBe(true);

      const wantRgb = rgb.slice();
      replaceLuma(wantRgb, pixels, y);
      simd.rgb.set(rgb);
      simd.y.set(y);
      simd.replaceLuma();
      expect(sameBits(simd.rgb, wantRgb)).toBe(true);
    });
  }
});
