/**
 * The correction a zone at temperature T needs: C(T) = P(T)⁻¹ · P(25 °C), so that the warm screen
 * driven with C·rgb emits what the 25 °C screen emits for rgb (white point and primaries).
 *
 * Headroom: where a channel would need more than 100 % drive (a warm red), all three are scaled
 * down together by k = 1 / (largest row sum of positive coefficients), which keeps the white point
 * and the primaries' chromaticities and gives up a little peak brightness instead of clipping.
 * With policy 'wall' one k serves every zone (the wall stays uniform, limited by its hottest zone);
 * with 'zone' each zone keeps its own (brightest, but zones may differ in brightness).
 */
import { invert, mulMat, type Matrix3 } from '../calibration/matrix3.js';
import { REFERENCE_CELSIUS, referenceScreenMatrix, screenMatrix, type LedTypeModel } from './led-model.js';

export type HeadroomPolicy = 'wall' | 'zone';
export const HEADROOM_POLICIES: readonly HeadroomPolicy[] = ['wall', 'zone'];

/** The unscaled correction for one temperature (identity at 25 °C). */
export function correctionMatrix(model: LedTypeModel, celsius: number): Matrix3 {
  if (celsius === REFERENCE_CELSIUS) return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  return mulMat(invert(screenMatrix(model, celsius)), referenceScreenMatrix(model));
}

/** The largest drive any input in [0, 1]³ asks of a channel: max over rows of the positive entries' sum. */
export function peakDrive(m: Matrix3): number {
  return Math.max(...m.map((row) => row.reduce((s, v) => s + Math.max(v, 0), 0)));
}

export interface ZoneCorrections {
  /** Per zone, the correction with its headroom scale applied. */
  readonly matrices: Matrix3[];
  /** Per zone, the scale applied (1 = no brightness given up). */
  readonly scales: number[];
  /** Largest drive any zone needed before scaling (1.29 = red asked for 129 %). */
  readonly peakDrive: number;
  /** Peak brightness given up for headroom, 0..1 (the largest over zones). */
  readonly headroomUsed: number;
}

/** Corrections for every zone's temperature (null = nominal, the identity). */
export function zoneCorrections(model: LedTypeModel, celsius: readonly (number | null)[], policy: HeadroomPolicy): ZoneCorrections {
  const raw = celsius.map((t) => correctionMatrix(model, t ?? REFERENCE_CELSIUS));
  const peaks = raw.map(peakDrive);
  const wallPeak = Math.max(1, ...peaks);
  const scales = peaks.map((p) => 1 / (policy === 'wall' ? wallPeak : Math.max(1, p)));
  const matrices = raw.map((m, i) => m.map((row) => row.map((v) => v * scales[i]!)) as unknown as Matrix3);
  return { matrices, scales, peakDrive: Math.max(...peaks), headroomUsed: 1 - Math.min(...scales) };
}
