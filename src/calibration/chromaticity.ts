import type { Vec3 } from './matrix3.js';

/**
 * CIE 1931 chromaticity and tristimulus conventions (CIE 15:2018).
 * Throughout src/calibration, XYZ is relative with the white's Y = 1 (not 100): matrices stay
 * unit-scaled and absolute luminance is carried separately in cd/m² (see PQ, BT.1886).
 */
export interface Chromaticity {
  readonly x: number;
  readonly y: number;
}

/** CIE 1960 UCS coordinates, the space in which CCT and Duv are defined. */
export interface Uv1960 {
  readonly u: number;
  readonly v: number;
}

/** xy plus luminance Y → XYZ. A chromaticity with y = 0 has no defined XYZ. */
export function xyToXyz(c: Chromaticity, Y = 1): Vec3 {
  if (c.y === 0) throw new RangeError(`chromaticity y must be non-zero, got x=${c.x} y=${c.y}`);
  return [(c.x * Y) / c.y, Y, ((1 - c.x - c.y) * Y) / c.y];
}

/** XYZ → xy. Black (X+Y+Z = 0) has no chromaticity; callers choose what to do with it. */
export function xyzToXy(xyz: Vec3): Chromaticity {
  const sum = xyz[0] + xyz[1] + xyz[2];
  if (sum === 0) throw new RangeError('XYZ = (0, 0, 0) has no chromaticity');
  return { x: xyz[0] / sum, y: xyz[1] / sum };
}

export function xyToUv1960(c: Chromaticity): Uv1960 {
  const d = -2 * c.x + 12 * c.y + 3;
  return { u: (4 * c.x) / d, v: (6 * c.y) / d };
}

export function uv1960ToXy(p: Uv1960): Chromaticity {
  const d = 2 * p.u - 8 * p.v + 4;
  return { x: (3 * p.u) / d, y: (2 * p.v) / d };
}
