/**
 * What every benchmark needs: medians, wall time of a child process, generated clips, the machine's
 * description and the JSON result file. Benchmarks pair each figure with a peer measured in the same
 * run, interleaved, so load from other processes on a shared machine hits both alike.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateFfmpeg } from '../../src/io/ffmpeg-locate.js';
import { nativeInfo, nativeStatus } from '../../src/native/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const OUT = path.join(ROOT, 'bench-output');
export const CLI = path.join(ROOT, 'bin', 'ledpipe.js');

let ffmpegPath: string | null = null;
export function ffmpeg(): string {
  return (ffmpegPath ??= locateFfmpeg().path);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function round(x: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/**
 * Wall time (ms) of a command (spawned, never a shell) with stdout to /dev/null, or piped through
 * `cat` to /dev/null. Rejects with the command's stderr when it fails.
 */
export function timeIt(cmd: string, args: readonly string[], viaCat = false): Promise<number> {
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
        if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.slice(-2000)}`));
        else resolve(performance.now() - t0);
      };
      if (cat) cat.on('close', done);
      else done();
    });
  });
}

/** A generated H.264 clip (ffmpeg testsrc2), cached in bench-output/ and written via a temp name. */
export function testClip(width: number, height: number, frames: number, fps = 60): string {
  const file = path.join(OUT, `clip-${width}x${height}-${frames}${fps === 60 ? '' : `-${fps}fps`}.mp4`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(OUT, { recursive: true });
    process.stderr.write(`generating ${file} ...\n`);
    const r = spawnSync(ffmpeg(), ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-y', file + '.tmp.mp4']);
    if (r.status !== 0) throw new Error(`cannot generate ${file}: ${r.stderr.toString()}`);
    fs.renameSync(file + '.tmp.mp4', file);
  }
  return file;
}

/** CPU, cores, memory, Node, ffmpeg and the native kernels' ISA: the line every table is headed with. */
export function machineDescription(): string {
  const version = spawnSync(ffmpeg(), ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'ffmpeg ?';
  const native = nativeStatus().available ? `native ${nativeInfo().isa}` : 'native addon not built';
  return `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${version}, ${native}`;
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** bench-output/<name>.json, written via a temp name. */
export function writeResult(name: string, doc: unknown): void {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(doc, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}
