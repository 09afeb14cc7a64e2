/**
 * The thermal kernel's definition in float64 (the native kernel's tests compare with it, within
 * 1 code) and the JavaScript fallback when the addon is not built: decode, multiply by the
 * bilinearly interpolated zone matrix, encode, round (trunc(clamp(v, 0, 1)·max + d), d the 4x4
 * threshold at (x & 3, y & 3): 0.5 for plain rounding).
 */
import type { ThermalCanvasWindow } from '../native/thermal.js';
import type { PixelFormat } from '../pipeline/frame.js';
import { maxCode, type SignalTransfer } from './transfer-tables.js';
import { axisWeights, type ZoneGrid } from './zone-grid.js';

export interface ReferenceKernelOptions {
  readonly data: Uint8Array | Uint16Array;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** cols * rows row-major 3x3 matrices. */
  readonly zones: ArrayLike<number>;
  readonly grid: ZoneGrid;
  readonly transfer: SignalTransfer;
  /** Optional decode table (what the fallback uses to save time); else transfer.decode. */
  readonly decodeTable?: ArrayLike<number>;
  /** 4x4 rounding thresholds (ditherThresholds); default 0.5 everywhere. */
  readonly dither?: ArrayLike<number>;
  /** The frame is this window of the canvas the grid covers (--region); default: the frame is the canvas. */
  readonly canvas?: ThermalCanvasWindow;
}

/** Applies the compensation in place. `data` is a Uint8Array (rgb24) or Uint16Array (rgb48le) view of the frame. */
export function thermalReference(o: ReferenceKernelOptions): void {
  const { data, width, height, grid, zones, transfer } = o;
  const ox = o.canvas?.x ?? 0, oy = o.canvas?.y ?? 0;
  const cw = o.canvas?.width ?? width, ch = o.canvas?.height ?? height;
  const maxv = maxCode(o.format);
  const dec = o.decodeTable ?? Array.from({ length: maxv + 1 }, (_, i) => transfer.decode(i / maxv));
  const m = new Float64Array(9);
  const rowM = new Float64Array(grid.cols * 9);
  for (let y = 0; y < height; y++) {
    const [r0, r1, wy] = axisWeights(y + oy + 0.5, grid.rows, ch);
    for (let c = 0; c < grid.cols; c++) {
      for (let k = 0; k < 9; k++) {
        const a = zones[(r0 * grid.cols + c) * 9 + k]!;
        const b = zones[(r1 * grid.cols + c) * 9 + k]!;
        rowM[c * 9 + k] = a + (b - a) * wy;
      }
    }
    for (let x = 0; x < width; x++) {
      const [c0, c1, wx] = axisWeights(x + ox + 0.5, grid.cols, cw);
      for (let k = 0; k < 9; k++) m[k] = rowM[c0 * 9 + k]! + (rowM[c1 * 9 + k]! - rowM[c0 * 9 + k]!) * wx;
      const i = (y * width + x) * 3;
      const r = dec[data[i]!]!, g = dec[data[i + 1]!]!, b = dec[data[i + 2]!]!;
      const out = [m[0]! * r + m[1]! * g + m[2]! * b, m[3]! * r + m[4]! * g + m[5]! * b, m[6]! * r + m[7]! * g + m[8]! * b];
      for (let ch = 0; ch < 3; ch++) {
        const v = Math.min(Math.max(out[ch]! || 0, 0), 1);
        data[i + ch] = Math.min(Math.trunc(transfer.encode(v) * maxv + (o.dither?.[((y + oy) & 3) * 4 + ((x + ox) & 3)] ?? 0.5)), maxv);
      }
    }
  }
}

/** A typed view of a frame buffer's samples (rgb48le is little-endian, as x86 and ARM hosts are). */
export function sampleView(data: Buffer, format: PixelFormat): Uint8Array | Uint16Array {
  if (format === 'rgb24') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteOffset % 2 !== 0) throw new RangeError('rgb48le frame buffer must start at an even byte offset');
  return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
}
