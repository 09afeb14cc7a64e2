/**
 * The non-AI upscale path (the SR stage's last rung) against its peer, ffmpeg's `scale` filter with the
 * same filter, on the same frames in the same run: native Lanczos-3 / bicubic x2, one thread, against
 * ffmpeg's swscale (its filter cost = the run with `-vf scale` minus the same run without it). Also
 * how far the two outputs are apart. Prints a table and writes bench-output/resize.json.
 *
 *   node dist/benchmarks/resize/run.js [--frames N] [--repeats N]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ResizeFilter } from '../../src/native/binding.js';
import { resize } from '../../src/native/resize.js';
import { nativeStatus } from '../../src/native/index.js';
import { bytesPerPixel, type PixelFormat } from '../../src/pipeline/frame.js';
import { ffmpeg, loadAverage, machineDescription, median, round, timeIt, writeResult } from '../support/measure.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '40' }, repeats: { type: 'string', default: '3' } } });
const FRAMES = Number(values.frames);
const REPEATS = Number(values.repeats);

interface Case {
  readonly src: [number, number];
  readonly dst: [number, number];
  readonly format: PixelFormat;
  readonly filter: ResizeFilter;
}
const FFMPEG_FLAGS: Record<ResizeFilter, string> = { lanczos3: 'lanczos', cubic: 'bicubic' };
const CASES: Case[] = [
  { src: [960, 540], dst: [1920, 1080], format: 'rgb24', filter: 'lanczos3' },
  { src: [960, 540], dst: [1920, 1080], format: 'rgb24', filter: 'cubic' },
  { src: [960, 540], dst: [1920, 1080], format: 'rgb48le', filter: 'lanczos3' },
  { src: [1920, 1080], dst: [3840, 2160], format: 'rgb24', filter: 'lanczos3' },
];

/** Frames of ffmpeg's testsrc2 as raw RGB (the same frames both sides read). */
function rawFrames(c: Case, file: string): Buffer {
  const r = spawnSync(ffmpeg(), ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${c.src[0]}x${c.src[1]}:rate=60`, '-frames:v', String(FRAMES), '-f', 'rawvideo', '-pix_fmt', c.format, '-y', file]);
  if (r.status !== 0) throw new Error(`cannot generate frames: ${r.stderr.toString()}`);
  return fs.readFileSync(file);
}

function ffmpegArgs(c: Case, input: string, scale: boolean, out: string[] = ['-f', 'null', '-']): string[] {
  const vf = scale ? ['-vf', `scale=${c.dst[0]}:${c.dst[1]}:flags=${FFMPEG_FLAGS[c.filter]},format=${c.format}`] : [];
  return ['-hide_banner', '-nostdin', '-v', 'error', '-threads', '1', '-filter_threads', '1', '-f', 'rawvideo', '-pix_fmt', c.format, '-s', `${c.src[0]}x${c.src[1]}`, '-i', input, ...vf, ...out];
}

function nativeMs(c: Case, frames: Buffer): number {
  const bpp = bytesPerPixel(c.format);
  const inBytes = c.src[0] * c.src[1] * bpp;
  const dst = Buffer.alloc(c.dst[0] * c.dst[1] * bpp);
  const t0 = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    resize({ src: frames.subarray(i * inBytes, (i + 1) * inBytes), srcWidth: c.src[0], srcHeight: c.src[1], dst, dstWidth: c.dst[0], dstHeight: c.dst[1], format: c.format, filter: c.filter });
  }
  return (performance.now() - t0) / FRAMES;
}

/** Mean and max |ours − ffmpeg| over the first frame, in code values of the format. */
function agreement(c: Case, frames: Buffer, dir: string): { mean: number; max: number } {
  const bpp = bytesPerPixel(c.format);
  const src = frames.subarray(0, c.src[0] * c.src[1] * bpp);
  const first = path.join(dir, 'first.raw');
  fs.writeFileSync(first, src);
  const theirs = spawnSync(ffmpeg(), ffmpegArgs(c, first, true, ['-f', 'rawvideo', '-pix_fmt', c.format, '-']), { maxBuffer: 1 << 28 }).stdout;
  const ours = Buffer.alloc(c.dst[0] * c.dst[1] * bpp);
  resize({ src, srcWidth: c.src[0], srcHeight: c.src[1], dst: ours, dstWidth: c.dst[0], dstHeight: c.dst[1], format: c.format, filter: c.filter });
  if (theirs.length !== ours.length) throw new Error(`ffmpeg wrote ${theirs.length} bytes for one frame, expected ${ours.length}`);
  const wide = c.format === 'rgb48le';
  const n = wide ? ours.length / 2 : ours.length;
  let sum = 0, max = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(wide ? ours.readUInt16LE(2 * i) - theirs.readUInt16LE(2 * i) : ours[i]! - theirs[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / n, max };
}

async function main(): Promise<void> {
  if (!nativeStatus().available) throw new Error('the native addon is not built (node scripts/build-native.mjs)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-resize-bench-'));
  const loadBefore = loadAverage();
  const rows = [];
  try {
    for (const c of CASES) {
      const input = path.join(dir, 'in.raw');
      const frames = rawFrames(c, input);
      const ours: number[] = [], withScale: number[] = [], without: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        ours.push(nativeMs(c, frames));
        withScale.push((await timeIt(ffmpeg(), ffmpegArgs(c, input, true))) / FRAMES);
        without.push((await timeIt(ffmpeg(), ffmpegArgs(c, input, false))) / FRAMES);
      }
      const nativeFrameMs = median(ours);
      const ffmpegFrameMs = Math.max(0, median(withScale) - median(without));
      const diff = agreement(c, frames, dir);
      rows.push({
        case: `${c.src[0]}x${c.src[1]} → ${c.dst[0]}x${c.dst[1]} ${c.format} ${c.filter}`,
        nativeMsPerFrame: round(nativeFrameMs, 2),
        ffmpegScaleMsPerFrame: round(ffmpegFrameMs, 2),
        speedup: round(ffmpegFrameMs / nativeFrameMs, 2),
        meanAbsDiff: round(diff.mean, 3),
        maxAbsDiff: diff.max,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const machine = machineDescription();
  process.stdout.write(`non-AI upscale: native (one thread) vs ffmpeg scale (swscale, one thread; its cost = run with -vf scale − run without), median of ${REPEATS} x ${FRAMES} frames\n${machine}; load average before ${loadBefore}, after ${loadAverage()}\n`);
  process.stdout.write('case                                          native ms  ffmpeg ms  native speed-up  mean |diff|  max |diff|\n');
  for (const r of rows) {
    process.stdout.write(`${r.case.padEnd(45)} ${r.nativeMsPerFrame.toFixed(2).padStart(9)}  ${r.ffmpegScaleMsPerFrame.toFixed(2).padStart(9)}  ${(r.speedup.toFixed(2) + 'x').padStart(15)}  ${r.meanAbsDiff.toFixed(3).padStart(11)}  ${String(r.maxAbsDiff).padStart(10)}\n`);
  }
  writeResult('resize', { benchmark: 'resize', date: new Date().toISOString(), machine, loadAverage: { before: loadBefore, after: loadAverage() }, frames: FRAMES, repeats: REPEATS, rows });
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
