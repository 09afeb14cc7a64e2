/**
 * Typed wrappers of the native full-gray calibration / 3D LUT kernel (native/calibration*.cc).
 * A plan holds copies of every table (built by src/calibration/fullgray-plan.ts); apply runs it in
 * place on an interleaved frame, synchronously or on the libuv pool.
 */
import type { KernelPlan } from '../calibration/fullgray-plan.js';
import { frameBytes } from '../pipeline/frame.js';
import { nativeBinding, NativeUnavailableError } from './load.js';
import { checkBytes, checkDimension } from './validate.js';

/** Opaque native plan (a napi External). */
export interface NativeCalibrationPlan {
  readonly __calibrationPlan: unique symbol;
}

// plan, data, flags, ditherIndex, ditherX, ditherY, threads[, zones, cols, rows[, originX, originY, canvasWidth, canvasHeight]]
type ApplyArgs<T> = [NativeCalibrationPlan, T, number, number, number, number, number, Float32Array?, number?, number?, number?, number?, number?, number?];

interface CalibrationBinding {
  calibrationCreate(options: Record<string, unknown>): NativeCalibrationPlan;
  calibrationApply<T extends ArrayBufferView>(...a: ApplyArgs<T>): T;
  calibrationApplyAsync<T extends ArrayBufferView>(...a: ApplyArgs<T>): Promise<T>;
  calibrationPlanInfo?(plan: NativeCalibrationPlan): NativeCalibrationPlanInfo;
}

/** What the addon derived from a plan (docs/CALIBRATION.md, "Speed"). */
export interface NativeCalibrationPlanInfo {
  /** The AVX-512 path evaluates the output encode as a fitted per-octave quartic (the tables hold its values). */
  readonly encodePoly: boolean;
  /** The fit's largest difference from the exact encode over every table bin, in output codes. */
  readonly encodePolyError: number;
  readonly encodePolyTolerance: number;
  /** rgb24: decode tables as byte planes (AVX-512 VBMI lookups without gathers). */
  readonly bytePlaneDecode: boolean;
  /** ≤ 16 anchors: per-pixel anchor matrices by lane permutes. */
  readonly anchorPermute: boolean;
  /** Power-law output: the AVX-512 fast path's encode q(m)·S[octave] fits the exact table within `encodeScaledTolerance` codes. */
  readonly encodeScaled?: boolean;
  readonly encodeScaledError?: number;
  readonly encodeScaledTolerance?: number;
  /**
   * The plan has the fused single pass (A_k + f·D_k matrices, fused multiply-adds, scaled encode
   * fused with quantisation): the AVX-512 (with VBMI) and AVX2 (with FMA) paths run it, within 1 LSB
   * of scalar instead of bit-equal (rgb24).
   */
  readonly fastPath?: boolean;
}

function binding(): CalibrationBinding {
  const b = nativeBinding() as unknown as Partial<CalibrationBinding>;
  if (typeof b.calibrationCreate !== 'function') throw new NativeUnavailableError('this build of the addon has no calibration kernel (rebuild it)');
  return b as CalibrationBinding;
}

/** True when the loaded addon has the calibration kernel. */
export function nativeCalibrationAvailable(): boolean {
  try {
    binding();
    return true;
  } catch {
    return false;
  }
}

/** Copies the plan's tables into a native plan. */
export function createNativeCalibrationPlan(plan: KernelPlan): NativeCalibrationPlan {
  const m = plan.matrix;
  const opts: Record<string, unknown> = {
    width: plan.width,
    height: plan.height,
    format: plan.format,
    outBits: plan.outBits,
    decode: plan.decode,
    dither: plan.dither,
  };
  if (m) {
    Object.assign(opts, {
      anchors: m.anchors,
      moduleWidth: m.moduleWidth,
      moduleHeight: m.moduleHeight,
      pos: m.pos,
      matrices: m.matrices,
      gain: m.gain,
      gainScale: m.gainScale,
      gainOffset: m.gainOffset,
      seamCol: m.seamCol,
      seamRow: m.seamRow,
      encodeValues: m.encodeValues,
      encodeDeltas: m.encodeDeltas,
      encodeZero: m.encodeZero,
      encodeNearest: m.encodeNearest,
    });
  }
  if (plan.lut) Object.assign(opts, { lut: plan.lut, lutSize: plan.lutSize });
  return binding().calibrationCreate(opts) as NativeCalibrationPlan;
}

/** The native plan's derived layouts; null when the addon predates calibrationPlanInfo. */
export function nativeCalibrationPlanInfo(plan: NativeCalibrationPlan): NativeCalibrationPlanInfo | null {
  const b = binding();
  return b.calibrationPlanInfo ? b.calibrationPlanInfo(plan) : null;
}

export interface ApplyCalibrationOptions<T extends ArrayBufferView> {
  readonly plan: NativeCalibrationPlan;
  readonly width: number;
  readonly height: number;
  readonly format: 'rgb24' | 'rgb48le';
  /** The frame, processed in place. */
  readonly data: T;
  /** KERNEL_FLAG_* bits (fullgray-reference.ts). */
  readonly flags: number;
  /** Index into the plan's dither tiles, and the frame's offset into the tile (0..63). */
  readonly ditherIndex: number;
  readonly ditherX?: number;
  readonly ditherY?: number;
  /** Row bands run on this many threads (default 1). */
  readonly threads?: number;
  /**
   * Thermal compensation fused into the same pass (docs/THERMAL.md, "Fused with calibration"):
   * cols * rows zone matrices (row-major zones, row-major 3x3), applied in linear light after the
   * calibration's clamp, interpolated per pixel as the thermal kernel does, before the encode.
   * Needs a plan with matrices and no 3D LUT. The zones are copied when the call starts.
   */
  readonly thermal?: {
    readonly zones: Float32Array;
    readonly cols: number;
    readonly rows: number;
    /** The frame is this window of the canvas the zone grid covers (--region). */
    readonly canvas?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  };
}

function args<T extends ArrayBufferView>(o: ApplyCalibrationOptions<T>): ApplyArgs<T> {
  checkBytes('data', o.data, frameBytes(checkDimension('width', o.width), checkDimension('height', o.height), o.format));
  const base: ApplyArgs<T> = [o.plan, o.data, o.flags, o.ditherIndex, o.ditherX ?? 0, o.ditherY ?? 0, o.threads ?? 1];
  if (!o.thermal) return base;
  const cols = checkDimension('thermal.cols', o.thermal.cols, 1, Math.min(1024, o.width));
  const rows = checkDimension('thermal.rows', o.thermal.rows, 1, Math.min(1024, o.height));
  if (!(o.thermal.zones instanceof Float32Array)) throw new TypeError('Expected Float32Array for thermal.zones');
  if (o.thermal.zones.length < cols * rows * 9) throw new RangeError(`Expected at least ${cols * rows * 9} elements for thermal.zones but received ${o.thermal.zones.length}`);
  const c = o.thermal.canvas;
  if (c) {
    checkDimension('thermal.canvas.width', c.width, o.width);
    checkDimension('thermal.canvas.height', c.height, o.height);
    checkDimension('thermal.canvas.x', c.x, 0, c.width - o.width);
    checkDimension('thermal.canvas.y', c.y, 0, c.height - o.height);
  }
  const fused: ApplyArgs<T> = [o.plan, o.data, o.flags, o.ditherIndex, o.ditherX ?? 0, o.ditherY ?? 0, o.threads ?? 1, o.thermal.zones, cols, rows];
  if (c) fused.push(c.x, c.y, c.width, c.height);
  return fused;
}

export function applyNativeCalibration<T extends ArrayBufferView>(o: ApplyCalibrationOptions<T>): T {
  return binding().calibrationApply(...args(o));
}

/** Runs on the libuv pool; leave `data` alone until it settles. The plan stays alive for the job. */
export function applyNativeCalibrationAsync<T extends ArrayBufferView>(o: ApplyCalibrationOptions<T>): Promise<T> {
  return binding().calibrationApplyAsync(...args(o));
}
