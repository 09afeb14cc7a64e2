import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blankCalibration } from '../src/calibration/calibration-import.js';
import { writeLedcal } from '../src/calibration/ledcal-format.js';
import { nativeStatus } from '../src/native/index.js';
import { makeClip, runCli, tmpDir } from './helpers.js';

// The shipped x2 student through the real CLI: frames come from the threaded reader (shared memory).
describe.skipIf(!nativeStatus().available)('--scale 2: the SR stage in the CLI', () => {
  let dir: string;
  let clip: string;
  beforeAll(() => {
    dir = tmpDir();
    clip = makeClip(path.join(dir, 'clip.mkv'), 'testsrc2=size=64x36:rate=25', 3, ['-c:v', 'ffv1']);
  });

  it.each(['rgb24', 'rgb48le'] as const)('doubles the frame size (%s) and reports the rung per frame', async (pixFmt) => {
    const stats = path.join(dir, `sr-${pixFmt}.jsonl`);
    const r = await runCli(['-i', clip, '--scale', '2', '--pix-fmt', pixFmt, '--backend', 'onnxruntime', '--output-format', 'raw', '--stats', stats]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(3 * 128 * 72 * (pixFmt === 'rgb24' ? 3 : 6));
    const summary = JSON.parse(fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1)!) as { stages: Record<string, { frames: number; mode: string }> };
    expect(summary.stages.sr).toMatchObject({ frames: 3, mode: 'quality' }); // the default x2 model: the best tier (ecb-m4c16)
  });

  // Stages after SR are built for SR's output: a calibration for the 128x72 wall fits a 64x36 feed at x2.
  it('builds the stages after SR for the upscaled frames (SR x2 → calibration of the wall)', async () => {
    const wall = path.join(dir, 'wall.ledcal');
    await writeLedcal(wall, blankCalibration({ width: 128, height: 72, moduleWidth: 32, moduleHeight: 24 }));
    const r = await runCli(['-i', clip, '--scale', '2', '--calibration', wall, '--dither', 'none', '--backend', 'onnxruntime', '--output-format', 'raw']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(3 * 128 * 72 * 3);
    expect(r.stderr).toMatch(/64x36 rgb24 from .* → 128x72: .*stages sr → calibration/);
    const feedSized = path.join(dir, 'feed.ledcal');
    await writeLedcal(feedSized, blankCalibration({ width: 64, height: 36, moduleWidth: 32, moduleHeight: 12 }));
    const bad = await runCli(['-i', clip, '--scale', '2', '--calibration', feedSized, '--backend', 'onnxruntime', '--output-format', 'raw']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--calibration: the calibration is for a 64x36 wall but the stream is 128x72/);
  });
});
