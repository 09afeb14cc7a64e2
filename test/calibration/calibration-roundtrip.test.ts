/**
 * Closing the loop: simulate a screen and its camera measurement, solve a calibration, write and
 * read it back as a .ledcal, apply it (native kernel when built, else the reference) to gray fields
 * at every anchor and between anchors, and measure ΔE2000 per pixel against the target gray.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCalibration, formatLevelErrors } from '../../src/calibration/calibration-evaluate.js';
import { solveCalibration } from '../../src/calibration/calibration-solve.js';
import { readLedcal } from '../../src/calibration/ledcal-format.js';
import { readMeasurement } from '../../src/calibration/measurement-file.js';
import { DEFAULT_SCREEN_PROFILE, measureScreen, simulateScreen } from '../../src/calibration/screen-model.js';
import { runCalibrateCommand } from '../../src/cli/calibrate-command.js';
import { silentLogger } from '../../src/pipeline/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'ledcal-rt-'));

describe('synth -> solve -> apply on the simulated screen', () => {
  it('brings every gray level to mean ΔE2000 < 1.0 and p95 < 2.0 (default profile, u8 gains, f16 matrices)', async () => {
    const meas = join(dir, 'screen.ledmeas'), cal = join(dir, 'wall.ledcal');
    let report = '';
    expect(await runCalibrateCommand(['synth', '-o', meas], silentLogger, (t) => (report += t))).toBe(0);
    expect(await runCalibrateCommand(['solve', meas, '-o', cal], silentLogger, (t) => (report += t))).toBe(0);
    const m = await readMeasurement(meas);
    expect(m.width).toBe(DEFAULT_SCREEN_PROFILE.width);
    const calibration = await readLedcal(cal);
    const rows = evaluateCalibration(simulateScreen(DEFAULT_SCREEN_PROFILE), calibration);
    console.log(`${report}\nΔE2000 per pixel (reference white = target gray of the level):\n${formatLevelErrors(rows)}`);
    for (const r of rows) {
      expect(r.after.mean, `level ${r.level}`).toBeLessThan(1.0);
      expect(r.after.p95, `level ${r.level}`).toBeLessThan(2.0);
      expect(r.before.mean, `level ${r.level}: the uncalibrated screen is visibly off`).toBeGreaterThan(3);
    }
    const low = rows.filter((r) => r.level < 0.01);
    expect(low.length).toBeGreaterThan(2);
  });

  it('headroom: no pixel is asked for more than 100% drive at full white, and the dimmest pixel sets the peak', () => {
    const profile = { ...DEFAULT_SCREEN_PROFILE, width: 64, height: 32, moduleWidth: 32, moduleHeight: 16, seed: 5 };
    const screen = simulateScreen(profile);
    const { calibration, report } = solveCalibration(measureScreen(screen), { headroom: 1 });
    expect(report.peak).toBeLessThan(1);
    const rows = evaluateCalibration(screen, calibration, { levels: [1] });
    expect(rows[0]!.after.mean).toBeLessThan(1.5);
    // The limiting pixel needs (close to) full drive in one channel: the peak cannot be raised.
    const lim = report.limitingPixel;
    expect(lim.x).toBeGreaterThanOrEqual(0);
  });

  it('synth and solve report usage errors with exit code 2', async () => {
    const errors: string[] = [];
    const log = { ...silentLogger, error: (m: string) => errors.push(m) };
    expect(await runCalibrateCommand(['synth', '--size', '12by4', '-o', join(dir, 'x')], log)).toBe(2);
    expect(await runCalibrateCommand(['solve', '-o', join(dir, 'x.ledcal')], log)).toBe(2);
    expect(await runCalibrateCommand(['solve', join(dir, 'absent.ledmeas'), '-o', join(dir, 'x.ledcal')], log)).toBe(1);
    expect(await runCalibrateCommand(['frobnicate'], log)).toBe(2);
    expect(errors.join('\n')).toMatch(/--size: expected WxH/);
    expect(errors.join('\n')).toMatch(/absent\.ledmeas: no such file/);
    expect(errors.join('\n')).toMatch(/unknown command 'frobnicate'/);
  });
});
