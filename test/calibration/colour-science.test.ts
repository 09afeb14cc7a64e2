import { describe, it, expect } from 'vitest';
import { determinant, IDENTITY3, invert, mulMat, mulMatVec, SingularMatrixError, type Matrix3 } from '../../src/calibration/matrix3.js';
import { uv1960ToXy, xyToUv1960, xyToXyz, xyzToXy } from '../../src/calibration/chromaticity.js';
import {
  BT2020,
  BT709,
  DCI_P3,
  DISPLAY_P3,
  rgbToRgbMatrix,
  rgbToXyzMatrix,
  SRGB,
  WHITE_D50,
  WHITE_D65,
  xyzToRgbMatrix,
} from '../../src/calibration/colour-spaces.js';
import { labToXyz, xyzToLab } from '../../src/calibration/cielab.js';

function expectMatrixClose(actual: Matrix3, expected: Matrix3, tolerance: number): void {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) expect(Math.abs(actual[r]![c]! - expected[r]![c]!), `[${r}][${c}]`).toBeLessThanOrEqual(tolerance);
  }
}

describe('matrix3', () => {
  const m: Matrix3 = [
    [2, -1, 0],
    [1, 3, 2],
    [0, 1, 4],
  ];

  it('multiplies and inverts: M · M⁻¹ = I', () => {
    expect(determinant(m)).toBeCloseTo(2 * 10 + 1 * 4, 12);
    expectMatrixClose(mulMat(m, invert(m)), IDENTITY3, 1e-14);
    expectMatrixClose(mulMat(invert(m), m), IDENTITY3, 1e-14);
  });

  it('applies a matrix to a vector as rows · v', () => {
    expect(mulMatVec(m, [1, 2, 3])).toEqual([0, 13, 14]);
  });

  it('refuses to invert a singular matrix (collinear primaries)', () => {
    expect(() => invert([[1, 2, 3], [2, 4, 6], [0, 1, 1]])).toThrow(SingularMatrixError);
  });
});

describe('chromaticity', () => {
  it('round-trips xy ↔ XYZ and xy ↔ uv', () => {
    const xyz = xyToXyz(WHITE_D65, 1);
    expect(xyz[0]).toBeCloseTo(0.95046, 5);
    expect(xyz[2]).toBeCloseTo(1.08906, 5);
    const back = xyzToXy(xyz);
    expect(back.x).toBeCloseTo(0.3127, 14);
    const uv = xyToUv1960(WHITE_D65);
    expect(uv.u).toBeCloseTo(0.19783, 5);
    expect(uv.v).toBeCloseTo(0.312213, 6); // 6y / (-2x + 12y + 3)
    expect(uv1960ToXy(uv).y).toBeCloseTo(0.329, 14);
  });
});

describe('RGB → XYZ matrices computed from primaries and white', () => {
  it('sRGB / BT.709 match IEC 61966-2-1 to its 4 decimals, with luma row 0.2126 0.7152 0.0722', () => {
    const m = rgbToXyzMatrix(SRGB);
    expectMatrixClose(m, [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]], 6e-5);
    expectMatrixClose(rgbToXyzMatrix(BT709), m, 0);
  });

  it('BT.2020 matches the published matrix, luma row 0.2627 0.6780 0.0593 (BT.2020 Table 4)', () => {
    expectMatrixClose(rgbToXyzMatrix(BT2020), [[0.637, 0.1446, 0.1689], [0.2627, 0.678, 0.0593], [0, 0.0281, 1.061]], 6e-5);
  });

  it('Display P3 (D65) and DCI-P3 (DCI white, SMPTE RP 431-2) match their published matrices', () => {
    expectMatrixClose(rgbToXyzMatrix(DISPLAY_P3), [[0.486571, 0.265668, 0.198217], [0.228975, 0.691739, 0.079287], [0, 0.045113, 1.043944]], 2e-6);
    expectMatrixClose(rgbToXyzMatrix(DCI_P3), [[0.44517, 0.277134, 0.172283], [0.209492, 0.721595, 0.068913], [0, 0.047061, 0.907355]], 2e-6);
  });

  it('maps RGB white to the white point at Y = 1 and inverts back', () => {
    for (const space of [SRGB, BT2020, DISPLAY_P3, DCI_P3]) {
      const white = mulMatVec(rgbToXyzMatrix(space), [1, 1, 1]);
      const expected = xyToXyz(space.white);
      for (let c = 0; c < 3; c++) expect(white[c]).toBeCloseTo(expected[c]!, 12);
      expectMatrixClose(mulMat(xyzToRgbMatrix(space), rgbToXyzMatrix(space)), IDENTITY3, 1e-12);
    }
  });

  it('BT.709 → BT.2020 matches BT.2087 (0.6274 0.3293 0.0433 / 0.0691 0.9195 0.0114 / 0.0164 0.0880 0.8956)', () => {
    expectMatrixClose(rgbToRgbMatrix(BT709, BT2020), [[0.6274, 0.3293, 0.0433], [0.0691, 0.9195, 0.0114], [0.0164, 0.088, 0.8956]], 6e-5);
  });
});

describe('CIELAB', () => {
  const d65 = xyToXyz(WHITE_D65);

  it('puts the reference white at L* 100, a* = b* = 0, and black at 0', () => {
    const w = xyzToLab(d65, d65);
    expect(w.L).toBeCloseTo(100, 12);
    expect(w.a).toBeCloseTo(0, 12);
    expect(w.b).toBeCloseTo(0, 12);
    expect(xyzToLab([0, 0, 0], d65).L).toBe(0);
  });

  it('gives L* = 50 at Y = 0.18419 (the mid-grey of CIE 15) and the published sRGB red', () => {
    expect(xyzToLab([0.18419 * d65[0], 0.18419, 0.18419 * d65[2]], d65).L).toBeCloseTo(50, 3);
    const red = xyzToLab(mulMatVec(rgbToXyzMatrix(SRGB), [1, 0, 0]), d65);
    // sRGB red (255, 0, 0) in D65 L*a*b*: 53.24, 80.09, 67.20 (e.g. colour-science, Lindbloom with D65).
    expect(red.L).toBeCloseTo(53.24, 1);
    expect(red.a).toBeCloseTo(80.09, 1);
    expect(red.b).toBeCloseTo(67.2, 1);
  });

  it('round-trips XYZ → Lab → XYZ on both branches of f (dark and bright) and another white', () => {
    const d50 = xyToXyz(WHITE_D50);
    for (const xyz of [[0.001, 0.002, 0.0005], [0.2, 0.3, 0.4], [0.9, 1.0, 0.7]] as const) {
      for (const white of [d65, d50]) {
        const back = labToXyz(xyzToLab(xyz, white), white);
        for (let c = 0; c < 3; c++) expect(back[c]).toBeCloseTo(xyz[c], 12);
      }
    }
  });
});
