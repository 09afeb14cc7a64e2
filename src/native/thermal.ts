/**
 * In-place thermal compensation of interleaved RGB frames (rgb24 / rgb48le) in linear light:
 * decode through a table, multiply by a 3x3 matrix interpolated bilinearly between zone centres,
 * encode through a float-bits-indexed table, round once (plain or ordered-dither thresholds). Contract in native/thermal.h: every ISA
 * path within 1 code of the float64 reference; the SIMD paths match scalar bit for bit where they use the tables and within 1 code
 * where they use polynomials fitted to them (AVX2: rgb24 encode; AVX-512: rgb24 encode, rgb48le encode and decode). Tables come
 * from src/thermal/transfer-tables.ts.
 */
import { bytesPerPixel, type PixelFormat } from '../pipeline/frame.js';
import type { NativeBinding } from './binding.js';
import { nativeBinding, NativeUnavailableError } from './load.js';
import { checkBytes, checkDimension, checkFormat } from './validate.js';

export interface ThermalKernelTables {
  /** Linear light per input code: 256 (rgb24) or 65536 (rgb48le) entries. */
  readonly decode: Float32Array;
  /** Output codes at 2^S points per octave over E octaves below 1.0, plus 2. */
  readonly encode: Float32Array;
  /** E */
  readonly octaves: number;
  /** S */
  readonly shift: number;
  /** 4x4 rounding thresholds, row-major (all 0.5: plain rounding; Bayer: ordered dither). */
  readonly dither: Float32Array;
}

export interface ThermalApplyOptions<T extends ArrayBufferView> {
  /** The frame, modified in place. */
  data: T;
  width: number;
  height: number;
  format: PixelFormat;
  /** cols * rows row-major 3x3 matrices (row-major zones), linear RGB in → linear drive out. */
  zones: Float32Array;
  cols: number;
  rows: number;
  tables: ThermalKernelTables;
  /**
   * The frame is this window of the canvas the zone grid covers (--region, docs/SCALING.md):
   * zone centres, interpolation and dither phase follow canvas coordinates. Default: the frame
   * is the canvas.
   */
  canvas?: ThermalCanvasWindow;
}

/** Where a frame sits on the canvas: its top-left corner and the canvas size. */
export interface ThermalCanvasWindow {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface ThermalBinding {
  thermalApply?<T extends ArrayBufferView>(data: T, width: number, height: number, format: PixelFormat, zones: Float32Array, cols: number, rows: number, decode: Float32Array, encode: Float32Array, octaves: number, shift: number, dither: Float32Array, ...canvas: number[]): T;
  thermalApplyAsync?<T extends ArrayBufferView>(data: T, width: number, height: number, format: PixelFormat, zones: Float32Array, cols: number, rows: number, decode: Float32Array, encode: Float32Array, octaves: number, shift: number, dither: Float32Array, ...canvas: number[]): Promise<T>;
}

function binding(): Required<ThermalBinding> {
  const b = nativeBinding() as NativeBinding & ThermalBinding;
  if (!b.thermalApply || !b.thermalApplyAsync) throw new NativeUnavailableError('the loaded addon predates the thermal kernel (rebuild it)');
  return b as Required<ThermalBinding>;
}

/** Whether the loaded addon has the thermal kernel (false, never throws, without the addon). */
export function thermalKernelAvailable(): boolean {
  try {
    binding();
    return true;
  } catch {
    return false;
  }
}

function check<T extends ArrayBufferView>(o: ThermalApplyOptions<T>): void {
  const format = checkFormat('format', o.format);
  const width = checkDimension('width', o.width);
  const height = checkDimension('height', o.height);
  const cols = checkDimension('cols', o.cols, 1, 1024);
  const rows = checkDimension('rows', o.rows, 1, 1024);
  checkBytes('data', o.data, width * height * bytesPerPixel(format));
  const floats = (name: string, v: unknown, n: number): void => {
    if (!(v instanceof Float32Array)) throw new TypeError(`Expected Float32Array for ${name}`);
    if (v.length < n) throw new RangeError(`Expected at least ${n} elements for ${name} but received ${v.length}`);
  };
  floats('zones', o.zones, cols * rows * 9);
  floats('tables.decode', o.tables.decode, format === 'rgb24' ? 256 : 65536);
  checkDimension('tables.octaves', o.tables.octaves, 1, 126);
  checkDimension('tables.shift', o.tables.shift, 0, 16);
  floats('tables.encode', o.tables.encode, (o.tables.octaves << o.tables.shift) + 2);
  floats('tables.dither', o.tables.dither, 16);
  if (o.canvas) {
    const cw = checkDimension('canvas.width', o.canvas.width);
    const ch = checkDimension('canvas.height', o.canvas.height);
    checkDimension('canvas.x', o.canvas.x, 0, cw - width);
    checkDimension('canvas.y', o.canvas.y, 0, ch - height);
  }
}

/** The optional trailing arguments (originX, originY, canvasWidth, canvasHeight). */
function canvasArgs(c: ThermalCanvasWindow | undefined): number[] {
  return c ? [c.x, c.y, c.width, c.height] : [];
}

/** Compensates on the calling thread. Returns `data`. */
export function thermalApply<T extends ArrayBufferView>(o: ThermalApplyOptions<T>): T {
  check(o);
  const t = o.tables;
  return binding().thermalApply(o.data, o.width, o.height, o.format, o.zones, o.cols, o.rows, t.decode, t.encode, t.octaves, t.shift, t.dither, ...canvasArgs(o.canvas));
}

/** Compensates on the libuv thread pool; leave data, zones and tables alone until it settles. */
export function thermalApplyAsync<T extends ArrayBufferView>(o: ThermalApplyOptions<T>): Promise<T> {
  check(o);
  const t = o.tables;
  return binding().thermalApplyAsync(o.data, o.width, o.height, o.format, o.zones, o.cols, o.rows, t.decode, t.encode, t.octaves, t.shift, t.dither, ...canvasArgs(o.canvas));
}
