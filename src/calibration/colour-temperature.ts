import { uv1960ToXy, xyToUv1960, type Chromaticity, type Uv1960 } from './chromaticity.js';

/**
 * Correlated colour temperature (CCT) ↔ white point.
 *
 * Forward (what a "colour temperature" control sets): the CIE daylight locus (CIE 15:2018 §3.1,
 * eqs. 3.3–3.4) from 4000 K to 25000 K, where D50/D65 live, and the Planckian locus below 4000 K,
 * where incandescent-like whites live. The two loci do not meet: at 4000 K daylight sits about
 * Duv +0.003 above Planck, so the curve jumps there; that is the convention of LED processors too.
 *
 * Inverse: `xyToCct` finds the nearest point of the Planckian locus in CIE 1960 uv (the definition
 * of CCT in CIE 15) and also returns Duv; `mcCamyCct` is the closed form for quick estimates.
 */

export const CCT_MIN_K = 1000;
export const CCT_MAX_K = 25000;
const DAYLIGHT_MIN_K = 4000;
const PLANCK_FIT_MAX_K = 15000;

function checkRange(kelvin: number, min: number, max: number, what: string): void {
  if (!(kelvin >= min && kelvin <= max)) {
    throw new RangeError(`${what}: temperature ${kelvin} K out of range ${min}..${max} K`);
  }
}

/** CIE daylight locus, 4000–25000 K (the nominal D-series; D65 is 6504 K with today's c2). */
export function daylightLocusXy(kelvin: number): Chromaticity {
  checkRange(kelvin, DAYLIGHT_MIN_K, CCT_MAX_K, 'daylight locus');
  const t = kelvin;
  const x =
    t <= 7000
      ? -4.607e9 / t ** 3 + 2.9678e6 / t ** 2 + 0.09911e3 / t + 0.244063
      : -2.0064e9 / t ** 3 + 1.9018e6 / t ** 2 + 0.24748e3 / t + 0.23704;
  return { x, y: -3 * x * x + 2.87 * x - 0.275 };
}

/**
 * Planckian locus in CIE 1960 uv, Krystek's rational approximation (M. Krystek, "An algorithm to
 * calculate correlated colour temperature", Color Res. Appl. 10(1), 1985), valid 1000–15000 K with
 * |Δu|, |Δv| < 1e-4 against integration of Planck's law with the CIE 1931 observer.
 */
export function planckianLocusUv(kelvin: number): Uv1960 {
  checkRange(kelvin, CCT_MIN_K, PLANCK_FIT_MAX_K, 'Planckian locus');
  return krystekUv(kelvin);
}

/** Unchecked, for the CCT search whose mired grid lands a rounding error outside 1000..15000 K. */
function krystekUv(t: number): Uv1960 {
  const u = (0.860117757 + 1.54118254e-4 * t + 1.28641212e-7 * t * t) / (1 + 8.42420235e-4 * t + 7.08145163e-7 * t * t);
  const v = (0.317398726 + 4.22806245e-5 * t + 4.20481691e-8 * t * t) / (1 - 2.89741816e-5 * t + 1.61456053e-7 * t * t);
  return { u, v };
}

export function planckianLocusXy(kelvin: number): Chromaticity {
  return uv1960ToXy(planckianLocusUv(kelvin));
}

/** The white a colour-temperature control means: Planckian below 4000 K, CIE daylight from 4000 K. */
export function cctToWhitePoint(kelvin: number): Chromaticity {
  checkRange(kelvin, CCT_MIN_K, CCT_MAX_K, 'cctToWhitePoint');
  return kelvin < DAYLIGHT_MIN_K ? planckianLocusXy(kelvin) : daylightLocusXy(kelvin);
}

/**
 * McCamy's cubic (C. S. McCamy, Color Res. Appl. 17(2), 1992). Published as within about ±2 K of
 * the exact CCT from 2856 K to 6504 K near the locus; against `xyToCct` it differs by up to ~10 K
 * there (the Krystek fit's own error is part of that), and by over 100 K near 10000 K.
 */
export function mcCamyCct(c: Chromaticity): number {
  const n = (c.x - 0.332) / (0.1858 - c.y);
  return 449 * n ** 3 + 3525 * n ** 2 + 6823.3 * n + 5520.33;
}

export interface CctResult {
  readonly cct: number;
  /** Signed distance from the Planckian locus in uv; positive above it (greenish), negative below (pinkish). */
  readonly duv: number;
}

function distanceSquared(p: Uv1960, mired: number): number {
  const q = krystekUv(1e6 / mired);
  return (p.u - q.u) ** 2 + (p.v - q.v) ** 2;
}

/**
 * CCT and Duv by the CIE 15 definition: the temperature of the nearest Planckian point in 1960 uv.
 * Searched in mired (1e6 / K), where the locus is close to uniformly spaced: a coarse scan, then a
 * golden-section refinement to < 0.01 K of that nearest point. Accuracy is therefore that of
 * Krystek's fit: < 1e-4 in u and v, which is a few kelvin along the locus at 3000–5000 K (it agrees
 * with the Kim et al. spline to 1% in CCT). Valid for CCTs of 1000–15000 K.
 */
export function xyToCct(c: Chromaticity): CctResult {
  const p = xyToUv1960(c);
  const lo = 1e6 / PLANCK_FIT_MAX_K;
  const hi = 1e6 / CCT_MIN_K;
  const steps = 400;
  let best = lo;
  let bestD = Infinity;
  for (let i = 0; i <= steps; i++) {
    const m = lo + ((hi - lo) * i) / steps;
    const d = distanceSquared(p, m);
    if (d < bestD) {
      bestD = d;
      best = m;
    }
  }
  const step = (hi - lo) / steps;
  let a = Math.max(lo, best - step);
  let b = Math.min(hi, best + step);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60 && b - a > 1e-9; i++) {
    const m1 = b - ratio * (b - a);
    const m2 = a + ratio * (b - a);
    if (distanceSquared(p, m1) < distanceSquared(p, m2)) b = m2;
    else a = m1;
  }
  const mired = (a + b) / 2;
  const cct = 1e6 / mired;
  const q = krystekUv(cct);
  // The locus runs toward smaller u as T rises; p is above it (Duv > 0) when it lies right of that direction.
  const ahead = krystekUv(cct * 1.001);
  const behind = krystekUv(cct / 1.001);
  const tu = ahead.u - behind.u;
  const tv = ahead.v - behind.v;
  const cross = tu * (p.v - q.v) - tv * (p.u - q.u);
  const distance = Math.hypot(p.u - q.u, p.v - q.v);
  return { cct, duv: cross < 0 ? distance : -distance };
}
