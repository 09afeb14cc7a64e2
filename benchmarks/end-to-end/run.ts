/**
 * The whole product on a real job: a 960x540 H.264 feed decoded by ffmpeg, SR x2 (the shipped real-time
 * model on the first available backend), full-gray calibration of the 1920x1080 wall (4 gray anchors,
 * per-pixel gains, seams; no 3D LUT, so thermal runs fused into the calibration pass), thermal
 * compensation (simulated heat, 4x4 zones), raw RGB
 * out — through the real CLI, offline (every frame processed). Its peers, in the same run, interleaved:
 * ffmpeg decoding alone, and ffmpeg's own non-AI chain for the job (decode → scale lanczos → lut3d: its
 * colour management; it has no per-pixel calibration or thermal model). Reports fps, ratios, and each stage's p50/p95 against the 60 fps budget
 * (from --stats). Writes bench-output/end-to-end.json.
 *
 *   node dist/benchmarks/end-to-end/run.js [--frames N] [--repeats N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCubeFile } from '../../src/calibration/cube-lut.js';
import { writeLedcal } from '../../src/calibration/ledcal-format.js';
import { gradingLut, makeCalibration } from '../../test/calibration/fixtures.js';
import { CLI, ffmpeg, loadAverage, machineDescription, median, round, testClip, timeIt, writeResult } from '../support/measure.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '240' }, repeats: { type: 'string', default: '3' } } });
const FRAMES = Number(values.frames);
const REPEATS = Number(values.repeats);
/** The real-time tier (the model a profile picks for 960x540 → 1080p at 60 fps on a machine like this). */
const MODEL = 'ledpipe-sr-x2-luma-s2d-blend-c28';

interface StageSummary {
  frames: number;
  p50Ms: number;
  p95Ms: number;
  mode: string;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-e2e-bench-'));
  try {
    const clip = testClip(960, 540, FRAMES);
    const cube = path.join(dir, 'grade.cube');
    await writeCubeFile(cube, gradingLut(33));
    const wall = path.join(dir, 'wall.ledcal');
    await writeLedcal(wall, makeCalibration({ width: 1920, height: 1080, moduleWidth: 96, moduleHeight: 108, seed: 7 }));
    const stats = path.join(dir, 'stats.jsonl');
    const ledpipeArgs = [CLI, '-i', clip, '--model', MODEL, '--calibration', wall, '--temperature', 'sim:ambient=25,peak=55,tau=30', '--thermal-zones', '4x4', '--thermal-transfer', 'gamma:2.2', '--output-format', 'raw', '--log-level', 'error', '--stats', stats];
    const decodeOnly = ['-hide_banner', '-nostdin', '-v', 'error', '-i', clip, '-f', 'null', '-'];
    const chain = ['-hide_banner', '-nostdin', '-v', 'error', '-i', clip, '-vf', `scale=1920:1080:flags=lanczos,format=rgb24,lut3d=file=${cube}:interp=tetrahedral`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-y', '/dev/null'];
    const loadBefore = loadAverage();
    const led: number[] = [], dec: number[] = [], ff: number[] = [];
    let stages: Record<string, StageSummary> = {};
    for (let i = 0; i < REPEATS; i++) {
      led.push(await timeIt(process.execPath, ledpipeArgs));
      const summary = JSON.parse(fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1)!) as { stages: Record<string, StageSummary> };
      if (i === 0 || led.at(-1)! <= median(led)) stages = summary.stages;
      dec.push(await timeIt(ffmpeg(), decodeOnly));
      ff.push(await timeIt(ffmpeg(), chain));
    }
    const fps = (ms: number) => round((FRAMES * 1000) / ms, 1);
    const doc = {
      benchmark: 'end-to-end',
      date: new Date().toISOString(),
      machine: machineDescription(),
      loadAverage: { before: loadBefore, after: loadAverage() },
      frames: FRAMES,
      repeats: REPEATS,
      job: `960x540 H.264 → SR x2 (${MODEL}) → full-gray calibration (1920x1080) → thermal (sim, 4x4) → raw rgb24`,
      ledpipeFps: fps(median(led)),
      ffmpegDecodeFps: fps(median(dec)),
      ffmpegLanczosLut3dFps: fps(median(ff)),
      ledpipeOverFfmpegChain: round(median(ff) / median(led), 2),
      budgetMs: round(1000 / 60, 2),
      stages: Object.fromEntries(Object.entries(stages).map(([k, s]) => [k, { p50Ms: round(s.p50Ms, 2), p95Ms: round(s.p95Ms, 2), mode: s.mode }])),
    };
    process.stdout.write(`end to end: ${doc.job}, ${FRAMES} frames, median of ${REPEATS}\n${doc.machine}; load average before ${doc.loadAverage.before}, after ${doc.loadAverage.after}\n`);
    process.stdout.write(`ledpipe ${doc.ledpipeFps} fps | ffmpeg decode alone ${doc.ffmpegDecodeFps} fps | ffmpeg scale=lanczos,lut3d (non-AI) ${doc.ffmpegLanczosLut3dFps} fps | ledpipe/ffmpeg-chain speed ${doc.ledpipeOverFfmpegChain}\n`);
    process.stdout.write('stage          p50 ms  p95 ms  (budget 16.67 ms)  mode\n');
    for (const [name, s] of Object.entries(doc.stages)) process.stdout.write(`${name.padEnd(13)} ${s.p50Ms.toFixed(2).padStart(7)} ${s.p95Ms.toFixed(2).padStart(7)}  ${s.p95Ms <= doc.budgetMs ? 'within' : 'OVER  '}             ${s.mode}\n`);
    writeResult('end-to-end', doc);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
