import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRef, ffmpeg, makeClip, runCli, tmpDir } from './helpers.js';

/** A 17³ .cube of a warm grade: a channel mix plus a gamma bend, nothing a LUT reproduces exactly. */
function writeCube(file: string): void {
  const n = 17;
  const rows: string[] = ['TITLE "ledpipe test grade"', `LUT_3D_SIZE ${n}`];
  for (let b = 0; b < n; b++)
    for (let g = 0; g < n; g++)
      for (let r = 0; r < n; r++) {
        const [R, G, B] = [r / (n - 1), g / (n - 1), b / (n - 1)];
        const mix = [0.9 * R + 0.1 * G, 0.05 * R + 0.9 * G + 0.05 * B, 0.1 * G + 0.85 * B];
        rows.push(mix.map((x) => Math.min(1, Math.pow(x, 0.9)).toFixed(6)).join(' '));
      }
  fs.writeFileSync(file, rows.join('\n') + '\n');
}

describe('--lut: the calibration stage with a .cube', () => {
  let dir: string;
  let clip: string;
  let cube: string;
  beforeAll(() => {
    dir = tmpDir();
    clip = makeClip(path.join(dir, 'clip.mkv'), 'testsrc2=size=96x54:rate=25', 5, ['-c:v', 'ffv1']);
    cube = path.join(dir, 'grade.cube');
    writeCube(cube);
  });

  it('agrees with ffmpeg lut3d (tetrahedral) within 1 LSB at 8 bits', async () => {
    const r = await runCli(['-i', clip, '--lut', cube, '--output-format', 'raw', '--stats', path.join(dir, 's.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/stages calibration/);
    const ref = ffmpeg(['-i', clip, '-vf', `lut3d=file=${cube}:interp=tetrahedral`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    expect(r.stdout.length).toBe(ref.length);
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(r.stdout[i]! - ref[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
    // The grade did something: the output is not the input.
    expect(r.stdout.equals(decodeRef(clip, 'rgb24'))).toBe(false);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 's.jsonl'), 'utf8').trim().split('\n').at(-1)!) as { stages: Record<string, { frames: number }> };
    expect(summary.stages.calibration!.frames).toBe(5);
  });

  it('a malformed .cube is a usage error naming the file and line', async () => {
    const bad = path.join(dir, 'bad.cube');
    fs.writeFileSync(bad, 'LUT_3D_SIZE 2\n0 0 0\n1 1\n');
    const r = await runCli(['-i', clip, '--lut', bad, '--output-format', 'raw']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lut: .*bad\.cube:3: /);
  });

  it('--stages calibration without a LUT or calibration says what it needs', async () => {
    const r = await runCli(['-i', clip, '--stages', 'calibration', '--output-format', 'raw']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stage 'calibration' needs --lut FILE.cube/);
  });
});
