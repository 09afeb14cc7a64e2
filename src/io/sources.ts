import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import type { Frame, PixelFormat } from '../pipeline/frame.js';
import { decodeArgs } from './ffmpeg-args.js';
import { describeExit, FfmpegError, FfmpegProcess } from './ffmpeg-process.js';
import { readFrames } from './frame-reader.js';
import { ThreadedReader } from './threaded-reader.js';

export interface SourceInfo {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** The source's frame rate, or null when it does not say (then the pipeline assumes 60). */
  readonly fps: number | null;
  readonly durationMs: number | null;
  /** Frames expected in total when the duration is known (for progress). */
  readonly expectedFrames: number | null;
  readonly description: string;
}

export interface FrameSource {
  readonly info: SourceInfo;
  readonly frames: Observable<Frame>;
  /** Stop reading (SIGINT/SIGTERM): frames already read still flow, then the stream completes. */
  stop(): void;
}

export interface DecoderOptions {
  readonly input: string;
  readonly format: PixelFormat;
  readonly capacity: number;
  /** Read a file at its native rate (live mode on a file). */
  readonly nativeRate: boolean;
  /** Overrides the frame rate ffmpeg reports. */
  readonly fps?: number;
}

const STREAM_RE = /Stream #0:\d+.*?: Video: rawvideo[^,]*(?:\([^)]*\))?,\s*(rgb24|rgb48le)[^,]*,\s*(\d+)x(\d+)/;
const FPS_RE = /,\s*([\d.]+)(k?) (fps|tbr)/;
const DURATION_RE = /Duration:\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)/;

/** Parses ffmpeg's log of a decode-to-rawvideo run; exported for tests. */
export function parseOutputStream(line: string): { width: number; height: number; format: PixelFormat; fps: number | null } | null {
  const m = STREAM_RE.exec(line);
  if (!m) return null;
  const f = FPS_RE.exec(line);
  const fps = f ? Number(f[1]) * (f[2] === 'k' ? 1000 : 1) : null;
  const width = Number(m[2]);
  const height = Number(m[3]);
  // ffmpeg's own limit is 16384 per side for most codecs; anything beyond is a misparse, not a frame.
  if (!(width >= 1 && width <= 65536 && height >= 1 && height <= 65536)) return null;
  return { format: m[1] as PixelFormat, width, height, fps: fps && Number.isFinite(fps) && fps > 0 ? fps : null };
}

export function parseDuration(line: string): number | null {
  const m = DURATION_RE.exec(line);
  return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 : null;
}

/**
 * Decodes anything ffmpeg reads (file, URL, image, '-' for stdin) to RGB frames. Resolves once
 * ffmpeg has opened the input and announced the output geometry; rejects with ffmpeg's own reason
 * when it cannot.
 */
export async function openDecoder(ffmpeg: string, o: DecoderOptions): Promise<FrameSource> {
  // Fast path: ffmpeg writes into a FIFO that a worker thread reads with blocking read() calls
  // straight into shared frame buffers; the fallback is ffmpeg's stdout pipe and stream events.
  const fifoDir = ThreadedReader.available() ? makeFifo() : null;
  const fifo = fifoDir ? path.join(fifoDir, 'frames') : null;
  const reader = fifo ? new ThreadedReader(fifo) : null;
  const cleanup = (): void => {
    if (fifoDir) fs.rmSync(fifoDir, { recursive: true, force: true });
  };
  const proc = new FfmpegProcess(ffmpeg, decodeArgs({ input: o.input, pixFmt: o.format, nativeRate: o.nativeRate, ...(fifo ? { output: fifo } : {}) }), {
    stdin: o.input === '-' ? 'inherit' : 'ignore',
    stdout: fifo ? 'ignore' : 'pipe',
  });
  const label = o.input === '-' ? 'stdin' : `'${o.input}'`;
  let durationMs: number | null = null;
  let inOutput = false;
  let geometry: { width: number; height: number; format: PixelFormat; fps: number | null };
  try {
    geometry = await new Promise((resolve, reject) => {
      proc.onLine((line) => {
        if (!inOutput) {
          durationMs ??= parseDuration(line);
          if (/^Output #0/.test(line)) inOutput = true;
          return;
        }
        const g = parseOutputStream(line);
        if (g) {
          inOutput = false;
          resolve(g);
        }
      });
      void proc.exited.then((e) => reject(new FfmpegError(`cannot decode input ${label}: ffmpeg ${describeExit(e)} before producing a frame`, proc.reason(), e.code, e.signal, 'input')));
    });
  } catch (err) {
    reader?.abandon();
    cleanup();
    throw err;
  }
  const fps = o.fps ?? geometry.fps;
  let stopping = false;
  const onEnd = async (frames: number, leftover: number): Promise<Error | null> => {
    cleanup();
    if (stopping) {
      proc.kill();
      await proc.exited;
      return null;
    }
    const e = await proc.exited;
    if (e.code === 0 && leftover === 0) return null;
    const where = `after frame ${frames} (${frames} complete frames delivered${leftover ? `, ${leftover} bytes of frame ${frames + 1} discarded` : ''})`;
    return new FfmpegError(`decoding ${label} failed: ffmpeg ${describeExit(e)} ${where}`, proc.reason(), e.code, e.signal, 'input');
  };
  const geo = { ...geometry, fps: fps ?? 60 };
  const stream = reader ? reader.frames(geo, o.capacity, onEnd) : readFrames(proc.child.stdout as Readable, geo, { capacity: o.capacity, onEnd });
  // Both ends have the FIFO open once the header is out; its name is no longer needed.
  if (reader) void reader.opened.then(cleanup, cleanup);
  const expectedFrames = durationMs !== null && fps ? Math.max(1, Math.round((durationMs / 1000) * fps)) : null;
  return {
    info: { ...geometry, fps, durationMs, expectedFrames, description: `${label} via ffmpeg` },
    frames: stream.frames,
    stop: () => {
      stopping = true;
      stream.stop();
      proc.kill();
    },
  };
}

/** A private folder holding a FIFO, or null where FIFOs cannot be made (then stdout pipes are used). */
function makeFifo(): string | null {
  if (process.platform === 'win32') return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-'));
  const r = spawnSync('mkfifo', ['-m', '600', path.join(dir, 'frames')]);
  if (r.status === 0) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  return null;
}

export interface RawSourceOptions {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly fps: number;
  readonly capacity: number;
  /** Names the input in errors, e.g. 'stdin'. */
  readonly label: string;
}

export class LeftoverBytesError extends Error {
  constructor(
    readonly label: string,
    readonly frames: number,
    readonly leftoverBytes: number,
    readonly frameBytes: number,
  ) {
    super(
      `${label}: ${leftoverBytes} bytes left over after ${frames} complete frames of ${frameBytes} bytes each; ` +
        'the raw input is not a whole number of frames (check --size and --pix-fmt)',
    );
    this.name = 'LeftoverBytesError';
  }
}

/** Headerless interleaved RGB from a byte stream (stdin), framed by the size the user gave. */
export function openRawSource(input: Readable, o: RawSourceOptions): FrameSource {
  let stopping = false;
  const frameSize = o.width * o.height * (o.format === 'rgb24' ? 3 : 6);
  // Stream events, not the worker reader: a worker blocked in read() on a quiet live feed could
  // not be stopped, and would hold up process exit after SIGINT.
  const stream = readFrames(input, o, {
    capacity: o.capacity,
    onEnd: (frames, leftover) => (leftover > 0 && !stopping ? new LeftoverBytesError(o.label, frames, leftover, frameSize) : null),
  });
  return {
    info: { width: o.width, height: o.height, format: o.format, fps: o.fps, durationMs: null, expectedFrames: null, description: `raw ${o.format} ${o.width}x${o.height} on ${o.label}` },
    frames: stream.frames,
    stop: () => {
      stopping = true;
      stream.stop();
    },
  };
}
