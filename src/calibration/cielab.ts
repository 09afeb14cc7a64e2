import type { Vec3 } from './matrix3.js';

/** CIE 1976 L*a*b* (CIE 15:2018 §8.2.1). L* is 0..100 whatever the XYZ scale, as long as the
 * sample and the reference white share it (here Y = 1 for the white). */
export interface Lab {
  readonly L: number;
  readonly a: number;
  readonly b: number;
}

// Exact rationals (CIE 15:2018) rather than 0.008856 / 7.787, so the two branches meet continuously.
const EPSILON = (6 / 29) ** 3;
const KAPPA_SLOPE = 1 / (3 * (6 / 29) ** 2);

function f(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : t * KAPPA_SLOPE + 4 / 29;
}

function fInverse(t: number): number {
  return t > 6 / 29 ? t * t * t : (t - 4 / 29) / KAPPA_SLOPE;
}

export function xyzToLab(xyz: Vec3, white: Vec3): Lab {
  const fx = f(xyz[0] / white[0]);
  const fy = f(xyz[1] / white[1]);
  const fz = f(xyz[2] / white[2]);
  return { L: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

export function labToXyz(lab: Lab, white: Vec3): Vec3 {
  const fy = (lab.L + 16) / 116;
  const fx = fy + lab.a / 500;
  const fz = fy - lab.b / 200;
  return [fInverse(fx) * white[0], fInverse(fy) * white[1], fInverse(fz) * white[2]];
}
