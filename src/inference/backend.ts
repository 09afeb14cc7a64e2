/**
 * One inference interface, three implementations (TensorRT, OpenVINO, ONNX Runtime), chosen in that
 * order unless one is forced. A backend runs a single-input, single-output image model on NCHW tensors.
 */
export const BACKEND_NAMES = ['tensorrt', 'openvino', 'onnxruntime'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export type TensorDType = 'float32' | 'float16' | 'uint8' | 'int8';
/** float16 tensors carry IEEE half bit patterns in a Uint16Array. */
export type TensorData = Float32Array | Uint16Array | Uint8Array | Int8Array;

export interface TensorSpec {
  readonly name: string;
  readonly dtype: TensorDType;
  /** Dimensions; a string or null is a dynamic dimension. */
  readonly shape: ReadonlyArray<number | string | null>;
}

/** What `ledpipe backends` prints: available or not, and why not. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly available: boolean;
  readonly version: string | null;
  readonly device: string | null;
  /** Present when not available: what is missing, in words a user can act on. */
  readonly reason?: string;
}

export interface SessionOptions {
  /** Intra-op threads; default: all cores. */
  readonly threads?: number;
  /** Backend-specific device name (OpenVINO 'CPU', 'GPU'; TensorRT device index). */
  readonly device?: string;
}

export interface Tensor {
  readonly data: TensorData;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
}

export interface InferenceSession {
  readonly backend: BackendName;
  readonly modelPath: string;
  readonly input: TensorSpec;
  readonly output: TensorSpec;
  /**
   * Runs the model on one NCHW tensor, off the JavaScript thread. `output` (optional) is an array of
   * the output's dtype the backend writes the result into when its length matches exactly (OpenVINO
   * does: no allocation per run; ONNX Runtime ignores it, its copy out was not slower); the returned
   * tensor's data is then `output`, else a new array. Leave `input` and
   * `output` alone until the promise settles.
   */
  run(input: Tensor, output?: TensorData): Promise<Tensor>;
  close(): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  /** Cheap and never throws: whether this backend can run here, and why not. */
  probe(): BackendInfo;
  /** Loads a model; rejects with ModelLoadError naming the file and what was wrong. */
  load(modelPath: string, options?: SessionOptions): Promise<InferenceSession>;
}

/** A model that cannot be loaded or does not fit: names the file and what was expected. */
export class ModelLoadError extends Error {
  constructor(
    readonly modelPath: string,
    readonly backend: BackendName | null,
    detail: string,
  ) {
    super(`${modelPath}: ${detail}`);
    this.name = 'ModelLoadError';
  }
}

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend ${backend} is not available: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}
