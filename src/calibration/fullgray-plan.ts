/**
 * Turns a calibration (and/or a .cube LUT) into the tables the per-pixel kernel reads, once per
 * load: decode table per input code, gray-level position per code, module matrices, quantised gain
 * planes, expanded seam gains, the encode table indexed by float bits (with the LUT's shaper and
 * domain folded in), the LUT as planar float tables, and the dither tiles. The native kernel and
 * the TypeScript fallback both run from this plan (docs/CALIBRATION.md, "kernel definition").
 */
import type { CubeLut } from './cube-lut.js';
import { ditherTiles } from './dither-tiles.js';
import type { Calibration } from './ledcal-format.js';
import { moduleGrid } from './ledcal-format.js';
import { gridCoordinate, sampleLut1d } from './lut-interpolation.js';
import { transferDecode, transferEncode } from './transfer-curve.js';
import type { PixelFormat } from '../pipeline/frame.js';

export const ENCODE_LO_BITS = (127 - 40) << 23;
export const ENCODE_SHIFT = 15;
export const ENCODE_SIZE = (40 << (23 - ENCODE_SHIFT)) + 1;
/** Output depths up to this use the nearest-value encode table (one lookup, < 0.1 LSB error). */
export const ENCODE_NEAREST_MAX_BITS = 10;
export const ENCODE_NEAR_SHIFT = 13;
export const ENCODE_NEAR_SIZE = (40 << (23 - ENCODE_NEAR_SHIFT)) + 1;

export interface MatrixPlan {
  readonly anchors: number;
  readonly moduleWidth: number;
  readonly moduleHeight: number;
  /** Anchor position (0..K-1) per input code of max(R, G, B). */
  readonly pos: Float32Array;
  readonly matrices: Float32Array;
  readonly gain?: Uint8Array | Uint16Array;
  readonly gainScale: [number, number, number];
  readonly gainOffset: [number, number, number];
  readonly seamCol?: Float32Array;
  readonly seamRow?: Float32Array;
  readonly encodeValues: Float32Array;
  readonly encodeDeltas: Float32Array;
  readonly encodeZero: [number, number, number];
  /** For output depths ≤ ENCODE_NEAREST_MAX_BITS: values at bin centres, replacing the interpolated pairs. */
  readonly encodeNearest?: Float32Array;
}

export interface KernelPlan {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly outBits: number;
  /** One table (shared) or three, of 256 / 65536 entries. */
  readonly decode: Float32Array;
  readonly matrix: MatrixPlan | null;
  readonly lutSize: number;
  /** Planar R, G, B tables of lutSize³ outputs, red index fastest; empty without a 3D LUT. */
  readonly lut: Float32Array | null;
  readonly dither: Float32Array[];
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The float32 whose bits are `bits`. */
function fromBits(bits: number): number {
  i32[0] = bits;
  return f32[0]!;
}

/** Per-channel function of the value the LUT stage sees: grid coordinate (3D), or output (1D only), or identity. */
function lutInputFunctions(lut: CubeLut | null): [(v: number) => number, (v: number) => number, (v: number) => number] {
  const fns = [0, 1, 2].map((c) => {
    return (v: number): number => {
      let x = v;
      if (lut?.lut1d) x = sampleLut1d(lut.lut1d, [x, x, x])[c]!;
      if (lut?.lut3d) x = gridCoordinate(x, lut.lut3d.domainMin[c]!, lut.lut3d.domainMax[c]!, lut.lut3d.size);
      return x;
    };
  });
  return fns as [(v: number) => number, (v: number) => number, (v: number) => number];
}

function channelsDiffer(lut: CubeLut | null): boolean {
  if (!lut) return false;
  if (lut.lut1d) return true;
  const d = lut.lut3d!;
  return !(d.domainMin[0] === d.domainMin[1] && d.domainMin[1] === d.domainMin[2] && d.domainMax[0] === d.domainMax[1] && d.domainMax[1] === d.domainMax[2]);
}

function codeTable(codes: number, fns: readonly ((v: number) => number)[], perChannel: boolean): Float32Array {
  const out = new Float32Array(perChannel ? 3 * codes : codes);
  for (let c = 0; c < (perChannel ? 3 : 1); c++) {
    for (let i = 0; i < codes; i++) out[c * codes + i] = fns[c]!(i / (codes - 1));
  }
  return out;
}

/** Anchor position of a linear level: log-linear between anchors, clamped to [0, K-1]. */
export function anchorPosition(level: number, anchors: readonly number[]): number {
  const K = anchors.length;
  if (K === 1 || level <= anchors[0]!) return 0;
  if (level >= anchors[K - 1]!) return K - 1;
  let k = 0;
  while (level >= anchors[k + 1]!) k++;
  return k + Math.log(level / anchors[k]!) / Math.log(anchors[k + 1]! / anchors[k]!);
}

/** Planar LUT tables (R, G, B) from a .cube 3D table (interleaved rows). */
function planarLut(lut: CubeLut | null): { size: number; table: Float32Array | null } {
  const l3 = lut?.lut3d;
  if (!l3) return { size: 0, table: null };
  const n3 = l3.size ** 3;
  const t = new Float32Array(3 * n3);
  for (let i = 0; i < n3; i++) for (let c = 0; c < 3; c++) t[c * n3 + i] = l3.table[3 * i + c]!;
  return { size: l3.size, table: t };
}

export interface PlanOptions {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** Output bit depth (8 for rgb24; 8..16 for rgb48le). */
  readonly outBits: number;
  /** The full-gray calibration, or null for a LUT-only stage. */
  readonly calibration: Calibration | null;
  /** The LUT to apply (the calibration's own, or --lut); null for none. */
  readonly lut: CubeLut | null;
}

/** Builds the kernel tables. Throws RangeError when the geometry does not match the calibration. */
export function buildKernelPlan(o: PlanOptions): KernelPlan {
  const codes = o.format === 'rgb24' ? 256 : 65536;
  const cal = o.calibration;
  const lutFns = lutInputFunctions(o.lut);
  const perChannel = channelsDiffer(o.lut);
  const { size: lutSize, table: lut } = planarLut(o.lut);
  if (!cal) {
    // LUT only: code -> grid coordinate (3D) or output (1D only).
    if (!o.lut) throw new RangeError('a kernel plan needs a calibration or a LUT');
    return { width: o.width, height: o.height, format: o.format, outBits: o.outBits, decode: codeTable(codes, lutFns, perChannel), matrix: null, lutSize, lut, dither: ditherTiles() };
  }
  if (cal.width !== o.width || cal.height !== o.height) {
    throw new RangeError(`the calibration is for a ${cal.width}x${cal.height} wall but the stream is ${o.width}x${o.height}`);
  }
  const decodeFn = transferDecode(cal.input);
  const decode = codeTable(codes, [decodeFn], false);
  const pos = new Float32Array(codes);
  for (let i = 0; i < codes; i++) pos[i] = anchorPosition(decode[i]!, cal.anchors);
  const encodeFn = transferEncode(cal.output.transfer);
  const nEnc = perChannel ? 3 : 1;
  const values = new Float32Array(nEnc * ENCODE_SIZE);
  const deltas = new Float32Array(nEnc * ENCODE_SIZE);
  const zero: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) zero[c] = Math.fround(lutFns[c]!(encodeFn(0)));
  for (let c = 0; c < nEnc; c++) {
    for (let i = 0; i < ENCODE_SIZE; i++) values[c * ENCODE_SIZE + i] = lutFns[c]!(encodeFn(fromBits(ENCODE_LO_BITS + (i << ENCODE_SHIFT))));
    for (let i = 0; i < ENCODE_SIZE; i++) {
      const next = i + 1 < ENCODE_SIZE ? values[c * ENCODE_SIZE + i + 1]! : values[c * ENCODE_SIZE + i]!;
      deltas[c * ENCODE_SIZE + i] = next - values[c * ENCODE_SIZE + i]!;
    }
  }
  let encodeNearest: Float32Array | undefined;
  if (o.outBits <= ENCODE_NEAREST_MAX_BITS) {
    encodeNearest = new Float32Array(nEnc * ENCODE_NEAR_SIZE);
    const half = 1 << (ENCODE_NEAR_SHIFT - 1);
    for (let c = 0; c < nEnc; c++) {
      for (let i = 0; i < ENCODE_NEAR_SIZE; i++) encodeNearest[c * ENCODE_NEAR_SIZE + i] = lutFns[c]!(encodeFn(fromBits(ENCODE_LO_BITS + (i << ENCODE_NEAR_SHIFT) + (i + 1 < ENCODE_NEAR_SIZE ? half : 0))));
    }
  }
  const grid = moduleGrid(cal);
  let seamCol: Float32Array | undefined;
  let seamRow: Float32Array | undefined;
  if (cal.seams) {
    seamCol = new Float32Array(grid.rows * o.width).fill(1);
    seamRow = new Float32Array(o.height * grid.cols).fill(1);
    for (let mr = 0; mr < grid.rows; mr++) {
      for (let mc = 0; mc < grid.cols; mc++) {
        const s = (mr * grid.cols + mc) * 4;
        const x0 = mc * cal.module.width, x1 = Math.min(x0 + cal.module.width, o.width) - 1;
        const y0 = mr * cal.module.height, y1 = Math.min(y0 + cal.module.height, o.height) - 1;
        seamCol[mr * o.width + x0] = seamCol[mr * o.width + x0]! * cal.seams[s]!;
        seamCol[mr * o.width + x1] = seamCol[mr * o.width + x1]! * cal.seams[s + 1]!;
        seamRow[y0 * grid.cols + mc] = seamRow[y0 * grid.cols + mc]! * cal.seams[s + 2]!;
        seamRow[y1 * grid.cols + mc] = seamRow[y1 * grid.cols + mc]! * cal.seams[s + 3]!;
      }
    }
  }
  const g = cal.gain;
  const matrix: MatrixPlan = {
    anchors: cal.anchors.length,
    moduleWidth: cal.module.width,
    moduleHeight: cal.module.height,
    pos,
    matrices: cal.matrices,
    ...(g ? { gain: g.data } : {}),
    gainScale: g ? [g.scale[0], g.scale[1], g.scale[2]] : [0, 0, 0],
    gainOffset: g ? [g.offset[0], g.offset[1], g.offset[2]] : [1, 1, 1],
    ...(seamCol && seamRow ? { seamCol, seamRow } : {}),
    encodeValues: values,
    encodeDeltas: deltas,
    encodeZero: zero,
    ...(encodeNearest ? { encodeNearest } : {}),
  };
  return { width: o.width, height: o.height, format: o.format, outBits: o.outBits, decode, matrix, lutSize, lut, dither: ditherTiles() };
}
