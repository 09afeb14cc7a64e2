/**
 * Backend choice: TensorRT, then OpenVINO, then ONNX Runtime (BACKEND_NAMES order), the first one
 * available unless one is forced. loadWithFallback() also moves on when a backend cannot load the
 * model or fails on its first run, warning once per step; after a first successful run errors are
 * the caller's to see (a fallback that retries every failure would hide them). A model that breaks
 * the image contract (ModelContractError) or a forced backend never falls back.
 */
import { BACKEND_NAMES, BackendUnavailableError, ModelLoadError, type Backend, type BackendInfo, type BackendName, type InferenceSession, type SessionOptions, type Tensor, type TensorData, type TensorSpec } from './backend.js';
import { checkImageModel, ModelContractError } from './contract.js';
import { OnnxRuntimeBackend } from './onnxruntime-backend.js';
import { OpenVinoBackend } from './openvino-backend.js';
import { TensorRtBackend } from './tensorrt-backend.js';

let defaults: readonly Backend[] | undefined;

/** One instance of each backend, in preference order, shared by the process (probes are cached). */
export function defaultBackends(): readonly Backend[] {
  defaults ??= [new TensorRtBackend(), new OpenVinoBackend(), new OnnxRuntimeBackend()];
  return defaults;
}

function ordered(backends: readonly Backend[]): Backend[] {
  return [...backends].sort((a, b) => BACKEND_NAMES.indexOf(a.name) - BACKEND_NAMES.indexOf(b.name));
}

/** Every backend with whether it can run here and, if not, why: what `ledpipe backends` prints. */
export function listBackends(backends: readonly Backend[] = defaultBackends()): BackendInfo[] {
  return ordered(backends).map((b) => b.probe());
}

/**
 * The forced backend (BackendUnavailableError with its reason when it cannot run here), else the
 * first available one in order. Throws when none is available, with every reason.
 */
export function selectBackend(forced?: BackendName, backends: readonly Backend[] = defaultBackends()): Backend {
  if (forced !== undefined) {
    const backend = backends.find((b) => b.name === forced);
    if (!backend) throw new RangeError(`Expected one of ${BACKEND_NAMES.join(', ')} for backend but received '${String(forced)}'`);
    const info = backend.probe();
    if (!info.available) throw new BackendUnavailableError(forced, info.reason ?? 'unavailable');
    return backend;
  }
  const list = ordered(backends);
  const chosen = list.find((b) => b.probe().available);
  if (chosen) return chosen;
  throw new Error(`no inference backend is available: ${list.map((b) => `${b.name}: ${b.probe().reason ?? 'unavailable'}`).join('; ')}`);
}

export interface FallbackOptions extends SessionOptions {
  /** Use only this backend (no fallback). */
  readonly backend?: BackendName;
  /** Candidates; default defaultBackends(). */
  readonly backends?: readonly Backend[];
}

/** Warnings; default a `ledpipe: warning:` line on stderr. */
export type FallbackLog = (message: string) => void;

const stderrWarning: FallbackLog = (message) => {
  process.stderr.write(`ledpipe: warning: ${message}\n`);
};

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loads `modelPath` on the first available backend that can load it; the session it returns
 * switches to the next backend if the first run fails. Rejects with ModelLoadError listing every
 * backend's reason when none can load it.
 */
export async function loadWithFallback(modelPath: string, opts: FallbackOptions = {}, log: FallbackLog = stderrWarning): Promise<InferenceSession> {
  const { backend: forced, backends = defaultBackends(), ...sessionOptions } = opts;
  if (forced !== undefined) return loadChecked(selectBackend(forced, backends), modelPath, sessionOptions);
  const queue = ordered(backends).filter((b) => b.probe().available);
  if (queue.length === 0) selectBackend(undefined, backends); // throws with every reason
  const chain = new FallbackChain(modelPath, sessionOptions, queue, log);
  const session = await chain.next(null);
  return new FallbackSession(chain, session);
}

/** backend.load plus the image-model contract, whichever backend it is. */
async function loadChecked(backend: Backend, modelPath: string, options: SessionOptions): Promise<InferenceSession> {
  const session = await backend.load(modelPath, options);
  try {
    checkImageModel(modelPath, backend.name, session.input, session.output);
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
  return session;
}

/** The backends still to try for one model. */
class FallbackChain {
  private readonly failures: string[] = [];

  constructor(
    readonly modelPath: string,
    private readonly options: SessionOptions,
    private readonly queue: Backend[],
    private readonly log: FallbackLog,
  ) {}

  /** Loads on the next backend that can; `after` names the failure that led here, if any. */
  async next(after: { backend: BackendName; reason: string } | null): Promise<InferenceSession> {
    if (after) this.failures.push(`${after.backend}: ${after.reason}`);
    while (this.queue.length > 0) {
      const backend = this.queue.shift()!;
      try {
        return await loadChecked(backend, this.modelPath, this.options);
      } catch (err) {
        if (err instanceof ModelContractError) throw err;
        const reason = err instanceof ModelLoadError ? messageOf(err).replace(`${this.modelPath}: `, '') : messageOf(err);
        this.failures.push(`${backend.name}: ${reason}`);
        if (this.queue.length > 0) this.log(`${backend.name} cannot load ${this.modelPath} (${reason}); trying ${this.queue[0]!.name}`);
      }
    }
    throw new ModelLoadError(this.modelPath, null, `no inference backend could run it: ${this.failures.join('; ')}`);
  }

  get remaining(): BackendName | undefined {
    return this.queue[0]?.name;
  }

  warn(message: string): void {
    this.log(message);
  }
}

/** A session that may swap its backend until its first run succeeds. */
class FallbackSession implements InferenceSession {
  private verified = false;
  private firstRun: Promise<unknown> | null = null;

  constructor(
    private readonly chain: FallbackChain,
    private current: InferenceSession,
  ) {}

  get backend(): BackendName {
    return this.current.backend;
  }
  get modelPath(): string {
    return this.current.modelPath;
  }
  get input(): TensorSpec {
    return this.current.input;
  }
  get output(): TensorSpec {
    return this.current.output;
  }

  async run(t: Tensor, output?: TensorData): Promise<Tensor> {
    if (this.verified) return this.current.run(t, output);
    if (this.firstRun) {
      await this.firstRun.catch(() => undefined);
      return this.run(t, output);
    }
    const attempt = this.verify(t, output);
    this.firstRun = attempt;
    try {
      return await attempt;
    } finally {
      this.firstRun = null;
    }
  }

  private async verify(t: Tensor, output?: TensorData): Promise<Tensor> {
    while (true) {
      try {
        const out = await this.current.run(t, output);
        this.verified = true;
        return out;
      } catch (err) {
        // A tensor that does not fit the model is the caller's error on every backend.
        if (err instanceof TypeError || this.chain.remaining === undefined) throw err;
        const failed = this.current.backend;
        const reason = messageOf(err);
        this.chain.warn(`${failed} failed on its first run of ${this.chain.modelPath} (${reason}); falling back to ${this.chain.remaining}`);
        await this.current.close().catch(() => undefined);
        this.current = await this.chain.next({ backend: failed, reason });
      }
    }
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
