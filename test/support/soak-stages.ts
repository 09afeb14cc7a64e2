/**
 * Every stage on, for the soak: the shipped x2 SR model (ONNX Runtime), full-gray calibration of the
 * upscaled wall (a non-trivial .ledcal: 4 gray anchors, per-pixel gains, seams) and thermal
 * compensation with the simulated heat source, built through the same registry path as the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeLedcal } from '../../src/calibration/ledcal-format.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import type { Stage } from '../../src/pipeline/stage.js';
import { createStages, resolveStageFactories } from '../../src/stages/registry.js';
import { makeCalibration } from '../calibration/fixtures.js';

export async function allStages(width: number, height: number): Promise<{ stages: Stage[]; cleanup(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-soak-'));
  const calibration = path.join(dir, 'wall.ledcal');
  await writeLedcal(calibration, makeCalibration({ width: width * 2, height: height * 2, moduleWidth: 16, moduleHeight: 12 }));
  const flags = { scale: '2', backend: 'onnxruntime', threads: '1', calibration, dither: 'temporal', temperature: 'sim:ambient=25,peak=60,tau=2', 'thermal-zones': '2x2' };
  const factories = resolveStageFactories(['sr', 'calibration', 'thermal'], flags);
  const stages = await createStages(factories, { width, height, format: 'rgb24', fps: 60, live: false, log: silentLogger }, flags);
  return { stages, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
