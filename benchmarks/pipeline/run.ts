/**
 * Pass-through throughput of ledpipe against its peer, ffmpeg alone doing the same decode to RGB,
 * measured side by side in one run. Prints a table and writes bench-output/pipeline.json.
 *
 *   npm run bench                      (all benchmarks)
 *   node dist/benchmarks/pipeline/run.js [--frames1080 N] [--frames2160 N] [--repeats N]
 */
import { parseArgs } from 'node:util';
import { CLI, ffmpeg, machineDescription, median, round, testClip, timeIt, writeResult } from '../support/measure.js';

const { values } = parseArgs({
  options: { frames1080: { type: 'string', default: '600' }, frames2160: { type: 'string', default: '150' }, repeats: { type: 'string', default: '3' } },
});

interface Case {
  label: string;
  width: number;
  height: number;
  frames: number;
}
const cases: Case[] = [
  { label: '1080p60 H.264', width: 1920, height: 1080, frames: Number(values.frames1080) },
  { label: '2160p60 H.264', width: 3840, height: 2160, frames: Number(values.frames2160) },
];
const repeats = Number(values.repeats);

interface Row {
  case: string;
  frames: number;
  ffmpegAloneFps: number;
  ffmpegPipeCatFps: number;
  ledpipeFps: number;
  ffmpegAloneMsPerFrame: number;
  ledpipeMsPerFrame: number;
  overheadMsPerFrame: number;
  ratio: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const c of cases) {
    const clip = testClip(c.width, c.height, c.frames);
    const decode = ['-hide_banner', '-nostdin', '-v', 'error', '-i', clip, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24'];
    const alone: number[] = [];
    const viaCat: number[] = [];
    const led: number[] = [];
    // Interleave the contenders so drift on a shared machine hits all of them alike.
    for (let i = 0; i < repeats; i++) {
      alone.push(await timeIt(ffmpeg(), [...decode, '-y', '/dev/null']));
      viaCat.push(await timeIt(ffmpeg(), [...decode, 'pipe:1'], true));
      led.push(await timeIt(process.execPath, [CLI, '-i', clip, '--stages', 'none', '--output-format', 'raw', '--log-level', 'error']));
    }
    const a = median(alone) / c.frames;
    const p = median(viaCat) / c.frames;
    const l = median(led) / c.frames;
    rows.push({
      case: c.label,
      frames: c.frames,
      ffmpegAloneFps: round(1000 / a),
      ffmpegPipeCatFps: round(1000 / p),
      ledpipeFps: round(1000 / l),
      ffmpegAloneMsPerFrame: round(a),
      ledpipeMsPerFrame: round(l),
      overheadMsPerFrame: round(l - a),
      ratio: round(a / l),
    });
  }
  const machine = machineDescription();
  process.stdout.write(`pipeline pass-through (--stages none, raw RGB24 to /dev/null), median of ${repeats}; ${machine}\n`);
  process.stdout.write('case            frames  ffmpeg-alone fps  ffmpeg|cat fps  ledpipe fps  overhead ms/frame  ledpipe/ffmpeg speed\n');
  for (const r of rows) {
    process.stdout.write(
      `${r.case.padEnd(15)} ${String(r.frames).padStart(6)}  ${r.ffmpegAloneFps.toFixed(1).padStart(16)}  ${r.ffmpegPipeCatFps.toFixed(1).padStart(14)}  ${r.ledpipeFps.toFixed(1).padStart(11)}  ${r.overheadMsPerFrame.toFixed(3).padStart(17)}  ${r.ratio.toFixed(3).padStart(20)}\n`,
    );
  }
  writeResult('pipeline', { benchmark: 'pipeline', machine, repeats, rows });
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
