import { describe, it, expect } from 'vitest';
import {
  cctToWhitePoint,
  daylightLocusXy,
  mcCamyCct,
  planckianLocusXy,
  xyToCct,
} from '../../src/calibration/colour-temperature.js';
import { WHITE_D50, WHITE_D65 } from '../../src/calibration/colour-spaces.js';

/** Kim et al. (2002) cubic spline of the Planckian locus, 1667–25000 K: an independent fit to compare with. */
function kimPlanckianXy(t: number): { x: number; y: number } {
  const x =
    t <= 4000
      ? -0.2661239e9 / t ** 3 - 0.2343589e6 / t ** 2 + 0.8776956e3 / t + 0.17991
      : -3.0258469e9 / t ** 3 + 2.1070379e6 / t ** 2 + 0.2226347e3 / t + 0.24039;
  const y =
    t <= 2222
      ? -1.1063814 * x ** 3 - 1.3481102 * x ** 2 + 2.18555832 * x - 0.20219683
      : t <= 4000
        ? -0.9549476 * x ** 3 - 1.37418593 * x ** 2 + 2.09137015 * x - 0.16748867
        : 3.081758 * x ** 3 - 5.8733867 * x ** 2 + 3.75112997 * x - 0.37001483;
  return { x, y };
}

describe('CCT → white point', () => {
  it('daylight locus gives D65 at 6504 K and D50 at 5003 K (CIE 15)', () => {
    // CIE 15 tabulates D65 (0.31272, 0.32903) and D50 (0.34567, 0.35850) from the spectra; the
    // locus formula they were derived with lands within 1e-4 of them.
    const d65 = daylightLocusXy(6504);
    expect(Math.abs(d65.x - 0.31272)).toBeLessThan(1e-4);
    expect(Math.abs(d65.y - 0.32903)).toBeLessThan(1e-4);
    const d50 = daylightLocusXy(5003);
    expect(Math.abs(d50.x - 0.34567)).toBeLessThan(1e-4);
    expect(Math.abs(d50.y - 0.3585)).toBeLessThan(1e-4);
  });

  it('Planckian locus (Krystek) agrees with the Kim et al. spline within 1e-3 in xy and 1% in CCT, 1667–15000 K', () => {
    // Two independent fits of the same curve; they differ by up to 6.4e-4 in xy (near 2400 K).
    for (let t = 1700; t <= 15000; t += 100) {
      const a = planckianLocusXy(t);
      const b = kimPlanckianXy(t);
      expect(Math.hypot(a.x - b.x, a.y - b.y), `${t} K`).toBeLessThan(1e-3);
      expect(Math.abs(xyToCct(b).cct - t) / t, `${t} K`).toBeLessThan(0.01);
    }
  });

  it('Planckian 2856 K is near CIE illuminant A (0.44757, 0.40745)', () => {
    // A is defined with c2 = 1.435e-2; with today's 1.4388e-2 the same radiator is 2863.6 K.
    const a = planckianLocusXy(2856 * (1.4388 / 1.435));
    expect(a.x).toBeCloseTo(0.44757, 3);
    expect(a.y).toBeCloseTo(0.40745, 3);
  });

  it('cctToWhitePoint is Planckian below 4000 K, daylight from 4000 K, and range-checked', () => {
    expect(cctToWhitePoint(3200)).toEqual(planckianLocusXy(3200));
    expect(cctToWhitePoint(6500)).toEqual(daylightLocusXy(6500));
    expect(() => cctToWhitePoint(500)).toThrow(/out of range 1000..25000 K/);
    expect(() => cctToWhitePoint(30000)).toThrow(RangeError);
  });
});

describe('white point → CCT', () => {
  it('inverts the Planckian locus to within 0.5 K with Duv ≈ 0, 1000–15000 K', () => {
    for (const t of [1000, 1500, 2000, 2700, 3200, 4000, 5000, 6500, 8000, 10000, 12000, 15000]) {
      const r = xyToCct(planckianLocusXy(t));
      expect(Math.abs(r.cct - t), `${t} K`).toBeLessThan(0.5);
      expect(Math.abs(r.duv)).toBeLessThan(1e-6);
    }
  });

  it('gives D65 ≈ 6504 K with Duv ≈ +0.0032 (above the locus), and D50 ≈ 5003 K', () => {
    const d65 = xyToCct(WHITE_D65);
    expect(Math.abs(d65.cct - 6504)).toBeLessThan(5);
    expect(d65.duv).toBeCloseTo(0.0032, 3);
    expect(Math.abs(xyToCct(WHITE_D50).cct - 5003)).toBeLessThan(5);
  });

  it('gives a negative Duv below the locus', () => {
    const p = planckianLocusXy(3000);
    expect(xyToCct({ x: p.x + 0.002, y: p.y - 0.004 }).duv).toBeLessThan(0);
  });

  it("McCamy's formula is within 12 K of the Krystek-locus CCT from 2856 K to 6504 K", () => {
    for (const t of [2856, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6504]) {
      const xy = planckianLocusXy(t);
      expect(Math.abs(mcCamyCct(xy) - t), `${t} K`).toBeLessThan(12);
    }
  });
});
