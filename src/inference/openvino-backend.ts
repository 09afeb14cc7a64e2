/**
 * OpenVINO through its C API, loaded at run time by the native addon (native/openvino_*.cc): no
 * build-time dependency, no OpenVINO headers. The library is looked for as openvino-locate.ts says.
 * Models are compiled per input shape (static shapes; the 4 most recent kept) with f32 inference
 * precision on CPU; runs happen on the libuv pool, one at a time per session.
 */
import { existsSync } from 'node:fs';
import { BackendUnavailableError, ModelLoadError, type Backend, type BackendInfo, type InferenceSession, type SessionOptions, type Tensor, type TensorData, type TensorSpec } from './backend.js';
import { checkImageModel } from './contract.js';
import { searchOpenVino } from './openvino-locate.js';
import { closeOpenVino, openOpenVinoModel, openVinoExports, runOpenVino, type OpenVinoPort, type OpenVinoSessionHandle } from '../native/inference.js';

export interface OpenVinoBackendOptions {
  /** Where LEDPIPE_OPENVINO_LIB and LEDPIPE_PYTHON are read. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Device when SessionOptions.device is absent: 'CPU' (default), 'GPU', 'AUTO'… */
  readonly device?: string;
}

interface Probed extends BackendInfo {
  readonly library?: string;
}

/** OpenVINO's messages carry the C++ source location of each rethrow; keep the words. */
export function cleanOpenVinoMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/Exception from [^\n]*?:\d+:\n/g, '').replace(/\s+/g, ' ').trim();
}

function specOf(port: OpenVinoPort): TensorSpec {
  return { name: port.name, dtype: port.dtype, shape: port.shape.slice() };
}

export class OpenVinoBackend implements Backend {
  readonly name = 'openvino' as const;
  private readonly env: NodeJS.ProcessEnv;
  private readonly device: string;
  private probed: Probed | undefined;

  constructor(options: OpenVinoBackendOptions = {}) {
    this.env = options.env ?? process.env;
    this.device = options.device ?? 'CPU';
  }

  /** Loads the library on first call (a Python look-up and a dlopen), then answers from memory. */
  probe(): BackendInfo {
    this.probed ??= this.locateAndLoad();
    const { library: _library, ...info } = this.probed;
    return info;
  }

  /** The library in use, when available. */
  libraryPath(): string | undefined {
    this.probe();
    return this.probed?.library;
  }

  private locateAndLoad(): Probed {
    const unavailable = (reason: string): Probed => ({ name: this.name, available: false, version: null, device: null, reason });
    const { exports, reason } = openVinoExports();
    if (!exports) return unavailable(`not built: ${reason}`);
    const search = searchOpenVino(this.env);
    const looked = `looked in: ${search.looked.join('; ')}`;
    const failures: string[] = [];
    let onlyMissing = true;
    for (const c of search.candidates) {
      try {
        const lib = exports.openvinoLoad(c.path);
        return { name: this.name, available: true, version: lib.version.split('-')[0] ?? lib.version, device: this.device, library: lib.path };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (c.path.includes('/') || !/cannot open shared object|image not found|no such file/i.test(message)) onlyMissing = false;
        failures.push(`${c.path} (from ${c.source}): ${message}`);
      }
    }
    if (search.candidates.length === 0 || onlyMissing) return unavailable(`library not found: no usable libopenvino_c (${looked})`);
    return unavailable(`load error: ${failures.join('; ')} (${looked})`);
  }

  async load(modelPath: string, options: SessionOptions = {}): Promise<InferenceSession> {
    const info = this.probe();
    if (!info.available) throw new BackendUnavailableError(this.name, info.reason ?? 'unavailable');
    if (!existsSync(modelPath)) throw new ModelLoadError(modelPath, this.name, 'no such model file');
    const device = options.device ?? this.device;
    let opened;
    try {
      opened = await openOpenVinoModel(modelPath, device, options.threads ?? 0);
    } catch (err) {
      throw new ModelLoadError(modelPath, this.name, `not a loadable model for OpenVINO: ${cleanOpenVinoMessage(err)}`);
    }
    const input = specOf(opened.input);
    const output = specOf(opened.output);
    try {
      checkImageModel(modelPath, this.name, input, output);
    } catch (err) {
      closeOpenVino(opened.handle);
      throw err;
    }
    return new OpenVinoSession(modelPath, opened.handle, input, output);
  }
}

class OpenVinoSession implements InferenceSession {
  readonly backend = 'openvino' as const;
  /** Runs in flight (settled either way): close() waits for them, so freeing never blocks the JS thread. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    readonly modelPath: string,
    private readonly handle: OpenVinoSessionHandle,
    readonly input: TensorSpec,
    readonly output: TensorSpec,
  ) {}

  run(t: Tensor, output?: TensorData): Promise<Tensor> {
    if (this.closed) return Promise.reject(new Error(`${this.modelPath}: the OpenVINO session is closed`));
    if (t.dtype !== this.input.dtype) {
      return Promise.reject(new TypeError(`${this.modelPath}: expected a ${this.input.dtype} input tensor but received ${t.dtype}`));
    }
    const want = t.dtype === 'float32' ? Float32Array : Uint16Array;
    if (!(t.data instanceof want)) {
      return Promise.reject(new TypeError(`${this.modelPath}: expected ${want.name} data for a ${t.dtype} tensor but received ${t.data.constructor.name}`));
    }
    const error = new Error(`${this.modelPath}: OpenVINO run failed`);
    const out = output instanceof Float32Array || output instanceof Uint16Array ? output : undefined;
    const result = runOpenVino(this.handle, t.data as Float32Array | Uint16Array, t.shape, out).then(
      (r): Tensor => ({ data: r.data, dtype: r.dtype, shape: r.shape }),
      (err: unknown) => {
        error.message = `${this.modelPath}: OpenVINO run failed: ${cleanOpenVinoMessage(err)}`;
        throw error;
      },
    );
    const settled = result.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.inFlight);
    closeOpenVino(this.handle);
  }
}
