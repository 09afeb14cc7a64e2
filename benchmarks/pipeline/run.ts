/**
 * Pass-through throughput of ledpipe against its peer, ffmpeg alone doing the same decode to RGB,
 * measured side by side in one run. Prints a table and writes bench-output/pipeline.json.
 *
 *   npm run bench                      (all benchmarks)
 *   node dist/benchmarks/pipeline/run.js [--frames1080 N] [--frames2160 N] [--repeats N]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { locateFfmpeg } from '../../src/io/ffmpeg-locate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'bench-output');
const CLI = path.join(ROOT, 'bin', 'ledpipe.js');
const FFMPEG = locateFfmpeg().path;

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

function clipFor(c: Case): string {
  const file = path.join(OUT, `clip-${c.width}x${c.height}-${c.frames}.mp4`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(OUT, { recursive: true });
    process.stderr.write(`generating ${file} ...\n`);
    const r = spawnSync(FFMPEG, ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${c.width}x${c.height}:rate=60`, '-frames:v', String(c.frames), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-y', file + '.tmp.mp4']);
    if (r.status !== 0) throw new Error(`cannot generate ${file}: ${r.stderr.toString()}`);
    fs.renameSync(file + '.tmp.mp4', file);
  }
  return file;
}

/** Wall time of a shell-free command line whose stdout goes to /dev/null (or through `cat`). */
function timeIt(cmd: string, args: string[], viaCat: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const devnull = fs.openSync('/dev/null', 'w');
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', viaCat ? 'pipe' : devnull, 'pipe'] });
    let cat: ReturnType<typeof spawn> | null = null;
    if (viaCat) {
      cat = spawn('cat', [], { stdio: ['pipe', devnull, 'ignore'] });
      child.stdout!.pipe(cat.stdin!);
    }
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => {
      const done = () => {
        fs.closeSync(devnull);
        if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err}`));
        else resolve(performance.now() - t0);
      };
      if (cat) cat.on('close', done);
      else done();
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

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
    const clip = clipFor(c);
    const decode = ['-hide_banner', '-nostdin', '-v', 'error', '-i', clip, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24'];
    const alone: number[] = [];
    const viaCat: number[] = [];
    const led: number[] = [];
    // Interleave the contenders so drift on a shared machine hits all of them alike.
    for (let i = 0; i < repeats; i++) {
      alone.push(await timeIt(FFMPEG, [...decode, '-y', '/dev/null'], false));
      viaCat.push(await timeIt(FFMPEG, [...decode, 'pipe:1'], true));
      led.push(await timeIt(process.execPath, [CLI, '-i', clip, '--stages', 'none', '--output-format', 'raw', '--log-level', 'error'], false));
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
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ffmpeg ${spawnSync(FFMPEG, ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0]}`;
  process.stdout.write(`pipeline pass-through (--stages none, raw RGB24 to /dev/null), median of ${repeats}; ${machine}\n`);
  process.stdout.write('case            frames  ffmpeg-alone fps  ffmpeg|cat fps  ledpipe fps  overhead ms/frame  ledpipe/ffmpeg speed\n');
  for (const r of rows) {
    process.stdout.write(
      `${r.case.padEnd(15)} ${String(r.frames).padStart(6)}  ${r.ffmpegAloneFps.toFixed(1).padStart(16)}  ${r.ffmpegPipeCatFps.toFixed(1).padStart(14)}  ${r.ledpipeFps.toFixed(1).padStart(11)}  ${r.overheadMsPerFrame.toFixed(3).padStart(17)}  ${r.ratio.toFixed(3).padStart(20)}\n`,
    );
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'pipeline.json'), JSON.stringify({ benchmark: 'pipeline', machine, repeats, rows }, null, 2) + '\n');
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
