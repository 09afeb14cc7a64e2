import { parseArgs } from 'node:util';
import type { PixelFormat } from '../pipeline/frame.js';
import { parseCanvasSize, parseRegionSpec, RegionError, type RegionSpec } from '../pipeline/canvas-region.js';
import { parseOverrunPolicySpec, type OverrunPolicySpec } from '../pipeline/overrun-policy.js';
import { stageFlags, type StageFlagValues } from '../stages/registry.js';

/** A bad flag or value: exit code 2, and the message names the flag and what it accepts. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OutputFormat = 'raw' | 'nut' | 'y4m';
export type LogLevel = 'quiet' | 'error' | 'warn' | 'info' | 'debug';
const LOG_LEVELS: readonly LogLevel[] = ['quiet', 'error', 'warn', 'info', 'debug'];

export interface RunOptions {
  /** A file, URL or image; '-' is stdin. Null means stdin when it is not a terminal. */
  readonly input: string | null;
  readonly output: string | null;
  readonly outputFormat: OutputFormat | null;
  /** Raw (headerless) stdin geometry; only with --size. */
  readonly size: { width: number; height: number } | null;
  readonly pixFmt: PixelFormat;
  readonly fps: number | null;
  /** Stage names in order; empty = pass-through. Null = the default list. */
  readonly stages: readonly string[] | null;
  /** null: live for stdin, offline for files. */
  readonly realtime: boolean | null;
  readonly onOverrun: OverrunPolicySpec;
  /** Whether --on-overrun was given (a profile's policy applies only when it was not). */
  readonly onOverrunGiven: boolean;
  /** --profile NAME|FILE: a screen profile that fills the settings not given as flags. */
  readonly profile: string | null;
  readonly maxInFlight: number;
  /** After SIGINT/SIGTERM, how long frames in flight may take to drain before they are abandoned. */
  readonly shutdownTimeoutMs: number;
  readonly stats: string | null;
  readonly statsIntervalMs: number;
  readonly progress: boolean;
  readonly logLevel: LogLevel;
  /** Values of the flags the stages own (--lut, --model, ...), validated by the stages. */
  readonly stageFlags: StageFlagValues;
  /** --region x,y,w,h: this instance drives that window of the wall's canvas (docs/SCALING.md). */
  readonly region: RegionSpec | null;
  /** --canvas WxH: the whole wall (default: the --calibration file's geometry). */
  readonly canvas: { width: number; height: number } | null;
}

export type Command =
  | { kind: 'run'; options: RunOptions }
  | { kind: 'doctor'; json: boolean }
  | { kind: 'backends'; json: boolean }
  | { kind: 'profile'; args: readonly string[] }
  | { kind: 'models'; args: readonly string[] }
  | { kind: 'calibrate'; args: readonly string[] }
  | { kind: 'help' }
  | { kind: 'version' };

export function help(): string {
  const lines = stageFlags().map((f) => `      --${f.name}${f.value ? ` ${f.value}` : ''}`.padEnd(34) + f.description);
  return HELP_TEXT.replace('STAGE_FLAGS\n', lines.length ? `stages:\n${lines.join('\n')}\n` : '');
}

const HELP_TEXT = `ledpipe: real-time video enhancement for LED video walls

usage:
  ledpipe -i show.mp4 -o out.mkv --profile rental-stage   one click: settings from the screen profile
  ffmpeg -i show.mp4 -f nut - | ledpipe | ffplay -     Unix filter (NUT in, NUT out)
  ledpipe -i show.mp4 -o out.mkv                       files (any input ffmpeg reads; output by extension)
  ledpipe -i frame.png -o out.png                      images
  cat frames.rgb | ledpipe --size 1920x1080 --pix-fmt rgb24 --fps 60 --output-format raw > out.rgb
  ledpipe doctor [--json]                              which ffmpeg, backends and native build, and why not
  ledpipe models [list|info ID] [--json]               the model registry and model cards
  ledpipe calibrate synth|solve|import|check ...      simulate, measure and solve a full-gray calibration
  ledpipe backends [--json]                            inference backends: available, version, device, or why not
  ledpipe profile list | show NAME | suggest --pitch MM [--ic NAME] [--nits N] [--cct K] [--content WxH] [--json]

input / output:
  -i, --input FILE|URL|-      input (default: stdin when it is a pipe)
  -o, --output FILE           encode to FILE by extension (png, tif, mkv=FFV1 lossless, nut, y4m, mp4, mov, raw)
      --output-format F       raw | nut | y4m for stdout (default nut when stdout is not a terminal)
      --size WxH              stdin is headerless raw RGB of this size (needs --pix-fmt and --fps)
      --pix-fmt F             rgb24 | rgb48le: raw input format and internal depth (default rgb24)
      --fps N                 frame rate: sets the budget (1000/N ms); default from the source, else 60
pipeline:
      --profile NAME|FILE     screen profile (ledpipe profile list): picks model, bit depth, dither, thermal
                              zones and overrun policy for this wall, and logs why; explicit flags win
      --stages LIST           comma list in order, or none (pass-through). Known: sr, calibration, thermal
      --realtime              live mode: paced to the input clock, overrun policies apply (default for stdin)
      --offline               every frame processed, overruns counted (default for files)
      --on-overrun P          drop | degrade | bypass | fail, or per stage: sr=degrade,calibration=bypass
      --max-in-flight N       frames in flight at most, 1..64 (default 4)
      --shutdown-timeout S    after SIGINT/SIGTERM, seconds to drain frames in flight (default 5)
      --region X,Y,W,H        drive this window of a larger wall: calibration, dither and thermal zones
                              in wall coordinates; N instances stitch exactly (docs/SCALING.md)
      --canvas WxH            the whole wall for --region (default: the --calibration file's size)
STAGE_FLAGS
reporting:
      --stats FILE|-          JSON lines: periodic and a final summary (- = stderr); see docs/STATS.md
      --stats-interval S      seconds between periodic lines (default 1)
      --progress              progress bar on stderr when the input length is known
      --log-level L           quiet | error | warn | info | debug (default info)
  -h, --help    --version
`;

function fail(flag: string, message: string): never {
  throw new UsageError(`${flag}: ${message}`);
}

function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!m) fail('--size', `expected WIDTHxHEIGHT such as 1920x1080, got '${text}'`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 1 || height < 1 || width > 16384 || height > 16384) fail('--size', `width and height must be 1..16384, got '${text}'`);
  return { width, height };
}

function parseNumber(flag: string, text: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    fail(flag, `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) fail(flag, `expected one of ${allowed.join(', ')}, got '${text}'`);
  return text as T;
}

export function parseCommandLine(argv: readonly string[]): Command {
  if (argv[0] === 'doctor' || argv[0] === 'backends') {
    const kind = argv[0];
    const rest = argv.slice(1);
    for (const a of rest) if (a !== '--json') throw new UsageError(`${kind}: unknown argument '${a}'; expected --json`);
    return { kind, json: rest.includes('--json') };
  }
  if (argv[0] === 'profile') return { kind: 'profile', args: argv.slice(1) };
  if (argv[0] === 'models') return { kind: 'models', args: argv.slice(1) };
  if (argv[0] === 'calibrate') return { kind: 'calibrate', args: argv.slice(1) };
  if (argv[0] === 'help') return { kind: 'help' };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        input: { type: 'string', short: 'i' },
        output: { type: 'string', short: 'o' },
        'output-format': { type: 'string' },
        size: { type: 'string' },
        'pix-fmt': { type: 'string' },
        fps: { type: 'string' },
        stages: { type: 'string' },
        realtime: { type: 'boolean' },
        offline: { type: 'boolean' },
        'on-overrun': { type: 'string' },
        profile: { type: 'string' },
        'max-in-flight': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        stats: { type: 'string' },
        'stats-interval': { type: 'string' },
        progress: { type: 'boolean' },
        'log-level': { type: 'string' },
        region: { type: 'string' },
        canvas: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        ...Object.fromEntries(stageFlags().map((f) => [f.name, { type: f.type }])),
      },
    });
  } catch (err) {
    // node:util names the flag ("Unknown option '--frob'"); add what to do about it.
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(`${msg.replace(/\. To specify a positional argument.*$/s, '')}; see ledpipe --help`);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  if (v.realtime && v.offline) fail('--realtime', 'cannot be combined with --offline');
  const pixFmt = v['pix-fmt'] === undefined ? 'rgb24' : oneOf('--pix-fmt', v['pix-fmt'], ['rgb24', 'rgb48le'] as const);
  const size = v.size === undefined ? null : parseSize(v.size);
  const fps = v.fps === undefined ? null : parseNumber('--fps', v.fps, 0.001, 1000, false);
  if (size) {
    if (v['pix-fmt'] === undefined) fail('--size', 'raw input also needs --pix-fmt rgb24|rgb48le');
    if (fps === null) fail('--size', 'raw input also needs --fps N');
    if (v.input !== undefined && v.input !== '-') fail('--size', `raw input is read from stdin only; drop -i ${v.input} or drop --size`);
  }
  const outputFormat = v['output-format'] === undefined ? null : oneOf('--output-format', v['output-format'], ['raw', 'nut', 'y4m'] as const);
  if (outputFormat && v.output !== undefined) fail('--output-format', 'applies to stdout only; with -o the format follows the file extension');
  let stages: string[] | null = null;
  if (v.stages !== undefined) {
    const list = v.stages.split(',').map((s) => s.trim());
    if (list.some((s) => s === '')) fail('--stages', `empty name in '${v.stages}'; expected a comma list such as sr,calibration,thermal, or none`);
    stages = list.length === 1 && list[0] === 'none' ? [] : list;
    if (stages.includes('none')) fail('--stages', "'none' cannot be combined with other stages");
  }
  let region: RegionSpec | null = null;
  let canvas: { width: number; height: number } | null = null;
  try {
    if (v.region !== undefined) region = parseRegionSpec(v.region);
    if (v.canvas !== undefined) canvas = parseCanvasSize(v.canvas);
  } catch (err) {
    if (err instanceof RegionError) throw new UsageError(err.message);
    throw err;
  }
  if (canvas && !region) fail('--canvas', 'sizes the wall for --region; give --region X,Y,W,H too');
  let onOverrun: OverrunPolicySpec;
  try {
    onOverrun = parseOverrunPolicySpec(v['on-overrun'] ?? 'degrade');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    kind: 'run',
    options: {
      input: v.input ?? null,
      output: v.output ?? null,
      outputFormat,
      size,
      pixFmt,
      fps,
      stages,
      realtime: v.realtime ? true : v.offline ? false : null,
      onOverrun,
      onOverrunGiven: v['on-overrun'] !== undefined,
      profile: v.profile ?? null,
      maxInFlight: v['max-in-flight'] === undefined ? 4 : parseNumber('--max-in-flight', v['max-in-flight'], 1, 64, true),
      shutdownTimeoutMs: v['shutdown-timeout'] === undefined ? 5000 : parseNumber('--shutdown-timeout', v['shutdown-timeout'], 0.1, 3600, false) * 1000,
      stats: v.stats ?? null,
      statsIntervalMs: v['stats-interval'] === undefined ? 1000 : parseNumber('--stats-interval', v['stats-interval'], 0.05, 3600, false) * 1000,
      progress: v.progress ?? false,
      logLevel: v['log-level'] === undefined ? 'info' : oneOf('--log-level', v['log-level'], LOG_LEVELS),
      stageFlags: Object.fromEntries(stageFlags().map((f) => [f.name, (v as Record<string, string | boolean | undefined>)[f.name]])),
      region,
      canvas,
    },
  };
}
