/**
 * `ledpipe --region`: four instances of the real CLI, each fed its window of the wall as raw
 * frames, stitch to the single-instance output byte for byte; bad regions exit 2 naming the flag.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLedcal } from '../../src/calibration/ledcal-format.js';
import { thermalKernelAvailable } from '../../src/native/thermal.js';
import type { RegionSpec } from '../../src/pipeline/canvas-region.js';
import { makeCalibration, nativeCalAvailable, randomFrame } from '../calibration/fixtures.js';
import { runCli, tmpDir } from '../helpers.js';

const W = 128, H = 64, FRAMES = 3;
const WINDOWS: RegionSpec[] = [
  { x: 0, y: 0, width: 64, height: 32 }, { x: 64, y: 0, width: 64, height: 32 },
  { x: 0, y: 32, width: 64, height: 32 }, { x: 64, y: 32, width: 64, height: 32 },
];

function crop(buf: Buffer, width: number, r: RegionSpec): Buffer {
  const out = Buffer.alloc(r.width * r.height * 3);
  for (let y = 0; y < r.height; y++) buf.copy(out, y * r.width * 3, ((r.y + y) * width + r.x) * 3, ((r.y + y) * width + r.x + r.width) * 3);
  return out;
}

describe.skipIf(!nativeCalAvailable || !thermalKernelAvailable())('ledpipe --region (CLI)', () => {
  let dir: string, cal: string, temps: string;
  let video: Buffer;
  beforeAll(async () => {
    dir = tmpDir('ledpipe-region-cli-');
    cal = path.join(dir, 'wall.ledcal');
    const base = makeCalibration({ width: W, height: H, moduleWidth: 32, moduleHeight: 16, gain: 'u8', seams: true, seed: 9 });
    await writeLedcal(cal, { ...base, output: { ...base.output, dither: 'temporal' } });
    temps = path.join(dir, 'temps.jsonl');
    fs.writeFileSync(temps, `${JSON.stringify({ zones: [31, 44, 58, 39, 52, 66] })}\n`);
    const frames: Buffer[] = [];
    for (let i = 0; i < FRAMES; i++) frames.push(randomFrame(W, H, 'rgb24', 40 + i));
    video = Buffer.concat(frames);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // --offline: stdin is live by default, and a live instance that overruns under load degrades on its own.
  const common = (): string[] => ['--offline', '--pix-fmt', 'rgb24', '--fps', '25', '--output-format', 'raw', '--stages', 'calibration,thermal', '--calibration', cal, '--temperature', temps, '--thermal-zones', '3x2', '--thermal-timeout', '86400', '--log-level', 'warn'];

  it('four instances, one per window, reproduce the whole-wall output exactly', async () => {
    const whole = await runCli(['--size', `${W}x${H}`, ...common()], { input: video });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout.length).toBe(video.length);
    const frameBytes = W * H * 3;
    const stitched = Buffer.alloc(video.length);
    const runs = await Promise.all(
      WINDOWS.map((r) => {
        const input = Buffer.concat(Array.from({ length: FRAMES }, (_, i) => crop(video.subarray(i * frameBytes, (i + 1) * frameBytes), W, r)));
        return runCli(['--size', `${r.width}x${r.height}`, '--region', `${r.x},${r.y},${r.width},${r.height}`, ...common()], { input });
      }),
    );
    runs.forEach((run, k) => {
      const r = WINDOWS[k]!;
      expect(run.code, run.stderr).toBe(0);
      for (let i = 0; i < FRAMES; i++) {
        for (let y = 0; y < r.height; y++) {
          run.stdout.copy(stitched, i * frameBytes + ((r.y + y) * W + r.x) * 3, (i * r.width * r.height + y * r.width) * 3, (i * r.width * r.height + (y + 1) * r.width) * 3);
        }
      }
    });
    expect(stitched.equals(whole.stdout)).toBe(true);
    expect(whole.stdout.equals(video)).toBe(false);
  });

  it.each([
    [['--region', '96,0,64,32'], /--region: 96,0,64,32 \(x 96\.\.159, y 0\.\.31\) is not inside the 128x64 canvas/],
    [['--region', '16,0,64,32'], /--region 16,0,64,32 cuts LED modules: .*32x16 px modules.*nearest window that keeps modules whole is 0,0,96,32/],
    [['--region', '0,0,64'], /--region: expected x,y,w,h/],
    [['--region', '0,0,0,32'], /--region: width and height must be at least 1/],
    [['--region', '0,0,64,32', '--canvas', '256x64'], /calibrates a 128x64 wall but the canvas is 256x64/],
    [['--canvas', '128x64'], /--canvas: sizes the wall for --region; give --region X,Y,W,H too/],
  ])('%j exits 2 naming the flag', async (extra, message) => {
    const r = await runCli(['--size', '64x32', ...common(), ...extra], { input: Buffer.alloc(64 * 32 * 3) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('frames that are not the window size exit 2 saying what to feed', async () => {
    const r = await runCli(['--size', '32x32', '--region', '64,0,64,32', ...common()], { input: Buffer.alloc(32 * 32 * 3) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--region 64,0,64,32: the calibration stage receives 32x32 frames but the region is 64x32; feed this instance the 64x32 window at 64,0 of the 128x64 canvas/);
  });

  it('SR before the region: a half-size feed is upscaled to the window, then calibrated as that window', async () => {
    const r = WINDOWS[3]!;
    const feed = randomFrame(r.width / 2, r.height / 2, 'rgb24', 77);
    const args = common();
    args[args.indexOf('calibration,thermal')] = 'sr,calibration,thermal';
    const run = await runCli(['--size', `${r.width / 2}x${r.height / 2}`, '--region', `${r.x},${r.y},${r.width},${r.height}`, '--scale', '2', '--backend', 'onnxruntime', ...args], { input: feed });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBe(r.width * r.height * 3);
  });

  it('thermal alone needs the canvas size: --canvas, or a calibration file', async () => {
    const args = ['--size', '64x32', '--pix-fmt', 'rgb24', '--fps', '25', '--output-format', 'raw', '--stages', 'thermal', '--temperature', temps, '--thermal-zones', '3x2', '--region', '64,32,64,32'];
    const bad = await runCli(args, { input: Buffer.alloc(64 * 32 * 3) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--region 64,32,64,32: the canvas size is unknown; give --canvas WxH/);
    const good = await runCli([...args, '--canvas', '128x64', '--log-level', 'warn'], { input: Buffer.alloc(64 * 32 * 3) });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout.length).toBe(64 * 32 * 3);
  });
});
