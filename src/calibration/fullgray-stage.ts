/**
 * The full-gray calibration stage: per-module matrices at gray-level anchors, per-pixel gains,
 * seams, target transfer, optional 3D LUT, dithered quantisation, in place, in the native kernel
 * off the JS thread (the double-precision reference when the addon is missing). A calibration file
 * is watched: a changed file is validated and swapped between frames; a bad one is refused with a
 * warning and the running calibration stays.
 */
import { checkRegionFrames, type CanvasRegion } from '../pipeline/canvas-region.js';
import type { Frame, PixelFormat } from '../pipeline/frame.js';
import { watchFile, type FileWatch } from '../util/watch-file.js';
import type { Logger } from '../pipeline/logger.js';
import type { Stage } from '../pipeline/stage.js';
import { applyNativeCalibration, applyNativeCalibrationAsync, createNativeCalibrationPlan, nativeCalibrationAvailable, type NativeCalibrationPlan } from '../native/calibration.js';
import type { CubeLut } from './cube-lut.js';
import { DITHER_TILE, DITHER_TILE_INDEX, ditherTiles, temporalDitherOffset } from './dither-tiles.js';
import { buildKernelPlan } from './fullgray-plan.js';
import { sliceCalibration } from './calibration-region.js';
import { applyReference, KERNEL_FLAG_GAIN, KERNEL_FLAG_SEAM, KERNEL_FLAG_SINGLE_ANCHOR } from './fullgray-reference.js';
import { readLedcal, type Calibration, type DitherMode, type TransferCurve } from './ledcal-format.js';
import { describeTransfer } from './transfer-curve.js';
import { PQ_PEAK_NITS } from './transfer-functions.js';
import { trimCalibration, whiteTrimGains } from './white-trim.js';
import type { DisplayMode } from '../live/display-mode.js';

/**
 * The degradation ladder, best first (measured in docs/CALIBRATION.md). 'single-anchor' applies each
 * module's full-level matrix instead of interpolating between gray-level anchors (no per-pixel
 * anchor lookup and one matrix product instead of one per spanned anchor): uniformity and seams
 * stay corrected, the low-gray cast does not. 'module-only' also drops the per-pixel gain planes.
 * Transfer curves, seams, LUT and dither stay on every rung.
 */
export const FULLGRAY_MODES = ['full', 'single-anchor', 'module-only'] as const;
export type FullGrayMode = (typeof FULLGRAY_MODES)[number];
const MODE_FLAGS: Record<FullGrayMode, number> = {
  full: KERNEL_FLAG_GAIN | KERNEL_FLAG_SEAM,
  'single-anchor': KERNEL_FLAG_GAIN | KERNEL_FLAG_SEAM | KERNEL_FLAG_SINGLE_ANCHOR,
  'module-only': KERNEL_FLAG_SEAM | KERNEL_FLAG_SINGLE_ANCHOR,
};

export interface FullGrayStageOptions {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** The .ledcal file (watched for changes unless `watch` is false), or null for a LUT-only stage. */
  readonly calibrationFile: string | null;
  /** A LUT that replaces the calibration's own (--lut). */
  readonly lut: CubeLut | null;
  /** Output bit depth; default the file's (16 for a LUT-only rgb48le stage, 8 for rgb24). */
  readonly bitDepth?: number;
  /** Default the file's ('none' for a LUT-only stage). */
  readonly dither?: DitherMode;
  readonly log: Logger;
  /** Watch the calibration file (default true). */
  readonly watch?: boolean;
  /** Quiet time after the last change event before reloading, ms (default 150). */
  readonly debounceMs?: number;
  /** Row bands on this many threads (default 1: the budget is one core). */
  readonly threads?: number;
  /** Use the native kernel when available (default true). */
  readonly native?: boolean;
  /**
   * The frames are this window of the canvas the calibration file describes (--region,
   * docs/SCALING.md): the window's slice of the calibration is applied and the dither pattern
   * stays anchored to the canvas, so windows stitch to the whole-canvas result exactly.
   */
  readonly region?: CanvasRegion;
}

/**
 * A thermal stage that can run inside this stage's kernel pass (src/thermal/thermal-stage.ts; wired
 * by src/stages/fusion.ts when thermal directly follows calibration).
 */
export interface FusableThermal {
  /** The signal transfer the thermal stage decodes/encodes with ('gamma:2.4', 'srgb', 'pq', 'linear'). */
  readonly transfer: { readonly name: string };
  readonly dither: 'ordered' | 'none';
  /** This frame's zone gains (advancing the thermal stage's targets and slew once); null: do not fuse it. */
  takeFusedGains(frame: Frame): { zones: Float32Array; cols: number; rows: number } | null;
  /** The pass that took this frame's gains failed: the thermal stage applies them itself. */
  fusedGainsNotApplied(frame: Frame): void;
}

/** Whether a calibration's output transfer is the thermal stage's signal transfer (fusion needs both to mean the same light). */
export function transferMatches(t: TransferCurve, thermalTransfer: string): boolean {
  switch (t.curve) {
    case 'linear':
    case 'srgb':
      return thermalTransfer === t.curve;
    case 'gamma':
      return thermalTransfer === `gamma:${t.gamma}`;
    case 'pq':
      return thermalTransfer === 'pq' && t.peakNits === PQ_PEAK_NITS;
  }
}

export class FullGrayStageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FullGrayStageError';
  }
}

/** What a display mode changes here: the white (a colour-temperature trim) and the dither. */
interface Look {
  readonly cct?: number;
  readonly referenceCct?: number;
  readonly dither?: DitherMode;
}

interface Active {
  /** The calibration as read from the file (display-mode trims are applied to it, never stacked). */
  readonly calibration: Calibration | null;
  readonly look: Look;
  readonly lut: CubeLut | null;
  readonly outBits: number;
  readonly dither: DitherMode;
  readonly native: NativeCalibrationPlan | null;
  /** What the reference path applies: the calibration after the display mode's trim. */
  readonly trimmed: Calibration | null;
}

export interface FullGrayReloadStats {
  reloads: number;
  rejected: number;
  lastError: string | null;
}

export class FullGrayStage implements Stage {
  readonly name = 'calibration';
  readonly modes: readonly string[];
  readonly reloadStats: FullGrayReloadStats = { reloads: 0, rejected: 0, lastError: null };
  private mode = 0;
  private frames = 0;
  private watcher: FileWatch | null = null;
  private reloading: Promise<boolean> | null = null;
  private closed = false;
  /** Display modes built and waiting for their frame, by version. */
  private readonly prepared = new Map<number, Active>();
  private thermal: FusableThermal | null = null;
  private lastBlocker: string | null | undefined = undefined;

  private constructor(
    private readonly o: FullGrayStageOptions,
    private active: Active,
    private readonly useNative: boolean,
  ) {
    this.modes = o.calibrationFile ? FULLGRAY_MODES : ['lut'];
  }

  static async create(o: FullGrayStageOptions): Promise<FullGrayStage> {
    if (!o.calibrationFile && !o.lut) throw new FullGrayStageError('the calibration stage needs a calibration file or a LUT');
    if (o.region) checkRegionFrames(o.region, 'calibration', o.width, o.height);
    const useNative = (o.native ?? true) && nativeCalibrationAvailable();
    const cal = o.calibrationFile ? await FullGrayStage.load(o, o.calibrationFile) : null;
    const stage = new FullGrayStage(o, FullGrayStage.prepare(o, cal, useNative), useNative);
    if (!useNative) o.log.warn('calibration: the native kernel is not available; using the TypeScript reference (slow)');
    if (o.calibrationFile && (o.watch ?? true)) stage.startWatching(o.calibrationFile);
    return stage;
  }

  /** Reads the file; with a region, the region's slice of it. */
  private static async load(o: FullGrayStageOptions, file: string): Promise<Calibration> {
    const cal = await readLedcal(file);
    return o.region ? sliceCalibration(cal, o.region, file) : cal;
  }

  /** The dither tile offset of this frame: the temporal step plus the window's place on the canvas. */
  private ditherOffset(dither: DitherMode): { x: number; y: number } {
    const off = dither === 'temporal' ? temporalDitherOffset(this.frames) : { x: 0, y: 0 };
    const r = this.o.region;
    return r ? { x: (off.x + r.x) & (DITHER_TILE - 1), y: (off.y + r.y) & (DITHER_TILE - 1) } : off;
  }

  /** Validates a calibration against the stream and builds its tables (throws with the reason). */
  private static prepare(o: FullGrayStageOptions, cal: Calibration | null, useNative: boolean, look: Look = {}): Active {
    const maxBits = o.format === 'rgb24' ? 8 : 16;
    const outBits = o.bitDepth ?? Math.min(cal?.output.bitDepth ?? maxBits, maxBits);
    if (outBits > maxBits) throw new FullGrayStageError(`bit depth ${outBits} needs a 16-bit stream (rgb48le); this one is ${o.format}`);
    const lut = o.lut ?? cal?.lut?.cube ?? null;
    const dither = look.dither ?? o.dither ?? cal?.output.dither ?? 'none';
    if (cal && (cal.width !== o.width || cal.height !== o.height)) {
      throw new FullGrayStageError(`the calibration is for a ${cal.width}x${cal.height} wall but the stream is ${o.width}x${o.height}`);
    }
    const trimmed = cal && look.cct !== undefined ? trimCalibration(cal, whiteTrimGains(cal.target, look.referenceCct, look.cct)) : cal;
    let native: NativeCalibrationPlan | null = null;
    if (useNative) native = createNativeCalibrationPlan(buildKernelPlan({ width: o.width, height: o.height, format: o.format, outBits, calibration: trimmed, lut }));
    return { calibration: cal, look, lut, outBits, dither, native, trimmed };
  }

  /**
   * A new display mode: the colour temperature trims the calibration's white (relative to the CCT it
   * was made for), the brightness may change the dither. Built here, off the frame path; swapped in
   * by applyDisplayMode at the frame the pipeline says. A LUT-only stage has no target white to trim.
   */
  prepareDisplayMode(mode: DisplayMode): void {
    const look: Look = {
      ...(mode.dither ? { dither: mode.dither } : {}),
      ...(this.active.calibration && mode.cct !== undefined ? { cct: mode.cct } : {}),
      ...(mode.referenceCct !== undefined ? { referenceCct: mode.referenceCct } : {}),
    };
    if (!this.active.calibration && mode.cct !== mode.referenceCct) this.o.log.warn(`calibration: a LUT-only stage has no target white; the ${mode.cct} K colour temperature is not applied`);
    this.prepared.set(mode.version, FullGrayStage.prepare(this.o, this.active.calibration, this.useNative, look));
  }

  applyDisplayMode(mode: DisplayMode): void {
    const next = this.prepared.get(mode.version);
    if (!next) return;
    for (const v of this.prepared.keys()) if (v <= mode.version) this.prepared.delete(v);
    this.active = next;
  }

  setMode(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.modes.length) throw new RangeError(`mode index ${index} out of range 0..${this.modes.length - 1}`);
    this.mode = index;
  }

  /** The transfer of the codes this stage emits, as `--thermal-transfer` spells it (undefined for a LUT-only stage). */
  get signalTransfer(): string | undefined {
    const t = this.active.calibration?.output.transfer;
    if (!t) return undefined;
    if (t.curve === 'gamma') return `gamma:${t.gamma}`;
    if (t.curve === 'pq') return t.peakNits === PQ_PEAK_NITS ? 'pq' : undefined;
    return t.curve;
  }

  /** The calibration running now (null for a LUT-only stage). */
  get calibration(): Calibration | null {
    return this.active.calibration;
  }

  /** Applies `thermal`'s correction inside this stage's pass from now on, whenever the running plan allows it. */
  attachThermal(thermal: FusableThermal): void {
    this.thermal = thermal;
  }

  /** Why the running calibration cannot take the attached thermal stage into its pass (null: it can). */
  fusionBlocker(): string | null {
    const a = this.active;
    const t = this.thermal;
    if (!t) return 'no thermal stage attached';
    if (!a.native) return 'the calibration runs without the native kernel';
    if (!a.calibration) return 'a LUT-only calibration stage has no linear-light step';
    if (a.lut) return 'the calibration applies a 3D LUT after its encode';
    if (!transferMatches(a.calibration.output.transfer, t.transfer.name)) return `the calibration's output is ${describeTransfer(a.calibration.output.transfer)} but --thermal-transfer is ${t.transfer.name}`;
    return null;
  }

  private nativeArgs(a: Active, frame: Frame) {
    const flags = this.modes === FULLGRAY_MODES ? MODE_FLAGS[FULLGRAY_MODES[this.mode]!] : 0;
    let thermal: { zones: Float32Array; cols: number; rows: number; canvas?: { x: number; y: number; width: number; height: number } } | null = null;
    let dither = a.dither;
    if (this.thermal) {
      const blocker = this.fusionBlocker();
      if (blocker !== this.lastBlocker) {
        if (blocker !== null) this.o.log.info(`calibration: thermal compensation not fused into this pass: ${blocker}`);
        this.lastBlocker = blocker;
      }
      if (blocker === null) thermal = this.thermal.takeFusedGains(frame);
      const r = this.o.region;
      // A --region window: the zone grid covers the canvas, as the thermal kernel's own window does.
      if (thermal && r) thermal = { ...thermal, canvas: { x: r.x, y: r.y, width: r.canvasWidth, height: r.canvasHeight } };
      // The fused pass rounds once: with the calibration's dither, or the thermal stage's ordered one when the calibration has none.
      if (thermal && dither === 'none' && this.thermal.dither === 'ordered') dither = 'ordered';
    }
    const off = this.ditherOffset(dither);
    this.frames++;
    return { plan: a.native!, width: frame.width, height: frame.height, format: frame.format, data: frame.data, flags, ditherIndex: DITHER_TILE_INDEX[dither], ditherX: off.x, ditherY: off.y, threads: this.o.threads ?? 1, ...(thermal ? { thermal } : {}) };
  }

  async process(frame: Frame): Promise<Frame> {
    const a = this.active; // one calibration for the whole frame, whatever a reload does meanwhile
    if (a.native) {
      const args = this.nativeArgs(a, frame);
      try {
        await applyNativeCalibrationAsync(args);
      } catch (err) {
        if (args.thermal) this.thermal?.fusedGainsNotApplied(frame);
        throw err;
      }
      return frame;
    }
    const flags = this.modes === FULLGRAY_MODES ? MODE_FLAGS[FULLGRAY_MODES[this.mode]!] : 0;
    const ditherIndex = DITHER_TILE_INDEX[a.dither];
    const off = this.ditherOffset(a.dither);
    this.frames++;
    applyReference({ calibration: a.trimmed, lut: a.lut, format: frame.format, width: frame.width, height: frame.height, outBits: a.outBits, flags, dither: ditherTiles()[ditherIndex]!, ditherX: off.x, ditherY: off.y }, frame.data);
    return frame;
  }

  /** Synchronous variant for benchmarks and tests (same result as process). */
  processSync(frame: Frame): Frame {
    const a = this.active;
    if (!a.native) throw new FullGrayStageError('processSync needs the native kernel');
    const args = this.nativeArgs(a, frame);
    try {
      applyNativeCalibration(args);
    } catch (err) {
      if (args.thermal) this.thermal?.fusedGainsNotApplied(frame);
      throw err;
    }
    return frame;
  }

  /**
   * Reads the calibration file again; on success the next frame uses it. On failure the running
   * calibration stays and the reason is logged. Resolves true when swapped.
   */
  reload(): Promise<boolean> {
    // Coalesce: a reload in flight is followed by one more, so the last change always lands.
    const run = async (): Promise<boolean> => {
      const file = this.o.calibrationFile!;
      try {
        const cal = await FullGrayStage.load(this.o, file);
        const next = FullGrayStage.prepare(this.o, cal, this.useNative, this.active.look);
        // Display modes waiting for their frame get the new file too.
        const waiting = [...this.prepared].map(([v, p]) => [v, FullGrayStage.prepare(this.o, cal, this.useNative, p.look)] as const);
        if (this.closed) return false;
        this.active = next;
        for (const [v, p] of waiting) this.prepared.set(v, p);
        this.reloadStats.reloads++;
        this.o.log.info(`calibration: reloaded ${file}`);
        return true;
      } catch (err) {
        this.reloadStats.rejected++;
        this.reloadStats.lastError = (err as Error).message;
        this.o.log.warn(`calibration: ${file} was not loaded, keeping the previous calibration: ${(err as Error).message}`);
        return false;
      }
    };
    const chained = (this.reloading ?? Promise.resolve(false)).then(run, run);
    this.reloading = chained;
    return chained;
  }

  private startWatching(file: string): void {
    this.watcher = watchFile(file, this.o.debounceMs ?? 150, () => void this.reload(), (m) => this.o.log.warn(`calibration: ${m}`));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    await this.reloading?.catch(() => undefined);
  }
}

export function createFullGrayStage(o: FullGrayStageOptions): Promise<FullGrayStage> {
  return FullGrayStage.create(o);
}
