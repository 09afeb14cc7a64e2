import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankCalibration } from '../../src/calibration/calibration-import.js';
import { writeLedcal } from '../../src/calibration/ledcal-format.js';
import { nativeStatus } from '../../src/native/index.js';
import { makeClip, runCli, tmpDir } from '../helpers.js';

const W = 64, H = 36, FRAMES = 75;

function profile(brightness: { mode: string; percent: number }): string {
  return JSON.stringify({
    name: 'test-wall', environment: 'indoor', pixelPitchMm: 2.5, resolution: { width: W, height: H }, module: { width: 16, height: 9 },
    cabinet: { modulesX: 2, modulesY: 2 }, driverIc: { family: 'MBI5353', grayscaleBits: 16, scan: 16 }, led: { package: 'SMD2121', type: 'smd-rgb' },
    peakNits: 800, brightness, targetCct: 6500, targetGamut: 'bt709', refreshHz: 3840, viewingDistanceM: 3,
  });
}

/** Mean R, G, B of each rgb24 frame. */
function frameMeans(raw: Buffer): Array<[number, number, number]> {
  const size = W * H * 3;
  const out: Array<[number, number, number]> = [];
  for (let f = 0; f * size < raw.length; f++) {
    const m: [number, number, number] = [0, 0, 0];
    for (let i = f * size; i < (f + 1) * size; i += 3) for (let c = 0; c < 3; c++) m[c]! += raw[i + c]!;
    out.push(m.map((v) => v / (W * H)) as [number, number, number]);
  }
  return out;
}

// A running show: the colour temperature switches on a telemetry message, the brightness on a profile edit.
describe.skipIf(!nativeStatus().available)('live display-mode switch through the CLI', () => {
  it('a control message and a profile edit take effect between frames, no frame dropped', async () => {
    const dir = tmpDir();
    const clip = makeClip(path.join(dir, 'gray.mkv'), `color=c=0xC8C8C8:size=${W}x${H}:rate=25`, FRAMES, ['-c:v', 'ffv1']);
    const cal = path.join(dir, 'wall.ledcal');
    await writeLedcal(cal, blankCalibration({ width: W, height: H, moduleWidth: 16, moduleHeight: 9 }));
    const temps = path.join(dir, 'temps.jsonl');
    fs.writeFileSync(temps, '{"zones":[25,25,25,25]}\n');
    const wall = path.join(dir, 'wall.json');
    fs.writeFileSync(wall, profile({ mode: 'show', percent: 100 }));
    // Paced at 25 fps: the message goes out once 10 frames are out, the profile edit once 35 are.
    const frameBytes = W * H * 3;
    let sent = 0;
    const r = await runCli(['-i', clip, '--realtime', '--profile', wall, '--calibration', cal, '--temperature', temps, '--thermal-dither', 'none', '--output-format', 'raw'], {
      onStdout: (bytes) => {
        if (sent === 0 && bytes >= 10 * frameBytes) {
          sent = 1;
          fs.appendFileSync(temps, '{"targetCct": 3200}\n');
        } else if (sent === 1 && bytes >= 35 * frameBytes) {
          sent = 2;
          const edited = path.join(dir, 'wall.json.tmp');
          fs.writeFileSync(edited, profile({ mode: 'night', percent: 5 }));
          fs.renameSync(edited, wall);
        }
      },
    });
    expect(sent).toBe(2);
    expect(r.code, r.stderr).toBe(0);
    const means = frameMeans(r.stdout);
    expect(means).toHaveLength(FRAMES);
    // Before the message: the calibrated gray exactly. After: a warmer white, every frame wholly in one mode.
    const switchAt = means.findIndex((m) => m[2] < 199);
    expect(switchAt, r.stderr).toBeGreaterThanOrEqual(10); // frames 0..9 were out before the message was sent
    expect(means.slice(0, switchAt).every((m) => m[0] === 200 && m[1] === 200 && m[2] === 200)).toBe(true);
    const warm = means.slice(switchAt);
    expect(warm.every((m) => Math.abs(m[0] - 200) < 1 && m[2] < m[1] - 5 && m[1] < 199)).toBe(true);
    expect(r.stderr).toMatch(/display mode → 'show' 100% brightness, 3200 K, dither \w+ \(from .*temps\.jsonl\), from the next frame/);
    // The profile edit changes the brightness (and the dither it calls for), and keeps the 3200 K set since.
    expect(r.stderr).toMatch(/display mode → 'night' 5% brightness, 3200 K, dither temporal \(from profile .*wall\.json\)/);
  }, 30_000);
});
