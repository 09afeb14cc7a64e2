/**
 * Importers into a calibration: 16-bit PNG gain maps (per-pixel gains), CSV per-module coefficients
 * (3x3 matrices per module and anchor), and .cube 3D LUTs (embedded). Each returns a new
 * Calibration; errors name the file, the line or field, and what was expected.
 */
import { PRIMARIES_BT709, WHITE_D65 } from './colour-spaces.js';
import type { CubeLut } from './cube-lut.js';
import { CalibrationFileError, moduleGrid, type Calibration, type TransferCurve } from './ledcal-format.js';
import type { PngImage } from './png16.js';

export interface BlankCalibrationOptions {
  readonly width: number;
  readonly height: number;
  readonly moduleWidth: number;
  readonly moduleHeight: number;
  readonly anchors?: readonly number[];
  readonly input?: TransferCurve;
  readonly output?: TransferCurve;
  readonly bitDepth?: number;
}

/** Identity matrices at every module and anchor, no gains, no seams: a base to import into. */
export function blankCalibration(o: BlankCalibrationOptions): Calibration {
  const anchors = o.anchors ?? [1];
  const grid = moduleGrid({ width: o.width, height: o.height, module: { width: o.moduleWidth, height: o.moduleHeight } });
  const matrices = new Float32Array(grid.rows * grid.cols * anchors.length * 9);
  for (let i = 0; i < matrices.length; i += 9) matrices[i] = matrices[i + 4] = matrices[i + 8] = 1;
  return {
    width: o.width,
    height: o.height,
    module: { width: o.moduleWidth, height: o.moduleHeight },
    anchors: [...anchors],
    input: o.input ?? { curve: 'gamma', gamma: 2.4 },
    output: { transfer: o.output ?? { curve: 'gamma', gamma: 2.4 }, bitDepth: o.bitDepth ?? 8, dither: 'ordered' },
    target: { primaries: { red: PRIMARIES_BT709.red, green: PRIMARIES_BT709.green, blue: PRIMARIES_BT709.blue }, white: WHITE_D65, peakNits: null },
    matrices,
    matrixType: 'f16',
    gain: null,
    seams: null,
    lut: null,
  };
}

/**
 * Per-pixel gains from a 16-bit (or 8-bit) PNG the size of the wall: gray (one gain for all
 * channels) or RGB. gain = value / maxValue * maxGain (default 1: white = unity gain).
 */
export function importGainPng(cal: Calibration, png: PngImage, file: string, maxGain = 1): Calibration {
  if (png.width !== cal.width || png.height !== cal.height) throw new CalibrationFileError(file, 'IHDR', `expected a ${cal.width}x${cal.height} gain map, got ${png.width}x${png.height}`);
  if (!(maxGain > 0 && maxGain <= 4)) throw new RangeError(`maxGain: expected 0 < maxGain ≤ 4, got ${maxGain}`);
  const n = cal.width * cal.height;
  const data = new Uint16Array(3 * n);
  const maxValue = png.bitDepth === 16 ? 65535 : 255;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) data[c * n + p] = png.data[p * png.channels + (png.channels === 3 ? c : 0)]! * (65535 / maxValue);
  }
  const s = Math.fround(maxGain / 65535);
  return { ...cal, gain: { type: 'u16', scale: [s, s, s], offset: [0, 0, 0], data } };
}

/**
 * Per-module matrices from CSV: a header line, then `module_col,module_row,anchor,m00,m01,m02,m10,
 * m11,m12,m20,m21,m22` (anchor is the 0-based anchor index; matrices map target linear RGB to
 * drive). '#' comments and blank lines are skipped; modules not listed keep their matrices.
 */
export function importModuleCsv(cal: Calibration, text: string, file: string): Calibration {
  const grid = moduleGrid(cal);
  const K = cal.anchors.length;
  const matrices = new Float32Array(cal.matrices);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let header = false, rows = 0;
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const fail = (reason: string): never => {
      throw new CalibrationFileError(`${file}:${i + 1}`, '', reason);
    };
    const cells = line.split(',').map((c) => c.trim());
    if (!header) {
      header = true;
      const want = ['module_col', 'module_row', 'anchor', 'm00', 'm01', 'm02', 'm10', 'm11', 'm12', 'm20', 'm21', 'm22'];
      if (cells.join(',') !== want.join(',')) fail(`expected the header '${want.join(',')}'`);
      return;
    }
    if (cells.length !== 12) fail(`expected 12 values, got ${cells.length}`);
    const nums = cells.map(Number);
    const int = (v: number, name: string, max: number): number => (Number.isInteger(v) && v >= 0 && v <= max ? v : fail(`${name}: expected an integer 0..${max}, got '${cells[['module_col', 'module_row', 'anchor'].indexOf(name)]}'`));
    const mc = int(nums[0]!, 'module_col', grid.cols - 1), mr = int(nums[1]!, 'module_row', grid.rows - 1), k = int(nums[2]!, 'anchor', K - 1);
    for (let j = 0; j < 9; j++) {
      const v = nums[3 + j]!;
      if (!Number.isFinite(v) || Math.abs(v) > 64) fail(`m${Math.floor(j / 3)}${j % 3}: expected a number -64..64, got '${cells[3 + j]}'`);
      matrices[((mr * grid.cols + mc) * K + k) * 9 + j] = v;
    }
    rows++;
  });
  if (!header) throw new CalibrationFileError(file, '', 'empty CSV (expected a header line)');
  if (rows === 0) throw new CalibrationFileError(file, '', 'no coefficient rows');
  return { ...cal, matrices };
}

/** Embeds a parsed .cube 3D LUT (a 1D shaper cannot be embedded: reference the file instead). */
export function embedCubeLut(cal: Calibration, cube: CubeLut, file: string): Calibration {
  if (!cube.lut3d || cube.lut1d) return { ...cal, lut: { source: file, cube } };
  return { ...cal, lut: { source: 'embedded', cube } };
}
