/** Shared by the CLI suites: the real CLI, the real ffmpeg, fixtures generated with lavfi. */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateFfmpeg } from '../src/io/ffmpeg-locate.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'bin', 'ledpipe.js');
export const FFMPEG = locateFfmpeg().path;

export function tmpDir(prefix = 'ledpipe-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs ffmpeg synchronously and returns stdout; throws with its log on failure. */
export function ffmpeg(args: string[], input?: Buffer): Buffer {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', ...args], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Encodes a lavfi source to `file` (e.g. testsrc2=size=320x240:rate=30, 30 frames). */
export function makeClip(file: string, lavfi: string, frames: number, codecArgs: string[]): string {
  ffmpeg(['-f', 'lavfi', '-i', lavfi, '-frames:v', String(frames), ...codecArgs, '-y', file]);
  return file;
}

/** ffmpeg's own decode of `file` to headerless RGB: the reference for bit-exactness. */
export function decodeRef(file: string, pixFmt: 'rgb24' | 'rgb48le'): Buffer {
  return ffmpeg(['-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-']);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the real CLI; stdin may be a Buffer (piped in) or 'ignore'. */
export function runCli(args: string[], opts: { input?: Buffer; env?: NodeJS.ProcessEnv; onSpawn?: (pid: number) => void; onStdout?: (bytesSoFar: number) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } };
    const child = spawn(process.execPath, [CLI, ...args], spawnOpts);
    const out: Buffer[] = [];
    let err = '';
    let bytes = 0;
    child.stdout!.on('data', (b: Buffer) => {
      out.push(b);
      bytes += b.length;
      opts.onStdout?.(bytes);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => (err += t));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: err }));
    child.stdin!.on('error', () => undefined);
    if (opts.input) child.stdin!.end(opts.input);
    else child.stdin!.end();
    if (child.pid) opts.onSpawn?.(child.pid);
  });
}

/** Resident set size of a process in MiB (Linux /proc), or null once it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
