/**
 * How an LED wall's primaries drift with temperature, per LED type (sources in docs/THERMAL.md).
 *
 * Per channel, relative to the 25 °C reference:
 * - luminance factor  f(T) = 1 + a·ΔT + b·ΔT²  (ΔT = T − 25 °C);
 * - chromaticity: the primary sits at excitation purity p on the line from illuminant E to the
 *   spectral-locus point of its dominant wavelength λd; λd(T) = λd + k·ΔT moves it along the locus
 *   (AlGaInP red and InGaN green/blue both shift to longer wavelengths as they warm).
 * The screen at 25 °C shows D65 at RGB (1, 1, 1): its normalised primary matrix is the reference.
 * Temperatures are what the cabinet sensor reports; each type's coefficients are given against it.
 */
import type { Chromaticity } from '../calibration/chromaticity.js';
import { xyToXyz } from '../calibration/chromaticity.js';
import { rgbToXyzMatrix, WHITE_D65, type RgbPrimaries } from '../calibration/colour-spaces.js';
import type { Matrix3 } from '../calibration/matrix3.js';

export const REFERENCE_CELSIUS = 25;

export interface LedChannelModel {
  /** Dominant wavelength at 25 °C, nm. */
  readonly dominantNm: number;
  /** Excitation purity (0..1] relative to illuminant E. */
  readonly purity: number;
  /** Relative luminance change per kelvin (a). */
  readonly luminancePerK: number;
  /** Relative luminance change per kelvin squared (b). */
  readonly luminancePerK2: number;
  /** Dominant wavelength shift, nm per kelvin. */
  readonly nmPerK: number;
}

export interface LedTypeModel {
  readonly name: string;
  readonly description: string;
  /** Short citations for the coefficients (full list in docs/THERMAL.md). */
  readonly sources: readonly string[];
  readonly red: LedChannelModel;
  readonly green: LedChannelModel;
  readonly blue: LedChannelModel;
  /** White the screen is balanced to at 25 °C. */
  readonly white: Chromaticity;
}

/** CIE 1931 2° spectral locus (x, y) every 10 nm, 440–660 nm (CIE 15:2018 tables). */
const LOCUS_NM0 = 440;
const LOCUS: readonly (readonly [number, number])[] = [
  [0.1644, 0.0109], [0.1566, 0.0177], [0.144, 0.0297], [0.1241, 0.0578], [0.0913, 0.1327], [0.0454, 0.295],
  [0.0082, 0.5384], [0.0139, 0.7502], [0.0743, 0.8338], [0.1547, 0.8059], [0.2296, 0.7543], [0.3016, 0.6923],
  [0.3731, 0.6245], [0.4441, 0.5547], [0.5125, 0.4866], [0.5752, 0.4242], [0.627, 0.3725], [0.6658, 0.334],
  [0.6915, 0.3083], [0.7079, 0.292], [0.719, 0.2809], [0.726, 0.274], [0.7300, 0.2700],
];
const ILLUMINANT_E: Chromaticity = { x: 1 / 3, y: 1 / 3 };

/** Spectral-locus chromaticity at `nm` (linear between the 10 nm table points; 440–660 nm). */
export function spectralLocusXy(nm: number): Chromaticity {
  const t = Math.min(Math.max((nm - LOCUS_NM0) / 10, 0), LOCUS.length - 1);
  const i = Math.min(Math.floor(t), LOCUS.length - 2);
  const f = t - i;
  const [x0, y0] = LOCUS[i]!;
  const [x1, y1] = LOCUS[i + 1]!;
  return { x: x0 + (x1 - x0) * f, y: y0 + (y1 - y0) * f };
}

const channel = (dominantNm: number, purity: number, luminancePerK: number, nmPerK: number, luminancePerK2 = 0): LedChannelModel => ({
  dominantNm, purity, luminancePerK, luminancePerK2, nmPerK,
});

/**
 * The documented LED families. Coefficients and their sources: docs/THERMAL.md § "Coefficients".
 * Dominant wavelengths: typical SMD RGB display LEDs (Broadcom ASMT-QTB4: 622 / 530 / 470 nm).
 */
export const LED_TYPES: Readonly<Record<string, LedTypeModel>> = {
  'smd-rgb-2121': {
    name: 'smd-rgb-2121',
    description: 'SMD 3-in-1 RGB package (2121/1515/3528 class): AlGaInP red, InGaN green and blue, sensor on the module board',
    sources: ['ams-OSRAM OSP_aomw caldb.cpp (intensity coefficients, via DOMAIN.md)', 'Broadcom ASMT-QTB4 datasheet (dominant wavelengths)', 'Luminus Devices, wavelength shift note (direction)'],
    red: channel(622, 0.98, -6.42e-3, 0.1),
    green: channel(530, 0.8, -1.24e-3, 0.04),
    blue: channel(470, 0.92, +1.19e-3, 0.03),
    white: WHITE_D65,
  },
  cob: {
    name: 'cob',
    description: 'chip-on-board (flip-chip dies on the PCB): board temperature close to the junction',
    sources: ['Vinogradova et al. 2013 (board 25→50 °C: red −7 %, blue −4 %)', 'led-display-manufacturer.com on flip-chip COB heat paths'],
    red: channel(622, 0.98, -2.8e-3, 0.1),
    green: channel(528, 0.8, -1.2e-3, 0.04),
    blue: channel(467, 0.92, -1.6e-3, 0.03),
    white: WHITE_D65,
  },
  'mini-led': {
    name: 'mini-led',
    description: 'mini-LED (50–200 µm dies, COB or IMD): higher current density, red thin-film AlGaInP',
    sources: ['Xiamen Univ., Chin. J. Lumin. 2025, DOI 10.37188/CJL.20250086 (all three primaries shift with temperature)', 'representative AlGaInP / InGaN ranges [uncertain]'],
    red: channel(625, 0.98, -8.0e-3, 0.12, -1.0e-5),
    green: channel(527, 0.82, -2.5e-3, 0.05),
    blue: channel(465, 0.93, -2.0e-3, 0.04),
    white: WHITE_D65,
  },
};

/** Other names that mean one of the families above. */
const ALIASES: Readonly<Record<string, string>> = {
  generic: 'smd-rgb-2121', 'smd-rgb': 'smd-rgb-2121', smd: 'smd-rgb-2121', 'smd-rgb-1515': 'smd-rgb-2121', 'smd-rgb-3528': 'smd-rgb-2121',
  'chip-on-board': 'cob', 'flip-chip-cob': 'cob', miniled: 'mini-led', mini: 'mini-led',
};

/** Hints for names that are neither families nor aliases: the first matching pattern wins. */
const FAMILY_HINTS: readonly (readonly [RegExp, string])[] = [
  [/mini|micro|imd|µ|4-?in-?1/i, 'mini-led'],
  [/cob|flip|board|gob/i, 'cob'],
  [/smd|rgb|dip|plcc|\d{4}/i, 'smd-rgb-2121'],
];

export interface ResolvedLedType {
  readonly model: LedTypeModel;
  /** Set when `name` is not a documented family: says which family is used instead. */
  readonly warning?: string;
}

/** The model for `--led-type NAME`; an unknown name gets the nearest documented family and a warning naming both. */
export function resolveLedType(name: string): ResolvedLedType {
  const key = name.trim().toLowerCase();
  const direct = LED_TYPES[key] ?? LED_TYPES[ALIASES[key] ?? ''];
  if (direct) return { model: direct };
  const hinted = FAMILY_HINTS.find(([re]) => re.test(key))?.[1];
  const family = hinted ?? nearestByEditDistance(key);
  const model = LED_TYPES[family]!;
  return {
    model,
    warning: `--led-type '${name}' is not a documented LED type; using the nearest documented family '${model.name}' (${model.description}). Documented: ${Object.keys(LED_TYPES).join(', ')}`,
  };
}

function nearestByEditDistance(key: string): string {
  let best = 'smd-rgb-2121';
  let bestD = Infinity;
  for (const name of Object.keys(LED_TYPES)) {
    const d = editDistance(key, name);
    if (d < bestD) [best, bestD] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Relative luminance of a channel at `celsius` (1 at 25 °C). */
export function channelLuminanceFactor(ch: LedChannelModel, celsius: number): number {
  const d = celsius - REFERENCE_CELSIUS;
  return Math.max(1 + ch.luminancePerK * d + ch.luminancePerK2 * d * d, 0.05);
}

/** Chromaticity of a channel at `celsius`. */
export function channelChromaticity(ch: LedChannelModel, celsius: number): Chromaticity {
  const nm = ch.dominantNm + ch.nmPerK * (celsius - REFERENCE_CELSIUS);
  const l = spectralLocusXy(nm);
  return { x: ILLUMINANT_E.x + ch.purity * (l.x - ILLUMINANT_E.x), y: ILLUMINANT_E.y + ch.purity * (l.y - ILLUMINANT_E.y) };
}

export function primariesAt(model: LedTypeModel, celsius: number): RgbPrimaries {
  return { red: channelChromaticity(model.red, celsius), green: channelChromaticity(model.green, celsius), blue: channelChromaticity(model.blue, celsius) };
}

const referenceCache = new WeakMap<LedTypeModel, Matrix3>();

/** Linear drive → XYZ of the screen at 25 °C (RGB 1,1,1 = the model's white at Y = 1). */
export function referenceScreenMatrix(model: LedTypeModel): Matrix3 {
  let m = referenceCache.get(model);
  if (!m) {
    m = rgbToXyzMatrix({ name: model.name, primaries: primariesAt(model, REFERENCE_CELSIUS), white: model.white });
    referenceCache.set(model, m);
  }
  return m;
}

/** Linear drive → XYZ of the screen at `celsius` (same scale as the reference). */
export function screenMatrix(model: LedTypeModel, celsius: number): Matrix3 {
  const ref = referenceScreenMatrix(model);
  const p = primariesAt(model, celsius);
  const cols = ([['red', 0], ['green', 1], ['blue', 2]] as const).map(([k, i]) => xyToXyz(p[k], ref[1][i] * channelLuminanceFactor(model[k], celsius)));
  return [
    [cols[0]![0], cols[1]![0], cols[2]![0]],
    [cols[0]![1], cols[1]![1], cols[2]![1]],
    [cols[0]![2], cols[1]![2], cols[2]![2]],
  ];
}
