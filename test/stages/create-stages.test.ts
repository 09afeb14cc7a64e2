import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeLedcal } from '../../src/calibration/ledcal-format.js';
import { thermalKernelAvailable } from '../../src/native/thermal.js';
import type { Logger } from '../../src/pipeline/logger.js';
import { createStages, resolveStageFactories } from '../../src/stages/registry.js';
import { makeCalibration, nativeCalAvailable } from '../calibration/fixtures.js';
import { tmpDir } from '../helpers.js';

function recorder(): Logger & { infos: string[] } {
  const infos: string[] = [];
  return { infos, error: () => undefined, warn: (m) => infos.push(m), info: (m) => infos.push(m), debug: () => undefined };
}

// The thermal stage decodes the codes it receives: after a calibration, those carry the calibration's output curve.
describe.skipIf(!nativeCalAvailable || !thermalKernelAvailable())('createStages: calibration → thermal', () => {
  it('thermal takes the calibration\'s output transfer unless --thermal-transfer is given, and runs fused', async () => {
    const file = path.join(tmpDir(), 'wall.ledcal');
    await writeLedcal(file, makeCalibration({ width: 64, height: 32, moduleWidth: 16, moduleHeight: 16, output: { curve: 'gamma', gamma: 2.2 } }));
    const make = async (extra: Record<string, string>) => {
      const log = recorder();
      const flags = { calibration: file, temperature: 'sim', 'thermal-zones': '2x1', ...extra };
      const stages = await createStages(resolveStageFactories(['calibration', 'thermal'], flags), { width: 64, height: 32, format: 'rgb24', fps: 60, live: false, log }, flags);
      const result = { transfer: stages[0]!.signalTransfer, log: log.infos.join('\n') };
      for (const s of stages) await s.close?.();
      return result;
    };
    const implied = await make({});
    expect(implied.transfer).toBe('gamma:2.2');
    expect(implied.log).toMatch(/thermal: .*gamma:2\.2/);
    expect(implied.log).toMatch(/runs fused into the calibration pass/);
    const forced = await make({ 'thermal-transfer': 'srgb' });
    expect(forced.log).toMatch(/not fused into calibration for now \(the calibration's output is .* but --thermal-transfer is srgb\)/);
  });
});
