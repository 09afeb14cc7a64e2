import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

/** Where the ffmpeg binary came from, and why each earlier candidate was passed over. */
export interface FfmpegLocation {
  readonly path: string;
  readonly source: 'LEDPIPE_FFMPEG' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';
  readonly skipped: readonly string[];
}

export class FfmpegNotFoundError extends Error {
  constructor(readonly reasons: readonly string[]) {
    super(
      'no usable ffmpeg found:\n' +
        reasons.map((r) => `  - ${r}`).join('\n') +
        '\nset LEDPIPE_FFMPEG=/path/to/ffmpeg, or run `npm install` in the ledpipe folder (it installs @ffmpeg-installer/ffmpeg), or install ffmpeg on PATH',
    );
    this.name = 'FfmpegNotFoundError';
  }
}

const require = createRequire(import.meta.url);

function usable(file: string): string | null {
  if (!existsSync(file)) return `${file} does not exist`;
  try {
    accessSync(file, constants.X_OK);
    return null;
  } catch {
    // Packages whose postinstall chmod was skipped (npm's allowScripts) ship the binary without +x.
    try {
      chmodSync(file, 0o755);
      return null;
    } catch {
      return `${file} is not executable`;
    }
  }
}

function fromPackage(name: string): { file: string | null; reason: string } {
  try {
    const mod: unknown = require(name);
    const file = typeof mod === 'string' ? mod : (mod as { path?: unknown } | null)?.path;
    if (typeof file !== 'string' || file === '') return { file: null, reason: `${name} is installed but names no binary (its download did not run)` };
    const problem = usable(file);
    return problem ? { file: null, reason: `${name}: ${problem}` } : { file, reason: '' };
  } catch (err) {
    return { file: null, reason: `${name} is not installed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
}

function onPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    if (existsSync(file) && usable(file) === null) return file;
  }
  return null;
}

let cached: FfmpegLocation | null = null;

/** Order: LEDPIPE_FFMPEG, ffmpeg-static, @ffmpeg-installer/ffmpeg, ffmpeg on PATH. */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegLocation {
  if (cached && env === process.env) return cached;
  const skipped: string[] = [];
  const explicit = env.LEDPIPE_FFMPEG;
  if (explicit) {
    const problem = usable(explicit);
    // An explicit choice that does not work is an error, not something to silently route around.
    if (problem) throw new FfmpegNotFoundError([`LEDPIPE_FFMPEG=${explicit}: ${problem}`]);
    return remember({ path: explicit, source: 'LEDPIPE_FFMPEG', skipped }, env);
  }
  skipped.push('LEDPIPE_FFMPEG is not set');
  for (const name of ['ffmpeg-static', '@ffmpeg-installer/ffmpeg'] as const) {
    const found = fromPackage(name);
    if (found.file) return remember({ path: found.file, source: name, skipped }, env);
    skipped.push(found.reason);
  }
  const file = onPath();
  if (file) return remember({ path: file, source: 'PATH', skipped }, env);
  skipped.push('no ffmpeg on PATH');
  throw new FfmpegNotFoundError(skipped);
}

function remember(loc: FfmpegLocation, env: NodeJS.ProcessEnv): FfmpegLocation {
  if (env === process.env) cached = loc;
  return loc;
}

/** First line of `ffmpeg -version`, or the reason it could not be run. */
export function ffmpegVersion(file: string): string {
  const r = spawnSync(file, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `cannot run: ${r.error.message}`;
  return (r.stdout.split('\n')[0] ?? '').trim();
}
