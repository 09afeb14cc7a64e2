import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLedcal } from '../src/calibration/ledcal-format.js';
import { makeCalibration, nativeCalAvailable, nativeSkipNote } from './calibration/fixtures.js';
import { makeClip, runCli, tmpDir } from './helpers.js';

/** `--calibration` + `--temperature` through the CLI: thermal runs inside the calibration pass, and says so. */
describe(`calibration → thermal fused through the CLI${nativeSkipNote}`, () => {
  let dir: string;
  let clip: string;
  let cal: string;
  beforeAll(async () => {
    dir = tmpDir();
    clip = makeClip(path.join(dir, 'clip.mkv'), 'testsrc2=size=96x54:rate=25', 6, ['-c:v', 'ffv1']);
    cal = path.join(dir, 'wall.ledcal');
    const c = makeCalibration({ width: 96, height: 54, moduleWidth: 32, moduleHeight: 18, output: { curve: 'gamma', gamma: 2.4 }, seed: 3 });
    await writeLedcal(cal, { ...c, output: { ...c.output, dither: 'ordered' } });
  });

  it.skipIf(!nativeCalAvailable)('fuses, reports both stages, and matches the unfused chain within 2 codes (1 per rounding) away from black', async () => {
    const args = ['-i', clip, '--calibration', cal, '--temperature', 'sim:start=55,peak=60', '--thermal-zones', '3x2', '--output-format', 'raw', '--log-level', 'info'];
    const fused = await runCli([...args, '--stats', path.join(dir, 'f.jsonl')]);
    expect(fused.code, fused.stderr).toBe(0);
    expect(fused.stderr).toMatch(/stages calibration → thermal/);
    expect(fused.stderr).toMatch(/thermal: runs fused into the calibration pass/);
    const apart = await runCli([...args, '--stats', path.join(dir, 'a.jsonl')], { env: { LEDPIPE_FUSE: '0' } });
    expect(apart.code, apart.stderr).toBe(0);
    expect(apart.stderr).not.toMatch(/fused/);
    expect(fused.stdout.length).toBe(apart.stdout.length);
    let far = 0;
    for (let i = 0; i < fused.stdout.length; i++) if (Math.abs(fused.stdout[i]! - apart.stdout[i]!) > 2 && Math.min(fused.stdout[i]!, apart.stdout[i]!) >= 16) far++;
    expect(far / fused.stdout.length).toBeLessThan(0.001);
    for (const f of ['f.jsonl', 'a.jsonl']) {
      const summary = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').at(-1)!) as { stages: Record<string, { frames: number; fusedInto?: string }> };
      expect(summary.stages.calibration!.frames).toBe(6);
      expect(summary.stages.thermal!.frames).toBe(6);
      expect(summary.stages.thermal!.fusedInto).toBe(f === 'f.jsonl' ? 'calibration' : undefined);
      expect(summary.stages.calibration!.fusedInto).toBeUndefined();
    }
  });
});
