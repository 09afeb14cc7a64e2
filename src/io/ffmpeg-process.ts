import { spawn, type ChildProcess } from 'node:child_process';

/** An ffmpeg run that failed; `reason` is the tail of its own log, which says why. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    /** Whether the decoder (input) or a muxer/encoder (output) failed. */
    readonly side: 'input' | 'output',
  ) {
    super(reason ? `${message}\nffmpeg said:\n${indent(reason)}` : message);
    this.name = 'FfmpegError';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A spawned ffmpeg whose stderr is kept (last lines) for error messages and parsed by the caller. */
export class FfmpegProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private readonly tail: string[] = [];
  private partial = '';
  private readonly lineListeners: Array<(line: string) => void> = [];
  private exitInfo: Exit | null = null;

  constructor(
    ffmpeg: string,
    readonly args: readonly string[],
    stdio: { stdin: 'pipe' | 'inherit' | 'ignore'; stdout: 'pipe' | 'inherit' | 'ignore' },
    private readonly keepLines = 12,
  ) {
    // Own process group: a terminal's Ctrl-C reaches ledpipe only, which then stops ffmpeg in order.
    this.child = spawn(ffmpeg, args, { stdio: [stdio.stdin, stdio.stdout, 'pipe'], detached: true });
    this.exited = new Promise<Exit>((resolve) => {
      this.child.on('error', (err) => {
        this.push(`cannot run ${ffmpeg}: ${err.message}`);
        // 'close' may not follow a spawn failure; settle here too.
        this.exitInfo ??= { code: null, signal: null };
        resolve(this.exitInfo);
      });
      this.child.on('close', (code, signal) => {
        this.flush();
        this.exitInfo ??= { code, signal };
        resolve(this.exitInfo);
      });
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => {
      const lines = (this.partial + text).split(/\r\n|\n|\r/);
      this.partial = lines.pop() ?? '';
      for (const l of lines) this.push(l);
    });
    // stdin EPIPE (ffmpeg gone) is reported through the exit status, not as an uncaught error.
    this.child.stdin?.on('error', () => undefined);
  }

  get exit(): Exit | null {
    return this.exitInfo;
  }

  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  /** The last lines ffmpeg logged, progress lines excluded. */
  reason(): string {
    return this.tail.join('\n');
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exitInfo === null && this.child.exitCode === null) this.child.kill(signal);
  }

  private flush(): void {
    if (this.partial) this.push(this.partial);
    this.partial = '';
  }

  private push(line: string): void {
    for (const l of this.lineListeners) l(line);
    if (line.trim() === '' || /^(frame|size)=/.test(line.trim()) || /^\s*(Metadata|encoder|handler_name|major_brand|minor_version|compatible_brands|creation_time)\b/.test(line)) return;
    this.tail.push(line);
    if (this.tail.length > this.keepLines) this.tail.shift();
  }
}

export function describeExit(e: Exit): string {
  if (e.signal) return `was killed by ${e.signal}`;
  if (e.code === null) return 'could not be started';
  return `exited with code ${e.code}`;
}
