/**
 * The raw surface of build/Release/ledpipe_native.node (see native/*.cc).
 * Positional arguments, checked again natively; use the typed wrappers instead.
 */
import type { PixelFormat } from '../pipeline/frame.js';

/** Instruction-set path of the pixel kernels. */
export type NativeIsa = 'scalar' | 'avx2' | 'avx512';

export type ResizeFilter = 'lanczos3' | 'cubic';

/** A planar tensor: Float32Array for f32, Uint16Array holding IEEE half bits for f16. */
export type PlanarArray = Float32Array | Uint16Array;

export interface NativeInfo {
  /** The path calls use now. */
  isa: NativeIsa;
  /** The widest path this CPU supports. */
  bestIsa: NativeIsa;
  supportedIsas: NativeIsa[];
  cpuFeatures: string[];
  /** LEDPIPE_NATIVE_ISA at load, and whether the CPU allowed it. */
  requestedIsa?: string;
  requestHonoured?: boolean;
  compiler: string;
  napiVersion: number;
  built: true;
}

/** What openvinoLoad() reports about the loaded libopenvino_c. */
export interface OpenVinoLibraryInfo {
  /** Build number, e.g. '2025.4.1-20426-82bbf0292c5-releases/2025/4'. */
  version: string;
  description: string;
  /** The library actually in use (the first one loaded in this process). */
  path: string;
}

/** A model port as OpenVINO reads it; null is a dynamic dimension. */
export interface OpenVinoPort {
  name: string;
  dtype: 'float32' | 'float16';
  shape: Array<number | null>;
}

/** Opaque native session (a napi External). */
export interface OpenVinoSessionHandle {
  readonly __openvinoSession: unique symbol;
}

export interface OpenVinoOpened {
  handle: OpenVinoSessionHandle;
  input: OpenVinoPort;
  output: OpenVinoPort;
}

export interface OpenVinoRunResult {
  data: Float32Array | Uint16Array;
  shape: number[];
  dtype: 'float32' | 'float16';
}

/** tensorrtInfo(): whether the TensorRT check was compiled in and what it found. */
export interface TensorRtNativeInfo {
  /** Compiled with TensorRT headers. */
  built: boolean;
  /** libnvinfer loaded at run time. */
  loaded: boolean;
  /** Engine building/running is implemented (not yet: always false). */
  engine: boolean;
  headerVersion?: string;
  library?: string;
  version?: string;
  error?: string;
}

export interface NativeBinding {
  info(): NativeInfo;
  setIsa(isa: NativeIsa): NativeIsa;
  toPlanar<T extends PlanarArray>(src: ArrayBufferView, width: number, height: number, format: PixelFormat, dst: T): T;
  toPlanarAsync<T extends PlanarArray>(src: ArrayBufferView, width: number, height: number, format: PixelFormat, dst: T): Promise<T>;
  toInterleaved<T extends ArrayBufferView>(src: PlanarArray, width: number, height: number, dst: T, format: PixelFormat): T;
  toInterleavedAsync<T extends ArrayBufferView>(src: PlanarArray, width: number, height: number, dst: T, format: PixelFormat): Promise<T>;
  resize<T extends ArrayBufferView>(
    src: ArrayBufferView, srcWidth: number, srcHeight: number,
    dst: T, dstWidth: number, dstHeight: number, format: PixelFormat, filter: ResizeFilter,
  ): T;
  resizeAsync<T extends ArrayBufferView>(
    src: ArrayBufferView, srcWidth: number, srcHeight: number,
    dst: T, dstWidth: number, dstHeight: number, format: PixelFormat, filter: ResizeFilter,
  ): Promise<T>;
  extractTile<T extends PlanarArray>(
    src: T, channels: number, width: number, height: number,
    dst: T, x: number, y: number, tileWidth: number, tileHeight: number,
  ): T;
  blendTile(
    out: Float32Array, weight: Float32Array, width: number, height: number, channels: number,
    tile: PlanarArray, tileWidth: number, tileHeight: number, x: number, y: number,
    featherLeft: number, featherRight: number, featherTop: number, featherBottom: number,
  ): void;
  // Luma SR passes (absent from addons built before they were added).
  lumaSplit?<T extends PlanarArray>(src: ArrayBufferView, width: number, height: number, format: PixelFormat, y: T, chroma: Float32Array): T;
  lumaSplitAsync?<T extends PlanarArray>(src: ArrayBufferView, width: number, height: number, format: PixelFormat, y: T, chroma: Float32Array): Promise<T>;
  lumaMerge?<T extends ArrayBufferView>(
    y: PlanarArray, chroma: Float32Array, width: number, height: number, scale: number,
    dst: T, format: PixelFormat, row0: number, row1: number,
  ): T;
  lumaMergeAsync?<T extends ArrayBufferView>(
    y: PlanarArray, chroma: Float32Array, width: number, height: number, scale: number,
    dst: T, format: PixelFormat, row0: number, row1: number,
  ): Promise<T>;
  // Inference backends (absent from addons built before they were added).
  openvinoLoad?(libPath: string): OpenVinoLibraryInfo;
  openvinoOpen?(modelPath: string, device: string, threads: number): Promise<OpenVinoOpened>;
  openvinoRun?(handle: OpenVinoSessionHandle, data: Float32Array | Uint16Array, shape: readonly number[], output?: Float32Array | Uint16Array): Promise<OpenVinoRunResult>;
  openvinoClose?(handle: OpenVinoSessionHandle): void;
  tensorrtInfo?(): TensorRtNativeInfo;
}
