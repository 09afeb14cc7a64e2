/**
 * Transfer functions between non-linear signal values V in [0, 1] and linear light.
 * `decode` = EOTF direction (signal → light), `encode` = its inverse (light → signal).
 * Relative functions work on light in [0, 1]; BT.1886 and PQ return absolute luminance in cd/m².
 * Negative inputs are clamped to 0 (the standards define none) so no NaN escapes into a LUT.
 */

/** IEC 61966-2-1 sRGB: the piecewise curve with a linear toe (not a pure 2.2 power). */
export function srgbDecode(v: number): number {
  if (v <= 0) return 0;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function srgbEncode(l: number): number {
  if (l <= 0) return 0;
  return l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055;
}

/** A pure power law, e.g. 2.2 (PC displays) or 2.4 (BT.1886 with a perfect black). */
export function gammaDecode(v: number, gamma: number): number {
  return v <= 0 ? 0 : v ** gamma;
}

export function gammaEncode(l: number, gamma: number): number {
  return l <= 0 ? 0 : l ** (1 / gamma);
}

/** Display white and black luminance (cd/m²) for the ITU-R BT.1886 EOTF. */
export interface Bt1886Display {
  readonly whiteNits: number;
  readonly blackNits: number;
}

const BT1886_GAMMA = 2.4;

function bt1886Constants(d: Bt1886Display): { a: number; b: number } {
  if (!(d.whiteNits > d.blackNits && d.blackNits >= 0)) {
    throw new RangeError(`BT.1886 needs whiteNits > blackNits >= 0, got Lw=${d.whiteNits} Lb=${d.blackNits}`);
  }
  const w = d.whiteNits ** (1 / BT1886_GAMMA);
  const k = d.blackNits ** (1 / BT1886_GAMMA);
  return { a: (w - k) ** BT1886_GAMMA, b: k / (w - k) };
}

/** ITU-R BT.1886 Annex 1: L = a · max(V + b, 0)^2.4, so V = 0 gives Lb and V = 1 gives Lw. */
export function bt1886Decode(v: number, display: Bt1886Display): number {
  const { a, b } = bt1886Constants(display);
  return a * Math.max(v + b, 0) ** BT1886_GAMMA;
}

export function bt1886Encode(nits: number, display: Bt1886Display): number {
  const { a, b } = bt1886Constants(display);
  return Math.max(nits / a, 0) ** (1 / BT1886_GAMMA) - b;
}

// SMPTE ST 2084 constants, written as the standard's exact rationals.
const PQ_M1 = 2610 / 16384;
const PQ_M2 = (2523 / 4096) * 128;
const PQ_C1 = 3424 / 4096;
const PQ_C2 = (2413 / 4096) * 32;
const PQ_C3 = (2392 / 4096) * 32;
export const PQ_PEAK_NITS = 10000;

/** SMPTE ST 2084 EOTF: PQ signal in [0, 1] → absolute luminance in cd/m² (0..10000). */
export function pqDecode(v: number): number {
  if (v <= 0) return 0;
  const p = Math.min(v, 1) ** (1 / PQ_M2);
  return PQ_PEAK_NITS * (Math.max(p - PQ_C1, 0) / (PQ_C2 - PQ_C3 * p)) ** (1 / PQ_M1);
}

/** SMPTE ST 2084 inverse EOTF: cd/m² → PQ signal. Luminance above 10000 cd/m² clips to 1. */
export function pqEncode(nits: number): number {
  if (nits <= 0) return 0;
  const y = (Math.min(nits, PQ_PEAK_NITS) / PQ_PEAK_NITS) ** PQ_M1;
  return ((PQ_C1 + PQ_C2 * y) / (1 + PQ_C3 * y)) ** PQ_M2;
}
