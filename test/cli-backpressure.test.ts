import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, makeClip, rssMiB, tmpDir } from './helpers.js';

describe('backpressure', () => {
  let clip: string;
  const FRAME = 1920 * 1080 * 3;
  const FRAMES = 90;
  beforeAll(() => {
    // Small on disk, 6.2 MB per decoded frame: 90 frames would be 560 MB if ledpipe buffered them.
    clip = makeClip(path.join(tmpDir(), 'hd.mp4'), 'testsrc2=size=1920x1080:rate=60', FRAMES, ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '35']);
  });

  it('a slow reader of 1080p frames keeps ledpipe’s RSS bounded and loses nothing', async () => {
    const child = spawn(process.execPath, [CLI, '-i', clip, '--output-format', 'raw', '--max-in-flight', '3', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let received = 0;
    let peak = 0;
    const sampler = setInterval(() => {
      const rss = rssMiB(child.pid!);
      if (rss !== null) peak = Math.max(peak, rss);
    }, 20);
    // Read one frame's worth, then sit on the pipe for 40 ms: ~25 fps against a decoder that could do far more.
    child.stdout.on('data', (b: Buffer) => {
      received += b.length;
      if (received % FRAME < b.length) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 40);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    expect(code, stderr).toBe(0);
    expect(received).toBe(FRAMES * FRAME);
    // Node itself is ~50 MB; the pool is 3 x 6.2 MB. Unbounded buffering would pass 500 MB.
    console.log(`backpressure: peak RSS ${peak.toFixed(1)} MiB`);
    expect(peak).toBeGreaterThan(20);
    expect(peak).toBeLessThan(160);
  });
});
