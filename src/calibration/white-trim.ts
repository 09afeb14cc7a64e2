/**
 * Colour-temperature switching on a calibrated wall: RGB gains on the target's linear RGB that move
 * its white from one CCT to another, as an LED processor's colour-temperature control does. Gains
 * are relative (the wall was calibrated for `fromCct`, or for its target white, so that white gives exactly 1, 1, 1) and
 * normalised so the largest is 1: a warmer or cooler white never asks for drive the LEDs lack.
 */
import type { Calibration } from './ledcal-format.js';
import type { Chromaticity } from './chromaticity.js';
import { xyToXyz } from './chromaticity.js';
import { xyzToRgbMatrix, type RgbPrimaries } from './colour-spaces.js';
import { cctToWhitePoint } from './colour-temperature.js';
import { mulMatVec, type Vec3 } from './matrix3.js';

/** `fromCct` undefined: from the target's own white. */
export function whiteTrimGains(target: { readonly primaries: RgbPrimaries; readonly white: Chromaticity }, fromCct: number | undefined, toCct: number): Vec3 {
  if (fromCct === toCct) return [1, 1, 1];
  const toRgb = xyzToRgbMatrix({ name: 'target', primaries: target.primaries, white: target.white });
  const from = mulMatVec(toRgb, xyToXyz(fromCct === undefined ? target.white : cctToWhitePoint(fromCct)));
  const to = mulMatVec(toRgb, xyToXyz(cctToWhitePoint(toCct)));
  const g = [to[0] / from[0], to[1] / from[1], to[2] / from[2]];
  const max = Math.max(...g);
  return [g[0]! / max, g[1]! / max, g[2]! / max];
}

/** The calibration with its matrices (target linear RGB → drive) taking target RGB scaled by `gains` first. */
export function trimCalibration(cal: Calibration, gains: Vec3): Calibration {
  if (gains[0] === 1 && gains[1] === 1 && gains[2] === 1) return cal;
  const matrices = new Float32Array(cal.matrices);
  for (let i = 0; i < matrices.length; i += 9) {
    for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) matrices[i + row * 3 + col]! *= gains[col]!;
  }
  return { ...cal, matrices };
}
