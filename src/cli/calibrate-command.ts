/**
 * `ledpipe calibrate synth|solve|import|check`: create, solve, assemble and inspect full-gray
 * calibrations (docs/CALIBRATION.md). Returns the exit code: 0 ok, 1 failed, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { evaluateCalibration, formatLevelErrors } from '../calibration/calibration-evaluate.js';
import { blankCalibration, embedCubeLut, importGainPng, importModuleCsv } from '../calibration/calibration-import.js';
import { DEFAULT_SOLVE_ANCHORS, solveCalibration } from '../calibration/calibration-solve.js';
import { BT2020, BT709, DISPLAY_P3, WHITE_D65 } from '../calibration/colour-spaces.js';
import { CubeParseError, readCubeFile } from '../calibration/cube-lut.js';
import { CalibrationFileError, DITHER_MODES, moduleGrid, readLedcal, writeLedcal, type Calibration, type DitherMode, type TransferCurve } from '../calibration/ledcal-format.js';
import { readMeasurement, writeMeasurement } from '../calibration/measurement-file.js';
import { decodePng } from '../calibration/png16.js';
import { DEFAULT_SCREEN_PROFILE, measureScreen, simulateScreen, type ScreenProfile } from '../calibration/screen-model.js';
import { describeTransfer } from '../calibration/transfer-curve.js';
import type { Logger } from '../pipeline/logger.js';

export const CALIBRATE_HELP = `usage: ledpipe calibrate <command> [options]

  synth  -o MEAS.ledmeas [--profile PROFILE.json] [--size WxH] [--module WxH] [--seed N]
         simulate a screen (brightness/chromaticity spread per module and pixel, low-gray cast,
         seams) and its camera measurement (per-pixel XYZ of R, G, B at each gray level)
  solve  MEAS.ledmeas -o WALL.ledcal [--target bt709|p3|bt2020] [--input srgb|pq|linear|gamma:G]
         [--output linear|srgb|gamma:G|pq] [--bit-depth N] [--dither ordered|temporal|none]
         [--gain u8|u16] [--headroom F] [--anchors L1,L2,...] [--report]
         solve per-module matrices + per-pixel gains to the target gamut and D65 white within
         headroom; --report re-simulates a synth measurement and prints ΔE2000 before/after
  import -o OUT.ledcal (--base WALL.ledcal | --size WxH --module WxH [--anchors L1,...])
         [--gain-png GAINS.png [--max-gain G]] [--modules-csv COEFFS.csv] [--cube GRADE.cube]
  check  WALL.ledcal   validate a calibration file and print its summary
`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const BOOLEAN = new Set(['report', 'help']);

function parse(args: string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o') {
      if (i + 1 >= args.length) throw new UsageError('-o: expected a file name');
      out.flags.set('output-file', args[++i]!);
    } else if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (BOOLEAN.has(name)) out.flags.set(name, true);
      else if (inline !== undefined) out.flags.set(name, inline);
      else if (i + 1 < args.length) out.flags.set(name, args[++i]!);
      else throw new UsageError(`--${name}: expected a value`);
    } else out.positional.push(a);
  }
  return out;
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function size(p: Parsed, name: string): [number, number] | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m || +m[1]! < 1 || +m[2]! < 1 || +m[1]! > 32768 || +m[2]! > 32768) throw new UsageError(`--${name}: expected WxH (e.g. 128x64), got '${v}'`);
  return [+m[1]!, +m[2]!];
}

function num(p: Parsed, name: string, min: number, max: number): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name}: expected a number ${min}..${max}, got '${v}'`);
  return n;
}

function transfer(p: Parsed, name: string): TransferCurve | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (v === 'linear' || v === 'srgb') return { curve: v };
  if (v === 'pq') return { curve: 'pq', peakNits: 10000 };
  const m = /^gamma:([\d.]+)$/.exec(v);
  if (m && +m[1]! >= 0.2 && +m[1]! <= 4) return { curve: 'gamma', gamma: +m[1]! };
  throw new UsageError(`--${name}: expected linear, srgb, pq or gamma:G (0.2 ≤ G ≤ 4), got '${v}'`);
}

function anchors(p: Parsed): number[] | undefined {
  const v = str(p, 'anchors');
  if (v === undefined) return undefined;
  const a = v.split(',').map(Number);
  if (a.length < 1 || a.length > 16 || a.some((x, i) => !(x > 0 && x <= 1) || (i > 0 && !(x > a[i - 1]!)))) throw new UsageError(`--anchors: expected 1..16 increasing levels 0 < level ≤ 1, got '${v}'`);
  return a;
}

function outputFile(p: Parsed): string {
  const o = str(p, 'output-file');
  if (!o) throw new UsageError('-o FILE: expected an output file');
  return o;
}

async function synth(p: Parsed, write: (t: string) => void): Promise<number> {
  let profile: ScreenProfile = { ...DEFAULT_SCREEN_PROFILE };
  const file = str(p, 'profile');
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`--profile: cannot read ${file}: ${(err as Error).message}`);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`--profile: ${file}: expected a JSON object`);
    const unknown = Object.keys(json).filter((k) => !(k in DEFAULT_SCREEN_PROFILE));
    if (unknown.length) throw new UsageError(`--profile: ${file}: unknown field(s) ${unknown.join(', ')}; known: ${Object.keys(DEFAULT_SCREEN_PROFILE).join(', ')}`);
    profile = { ...profile, ...(json as Partial<ScreenProfile>) };
  }
  const s = size(p, 'size'), m = size(p, 'module');
  if (s) [profile.width, profile.height] = s;
  if (m) [profile.moduleWidth, profile.moduleHeight] = m;
  const seed = num(p, 'seed', 0, 2 ** 31);
  if (seed !== undefined) profile.seed = seed;
  if (profile.moduleWidth > profile.width || profile.moduleHeight > profile.height) throw new UsageError('--module: a module cannot be larger than the screen');
  const screen = simulateScreen(profile);
  const meas = measureScreen(screen);
  const out = outputFile(p);
  await writeMeasurement(out, meas, { profile });
  write(`calibrate synth: ${profile.width}x${profile.height} screen, ${profile.moduleWidth}x${profile.moduleHeight} modules, ${profile.levels.length} gray levels measured -> ${out}\n`);
  return 0;
}

const TARGETS = { bt709: BT709, p3: DISPLAY_P3, bt2020: BT2020 } as const;

async function solve(p: Parsed, write: (t: string) => void): Promise<number> {
  const file = p.positional[0];
  if (!file) throw new UsageError('solve: expected a measurement file (from calibrate synth)');
  const meas = await readMeasurement(file);
  const t = str(p, 'target') ?? 'bt709';
  if (!(t in TARGETS)) throw new UsageError(`--target: expected bt709, p3 or bt2020, got '${t}'`);
  const space = TARGETS[t as keyof typeof TARGETS];
  const dither = str(p, 'dither') ?? 'ordered';
  if (!(DITHER_MODES as readonly string[]).includes(dither)) throw new UsageError(`--dither: expected one of ${DITHER_MODES.join(', ')}, got '${dither}'`);
  const gain = str(p, 'gain') ?? 'u8';
  if (gain !== 'u8' && gain !== 'u16') throw new UsageError(`--gain: expected u8 or u16, got '${gain}'`);
  const bitDepth = num(p, 'bit-depth', 8, 16) ?? 16;
  if (!Number.isInteger(bitDepth)) throw new UsageError(`--bit-depth: expected an integer 8..16, got '${str(p, 'bit-depth')}'`);
  const a = anchors(p) ?? [...DEFAULT_SOLVE_ANCHORS];
  const { calibration, report } = solveCalibration(meas, {
    primaries: space.primaries,
    white: WHITE_D65,
    input: transfer(p, 'input') ?? { curve: 'gamma', gamma: 2.4 },
    output: { transfer: transfer(p, 'output') ?? { curve: 'linear' }, bitDepth, dither: dither as DitherMode },
    headroom: num(p, 'headroom', 0.5, 1) ?? 0.98,
    gainType: gain,
    anchors: a,
  });
  const out = outputFile(p);
  await writeLedcal(out, calibration);
  write(`calibrate solve: target ${space.name} D65 at ${report.peakNits.toFixed(0)} cd/m² (${(report.peak * 100).toFixed(1)}% of the mean native white; limited by pixel ${report.limitingPixel.x},${report.limitingPixel.y}); per-pixel gains ${report.gainRange[0].toFixed(3)}..${report.gainRange[1].toFixed(3)} -> ${out}\n`);
  if (p.flags.has('report')) {
    const profile = meas.header.profile as ScreenProfile | undefined;
    if (!profile) throw new UsageError('--report: the measurement has no screen profile (it was not made by calibrate synth)');
    const written = await readLedcal(out);
    write(`ΔE2000 per pixel, before → after, reference white = the target gray of each level:\n${formatLevelErrors(evaluateCalibration(simulateScreen(profile), written))}\n`);
  }
  return 0;
}

async function importCommand(p: Parsed, write: (t: string) => void): Promise<number> {
  let cal: Calibration;
  const base = str(p, 'base');
  if (base) cal = await readLedcal(base);
  else {
    const s = size(p, 'size'), m = size(p, 'module');
    if (!s || !m) throw new UsageError('import: expected --base WALL.ledcal, or --size WxH and --module WxH');
    cal = blankCalibration({ width: s[0], height: s[1], moduleWidth: m[0], moduleHeight: m[1], ...(anchors(p) ? { anchors: anchors(p)! } : {}) });
  }
  const png = str(p, 'gain-png');
  if (png) cal = importGainPng(cal, decodePng(await readFile(png), png), png, num(p, 'max-gain', 1e-6, 4) ?? 1);
  const csv = str(p, 'modules-csv');
  if (csv) cal = importModuleCsv(cal, await readFile(csv, 'utf8'), csv);
  const cube = str(p, 'cube');
  if (cube) cal = embedCubeLut(cal, await readCubeFile(cube), cube);
  const out = outputFile(p);
  await writeLedcal(out, cal);
  write(`calibrate import: -> ${out}\n`);
  return 0;
}

async function check(p: Parsed, write: (t: string) => void): Promise<number> {
  const file = p.positional[0];
  if (!file) throw new UsageError('check: expected a .ledcal file');
  const c = await readLedcal(file);
  const g = moduleGrid(c);
  write(
    [
      `${file}: ${c.width}x${c.height}, ${g.cols}x${g.rows} modules of ${c.module.width}x${c.module.height}`,
      `  anchors: ${c.anchors.join(', ')}`,
      `  input ${describeTransfer(c.input)}, output ${describeTransfer(c.output.transfer)} at ${c.output.bitDepth} bits, dither ${c.output.dither}`,
      `  matrices ${c.matrixType}; gains ${c.gain ? c.gain.type : 'none'}; seams ${c.seams ? 'yes' : 'no'}; LUT ${c.lut ? `${c.lut.source} (${c.lut.cube.lut3d?.size ?? 0}³)` : 'none'}`,
      `  target white ${c.target.white.x}, ${c.target.white.y}${c.target.peakNits ? ` at ${c.target.peakNits.toFixed(0)} cd/m²` : ''}`,
    ].join('\n') + '\n',
  );
  return 0;
}

/** Runs `ledpipe calibrate ...` (args after 'calibrate'). Reports go to `write` (default stderr). */
export async function runCalibrateCommand(args: string[], log: Logger, write: (text: string) => void = (t) => process.stderr.write(t)): Promise<number> {
  const [command, ...rest] = args;
  try {
    const p = parse(rest);
    if (command === undefined || command === 'help' || command === '--help' || p.flags.has('help')) {
      write(CALIBRATE_HELP);
      return command === undefined ? 2 : 0;
    }
    switch (command) {
      case 'synth':
        return await synth(p, write);
      case 'solve':
        return await solve(p, write);
      case 'import':
        return await importCommand(p, write);
      case 'check':
        return await check(p, write);
      default:
        throw new UsageError(`unknown command '${command}'; expected synth, solve, import or check`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      log.error(`calibrate: ${err.message}`);
      return 2;
    }
    if (err instanceof CalibrationFileError || err instanceof CubeParseError) {
      log.error(`calibrate: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
