/**
 * The SR / denoise stage: runs an ONNX model from the registry on every frame (tiled when the frame
 * is larger than the card's tile size), with a degradation ladder from the model's family down to the
 * native Lanczos upscale. Frames of the new size come from a pool the stage owns; the input frame is
 * released when the new frame is returned. x1 (denoise / restore) models keep the size.
 */
import { FramePool } from '../pipeline/frame-pool.js';
import type { Frame } from '../pipeline/frame.js';
import type { FrameGeometry, Stage } from '../pipeline/stage.js';
import { ModelFileWatch } from './sr-model-watch.js';
import { BACKEND_NAMES, type Backend, type BackendName, type SessionOptions } from '../inference/backend.js';
import { OnnxRuntimeBackend } from '../inference/onnxruntime-backend.js';
import { loadWithFallback, selectBackend } from '../inference/select.js';
import { MODEL_SCALES, type ModelCard, type ModelScale } from '../models/model-card.js';
import { defaultModelRegistry, displayPath, ModelNotFoundError, type ModelRegistry, type RegisteredModel } from '../models/registry.js';
import { nativeStatus } from '../native/index.js';
import { StageConfigError, type StageContext, type StageFactory, type StageFlag, type StageFlagValues } from './registry.js';
import { ModelRung, PassthroughRung, ResizeRung, UnloadedModelRung, type SrRung, type StreamGeometry } from './sr-rungs.js';

export interface SrStageOptions {
  /** Model id or path (`.onnx`, or its `.json` card). Default: the registry's default for `scale`. */
  readonly model?: string;
  /** 1, 2 or 4. With `model`, must equal the card's scale; without, picks the default model. Default 2. */
  readonly scale?: number;
  /** Inference backend (e.g. a selection/fallback chain); default: `backendName`, else ONNX Runtime (CPU). */
  readonly backend?: Backend;
  /** A backend by name from src/inference (no fallback); used when `backend` is not given. */
  readonly backendName?: BackendName;
  /** Intra-op threads per model; default: the backend's default (all cores). */
  readonly threads?: number;
  /** Model lookup; default the package's models/ folder. */
  readonly registry?: ModelRegistry;
  /** Live: a model that fails at load or run falls back to the Lanczos rung, logged once. Default `ctx.live`. */
  readonly live?: boolean;
  /** Output frames the stage's pool holds: must cover frames in flight downstream. Default 6. */
  readonly poolCapacity?: number;
  /** Include the family's lower tiers in the ladder. Default true. */
  readonly ladder?: boolean;
  /** Add a native bicubic (Catmull-Rom) rung after Lanczos. Default false. */
  readonly bicubicRung?: boolean;
  /** Warnings (live-mode fallbacks). Default `ctx.log.warn`. */
  readonly log?: (message: string) => void;
  /** Stage name. Default 'sr'. */
  readonly name?: string;
  /** Watch the model files and reload a changed one between frames (default true). */
  readonly watch?: boolean;
}

const DEFAULT_POOL_CAPACITY = 6;

function optionError(field: string, expected: string, got: unknown): RangeError {
  return new RangeError(`sr.${field}: expected ${expected}, got ${typeof got === 'string' ? `'${got}'` : String(got)}`);
}

/** Checks the options object; errors name the dotted field, what is allowed and what was received. */
export function validateSrOptions(o: SrStageOptions): void {
  if (o.model !== undefined && (typeof o.model !== 'string' || o.model.trim() === '')) throw optionError('model', 'a model id or a path to an .onnx file', o.model);
  if (o.scale !== undefined && !MODEL_SCALES.includes(o.scale as ModelScale)) throw optionError('scale', '1, 2 or 4', o.scale);
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 256)) throw optionError('threads', 'an integer from 1 to 256', o.threads);
  if (o.poolCapacity !== undefined && (!Number.isInteger(o.poolCapacity) || o.poolCapacity < 1 || o.poolCapacity > 64)) throw optionError('poolCapacity', 'an integer from 1 to 64', o.poolCapacity);
  if (o.backendName !== undefined && !BACKEND_NAMES.includes(o.backendName)) throw optionError('backend', BACKEND_NAMES.join(', '), o.backendName);
}

export class SrStage implements Stage {
  readonly name: string;
  readonly modes: readonly string[];
  readonly outputWidth: number;
  readonly outputHeight: number;
  /** The rung that produced the last frame ('quality', 'lanczos', ...), null before the first. */
  lastRung: string | null = null;
  /** Frames per rung name, for stats. */
  readonly rungCounts: Record<string, number> = {};
  /** Model failures that sent frames to the fallback rung (live mode). */
  failures = 0;

  private modeIndex = 0;
  private readonly broken = new Set<SrRung>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly input: StreamGeometry,
    readonly scale: ModelScale,
    private readonly rungs: SrRung[],
    private readonly fallback: SrRung,
    private readonly pool: FramePool | null,
    private readonly live: boolean,
    private readonly log: (message: string) => void,
    name = 'sr',
  ) {
    this.name = name;
    this.modes = rungs.map((r) => r.name);
    this.outputWidth = input.width * scale;
    this.outputHeight = input.height * scale;
    for (const m of this.modes) this.rungCounts[m] = 0;
    this.markUnloaded();
  }

  /** Frames leave at the model's scale, in the input's format. */
  get output(): FrameGeometry {
    return { width: this.outputWidth, height: this.outputHeight, format: this.input.format };
  }

  /** The card of the model at the top of the ladder (null when it failed to load in live mode). */
  get model(): ModelCard | null {
    const top = this.rungs[0];
    return top instanceof ModelRung ? top.card : null;
  }

  /** The model rungs that loaded, best first. */
  get modelRungs(): readonly ModelRung[] {
    return this.rungs.filter((r): r is ModelRung => r instanceof ModelRung);
  }

  get mode(): string {
    return this.modes[this.modeIndex]!;
  }

  setMode(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.modes.length) {
      throw new RangeError(`${this.name}.setMode: expected an integer from 0 to ${this.modes.length - 1}, got ${index}`);
    }
    this.modeIndex = index;
  }

  process(frame: Frame): Promise<Frame> {
    // One frame at a time even when a library caller does not wait: the rungs reuse their buffers.
    const run = this.queue.then(() => this.processOne(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async processOne(frame: Frame): Promise<Frame> {
    if (this.closed) throw new Error(`stage '${this.name}' is closed`);
    const { width, height, format } = this.input;
    if (frame.width !== width || frame.height !== height || frame.format !== format) {
      throw new Error(`stage '${this.name}' was built for ${width}x${height} ${format} frames, got ${frame.width}x${frame.height} ${frame.format}`);
    }
    let rung = this.rungs[this.modeIndex]!;
    if (this.broken.has(rung)) rung = this.fallback;
    if (rung.kind === 'passthrough') return this.count(rung, frame);
    const out = await this.pool!.acquireFrame(frame.seq, frame.ptsMs);
    try {
      try {
        await rung.process(frame, out.data);
      } catch (err) {
        if (!this.live || rung === this.fallback) throw err;
        this.markBroken(rung, err);
        rung = this.fallback;
        if (rung.kind === 'passthrough') {
          out.release();
          return this.count(rung, frame);
        }
        await rung.process(frame, out.data);
      }
    } catch (err) {
      out.release();
      throw err;
    }
    frame.release();
    return this.count(rung, out);
  }

  /**
   * Puts `next` in place of `old` on the ladder between two frames (a reloaded model file), and closes
   * `old`. A rung that had failed is usable again once replaced.
   */
  swapRung(old: SrRung, next: SrRung): Promise<void> {
    const run = this.queue.then(async () => {
      const i = this.rungs.indexOf(old);
      if (i < 0 || this.closed) {
        await next.close();
        return;
      }
      this.rungs[i] = next;
      this.broken.delete(old);
      await old.close();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Model-file watches (closed with the stage). */
  readonly watches: ModelFileWatch[] = [];

  /** Bypass and live-mode failures: the frame through the last rung (native Lanczos), at the output size. */
  passThrough(frame: Frame): Promise<Frame> {
    const run = this.queue.then(async () => {
      if (this.closed) throw new Error(`stage '${this.name}' is closed`);
      if (this.fallback.kind === 'passthrough') return this.count(this.fallback, frame);
      const out = await this.pool!.acquireFrame(frame.seq, frame.ptsMs);
      try {
        await this.fallback.process(frame, out.data);
      } catch (err) {
        out.release();
        throw err;
      }
      frame.release();
      return this.count(this.fallback, out);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private count(rung: SrRung, frame: Frame): Frame {
    this.lastRung = rung.name;
    this.rungCounts[rung.name] = (this.rungCounts[rung.name] ?? 0) + 1;
    return frame;
  }

  private markBroken(rung: SrRung, err: unknown, phase: 'load' | 'run' = 'run'): void {
    if (phase === 'run') this.failures++;
    if (this.broken.has(rung)) return;
    this.broken.add(rung);
    const what = rung instanceof ModelRung || rung instanceof UnloadedModelRung ? `model ${displayPath(rung.modelPath)} (rung '${rung.name}')` : `rung '${rung.name}'`;
    this.log(`${this.name}: ${what} failed${phase === 'load' ? ' to load' : ''}, using '${this.fallback.name}' from now on: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Marks the rungs whose model failed to load (live mode): their frames go to the fallback. */
  private markUnloaded(): void {
    for (const r of this.rungs) if (r instanceof UnloadedModelRung) this.markBroken(r, r.error, 'load');
  }

  /** Reports, once, that no model could be resolved at all (live mode). */
  noModel(err: unknown): void {
    this.log(`${this.name}: no usable model, using '${this.fallback.name}': ${err instanceof Error ? err.message : String(err)}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watches) await w.close();
    await this.queue;
    for (const r of new Set([...this.rungs, this.fallback])) await r.close();
  }
}

/**
 * Builds the stage for a stream: resolves the model, loads its ladder (each model warmed up once),
 * and allocates the output pool. Offline, a bad model rejects with ModelLoadError / ModelCardError
 * naming the file; live, it is logged once and frames go to the Lanczos rung.
 */
export async function createSrStage(ctx: StageContext, options: SrStageOptions = {}): Promise<SrStage> {
  validateSrOptions(options);
  const live = options.live ?? ctx.live;
  const log = options.log ?? ((m: string) => ctx.log.warn(m));
  const registry = options.registry ?? defaultModelRegistry();
  // An injected backend wins; a named one must be available here (BackendUnavailableError says why not).
  const backend = options.backend ?? (options.backendName !== undefined ? selectBackend(options.backendName) : new OnnxRuntimeBackend());
  const sessionOptions: SessionOptions = options.threads !== undefined ? { threads: options.threads } : {};
  const geometry: StreamGeometry = { width: ctx.width, height: ctx.height, format: ctx.format };
  const name = options.name ?? 'sr';
  const wanted = options.scale as ModelScale | undefined;

  let ladder: RegisteredModel[] = [];
  let loadError: unknown = null;
  try {
    const top = options.model !== undefined ? await registry.getModel(options.model, sessionOptions, backend) : registry.defaultModelFor(wanted ?? 2);
    if (!top) throw new ModelNotFoundError(`${name}: no x${wanted ?? 2} model in ${registry.dirs.map(displayPath).join(', ')}; give --model ID|PATH`);
    if (wanted !== undefined && top.card.scale !== wanted) {
      throw new RangeError(`${displayPath(top.cardPath ?? top.modelPath)}: scale: the model is x${top.card.scale} but --scale ${wanted} was asked for`);
    }
    ladder = options.ladder === false ? [top] : registry.ladderFor(top);
  } catch (err) {
    if (!live) throw err;
    loadError = err;
  }
  const scale: ModelScale = ladder[0]?.card.scale ?? wanted ?? 2;
  const outW = ctx.width * scale;
  const outH = ctx.height * scale;
  const fallback: SrRung = scale === 1 ? new PassthroughRung('passthrough') : new ResizeRung('lanczos', 'lanczos3', geometry, outW, outH);
  const lower: SrRung[] = [fallback];
  if (scale > 1 && options.bicubicRung) lower.push(new ResizeRung('bicubic', 'cubic', geometry, outW, outH));

  const rungs: SrRung[] = [];
  try {
    for (const m of ladder) {
      try {
        rungs.push(await ModelRung.load(m.card.inferred ? 'model' : m.card.tier, m, backend, geometry, sessionOptions));
      } catch (err) {
        if (!live) throw err;
        // Keep the rung's place on the ladder; frames there go to the fallback.
        rungs.push(new UnloadedModelRung(m.card.inferred ? 'model' : m.card.tier, m.modelPath, err));
      }
    }
  } catch (err) {
    for (const r of rungs) await r.close();
    throw err;
  }
  rungs.push(...lower);
  const pool = scale === 1 && rungs.every((r) => r.kind === 'passthrough') ? null : new FramePool(outW, outH, ctx.format, options.poolCapacity ?? DEFAULT_POOL_CAPACITY);
  const stage = new SrStage(geometry, scale, rungs, fallback, pool, live, log, name);
  if (loadError) stage.noModel(loadError);
  if (options.watch ?? true) {
    const notices = { info: (m: string) => ctx.log.info(m), warn: log };
    ladder.forEach((m, i) => {
      let serving = rungs[i]!;
      const target = {
        load: () => ModelRung.load(serving.name, m, backend, geometry, sessionOptions),
        swap: async (next: SrRung) => {
          await stage.swapRung(serving, next);
          serving = next;
        },
      };
      stage.watches.push(new ModelFileWatch(m, target, notices, name).start());
    });
  }
  return stage;
}

/** Injected defaults for the `sr` entry in the stage registry; the CLI flags override them. */
export type SrStageFactoryOptions = Omit<SrStageOptions, 'model' | 'scale' | 'threads' | 'backendName'>;

/** The flags the `sr` stage owns (the CLI parses them, the stage validates them). */
export const SR_STAGE_FLAGS: readonly StageFlag[] = [
  { name: 'model', type: 'string', value: 'ID|PATH', description: 'sr: model id from `ledpipe models`, or a path to an .onnx file (its card is inferred if it has none)' },
  { name: 'scale', type: 'string', value: '1|2|4', description: 'sr: upscale factor (default: the model\'s; 2 without --model)' },
  { name: 'backend', type: 'string', value: BACKEND_NAMES.join('|'), description: 'sr: inference backend (default: the first available, falling back when one cannot load the model)' },
  { name: 'threads', type: 'string', value: 'N', description: 'sr: inference threads per model (default: all cores)' },
];

/** Parses the flag values; bad values throw StageConfigError naming the flag (exit 2). */
function srFlags(values: StageFlagValues): Pick<SrStageOptions, 'model' | 'scale' | 'threads' | 'backendName'> {
  const text = (name: string): string | undefined => {
    const v = values[name];
    if (v === undefined || v === false) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new StageConfigError(`--${name}: expected a value`);
    return v.trim();
  };
  const out: { model?: string; scale?: number; threads?: number; backendName?: BackendName } = {};
  const model = text('model');
  if (model !== undefined) out.model = model;
  const scale = text('scale');
  if (scale !== undefined) {
    if (!['1', '2', '4'].includes(scale)) throw new StageConfigError(`--scale: expected 1, 2 or 4, got '${scale}'`);
    out.scale = Number(scale);
  }
  const threads = text('threads');
  if (threads !== undefined) {
    if (!/^\d+$/.test(threads) || Number(threads) < 1 || Number(threads) > 256) throw new StageConfigError(`--threads: expected an integer from 1 to 256, got '${threads}'`);
    out.threads = Number(threads);
  }
  const backend = text('backend');
  if (backend !== undefined) {
    if (!BACKEND_NAMES.includes(backend as BackendName)) throw new StageConfigError(`--backend: expected ${BACKEND_NAMES.join(', ')}, got '${backend}'`);
    out.backendName = backend as BackendName;
  }
  return out;
}

/**
 * The backend the CLI uses: `--backend NAME` forced (no fallback), else the selection/fallback chain
 * of src/inference (first available backend; the next one when a backend cannot load the model or
 * fails its first run, which is the stage's warm-up).
 */
function cliBackend(forced: BackendName | undefined, log: (message: string) => void): Backend {
  if (forced !== undefined) return selectBackend(forced);
  const first = selectBackend();
  return { name: first.name, probe: () => first.probe(), load: (modelPath, options) => loadWithFallback(modelPath, { ...options }, log) };
}

/**
 * The `sr` entry for src/stages/registry.ts. Flags: --model ID|PATH, --scale 1|2|4, --backend NAME,
 * --threads N. Unavailable (so left out of the default `--stages`) without the native addon, without
 * a usable backend, or without any model for the scale when --model is not given.
 */
export function srStageFactory(options: SrStageFactoryOptions = {}): StageFactory {
  // Nothing module-level is touched until a method runs: registry.ts may call this while this module
  // is still being evaluated (the two import each other).
  const name = options.name ?? 'sr';
  return {
    name,
    description: 'AI super-resolution / denoise (ONNX model; ladder down to native Lanczos)',
    get flags(): readonly StageFlag[] {
      return SR_STAGE_FLAGS;
    },
    unavailableReason(values: StageFlagValues): string | null {
      let flags: ReturnType<typeof srFlags>;
      try {
        flags = srFlags(values);
      } catch (err) {
        return `has a bad flag: ${err instanceof Error ? err.message : String(err)}`;
      }
      const native = nativeStatus();
      if (!native.available) return `needs the native addon (${native.reason ?? 'not loaded'}); build it with \`node scripts/build-native.mjs\``;
      if (!options.backend) {
        try {
          selectBackend(flags.backendName);
        } catch (err) {
          return `cannot run: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      // Changing the frame size is never a default: a filter with no flags passes the picture through.
      if (flags.model === undefined && flags.scale === undefined) return 'needs --model ID|PATH or --scale 1|2|4 (or a --profile that picks a model)';
      if (flags.model === undefined) {
        const registry = options.registry ?? defaultModelRegistry();
        const scale = (flags.scale ?? 2) as ModelScale;
        if (!registry.defaultModelFor(scale)) return `needs --model ID|PATH: no x${scale} model in ${registry.dirs.map(displayPath).join(', ')}`;
      }
      return null;
    },
    async create(ctx: StageContext, values: StageFlagValues): Promise<SrStage> {
      const flags = srFlags(values);
      const log = options.log ?? ((m: string) => ctx.log.warn(m));
      let backend = options.backend;
      if (!backend) {
        try {
          backend = cliBackend(flags.backendName, log);
        } catch (err) {
          throw new StageConfigError(`--backend: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      try {
        return await createSrStage(ctx, { ...options, ...flags, backend, log });
      } catch (err) {
        // A model that is not there or does not fit the flags is a usage error (exit 2); a broken
        // model file stays a ModelLoadError / ModelCardError naming the file.
        if (err instanceof ModelNotFoundError || err instanceof RangeError) throw new StageConfigError(err.message);
        throw err;
      }
    },
  };
}
