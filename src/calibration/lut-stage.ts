import { bytesPerPixel, type Frame, type PixelFormat } from '../pipeline/frame.js';
import type { Stage } from '../pipeline/stage.js';
import type { CubeLut, Lut1d, Lut3d } from './cube-lut.js';
import { curveKernel, FRACTION_ONE, tetrahedralKernel, trilinearKernel, type GridLookup, type ScaledLut3d } from './lut-kernels.js';
import { cellOf, gridCoordinate, sampleLut1d, type Lut3dInterpolation } from './lut-interpolation.js';

/** The stage's degradation ladder, best first: tetrahedral is smoother on neutrals, trilinear cheaper. */
export const LUT_STAGE_MODES: readonly Lut3dInterpolation[] = ['tetrahedral', 'trilinear'];

export interface LutStageOptions {
  /** A parsed .cube: 1D, 3D, or a 1D shaper followed by a 3D table. */
  readonly lut: CubeLut;
  /** Starting mode; default 'tetrahedral'. */
  readonly mode?: Lut3dInterpolation;
}

export class LutStageOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LutStageOptionsError';
  }
}

/** Everything the kernels need for one pixel format, built once when the stage is created. */
interface FormatPlan {
  readonly grid: GridLookup | null;
  readonly scaled: ScaledLut3d | null;
  /** Only for a 1D-only file: output code per input code, per channel. */
  readonly curves: readonly [Uint8Array, Uint8Array, Uint8Array] | readonly [Uint16Array, Uint16Array, Uint16Array] | null;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function maxCodeOf(format: PixelFormat): number {
  return format === 'rgb24' ? 255 : 65535;
}

/** Input code → value the 3D table sees: code / maxCode, through the shaper when there is one. */
function shaperCurve(shaper: Lut1d | null, maxCode: number, c: 0 | 1 | 2): Float64Array {
  const out = new Float64Array(maxCode + 1);
  for (let code = 0; code <= maxCode; code++) {
    const x = code / maxCode;
    out[code] = shaper ? sampleLut1d(shaper, [x, x, x])[c] : x;
  }
  return out;
}

function buildGrid(lut: Lut3d, shaper: Lut1d | null, maxCode: number): GridLookup {
  const n = lut.size;
  const strides = [3, 3 * n, 3 * n * n] as const;
  const channel = (c: 0 | 1 | 2): Int32Array => {
    const values = shaperCurve(shaper, maxCode, c);
    const cells = new Int32Array(2 * (maxCode + 1));
    for (let code = 0; code <= maxCode; code++) {
      const cell = cellOf(gridCoordinate(values[code]!, lut.domainMin[c], lut.domainMax[c], n), n);
      cells[2 * code] = cell.index * strides[c];
      cells[2 * code + 1] = Math.round(cell.fraction * FRACTION_ONE);
    }
    return cells;
  };
  return [channel(0), channel(1), channel(2)];
}

function buildScaled(lut: Lut3d, maxCode: number): ScaledLut3d {
  const table = new Float32Array(lut.table.length);
  for (let i = 0; i < table.length; i++) table[i] = lut.table[i]! * maxCode;
  const n = lut.size;
  return { table, strideR: 3, strideG: 3 * n, strideB: 3 * n * n, maxCode };
}

function quantize(v: number, maxCode: number): number {
  const s = v * maxCode;
  return s <= 0 ? 0 : s >= maxCode ? maxCode : Math.round(s);
}

function buildCurves(lut: Lut1d, format: PixelFormat): FormatPlan['curves'] {
  const maxCode = maxCodeOf(format);
  const make = (c: 0 | 1 | 2): Uint8Array | Uint16Array => {
    const out = format === 'rgb24' ? new Uint8Array(maxCode + 1) : new Uint16Array(maxCode + 1);
    for (let code = 0; code <= maxCode; code++) {
      const x = code / maxCode;
      out[code] = quantize(sampleLut1d(lut, [x, x, x])[c], maxCode);
    }
    return out;
  };
  return [make(0), make(1), make(2)] as FormatPlan['curves'];
}

function buildPlan(lut: CubeLut, format: PixelFormat): FormatPlan {
  const maxCode = maxCodeOf(format);
  if (lut.lut3d === null) return { grid: null, scaled: null, curves: buildCurves(lut.lut1d!, format) };
  return { grid: buildGrid(lut.lut3d, lut.lut1d, maxCode), scaled: buildScaled(lut.lut3d, maxCode), curves: null };
}

/**
 * Applies a .cube LUT in place to rgb24 and rgb48le frames. All per-code work (domain, shaper,
 * cell lookup) and the table scaling happen once here; a frame costs one pass of interpolation.
 * Results match `sampleCubeLut` rounded to the frame's code values within 1 code.
 */
export class LutStage implements Stage {
  readonly name = 'lut';
  readonly modes = LUT_STAGE_MODES;
  private modeIndex: number;
  private readonly plans: Record<PixelFormat, FormatPlan>;
  /** rgb48le word views of pooled buffers, so a recycled buffer gets no new view. */
  private readonly wordViews = new WeakMap<Buffer, Uint16Array>();

  constructor(options: LutStageOptions) {
    const lut = options.lut as CubeLut | undefined;
    if (!lut || (lut.lut1d == null && lut.lut3d == null)) {
      throw new LutStageOptionsError('lut.lut: expected a parsed .cube with a 1D table, a 3D table or both');
    }
    const mode = options.mode ?? 'tetrahedral';
    this.modeIndex = LUT_STAGE_MODES.indexOf(mode);
    if (this.modeIndex < 0) {
      throw new LutStageOptionsError(`lut.mode: expected one of ${LUT_STAGE_MODES.join(', ')}, got '${String(mode)}'`);
    }
    this.plans = { rgb24: buildPlan(lut, 'rgb24'), rgb48le: buildPlan(lut, 'rgb48le') };
  }

  get mode(): Lut3dInterpolation {
    return LUT_STAGE_MODES[this.modeIndex]!;
  }

  setMode(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= LUT_STAGE_MODES.length) {
      throw new RangeError(`lut.setMode: expected an index 0..${LUT_STAGE_MODES.length - 1}, got ${index}`);
    }
    this.modeIndex = index;
  }

  process(frame: Frame): Frame {
    const pixels = frame.width * frame.height;
    const bytes = pixels * bytesPerPixel(frame.format);
    if (frame.data.length < bytes) {
      throw new RangeError(`lut: ${frame.width}x${frame.height} ${frame.format} frame needs ${bytes} bytes, got ${frame.data.length}`);
    }
    const plan = this.plans[frame.format];
    if (frame.format === 'rgb24') {
      this.run(frame.data, pixels * 3, plan);
    } else if (LITTLE_ENDIAN && frame.data.byteOffset % 2 === 0) {
      this.run(this.words(frame.data, pixels * 3), pixels * 3, plan);
    } else {
      this.runUnaligned(frame.data, pixels * 3, plan);
    }
    return frame;
  }

  private run(px: Uint8Array | Uint16Array, samples: number, plan: FormatPlan): void {
    if (plan.curves) curveKernel(px, samples, plan.curves);
    else if (this.modeIndex === 0) tetrahedralKernel(px, samples, plan.grid!, plan.scaled!);
    else trilinearKernel(px, samples, plan.grid!, plan.scaled!);
  }

  private words(data: Buffer, samples: number): Uint16Array {
    let view = this.wordViews.get(data);
    if (view === undefined || view.length !== samples) {
      view = new Uint16Array(data.buffer, data.byteOffset, samples);
      this.wordViews.set(data, view);
    }
    return view;
  }

  /** Odd byte offset or a big-endian host: decode to words, process, encode back (slow, rare). */
  private runUnaligned(data: Buffer, samples: number, plan: FormatPlan): void {
    const words = new Uint16Array(samples);
    for (let i = 0; i < samples; i++) words[i] = data.readUInt16LE(i * 2);
    this.run(words, samples, plan);
    for (let i = 0; i < samples; i++) data.writeUInt16LE(words[i]!, i * 2);
  }
}

export function createLutStage(options: LutStageOptions): LutStage {
  return new LutStage(options);
}
