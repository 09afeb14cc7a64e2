import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, decodeRef, FFMPEG, makeClip, runCli, tmpDir } from './helpers.js';

/**
 * A stand-in ffmpeg: encoders run the real one; the decoder (the run with `-map 0:v:0`) passes
 * `bytes` of the real decoder's output to wherever ledpipe asked (FIFO or stdout), then dies by SIGKILL.
 */
function dyingDecoder(bytes: number): string {
  return `#!/bin/bash
case "$*" in
  *"-map 0:v:0"*)
    out="\${@: -1}"; set -- "\${@:1:$#-1}"
    if [ "$out" = pipe:1 ]; then "${FFMPEG}" "$@" pipe:1 | head -c ${bytes}; else "${FFMPEG}" "$@" pipe:1 | head -c ${bytes} > "$out"; fi
    kill -KILL $$;;
esac
exec "${FFMPEG}" "$@"
`;
}

describe('bad input and faults', () => {
  let dir: string;
  let clip: string;
  const W = 160;
  const H = 90;
  const FRAME = W * H * 3;
  beforeAll(() => {
    dir = tmpDir();
    clip = makeClip(path.join(dir, 'clip.mkv'), `testsrc2=size=${W}x${H}:rate=30`, 30, ['-c:v', 'ffv1']);
  });

  it.each([
    [['--frob'], /--frob/],
    [['-i', 'x.mp4', '--pix-fmt', 'yuv420p'], /--pix-fmt: expected one of rgb24, rgb48le, got 'yuv420p'/],
    [['-i', 'x.mp4', '--on-overrun', 'panic'], /--on-overrun: unknown policy 'panic'/],
    [['-i', 'x.mp4', '--max-in-flight', '0'], /--max-in-flight: expected an integer from 1 to 64/],
    [['-i', 'x.mp4', '--stages', 'wobble,sr'], /--stages: unknown stage 'wobble'; known stages: sr, calibration, thermal/],
    [['--size', '1920x1080'], /--size: raw input also needs --pix-fmt/],
    [['--size', '19x', '--pix-fmt', 'rgb24', '--fps', '1'], /--size: expected WIDTHxHEIGHT/],
    [['-i', 'x.mp4', '--fps', 'fast'], /--fps: expected a number/],
    [['-i', 'x.mp4', '-o', '/no/such/dir/out.mkv'], /-o: folder '\/no\/such\/dir' does not exist/],
  ])('usage error %j exits 2 naming the flag', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout.length).toBe(0);
  });

  it('a missing input exits 1 with ffmpeg’s reason', async () => {
    const r = await runCli(['-i', path.join(dir, 'nope.mp4'), '--output-format', 'raw']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot decode input '.*nope\.mp4'/);
    expect(r.stderr).toMatch(/No such file or directory/);
  });

  it('an undecodable input exits 1 with ffmpeg’s reason', async () => {
    const junk = path.join(dir, 'junk.mp4');
    fs.writeFileSync(junk, Buffer.alloc(5000, 7));
    const r = await runCli(['-i', junk, '-o', path.join(dir, 'junk-out.mkv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Invalid data found when processing input/);
    expect(fs.existsSync(path.join(dir, 'junk-out.mkv'))).toBe(false);
  });

  it('raw input that is not a whole number of frames: whole frames out, leftover bytes named', async () => {
    const raw = decodeRef(clip, 'rgb24').subarray(0, 2 * FRAME + 1234);
    const r = await runCli(['--size', `${W}x${H}`, '--pix-fmt', 'rgb24', '--fps', '30', '--output-format', 'raw'], { input: raw });
    expect(r.code).toBe(1);
    expect(r.stdout.equals(raw.subarray(0, 2 * FRAME))).toBe(true);
    expect(r.stderr).toMatch(/stdin: 1234 bytes left over after 2 complete frames of 43200 bytes/);
  });

  it('ffmpeg killed mid-stream: ends with an error naming the frame, output holds whole frames only', async () => {
    const fake = path.join(dir, 'dying-ffmpeg.sh');
    fs.writeFileSync(fake, dyingDecoder(Math.round(5.5 * FRAME)), { mode: 0o755 });
    const r = await runCli(['-i', clip, '--output-format', 'raw'], { env: { LEDPIPE_FFMPEG: fake } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ffmpeg was killed by SIGKILL after frame 5 \(5 complete frames delivered, 21600 bytes of frame 6 discarded\)/);
    expect(r.stdout.equals(decodeRef(clip, 'rgb24').subarray(0, 5 * FRAME))).toBe(true);
  });

  it('ffmpeg killed mid-stream with -o: the file is valid and holds the whole frames', async () => {
    const fake = path.join(dir, 'dying-ffmpeg2.sh');
    fs.writeFileSync(fake, dyingDecoder(Math.round(7.5 * FRAME)), { mode: 0o755 });
    const out = path.join(dir, 'cut.mkv');
    const r = await runCli(['-i', clip, '-o', out], { env: { LEDPIPE_FFMPEG: fake } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/after frame 7/);
    expect(decodeRef(out, 'rgb24').equals(decodeRef(clip, 'rgb24').subarray(0, 7 * FRAME))).toBe(true);
  });

  it('a closed stdout (| head -c) ends quietly with exit 0, raw and NUT', async () => {
    for (const fmt of ['raw', 'nut']) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" -i "${clip}" --output-format ${fmt} --log-level warn | head -c 1000 > /dev/null; echo "rc=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
      expect(r.stdout.trim()).toBe('rc=0');
      expect(r.stderr).toBe('');
    }
  });

  it('SIGTERM mid-stream: stops reading, finishes frames in flight, closes the file, exits 143', async () => {
    // --realtime paces a 10 s file at its frame rate, so the signal lands mid-stream.
    const long = makeClip(path.join(dir, 'long.mkv'), `testsrc2=size=${W}x${H}:rate=30`, 300, ['-c:v', 'ffv1']);
    const out = path.join(dir, 'term.mkv');
    const child = spawn(process.execPath, [CLI, '-i', long, '-o', out, '--realtime', '--stats', '-', '--stats-interval', '0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    // Signal once frames are flowing (not after a fixed time: a loaded machine starts slowly).
    const flowing = new Promise<void>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/"type":"periodic","frames":(\d{2,})/.test(stderr)) resolve();
      });
    });
    await flowing;
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/SIGTERM: stopping input/);
    const got = decodeRef(out, 'rgb24');
    const frames = got.length / FRAME;
    expect(Number.isInteger(frames)).toBe(true);
    expect(frames).toBeGreaterThan(5);
    expect(frames).toBeLessThan(300);
    expect(got.equals(decodeRef(long, 'rgb24').subarray(0, got.length))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.ledpipe-'))).toEqual([]);
  });

  it('SIGINT on raw stdin: whole frames out, exit 130', async () => {
    const child = spawn(process.execPath, [CLI, '--size', `${W}x${H}`, '--pix-fmt', 'rgb24', '--fps', '30', '--output-format', 'raw'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let received = 0;
    // 3.5 frames, then the writer stays open (a live feed that goes quiet); signal once 3 are out.
    const threeOut = new Promise<void>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        chunks.push(b);
        received += b.length;
        if (received >= 3 * FRAME) resolve();
      });
    });
    child.stdin.write(Buffer.alloc(Math.round(3.5 * FRAME), 9));
    await threeOut;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.destroy();
    expect(code).toBe(130);
    expect(Buffer.concat(chunks).length).toBe(3 * FRAME);
  });

  it('a stalled stdout consumer and SIGTERM: exits 143 after --shutdown-timeout instead of hanging', async () => {
    const long = path.join(dir, 'long.mkv'); // made by the SIGTERM test above
    if (!fs.existsSync(long)) makeClip(long, `testsrc2=size=${W}x${H}:rate=30`, 300, ['-c:v', 'ffv1']);
    // stdout is a pipe nobody reads: after ~64 KiB every write blocks.
    const child = spawn(process.execPath, [CLI, '-i', long, '--output-format', 'raw', '--shutdown-timeout', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    let stderr = '';
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/offline mode/.test(stderr)) resolve();
      });
    });
    await started;
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(143);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(stderr).toMatch(/frames in flight did not drain within 1\.0 s/);
  });
});
