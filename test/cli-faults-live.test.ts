import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeLedcal } from '../src/calibration/ledcal-format.js';
import { nativeStatus } from '../src/native/index.js';
import { makeCalibration } from './calibration/fixtures.js';
import { makeClip, runCli, tmpDir } from './helpers.js';

const W = 64, H = 36, FRAMES = 75;

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// A live show with every stage on, and faults injected while frames flow: the show goes on.
describe.skipIf(!nativeStatus().available)('faults while frames flow (live, all stages)', () => {
  it('garbage calibration, malformed and flooding telemetry, then a good calibration: every frame delivered, each fault named', async () => {
    const dir = tmpDir();
    const clip = makeClip(path.join(dir, 'show.mkv'), `testsrc2=size=${W}x${H}:rate=25`, FRAMES, ['-c:v', 'ffv1']);
    const cal = path.join(dir, 'wall.ledcal');
    await writeLedcal(cal, makeCalibration({ width: W * 2, height: H * 2, moduleWidth: 16, moduleHeight: 12, seed: 1 }));
    const port = await freeUdpPort();
    const sock = dgram.createSocket('udp4');
    const send = (text: string) => new Promise<void>((r) => sock.send(text, port, '127.0.0.1', () => r()));
    const replace = (file: string, data: Buffer | string) => {
      fs.writeFileSync(`${file}.tmp`, data);
      fs.renameSync(`${file}.tmp`, file);
    };
    const frameBytes = W * 2 * H * 2 * 3;
    const done = new Set<string>();
    const at = (frames: number, name: string, bytes: number, fn: () => void | Promise<void>) => {
      if (bytes >= frames * frameBytes && !done.has(name)) {
        done.add(name);
        void fn();
      }
    };
    const stats = path.join(dir, 'stats.jsonl');
    const r = await runCli(
      ['-i', clip, '--realtime', '--on-overrun', 'degrade', '--scale', '2', '--backend', 'onnxruntime', '--calibration', cal, '--temperature', `udp://127.0.0.1:${port}`, '--thermal-zones', '2x2', '--output-format', 'raw', '--stats', stats],
      {
        onStdout: (bytes) => {
          at(5, 'garbage calibration', bytes, () => replace(cal, 'LEDCAL but not really a calibration file'));
          at(15, 'telemetry faults', bytes, async () => {
            await send('{"zones":[40,41,42,43]}');
            await send('not json at all');
            await send('{"zone":9,"celsius":40}');
            await send('{"zone":0,"celsius":900}');
            await send('{"targetCct":100}');
            for (let i = 0; i < 2000; i++) await send(`{"zone":${i % 4},"celsius":${40 + (i % 10)}}`);
          });
          at(35, 'good calibration', bytes, () => writeLedcal(cal, makeCalibration({ width: W * 2, height: H * 2, moduleWidth: 16, moduleHeight: 12, seed: 2 })));
        },
      },
    );
    sock.close();
    expect(r.code, r.stderr).toBe(0);
    expect([...done].sort()).toEqual(['garbage calibration', 'good calibration', 'telemetry faults']);
    expect(r.stdout.length).toBe(FRAMES * frameBytes); // every frame, at the wall's size
    expect(r.stderr).toMatch(/calibration: .*wall\.ledcal was not loaded, keeping the previous calibration: .*version: expected 1/);
    expect(r.stderr).toMatch(/calibration: reloaded .*wall\.ledcal/);
    expect(r.stderr).toMatch(/datagram \d+: not JSON/);
    const summary = JSON.parse(fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1)!) as { frames: number; dropped: number; stages: Record<string, { frames: number; errors: number }> };
    expect(summary).toMatchObject({ frames: FRAMES, dropped: 0, stages: { sr: { frames: FRAMES, errors: 0 }, calibration: { frames: FRAMES, errors: 0 }, thermal: { frames: FRAMES, errors: 0 } } });
  }, 60_000);
});
