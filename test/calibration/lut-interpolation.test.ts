import { describe, it, expect } from 'vitest';
import type { Lut3d } from '../../src/calibration/cube-lut.js';
import { identityLut3d, lut1dFromFunction, lut3dFromFunction } from '../../src/calibration/lut-builders.js';
import { sampleCubeLut, sampleLut1d, sampleLut3d, type Lut3dInterpolation } from '../../src/calibration/lut-interpolation.js';
import { mulMatVec, type Matrix3, type Vec3 } from '../../src/calibration/matrix3.js';
import { rgbToRgbMatrix, BT709, DISPLAY_P3 } from '../../src/calibration/colour-spaces.js';
import { srgbDecode, srgbEncode } from '../../src/calibration/transfer-functions.js';

const METHODS: Lut3dInterpolation[] = ['tetrahedral', 'trilinear'];

/** Deterministic points in the unit cube (no Math.random: failures must reproduce). */
function* unitPoints(count: number, seed = 1): Generator<Vec3> {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < count; i++) yield [next(), next(), next()];
}

function maxError(a: Vec3, b: Vec3): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

describe('3D LUT interpolation', () => {
  it.each(METHODS)('%s: an identity LUT is the identity within 1e-6', (method) => {
    for (const size of [2, 17, 33, 65]) {
      const lut = identityLut3d(size);
      for (const p of unitPoints(2000, size)) expect(maxError(sampleLut3d(lut, p, method), p)).toBeLessThan(1e-6);
    }
  });

  it.each(METHODS)('%s: a 33³ LUT of a BT.709→P3 matrix inside the sRGB curve tracks the function within 2e-3', (method) => {
    const m: Matrix3 = rgbToRgbMatrix(BT709, DISPLAY_P3);
    const fn = (rgb: Vec3): Vec3 => {
      const lin = mulMatVec(m, [srgbDecode(rgb[0]), srgbDecode(rgb[1]), srgbDecode(rgb[2])]);
      return [srgbEncode(lin[0]), srgbEncode(lin[1]), srgbEncode(lin[2])];
    };
    const lut = lut3dFromFunction(33, fn);
    let worst = 0;
    for (const p of unitPoints(5000, 7)) worst = Math.max(worst, maxError(sampleLut3d(lut, p, method), fn(p)));
    // The error is the curve's curvature between grid points (largest near black), not the LUT.
    expect(worst).toBeLessThan(2e-3);
  });

  it('tetrahedral reproduces every table entry exactly at grid points, whatever the table holds', () => {
    const size = 5;
    const table = new Float32Array(size ** 3 * 3);
    let s = 99;
    for (let i = 0; i < table.length; i++) table[i] = ((s = (s * 69069 + 1) >>> 0) / 2 ** 32) * 2 - 0.5;
    const lut: Lut3d = { size, domainMin: [0, 0, 0], domainMax: [1, 1, 1], table };
    for (let b = 0; b < size; b++) {
      for (let g = 0; g < size; g++) {
        for (let r = 0; r < size; r++) {
          const row = (r + size * g + size * size * b) * 3;
          const out = sampleLut3d(lut, [r / (size - 1), g / (size - 1), b / (size - 1)], 'tetrahedral');
          expect(out).toEqual([table[row], table[row + 1], table[row + 2]].map((v) => expect.closeTo(v!, 12)));
        }
      }
    }
  });

  it.each(METHODS)('%s is exact for affine functions, even on a 2³ LUT', (method) => {
    const fn = (p: Vec3): Vec3 => [0.2 + 0.5 * p[0] - 0.1 * p[2], 0.3 * p[0] + 0.6 * p[1], 0.9 * p[2] - 0.05];
    const lut = lut3dFromFunction(2, fn);
    for (const p of unitPoints(500, 3)) expect(maxError(sampleLut3d(lut, p, method), fn(p))).toBeLessThan(1e-6);
  });

  it('hand-computed case: trilinear and tetrahedral differ where a corner breaks linearity', () => {
    // 2³ LUT, all zero except corner (1,1,0) = 1 in every channel. At (0.5, 0.25, 0):
    // trilinear = fr·fg·(1-fb) = 0.5·0.25·1 = 0.125;
    // tetrahedral, r > g > b: weight on c110 is fg - fb = 0.25.
    const table = new Float32Array(8 * 3);
    table.fill(1, 3 * 3, 3 * 3 + 3); // row 3 = r 1, g 1, b 0
    const lut: Lut3d = { size: 2, domainMin: [0, 0, 0], domainMax: [1, 1, 1], table };
    expect(sampleLut3d(lut, [0.5, 0.25, 0], 'trilinear')[0]).toBeCloseTo(0.125, 12);
    expect(sampleLut3d(lut, [0.5, 0.25, 0], 'tetrahedral')[0]).toBeCloseTo(0.25, 12);
    // On the neutral axis tetrahedral only sees c000 and c111, so the off-axis corner contributes nothing.
    expect(sampleLut3d(lut, [0.4, 0.4, 0.4], 'tetrahedral')[0]).toBeCloseTo(0, 12);
    expect(sampleLut3d(lut, [0.4, 0.4, 0.4], 'trilinear')[0]).toBeCloseTo(0.4 * 0.4 * 0.6, 12);
  });

  it('maps the domain and clamps outside it', () => {
    const lut = identityLut3d(9, { min: [-1, 0, 0], max: [1, 2, 4] });
    expect(maxError(sampleLut3d(lut, [-0.5, 1.5, 3]), [-0.5, 1.5, 3])).toBeLessThan(1e-6);
    expect(maxError(sampleLut3d(lut, [-3, 5, -1]), [-1, 2, 0])).toBeLessThan(1e-6);
    expect(maxError(sampleLut3d(identityLut3d(3), [Number.NaN, 0.5, 0.5]), [0, 0.5, 0.5])).toBeLessThan(1e-6);
  });
});

describe('1D LUT and shaper + 3D', () => {
  it('interpolates per channel linearly between rows with domain mapping', () => {
    const lut = lut1dFromFunction(5, ([r, g, b]) => [r * r, 1 - g, b], { min: [0, 0, 0], max: [2, 1, 1] });
    // r = 0.75 lies between grid 0.5 (0.25) and 1.0 (1.0): 0.625.
    const out = sampleLut1d(lut, [0.75, 0.3, 0.6]);
    expect(out[0]).toBeCloseTo(0.625, 6);
    expect(out[1]).toBeCloseTo(0.7, 6);
    expect(out[2]).toBeCloseTo(0.6, 6);
    expect(sampleLut1d(lut, [9, -1, 2])).toEqual([expect.closeTo(4, 6), expect.closeTo(1, 6), expect.closeTo(1, 6)]);
  });

  it('applies the shaper before the 3D table', () => {
    const shaper = lut1dFromFunction(4096, ([r, g, b]) => [Math.sqrt(r / 4), Math.sqrt(g / 4), Math.sqrt(b / 4)], { min: [0, 0, 0], max: [4, 4, 4] });
    const lut3d = lut3dFromFunction(33, ([r, g, b]) => [r * r * 4, g * g * 4, b * b * 4]);
    for (const p of unitPoints(200, 5)) {
      const hdr: Vec3 = [p[0] * 4, p[1] * 4, p[2] * 4];
      expect(maxError(sampleCubeLut({ title: null, lut1d: shaper, lut3d }, hdr), hdr)).toBeLessThan(1e-2);
    }
  });
});
