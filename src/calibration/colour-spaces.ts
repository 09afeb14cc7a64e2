import { xyToXyz, type Chromaticity } from './chromaticity.js';
import { diagonal, invert, mulMat, mulMatVec, type Matrix3 } from './matrix3.js';

/**
 * White points as the standards that use them write them (4 decimals). CIE 15 tabulates D65 as
 * (0.31272, 0.32903); sRGB, BT.709, BT.2020 and Display P3 all specify the rounded (0.3127, 0.3290),
 * and their published matrices follow from the rounded value, so that is the one used here.
 */
export const WHITE_D65: Chromaticity = { x: 0.3127, y: 0.329 };
/** D50, the ICC profile connection space white. */
export const WHITE_D50: Chromaticity = { x: 0.3457, y: 0.3585 };
/** The DCI cinema projector white (SMPTE RP 431-2), greenish next to D65. */
export const WHITE_DCI: Chromaticity = { x: 0.314, y: 0.351 };

export interface RgbPrimaries {
  readonly red: Chromaticity;
  readonly green: Chromaticity;
  readonly blue: Chromaticity;
}

/** An RGB colour space as far as linear light is concerned: primaries plus white. */
export interface RgbColourSpace {
  readonly name: string;
  readonly primaries: RgbPrimaries;
  readonly white: Chromaticity;
}

/** ITU-R BT.709 and IEC 61966-2-1 (sRGB) share primaries and white. */
export const PRIMARIES_BT709: RgbPrimaries = {
  red: { x: 0.64, y: 0.33 },
  green: { x: 0.3, y: 0.6 },
  blue: { x: 0.15, y: 0.06 },
};

/** ITU-R BT.2020 (also BT.2100). */
export const PRIMARIES_BT2020: RgbPrimaries = {
  red: { x: 0.708, y: 0.292 },
  green: { x: 0.17, y: 0.797 },
  blue: { x: 0.131, y: 0.046 },
};

/** SMPTE RP 431-2 / EG 432-1 P3 primaries, used with either the DCI or the D65 white. */
export const PRIMARIES_P3: RgbPrimaries = {
  red: { x: 0.68, y: 0.32 },
  green: { x: 0.265, y: 0.69 },
  blue: { x: 0.15, y: 0.06 },
};

export const SRGB: RgbColourSpace = { name: 'sRGB', primaries: PRIMARIES_BT709, white: WHITE_D65 };
export const BT709: RgbColourSpace = { name: 'BT.709', primaries: PRIMARIES_BT709, white: WHITE_D65 };
export const BT2020: RgbColourSpace = { name: 'BT.2020', primaries: PRIMARIES_BT2020, white: WHITE_D65 };
/** "Display P3" (P3-D65, SMPTE EG 432-1). */
export const DISPLAY_P3: RgbColourSpace = { name: 'Display P3', primaries: PRIMARIES_P3, white: WHITE_D65 };
/** DCI-P3 with the DCI white (SMPTE RP 431-2). */
export const DCI_P3: RgbColourSpace = { name: 'DCI-P3', primaries: PRIMARIES_P3, white: WHITE_DCI };

/**
 * The normalised primary matrix (SMPTE RP 177): linear RGB → XYZ with RGB = (1, 1, 1) mapping to
 * the white at Y = 1. Columns are the primaries' XYZ, each scaled so that they sum to the white.
 */
export function rgbToXyzMatrix(space: RgbColourSpace): Matrix3 {
  const { red, green, blue } = space.primaries;
  const r = xyToXyz(red);
  const g = xyToXyz(green);
  const b = xyToXyz(blue);
  const primaries: Matrix3 = [
    [r[0], g[0], b[0]],
    [r[1], g[1], b[1]],
    [r[2], g[2], b[2]],
  ];
  const scale = mulMatVec(invert(primaries), xyToXyz(space.white));
  return mulMat(primaries, diagonal(scale));
}

export function xyzToRgbMatrix(space: RgbColourSpace): Matrix3 {
  return invert(rgbToXyzMatrix(space));
}

/**
 * Linear RGB in `from` → linear RGB in `to`, without chromatic adaptation: the same XYZ in both.
 * When the whites differ, white in `from` does not land on RGB (1, 1, 1) in `to`, which is what a
 * wall calibrated to measured absolute colour wants; adapt first if a white-to-white mapping is meant.
 */
export function rgbToRgbMatrix(from: RgbColourSpace, to: RgbColourSpace): Matrix3 {
  return mulMat(xyzToRgbMatrix(to), rgbToXyzMatrix(from));
}
