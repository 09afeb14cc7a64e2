import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeClip, runCli, tmpDir } from '../helpers.js';

describe('one-click: --profile and ledpipe profile', () => {
  let dir: string;
  let clip: string;
  // The self-benchmark cache of this test run, not the user's ~/.cache.
  const env = (): NodeJS.ProcessEnv => ({ LEDPIPE_CACHE: path.join(dir, 'cache') });
  beforeAll(() => {
    dir = tmpDir();
    clip = makeClip(path.join(dir, 'clip.mkv'), 'testsrc2=size=96x54:rate=25', 3, ['-c:v', 'ffv1']);
  });

  it('--profile logs each decision with its reason and runs', async () => {
    const r = await runCli(['-i', clip, '--profile', 'rental-stage', '--output-format', 'raw'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/profile rental-stage:/);
    expect(r.stderr).toMatch(/thermalZones\s+20x8\s+one zone per 192x192 px cabinet/);
    // 96x54 content on a 3840x1536 wall wants x4; no x4 model fits, so the shipped x2 student (output x2).
    expect(r.stderr).toMatch(/model\s+ledpipe-sr-x2/);
    expect(r.stderr).toMatch(/stages sr/);
    expect(r.stdout.length).toBe(3 * 192 * 108 * 3);
  });

  it('explicit flags win over the profile', async () => {
    const cube = path.join(dir, 'id.cube');
    fs.writeFileSync(cube, 'LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n');
    const r = await runCli(['-i', clip, '--profile', 'fine-pitch-indoor', '--lut', cube, '--on-overrun', 'drop', '--output-format', 'raw'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/stages (sr → )?calibration/);
    expect(r.stderr).toMatch(/bitDepth\s+8\s+.*capped at 8 bits by this 8-bit stream/);
    expect(r.stderr).toMatch(/onOverrun\s+drop\s+set by --on-overrun/);
  });

  it('a bad profile file is a usage error naming the field and range', async () => {
    const bad = path.join(dir, 'wall.json');
    const preset = JSON.parse(fs.readFileSync(path.join(__dirname, '../../profiles/outdoor-billboard.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(bad, JSON.stringify({ ...preset, peakNits: 0 }));
    const r = await runCli(['-i', clip, '--profile', bad, '--output-format', 'raw']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--profile: .*wall\.json: peakNits: expected a number 1 to 20000, got 0/);
    const unknown = await runCli(['-i', clip, '--profile', 'stadium', '--output-format', 'raw']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not a built-in preset \(presets: fine-pitch-indoor, outdoor-billboard, rental-stage\)/);
  });

  it('profile suggest --json explains every setting; bad values name the flag', async () => {
    const r = await runCli(['profile', 'suggest', '--pitch', '2.5', '--ic', 'MBI5359', '--nits', '800', '--cct', '6500', '--json'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout.toString()) as { settings: Record<string, unknown>; reasons: Record<string, string>; warnings: string[] };
    expect(Object.keys(d.reasons).sort()).toEqual(Object.keys(d.settings).sort());
    expect(d.warnings.join()).toMatch(/MBI5359.*MBI5353/);
    const bad = await runCli(['profile', 'suggest', '--pitch=-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pitch: expected a number more than 0/);
    const cct = await runCli(['profile', 'suggest', '--pitch', '2', '--cct', '1000']);
    expect(cct.stderr).toMatch(/--cct: expected a number 1500 to 25000, got 1000/);
  });

  it('measures this machine once (self-benchmark) and then selects from the cached time', async () => {
    const cache = { LEDPIPE_CACHE: path.join(dir, 'cache-selfbench') };
    const first = await runCli(['profile', 'suggest', 'fine-pitch-indoor', '--content', '320x180'], { env: cache });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/self-benchmark: ledpipe-sr-x2\S* at 320x180: [\d.]+ ms per frame \(cached in /);
    const cached = JSON.parse(fs.readFileSync(path.join(dir, 'cache-selfbench', 'stage-times.json'), 'utf8')) as { machine: string; times: Record<string, number> };
    expect(Object.keys(cached.times).some((k) => k.endsWith('@320x180'))).toBe(true);
    const second = await runCli(['profile', 'suggest', 'fine-pitch-indoor', '--content', '320x180'], { env: cache });
    expect(second.stderr).not.toMatch(/self-benchmark/);
    // x4 wanted (no x4 model); the x2 student's time on this machine is what the decision cites.
    expect(second.stdout.toString()).toMatch(/ledpipe-sr-x2\S* [\d.]+ ms, measured on this machine|measured on this machine: [\d.]+ ms at 320x180/);
  });
});
