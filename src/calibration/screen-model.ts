/**
 * A simulated LED screen and its camera measurement, for `ledpipe calibrate synth` and for proving
 * that a solved calibration works. Each pixel has three primaries (XYZ at full drive) with
 * per-module and per-pixel luminance and chromaticity spread; edge pixels of a module are brighter
 * or darker (seams); at low drive each channel has a relative gain boost 1 + a·exp(-d / knee)
 * (normalised to 1 at full drive) that differs per module and slightly per pixel: the low-gray
 * colour cast. Emission is additive over channels: XYZ = Σc d_c · h_c(d_c) · P_c.
 */
import type { Chromaticity } from './chromaticity.js';
import { xyToXyz } from './chromaticity.js';
import type { Vec3 } from './matrix3.js';
import { seededRandom } from '../util/seeded-random.js';

export interface ScreenProfile {
  width: number;
  height: number;
  moduleWidth: number;
  moduleHeight: number;
  /** Native LED primaries (mean). */
  primaries: { red: Chromaticity; green: Chromaticity; blue: Chromaticity };
  /** Native white (all channels at full drive), mean. */
  nativeWhite: Chromaticity;
  /** Luminance of the mean native white, cd/m². */
  peakNits: number;
  /** Relative σ of each channel's luminance per module and per pixel. */
  moduleLuminanceSpread: number;
  pixelLuminanceSpread: number;
  /** σ of each primary's x and y per module and per pixel. */
  moduleChromaSpread: number;
  pixelChromaSpread: number;
  /** Low-gray boost amplitude per channel (mean), its knee (drive), and relative spread per module / pixel. */
  lowGray: { red: number; green: number; blue: number; knee: number; moduleSpread: number; pixelSpread: number };
  /** Edge pixels' luminance factor (mean) and σ per module edge. */
  seam: { gain: number; spread: number };
  /** Measurement noise: relative σ per XYZ component plus an absolute floor (relative to peak). */
  measurement: { relativeNoise: number; floorNoise: number };
  /** Gray levels (linear drive) the camera measures at, increasing, the last 1. */
  levels: number[];
  seed: number;
}

export const DEFAULT_SCREEN_PROFILE: ScreenProfile = {
  width: 160,
  height: 96,
  moduleWidth: 32,
  moduleHeight: 16,
  primaries: { red: { x: 0.69, y: 0.305 }, green: { x: 0.17, y: 0.72 }, blue: { x: 0.135, y: 0.06 } },
  nativeWhite: { x: 0.3, y: 0.32 },
  peakNits: 1200,
  moduleLuminanceSpread: 0.04,
  pixelLuminanceSpread: 0.05,
  moduleChromaSpread: 0.004,
  pixelChromaSpread: 0.0006,
  lowGray: { red: 0.3, green: 0.05, blue: 0.12, knee: 0.01, moduleSpread: 0.25, pixelSpread: 0.03 },
  seam: { gain: 1.08, spread: 0.03 },
  measurement: { relativeNoise: 0.002, floorNoise: 0.000003 },
  levels: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1],
  seed: 1,
};

/** A screen instance: per-pixel primaries at full drive (XYZ, Y relative to the mean white = 1) and low-gray amplitudes. */
export interface SimulatedScreen {
  readonly profile: ScreenProfile;
  /** [pixel][channel][XYZ]: 9 floats per pixel. */
  readonly primaries: Float64Array;
  /** [pixel][channel]: low-gray amplitude a. */
  readonly lowGray: Float64Array;
}

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export { seededRandom } from '../util/seeded-random.js';

/** Luminances of the three primaries that mix to `white` at Y = 1. */
function primaryLuminances(p: ScreenProfile['primaries'], white: Chromaticity): Vec3 {
  const cols = [p.red, p.green, p.blue].map((c) => xyToXyz(c, 1));
  const w = xyToXyz(white, 1);
  // Solve Σ Y_c · cols[c] = w (3x3).
  const m = [0, 1, 2].map((r) => [cols[0]![r]!, cols[1]![r]!, cols[2]![r]!]);
  const det = (a: number[][]): number => a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const d = det(m);
  const out = [0, 1, 2].map((c) => det(m.map((row, r) => row.map((v, j) => (j === c ? w[r]! : v)))) / d);
  return [out[0]!, out[1]!, out[2]!];
}

export function simulateScreen(profile: ScreenProfile): SimulatedScreen {
  const p = profile;
  const rand = seededRandom(p.seed);
  const g = gaussian(rand);
  const cols = Math.ceil(p.width / p.moduleWidth), rows = Math.ceil(p.height / p.moduleHeight);
  const yNominal = primaryLuminances(p.primaries, p.nativeWhite);
  const base = [p.primaries.red, p.primaries.green, p.primaries.blue];
  const amp = [p.lowGray.red, p.lowGray.green, p.lowGray.blue];
  // Per module: luminance factor, xy offsets per channel, low-gray factor per channel, 4 edge factors.
  const mods = Array.from({ length: rows * cols }, () => ({
    lum: [0, 1, 2].map(() => 1 + p.moduleLuminanceSpread * g()),
    dxy: [0, 1, 2].map(() => [p.moduleChromaSpread * g(), p.moduleChromaSpread * g()]),
    low: [0, 1, 2].map(() => Math.max(0, 1 + p.lowGray.moduleSpread * g())),
    seam: [0, 1, 2, 3].map(() => p.seam.gain + p.seam.spread * g()),
  }));
  const n = p.width * p.height;
  const primaries = new Float64Array(n * 9);
  const lowGray = new Float64Array(n * 3);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const mc = Math.floor(x / p.moduleWidth), mr = Math.floor(y / p.moduleHeight);
      const m = mods[mr * cols + mc]!;
      const x0 = mc * p.moduleWidth, x1 = Math.min(x0 + p.moduleWidth, p.width) - 1;
      const y0 = mr * p.moduleHeight, y1 = Math.min(y0 + p.moduleHeight, p.height) - 1;
      let edge = 1;
      if (x === x0) edge *= m.seam[0]!;
      if (x === x1) edge *= m.seam[1]!;
      if (y === y0) edge *= m.seam[2]!;
      if (y === y1) edge *= m.seam[3]!;
      const i = y * p.width + x;
      for (let c = 0; c < 3; c++) {
        const xy = { x: base[c]!.x + m.dxy[c]![0]! + p.pixelChromaSpread * g(), y: base[c]!.y + m.dxy[c]![1]! + p.pixelChromaSpread * g() };
        const Y = yNominal[c]! * m.lum[c]! * (1 + p.pixelLuminanceSpread * g()) * edge;
        const xyz = xyToXyz(xy, Y);
        primaries.set(xyz, i * 9 + c * 3);
        lowGray[i * 3 + c] = amp[c]! * m.low[c]! * Math.max(0, 1 + p.lowGray.pixelSpread * g());
      }
    }
  }
  return { profile: p, primaries, lowGray };
}

/** Relative gain of a channel at drive d: 1 + a·exp(-d / knee), normalised to 1 at full drive. */
export function lowGrayGain(a: number, knee: number, d: number): number {
  return (1 + a * Math.exp(-d / knee)) / (1 + a * Math.exp(-1 / knee));
}

/** XYZ (Y relative to the mean native white = 1) that pixel i emits at linear drive d. */
export function emit(screen: SimulatedScreen, i: number, d: Vec3): Vec3 {
  const out: [number, number, number] = [0, 0, 0];
  const knee = screen.profile.lowGray.knee;
  for (let c = 0; c < 3; c++) {
    const dc = Math.min(Math.max(d[c]!, 0), 1);
    if (dc === 0) continue;
    const k = dc * lowGrayGain(screen.lowGray[i * 3 + c]!, knee, dc);
    for (let j = 0; j < 3; j++) out[j] += k * screen.primaries[i * 9 + c * 3 + j]!;
  }
  return out;
}

/** A camera measurement: per pixel, per level, per channel driven alone at that level, XYZ. */
export interface ScreenMeasurement {
  readonly width: number;
  readonly height: number;
  readonly moduleWidth: number;
  readonly moduleHeight: number;
  /** Drive levels measured at. */
  readonly levels: readonly number[];
  /** Luminance of Y = 1, cd/m². */
  readonly peakNits: number;
  /** [pixel][level][channel][XYZ]. */
  readonly xyz: Float32Array;
}

export function measureScreen(screen: SimulatedScreen): ScreenMeasurement {
  const p = screen.profile;
  const g = gaussian(seededRandom(p.seed + 7919));
  const K = p.levels.length;
  const n = p.width * p.height;
  const xyz = new Float32Array(n * K * 9);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 3; c++) {
        const d: [number, number, number] = [0, 0, 0];
        d[c] = p.levels[k]!;
        const v = emit(screen, i, d);
        for (let j = 0; j < 3; j++) {
          xyz[((i * K + k) * 3 + c) * 3 + j] = v[j]! * (1 + p.measurement.relativeNoise * g()) + p.measurement.floorNoise * g();
        }
      }
    }
  }
  return { width: p.width, height: p.height, moduleWidth: p.moduleWidth, moduleHeight: p.moduleHeight, levels: [...p.levels], peakNits: p.peakNits, xyz };
}
