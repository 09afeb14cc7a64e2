import fs from 'node:fs';
import { CubeParseError, readCubeFile } from '../calibration/cube-lut.js';
import { createLutStage } from '../calibration/lut-stage.js';
import type { StageFactory } from './registry.js';
import { StageConfigError } from './registry.js';

/**
 * The calibration stage. Today: a 3D/1D LUT (`--lut FILE.cube`), which alone is a valid calibration
 * stage. Full-gray per-pixel calibration (`--calibration FILE`) lands with issue #4.
 */
export const calibrationStageFactory: StageFactory = {
  name: 'calibration',
  description: 'full-gray calibration, 3D LUT and dithering',
  flags: [{ name: 'lut', type: 'string', value: 'FILE.cube', description: '3D (or 1D) LUT applied by the calibration stage (Adobe/Resolve .cube)' }],
  unavailableReason: (v) => (typeof v.lut === 'string' ? null : 'needs --lut FILE.cube (full-gray --calibration FILE is not available in this build yet: issue #4)'),
  async create(_ctx, v) {
    const file = v.lut as string;
    if (!fs.existsSync(file)) throw new StageConfigError(`--lut: no such file '${file}'`);
    try {
      const lut = await readCubeFile(file);
      const stage = createLutStage({ lut });
      return { name: 'calibration', modes: stage.modes, setMode: (i: number) => stage.setMode(i), process: (f) => stage.process(f) };
    } catch (err) {
      if (err instanceof CubeParseError) throw new StageConfigError(`--lut: ${err.message}`);
      throw err;
    }
  },
};
