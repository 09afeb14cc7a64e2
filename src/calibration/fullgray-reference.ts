/**
 * The full-gray calibration per pixel in double precision with the exact transfer functions (no
 * tables): the definition the native kernel is tested against (within 1 LSB), and the fallback
 * when the native addon is missing (slow: hundreds of ms per 1080p frame).
 */
import type { CubeLut } from './cube-lut.js';
import { DITHER_STRIDE, DITHER_TILE } from './dither-tiles.js';
import { anchorPosition } from './fullgray-plan.js';
import type { Calibration } from './ledcal-format.js';
import { moduleGrid } from './ledcal-format.js';
import { sampleCubeLut } from './lut-interpolation.js';
import { transferDecode, transferEncode } from './transfer-curve.js';
import type { PixelFormat } from '../pipeline/frame.js';
import { axisWeights, type ZoneGrid } from '../thermal/zone-grid.js';

export const KERNEL_FLAG_GAIN = 1;
export const KERNEL_FLAG_SEAM = 2;
export const KERNEL_FLAG_SINGLE_ANCHOR = 4;

export interface ReferenceOptions {
  readonly calibration: Calibration | null;
  readonly lut: CubeLut | null;
  readonly format: PixelFormat;
  readonly width: number;
  readonly height: number;
  readonly outBits: number;
  readonly flags: number;
  /** A dither tile (ditherTiles()[i]) and the frame's offsets into it. */
  readonly dither: Float32Array;
  readonly ditherX: number;
  readonly ditherY: number;
  /**
   * Thermal compensation fused after the calibration (the native kernel's `thermal` option): the
   * zone matrices, interpolated bilinearly per pixel (src/thermal/zone-grid.ts), applied to the
   * clamped linear drive, clamped again, before the encode.
   */
  readonly thermal?: { readonly zones: ArrayLike<number>; readonly grid: ZoneGrid };
}

/** What one pixel's linear drive becomes before quantisation (the LUT included). */
export type PixelFunction = (r: number, g: number, b: number, x: number, y: number) => [number, number, number];

/** The calibration chain up to (not including) quantisation, on input codes normalised to 0..1. */
export function referencePixelFunction(o: ReferenceOptions): PixelFunction {
  const cal = o.calibration;
  const lut = o.lut;
  const applyLut = (v: [number, number, number]): [number, number, number] => (lut ? [...sampleCubeLut(lut, v, 'tetrahedral')] as [number, number, number] : v);
  if (!cal) return (r, g, b) => applyLut([r, g, b]);
  const dec = transferDecode(cal.input);
  const enc = transferEncode(cal.output.transfer);
  const grid = moduleGrid(cal);
  const K = cal.anchors.length;
  const plane = cal.width * cal.height;
  const useGain = (o.flags & KERNEL_FLAG_GAIN) !== 0 && cal.gain !== null;
  const useSeam = (o.flags & KERNEL_FLAG_SEAM) !== 0 && cal.seams !== null;
  const single = (o.flags & KERNEL_FLAG_SINGLE_ANCHOR) !== 0 || K === 1;
  const th = o.thermal;
  return (r, g, b, x, y) => {
    const lin = [dec(r), dec(g), dec(b)];
    const mc = Math.floor(x / cal.module.width), mr = Math.floor(y / cal.module.height);
    const m0 = (mr * grid.cols + mc) * K * 9;
    const out = [0, 0, 0];
    const weights: [number, number][] = [];
    if (single) weights.push([K - 1, 1]);
    else {
      const p = anchorPosition(dec(Math.max(r, g, b)), cal.anchors);
      const k = Math.min(Math.floor(p), K - 2);
      weights.push([k, 1 - (p - k)], [k + 1, p - k]);
    }
    for (const [j, w] of weights) {
      for (let c = 0; c < 3; c++) {
        const m = m0 + j * 9 + c * 3;
        out[c] += w * (cal.matrices[m]! * lin[0]! + cal.matrices[m + 1]! * lin[1]! + cal.matrices[m + 2]! * lin[2]!);
      }
    }
    if (useGain) {
      const gn = cal.gain!;
      for (let c = 0; c < 3; c++) out[c] *= gn.offset[c]! + gn.scale[c]! * gn.data[c * plane + y * cal.width + x]!;
    }
    if (useSeam) {
      const s = cal.seams!;
      const at = (mr * grid.cols + mc) * 4;
      const x0 = mc * cal.module.width, x1 = Math.min(x0 + cal.module.width, cal.width) - 1;
      const y0 = mr * cal.module.height, y1 = Math.min(y0 + cal.module.height, cal.height) - 1;
      let f = 1;
      if (x === x0) f *= s[at]!;
      if (x === x1) f *= s[at + 1]!;
      if (y === y0) f *= s[at + 2]!;
      if (y === y1) f *= s[at + 3]!;
      for (let c = 0; c < 3; c++) out[c] *= f;
    }
    let v = [Math.min(Math.max(out[0]!, 0), 1), Math.min(Math.max(out[1]!, 0), 1), Math.min(Math.max(out[2]!, 0), 1)];
    if (th) {
      const m = thermalMatrixAt(th.zones, th.grid, cal.width, cal.height, x, y);
      v = [0, 1, 2].map((c) => Math.min(Math.max(m[3 * c]! * v[0]! + m[3 * c + 1]! * v[1]! + m[3 * c + 2]! * v[2]!, 0), 1));
    }
    return applyLut([enc(v[0]!), enc(v[1]!), enc(v[2]!)]);
  };
}

/** The thermal zone matrix at pixel (x, y): vertical then horizontal interpolation, as the thermal kernel. */
export function thermalMatrixAt(zones: ArrayLike<number>, grid: ZoneGrid, width: number, height: number, x: number, y: number): number[] {
  const [r0, r1, wy] = axisWeights(y + 0.5, grid.rows, height);
  const [c0, c1, wx] = axisWeights(x + 0.5, grid.cols, width);
  const at = (r: number, c: number, k: number): number => zones[(r * grid.cols + c) * 9 + k]!;
  const m: number[] = [];
  for (let k = 0; k < 9; k++) {
    const a = at(r0, c0, k) + (at(r1, c0, k) - at(r0, c0, k)) * wy;
    const b = at(r0, c1, k) + (at(r1, c1, k) - at(r0, c1, k)) * wy;
    m.push(a + (b - a) * wx);
  }
  return m;
}

/** Applies the reference in place to an interleaved frame (rgb24 / rgb48le as a Buffer). */
export function applyReference(o: ReferenceOptions, data: Uint8Array): void {
  const fn = referencePixelFunction(o);
  const maxIn = o.format === 'rgb24' ? 255 : 65535;
  const maxOut = 2 ** o.outBits - 1;
  const u16 = o.format === 'rgb48le';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let y = 0; y < o.height; y++) {
    const trow = ((y + o.ditherY) & (DITHER_TILE - 1)) * DITHER_STRIDE + (o.ditherX & (DITHER_TILE - 1));
    for (let x = 0; x < o.width; x++) {
      const i = (y * o.width + x) * 3;
      const codes = u16 ? [view.getUint16(2 * i, true), view.getUint16(2 * i + 2, true), view.getUint16(2 * i + 4, true)] : [data[i]!, data[i + 1]!, data[i + 2]!];
      const v = fn(codes[0]! / maxIn, codes[1]! / maxIn, codes[2]! / maxIn, x, y);
      const t = o.dither[trow + (x & (DITHER_TILE - 1))]!;
      for (let c = 0; c < 3; c++) {
        const q = Math.min(Math.floor(Math.min(Math.max(v[c]!, 0), 1) * maxOut + t), maxOut);
        if (u16) view.setUint16(2 * (i + c), maxOut === 65535 ? q : Math.trunc((q * 65535) / maxOut + 0.5), true);
        else data[i + c] = q;
      }
    }
  }
}
