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
}
