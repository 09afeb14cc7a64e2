import { DEFAULT_DOMAIN_MAX, DEFAULT_DOMAIN_MIN, LUT_1D_SIZE_RANGE, LUT_3D_SIZE_RANGE, type Lut1d, type Lut3d } from './cube-lut.js';
import type { Vec3 } from './matrix3.js';

/** Input domain of a table: the values that map to its first and last grid points, per channel. */
export interface LutDomain {
  readonly min: Vec3;
  readonly max: Vec3;
}

const UNIT_DOMAIN: LutDomain = { min: DEFAULT_DOMAIN_MIN, max: DEFAULT_DOMAIN_MAX };

function checkSize(size: number, range: { min: number; max: number }, what: string): void {
  if (!Number.isInteger(size) || size < range.min || size > range.max) {
    throw new RangeError(`${what} size must be an integer ${range.min}..${range.max}, got ${size}`);
  }
}

function gridValue(i: number, size: number, domain: LutDomain, c: 0 | 1 | 2): number {
  return domain.min[c] + ((domain.max[c] - domain.min[c]) * i) / (size - 1);
}

/** Samples `fn` on a size³ grid over `domain` (red fastest): how calibration turns maths into a LUT. */
export function lut3dFromFunction(size: number, fn: (rgb: Vec3) => Vec3, domain: LutDomain = UNIT_DOMAIN): Lut3d {
  checkSize(size, LUT_3D_SIZE_RANGE, '3D LUT');
  const table = new Float32Array(size * size * size * 3);
  let o = 0;
  for (let b = 0; b < size; b++) {
    for (let g = 0; g < size; g++) {
      for (let r = 0; r < size; r++) {
        const v = fn([gridValue(r, size, domain, 0), gridValue(g, size, domain, 1), gridValue(b, size, domain, 2)]);
        table[o++] = v[0];
        table[o++] = v[1];
        table[o++] = v[2];
      }
    }
  }
  return { size, domainMin: domain.min, domainMax: domain.max, table };
}

export function identityLut3d(size: number, domain: LutDomain = UNIT_DOMAIN): Lut3d {
  return lut3dFromFunction(size, (rgb) => rgb, domain);
}

/** Samples a per-channel function on `size` points over `domain`. */
export function lut1dFromFunction(size: number, fn: (rgb: Vec3) => Vec3, domain: LutDomain = UNIT_DOMAIN): Lut1d {
  checkSize(size, LUT_1D_SIZE_RANGE, '1D LUT');
  const table = new Float32Array(size * 3);
  for (let i = 0; i < size; i++) {
    const v = fn([gridValue(i, size, domain, 0), gridValue(i, size, domain, 1), gridValue(i, size, domain, 2)]);
    table.set(v, i * 3);
  }
  return { size, domainMin: domain.min, domainMax: domain.max, table };
}
