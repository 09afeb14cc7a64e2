import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from '../pipeline/frame.js';
import { encodeArgs, encodingFor, isImagePattern, muxArgs, type RawInput, type StreamFormat } from './ffmpeg-args.js';
import { describeExit, FfmpegError, FfmpegProcess } from './ffmpeg-process.js';

/** Where processed frames go. A sink releases each frame once its bytes are handed off. */
export interface FrameSink {
  readonly description: string;
  /** Resolves when the frame's bytes are written (or handed to the OS) and the frame is released. */
  write(frame: Frame): Promise<void>;
  /** Flushes and closes; a file sink renames its temporary file to the final name here. */
  end(): Promise<void>;
  /** Gives up: stops any child, removes a temporary file. Never throws. */
  abort(): Promise<void>;
}

/** The reader of our output went away (EPIPE, e.g. `| head -c`): end quietly, not an error. */
export class OutputClosedError extends Error {
  constructor(what: string) {
    super(`${what} was closed by its reader`);
    this.name = 'OutputClosedError';
  }
}

function writeAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let offset = 0;
    const step = (): void => {
      fs.write(fd, buf, offset, buf.length - offset, null, (err, n) => {
        if (err) {
          // A non-blocking stdout (set by whoever started us) fills up: wait for the reader.
          if (err.code === 'EAGAIN') return void setTimeout(step, 1);
          return reject(err.code === 'EPIPE' ? new OutputClosedError('stdout') : err);
        }
        offset += n;
        if (offset < buf.length) step();
        else resolve();
      });
    };
    step();
  });
}

/**
 * Headerless frames straight to a file descriptor (stdout). Writes go through libuv's thread pool,
 * so a slow reader blocks a worker thread, not the event loop, and stops the pipeline by backpressure.
 */
export class RawFdSink implements FrameSink {
  readonly description: string;
  constructor(
    private readonly fd: number,
    label = 'stdout',
  ) {
    this.description = `raw frames to ${label}`;
  }

  async write(frame: Frame): Promise<void> {
    try {
      await writeAll(this.fd, frame.data);
    } finally {
      frame.release();
    }
  }

  async end(): Promise<void> {}
  async abort(): Promise<void> {}
}

/** Frames into an ffmpeg child's stdin: a muxer to our stdout, or an encoder to a file. */
class FfmpegSink implements FrameSink {
  protected readonly proc: FfmpegProcess;
  private failed: Error | null = null;

  constructor(
    ffmpeg: string,
    args: string[],
    stdout: 'inherit' | 'ignore',
    readonly description: string,
  ) {
    this.proc = new FfmpegProcess(ffmpeg, args, { stdin: 'pipe', stdout });
  }

  write(frame: Frame): Promise<void> {
    const stdin = this.proc.child.stdin;
    if (!stdin || stdin.destroyed || this.proc.exit) {
      frame.release();
      return this.childGone();
    }
    return new Promise((resolve, reject) => {
      stdin.write(frame.data, (err) => {
        frame.release();
        if (err) this.childGone().then(resolve, reject);
        else resolve();
      });
    });
  }

  /** The child stopped taking frames: find out why from how it exited. */
  protected async childGone(): Promise<void> {
    if (this.failed) throw this.failed;
    const e = await this.proc.exited;
    this.failed = this.explain(e.code, e.signal, 'stopped accepting frames');
    throw this.failed;
  }

  protected explain(code: number | null, signal: NodeJS.Signals | null, what: string): Error {
    if (signal === 'SIGPIPE' || /Broken pipe|EPIPE/i.test(this.proc.reason())) return new OutputClosedError('stdout');
    return new FfmpegError(`ffmpeg (${this.description}) ${what}: it ${describeExit({ code, signal })}`, this.proc.reason(), code, signal, 'output');
  }

  async end(): Promise<void> {
    if (this.failed) throw this.failed;
    this.proc.child.stdin?.end();
    const e = await this.proc.exited;
    if (e.code !== 0) throw this.explain(e.code, e.signal, 'failed to finish');
  }

  async abort(): Promise<void> {
    this.proc.child.stdin?.destroy();
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }
}

/** NUT (rawvideo RGB, lossless) or Y4M on our stdout through an ffmpeg muxer that inherits it. */
export class StreamSink extends FfmpegSink {
  constructor(ffmpeg: string, raw: RawInput, format: StreamFormat) {
    super(ffmpeg, muxArgs(raw, format), 'inherit', `${format} stream to stdout`);
  }
}

/**
 * Encodes to a file chosen by extension. ffmpeg writes a temporary name in the same folder, which
 * is renamed over the target only after ffmpeg has finished cleanly: a reader never sees half a file.
 * A single image name keeps the last frame (`-update 1`); image2 patterns (frame%04d.png) write one
 * complete file per frame and are not renamed.
 */
export class FileSink extends FfmpegSink {
  readonly tempPath: string | null;

  constructor(
    ffmpeg: string,
    raw: RawInput,
    readonly target: string,
  ) {
    const encoding = encodingFor(target, raw.pixFmt);
    const pattern = isImagePattern(target);
    const temp = pattern ? null : tempName(target);
    super(ffmpeg, encodeArgs(raw, temp ?? target, encoding, encoding.image && !pattern), 'ignore', `encoding ${target}`);
    this.tempPath = temp;
  }

  override async end(): Promise<void> {
    try {
      await super.end();
    } catch (err) {
      this.removeTemp();
      throw err;
    }
    if (this.tempPath) fs.renameSync(this.tempPath, this.target);
  }

  override async abort(): Promise<void> {
    await super.abort();
    this.removeTemp();
  }

  private removeTemp(): void {
    if (this.tempPath) fs.rmSync(this.tempPath, { force: true });
  }
}

/** `dir/.name.ledpipe-<pid>.ext`: same folder (rename stays atomic), same extension (ffmpeg's guess). */
export function tempName(target: string): string {
  const dir = path.dirname(target);
  const ext = path.extname(target);
  const base = path.basename(target, ext);
  return path.join(dir, `.${base}.ledpipe-${process.pid}${ext}`);
}
