import { describe, it, expect } from 'vitest';
import {
  bt1886Decode,
  bt1886Encode,
  gammaDecode,
  gammaEncode,
  pqDecode,
  pqEncode,
  srgbDecode,
  srgbEncode,
} from '../../src/calibration/transfer-functions.js';

const ramp = Array.from({ length: 101 }, (_, i) => i / 100);

describe('sRGB (IEC 61966-2-1)', () => {
  it('has the linear toe below 0.04045 and known values', () => {
    expect(srgbDecode(0.04)).toBeCloseTo(0.04 / 12.92, 15);
    expect(srgbDecode(0.5)).toBeCloseTo(0.214041, 6);
    expect(srgbDecode(1)).toBeCloseTo(1, 15);
    expect(srgbEncode(0.0031308)).toBeCloseTo(0.04045, 5);
    expect(srgbEncode(0.18)).toBeCloseTo(0.461356, 6);
  });

  it('round-trips, is monotonic, and clamps negatives to 0', () => {
    let prev = -1;
    for (const v of ramp) {
      expect(srgbEncode(srgbDecode(v))).toBeCloseTo(v, 12);
      expect(srgbDecode(v)).toBeGreaterThan(prev);
      prev = srgbDecode(v);
    }
    expect(srgbDecode(-0.1)).toBe(0);
  });
});

describe('pure gamma', () => {
  it('2.2 and 2.4 are plain powers and round-trip', () => {
    expect(gammaDecode(0.5, 2.2)).toBeCloseTo(0.5 ** 2.2, 15);
    expect(gammaDecode(0.5, 2.4)).toBeCloseTo(0.5 ** 2.4, 15);
    for (const v of ramp) for (const g of [2.2, 2.4]) expect(gammaEncode(gammaDecode(v, g), g)).toBeCloseTo(v, 12);
  });
});

describe('BT.1886', () => {
  it('reaches Lw at V = 1 and Lb at V = 0', () => {
    const d = { whiteNits: 100, blackNits: 0.1 };
    expect(bt1886Decode(1, d)).toBeCloseTo(100, 10);
    expect(bt1886Decode(0, d)).toBeCloseTo(0.1, 12);
  });

  it('with a zero black is a pure 2.4 power scaled to Lw', () => {
    const d = { whiteNits: 1000, blackNits: 0 };
    for (const v of ramp) expect(bt1886Decode(v, d)).toBeCloseTo(1000 * v ** 2.4, 9);
  });

  it('round-trips and rejects Lw <= Lb', () => {
    const d = { whiteNits: 600, blackNits: 0.05 };
    for (const v of ramp) expect(bt1886Encode(bt1886Decode(v, d), d)).toBeCloseTo(v, 12);
    expect(() => bt1886Decode(0.5, { whiteNits: 1, blackNits: 1 })).toThrow(/whiteNits > blackNits/);
  });
});

describe('SMPTE ST 2084 (PQ)', () => {
  it('maps known signal values to absolute luminance', () => {
    expect(pqDecode(0)).toBe(0);
    expect(pqDecode(1)).toBeCloseTo(10000, 8);
    // Reference points from BT.2100 / BT.2408: 100 cd/m² ≈ 0.5081, 203 ≈ 0.5806, 1000 ≈ 0.7518.
    expect(pqEncode(100)).toBeCloseTo(0.508078, 5);
    expect(pqEncode(203)).toBeCloseTo(0.580689, 5);
    expect(pqEncode(1000)).toBeCloseTo(0.751827, 5);
  });

  it('round-trips across 0.001..10000 cd/m² and clips above 10000', () => {
    for (let e = -3; e <= 4; e += 0.25) {
      const nits = 10 ** e;
      expect(pqDecode(pqEncode(nits)) / nits).toBeCloseTo(1, 9);
    }
    expect(pqEncode(20000)).toBeCloseTo(1, 12);
  });
});
