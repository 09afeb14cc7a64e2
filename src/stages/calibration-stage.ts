import fs from 'node:fs';
import { CubeParseError, readCubeFile, type CubeLut } from '../calibration/cube-lut.js';
import { createFullGrayStage, FullGrayStageError } from '../calibration/fullgray-stage.js';
import { CalibrationFileError, DITHER_MODES, type DitherMode } from '../calibration/ledcal-format.js';
import { createLutStage } from '../calibration/lut-stage.js';
import { nativeCalibrationAvailable } from '../native/calibration.js';
import type { Stage } from '../pipeline/stage.js';
import type { StageContext, StageFactory, StageFlagValues } from './registry.js';
import { StageConfigError } from './registry.js';

/** The validated flags of the calibration stage. */
export interface CalibrationFlags {
  readonly calibration: string | null;
  readonly lut: string | null;
  readonly bitDepth: number | undefined;
  readonly dither: DitherMode | undefined;
}

/** Checks the flags' values; errors name the flag, the allowed values and what was given. */
export function parseCalibrationFlags(v: StageFlagValues): CalibrationFlags {
  const str = (name: string): string | null => {
    const x = v[name];
    if (x === undefined || x === false) return null;
    if (typeof x !== 'string' || x === '') throw new StageConfigError(`--${name}: expected a file name`);
    return x;
  };
  const bd = str('bit-depth');
  let bitDepth: number | undefined;
  if (bd !== null) {
    bitDepth = Number(bd);
    if (!/^\d+$/.test(bd) || bitDepth < 8 || bitDepth > 16) throw new StageConfigError(`--bit-depth: expected an integer 8..16, got '${bd}'`);
  }
  const d = str('dither');
  if (d !== null && !(DITHER_MODES as readonly string[]).includes(d)) throw new StageConfigError(`--dither: expected one of ${DITHER_MODES.join(', ')}, got '${d}'`);
  return { calibration: str('calibration'), lut: str('lut'), bitDepth, dither: (d ?? undefined) as DitherMode | undefined };
}

async function readLutFlag(file: string): Promise<CubeLut> {
  if (!fs.existsSync(file)) throw new StageConfigError(`--lut: no such file '${file}'`);
  try {
    return await readCubeFile(file);
  } catch (err) {
    if (err instanceof CubeParseError) throw new StageConfigError(`--lut: ${err.message}`);
    throw err;
  }
}

/** Builds the stage for a stream; exported for tests and library users. */
export async function createCalibrationStage(ctx: StageContext, flags: CalibrationFlags): Promise<Stage> {
  const lut = flags.lut ? await readLutFlag(flags.lut) : null;
  if (!flags.calibration && !nativeCalibrationAvailable()) {
    // LUT alone without the addon: the TypeScript LUT stage (no dithering, 8/16-bit rounding).
    if (flags.dither && flags.dither !== 'none') ctx.log.warn(`calibration: --dither ${flags.dither} needs the native addon; rounding instead`);
    const stage = createLutStage({ lut: lut! });
    return { name: 'calibration', modes: stage.modes, setMode: (i: number) => stage.setMode(i), process: (f) => stage.process(f) };
  }
  if (flags.calibration && !fs.existsSync(flags.calibration)) throw new StageConfigError(`--calibration: no such file '${flags.calibration}'`);
  try {
    return await createFullGrayStage({
      width: ctx.width,
      height: ctx.height,
      format: ctx.format,
      calibrationFile: flags.calibration,
      lut,
      ...(flags.bitDepth !== undefined ? { bitDepth: flags.bitDepth } : {}),
      ...(flags.dither !== undefined ? { dither: flags.dither } : {}),
      ...(ctx.region ? { region: ctx.region } : {}),
      log: ctx.log,
    });
  } catch (err) {
    if (err instanceof CalibrationFileError || err instanceof FullGrayStageError) throw new StageConfigError(`--calibration: ${err.message}`);
    throw err;
  }
}

/**
 * The calibration stage: full-gray calibration (`--calibration FILE.ledcal`, hot-reloaded), a 3D/1D
 * LUT (`--lut FILE.cube`, alone a valid calibration stage, or replacing the file's LUT), output bit
 * depth and dithering.
 */
export const calibrationStageFactory: StageFactory = {
  name: 'calibration',
  description: 'full-gray calibration, 3D LUT and dithering',
  flags: [
    { name: 'calibration', type: 'string', value: 'FILE.ledcal', description: 'full-gray LED calibration (docs/CALIBRATION-FORMAT.md); reloaded when the file changes' },
    { name: 'lut', type: 'string', value: 'FILE.cube', description: '3D (or 1D) LUT applied by the calibration stage (Adobe/Resolve .cube)' },
    { name: 'bit-depth', type: 'string', value: 'N', description: 'output bit depth 8..16 (16-bit streams only above 8; default: the calibration file, else the stream)' },
    { name: 'dither', type: 'string', value: 'ordered|temporal|none', description: 'dithering when quantising to the output bit depth (default: the calibration file, else none)' },
  ],
  unavailableReason: (v) => (typeof v.lut === 'string' || typeof v.calibration === 'string' ? null : 'needs --lut FILE.cube or --calibration FILE.ledcal'),
  async create(ctx: StageContext, v: StageFlagValues) {
    return createCalibrationStage(ctx, parseCalibrationFlags(v));
  },
};
