import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeClip, runCli, tmpDir } from './helpers.js';

describe('stats and progress', () => {
  let clip: string;
  beforeAll(() => {
    clip = makeClip(path.join(tmpDir(), 'clip.mkv'), 'testsrc2=size=160x90:rate=30', 24, ['-c:v', 'ffv1']);
  });

  it('--stats - writes periodic lines and the documented summary to stderr, never to stdout', async () => {
    // --realtime reads the file at 30 fps, so the 0.8 s run spans several 0.1 s periods.
    const r = await runCli(['-i', clip, '--realtime', '--stats', '-', '--stats-interval', '0.1', '--output-format', 'raw', '--log-level', 'quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(24 * 160 * 90 * 3);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'periodic').length).toBeGreaterThanOrEqual(3);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', frames: 24, framesIn: 24, dropped: 0, mode: 'live', ended: 'done' });
    // Paced to the file's 30 fps (unpaced, this clip runs at hundreds of fps); loose below for loaded machines.
    expect(summary.fps).toBeGreaterThan(5);
    expect(summary.fps).toBeLessThan(40);
    expect(summary.budgetMs).toBeCloseTo(33.333, 2);
    expect(summary.stages).toEqual({});
  });

  it('--progress draws a bar that reaches 100% when the length is known', async () => {
    const r = await runCli(['-i', clip, '--progress', '--output-format', 'raw']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[#{30}\] 100% 24\/24 frames/);
  });

  it('--progress on a stream of unknown length says so instead', async () => {
    const r = await runCli(['--size', '16x8', '--pix-fmt', 'rgb24', '--fps', '30', '--progress', '--output-format', 'raw'], { input: Buffer.alloc(16 * 8 * 3 * 2) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--progress: the input length is not known/);
  });
});
