/**
 * The thermal compensation stage: per frame, read the latest temperature per zone, compute each
 * zone's correction (led-model + thermal-correction), move the gains toward it at a bounded rate,
 * and apply them per pixel in linear light (native kernel off the JS thread; a JS fallback when
 * the addon is missing). A zone whose sensor goes silent keeps its last reading for
 * `silenceTimeoutMs`, then eases to nominal (identity) at the same bounded rate; both are logged once.
 */
import type { Matrix3 } from '../calibration/matrix3.js';
import { thermalApplyAsync, thermalKernelAvailable, type ThermalCanvasWindow } from '../native/thermal.js';
import { checkRegionFrames, type CanvasRegion } from '../pipeline/canvas-region.js';
import type { Frame, PixelFormat } from '../pipeline/frame.js';
import type { Logger } from '../pipeline/logger.js';
import type { Stage } from '../pipeline/stage.js';
import { GainSlew } from './gain-slew.js';
import type { LedTypeModel } from './led-model.js';
import { sampleView, thermalReference } from './reference-kernel.js';
import type { TemperatureSource } from './sources/temperature-source.js';
import type { DisplayModeRequest } from '../live/display-mode.js';
import { zoneCorrections, type HeadroomPolicy } from './thermal-correction.js';
import { buildThermalTables, type SignalTransfer, type ThermalDither } from './transfer-tables.js';
import { zoneCount, type ZoneGrid } from './zone-grid.js';

export const THERMAL_MODES = ['per-pixel'] as const;

export interface ThermalStageOptions {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly fps: number;
  readonly grid: ZoneGrid;
  readonly model: LedTypeModel;
  readonly transfer: SignalTransfer;
  /** Started by the caller (or by create); the stage closes it. */
  readonly source: TemperatureSource;
  /** Largest change of any gain coefficient per frame (default 0.005 = 0.5 %). */
  readonly maxStepPerFrame?: number;
  /** A zone silent this long (ms) eases to nominal (default 10000). */
  readonly silenceTimeoutMs?: number;
  /** Default 'wall'. */
  readonly headroom?: HeadroomPolicy;
  /** Default 'ordered' (the stage is last before the wall: 8-bit rounding after gains would band). */
  readonly dither?: ThermalDither;
  readonly log: Logger;
  /** Milliseconds; default performance.now (tests inject their own). */
  readonly clock?: () => number;
  /** Force the JavaScript kernel (tests). */
  readonly forceJsKernel?: boolean;
  /**
   * The frames are this window of the canvas the zone grid covers (--region, docs/SCALING.md):
   * zones, their interpolation and the dither phase follow canvas coordinates, so windows stitch
   * to the whole-canvas result exactly. The source should carry every zone of the canvas.
   */
  readonly region?: CanvasRegion;
}

export interface ThermalStatus {
  /** Temperature each zone is compensated for now (null = nominal: no reading, or silent). */
  readonly zoneCelsius: (number | null)[];
  readonly silentZones: number[];
  /** Gains in use: cols*rows row-major 3x3 matrices. */
  readonly gains: Float32Array;
  /** Largest coefficient change in the last frame. */
  readonly lastStep: number;
  /** Largest channel drive the corrections asked for before headroom scaling (1.2 = 120 %). */
  readonly peakDrive: number;
  /** Peak brightness given up to keep the white point (0..1). */
  readonly headroomUsed: number;
  readonly kernel: 'native' | 'js';
  /**
   * 'calibration' while the thermal correction runs inside the calibration kernel's pass (the
   * stage then only advances the gains and does its bookkeeping; its own time is ~0); null when it
   * runs its own kernel.
   */
  readonly fusedInto: 'calibration' | null;
  /** Frames whose correction ran fused into the calibration pass (of `frames`). */
  readonly fusedFrames: number;
  readonly frames: number;
  readonly malformed: number;
  readonly accepted: number;
}

export class ThermalStage implements Stage {
  readonly name = 'thermal';
  readonly modes = THERMAL_MODES;
  private readonly zones: number;
  private readonly slew: GainSlew;
  private readonly target: Float64Array;
  private readonly tables;
  private readonly kernel: 'native' | 'js';
  private readonly clock: () => number;
  private readonly maxStep: number;
  private readonly timeoutMs: number;
  private readonly policy: HeadroomPolicy;
  private readonly startMs: number;
  private readonly silent = new Set<number>();
  private readonly zoneCelsius: (number | null)[];
  private readonly drive: Float64Array;
  private readonly sampleZone: Int32Array;
  private readonly sampleIndex: Int32Array;
  private warnedNoData = false;
  private lastPts = NaN;
  private lastStep = 0;
  private peakDrive = 1;
  private headroomUsed = 0;
  private reportedHeadroom = 0;
  private frames = 0;
  private fusion = false;
  private fusedFrames = 0;
  private lastFusedState: boolean | null = null;
  /** Frames whose gains a fused calibration pass took (and applied); process() skips the kernel for them. */
  private readonly fusedSeqs = new Set<number>();
  private readonly unappliedSeqs = new Set<number>();

  private readonly canvas: ThermalCanvasWindow | undefined;

  constructor(private readonly o: ThermalStageOptions) {
    if (o.region) checkRegionFrames(o.region, 'thermal', o.width, o.height);
    const r = o.region;
    this.canvas = r ? { x: r.x, y: r.y, width: r.canvasWidth, height: r.canvasHeight } : undefined;
    this.zones = zoneCount(o.grid);
    this.clock = o.clock ?? (() => performance.now());
    this.maxStep = o.maxStepPerFrame ?? 0.005;
    this.timeoutMs = o.silenceTimeoutMs ?? 10_000;
    this.policy = o.headroom ?? 'wall';
    const identity = Array.from({ length: this.zones }, () => [1, 0, 0, 0, 1, 0, 0, 0, 1]).flat();
    this.slew = new GainSlew(this.zones * 9, identity);
    this.target = new Float64Array(identity);
    this.tables = buildThermalTables(o.transfer, o.format, o.dither ?? 'ordered');
    this.kernel = !o.forceJsKernel && thermalKernelAvailable() ? 'native' : 'js';
    if (this.kernel === 'js' && !o.forceJsKernel) o.log.warn('thermal: native addon unavailable; using the JavaScript kernel (much slower; build it with `node scripts/build-native.mjs`)');
    this.startMs = this.clock();
    this.zoneCelsius = new Array<number | null>(this.zones).fill(null);
    this.drive = new Float64Array(this.zones);
    // Sparse sample grid (about 256 x 144) for the zones' mean drive, fixed for the stream.
    // Zones are on the canvas: a window's pixels are mapped through its place on it.
    const sx = Math.max(1, Math.floor(o.width / 256)), sy = Math.max(1, Math.floor(o.height / 144));
    const cx = r?.x ?? 0, cy = r?.y ?? 0, cw = r?.canvasWidth ?? o.width, ch = r?.canvasHeight ?? o.height;
    const zs: number[] = [], idx: number[] = [];
    for (let y = Math.floor(sy / 2); y < o.height; y += sy) {
      for (let x = Math.floor(sx / 2); x < o.width; x += sx) {
        zs.push(Math.min(Math.floor(((y + cy) * o.grid.rows) / ch), o.grid.rows - 1) * o.grid.cols + Math.min(Math.floor(((x + cx) * o.grid.cols) / cw), o.grid.cols - 1));
        idx.push((y * o.width + x) * 3);
      }
    }
    this.sampleZone = Int32Array.from(zs);
    this.sampleIndex = Int32Array.from(idx);
  }

  /** 'calibration' while the last frame's correction ran in the calibration pass (Stage.fusedInto). */
  get fusedInto(): 'calibration' | null {
    return this.fusion && this.lastFusedState === true ? 'calibration' : null;
  }

  /** The transfer and dither the stage applies (the fusion check compares them with the calibration's). */
  get transfer(): SignalTransfer {
    return this.o.transfer;
  }

  get dither(): ThermalDither {
    return this.o.dither ?? 'ordered';
  }

  get format(): PixelFormat {
    return this.o.format;
  }

  /**
   * Called once by fuseStages (src/stages/fusion.ts) when a calibration stage directly before this
   * one will apply the correction in its own pass. Frames the calibration did not fuse (bypassed, a
   * plan with a 3D LUT after a reload, ...) still get this stage's own kernel.
   */
  enableFusion(): void {
    this.fusion = true;
  }

  /**
   * For the fused calibration pass of `frame`: advances the targets and the slew exactly as
   * process() would, and returns the gains to apply. process() then skips the kernel for this frame.
   */
  takeFusedGains(frame: Frame): { zones: Float32Array; cols: number; rows: number } | null {
    if (!this.fusion || frame.format !== this.o.format || frame.width !== this.o.width || frame.height !== this.o.height) return null;
    this.advance();
    this.fusedSeqs.add(frame.seq);
    return { zones: this.slew.current, cols: this.o.grid.cols, rows: this.o.grid.rows };
  }

  /** The fused pass took this frame's gains but failed: process() applies them with its own kernel (no second slew step). */
  fusedGainsNotApplied(frame: Frame): void {
    if (this.fusedSeqs.delete(frame.seq)) this.unappliedSeqs.add(frame.seq);
  }

  /** Temperatures → targets → one slew step (once per frame, fused or not). */
  private advance(): void {
    this.updateTargets(this.clock());
    this.lastStep = this.slew.step(this.target, this.maxStep);
  }

  async process(frame: Frame): Promise<Frame> {
    const fused = this.fusedSeqs.delete(frame.seq);
    if (this.fusion && fused !== this.lastFusedState) {
      this.lastFusedState = fused;
      this.o.log.info(fused ? 'thermal: fused into calibration (one pass: decode → calibration → thermal gains → encode); this stage now only advances the gains' : `thermal: frame ${frame.seq} was not fused into calibration; running the thermal kernel`);
    }
    if (fused) {
      this.fusedFrames++;
      this.afterFrame(frame);
      return frame;
    }
    if (!this.unappliedSeqs.delete(frame.seq)) this.advance();
    const zones = this.slew.current;
    const { grid } = this.o;
    if (this.kernel === 'native') {
      await thermalApplyAsync({ data: frame.data, width: frame.width, height: frame.height, format: frame.format, zones, cols: grid.cols, rows: grid.rows, tables: this.tables, ...(this.canvas ? { canvas: this.canvas } : {}) });
    } else {
      thermalReference({ data: sampleView(frame.data, frame.format), width: frame.width, height: frame.height, format: frame.format, zones, grid, transfer: this.o.transfer, decodeTable: this.tables.decode, dither: this.tables.dither, ...(this.canvas ? { canvas: this.canvas } : {}) });
    }
    this.afterFrame(frame);
    return frame;
  }

  /** Bookkeeping after a frame's correction: count, and the simulated source's view of the displayed frame. */
  private afterFrame(frame: Frame): void {
    this.frames++;
    if (this.o.source.observeDisplayed) {
      const seconds = Number.isFinite(this.lastPts) && frame.ptsMs > this.lastPts ? (frame.ptsMs - this.lastPts) / 1000 : 1 / this.o.fps;
      this.o.source.observeDisplayed(this.meanDrive(frame), seconds, this.clock());
    }
    this.lastPts = frame.ptsMs;
  }

  /** Temperatures → per-zone target gains, with silence handling and headroom. */
  private updateTargets(now: number): void {
    const board = this.o.source.board;
    const newlySilent: number[] = [];
    for (let z = 0; z < this.zones; z++) {
      const at = board.updatedMs[z]!;
      if (Number.isNaN(at)) {
        this.zoneCelsius[z] = null;
        continue;
      }
      if (now - at > this.timeoutMs) {
        if (!this.silent.has(z)) {
          this.silent.add(z);
          newlySilent.push(z);
        }
        this.zoneCelsius[z] = null;
      } else {
        if (this.silent.delete(z)) this.o.log.info(`thermal: zone ${z} reporting again (${board.celsius[z]!.toFixed(1)} °C)`);
        this.zoneCelsius[z] = board.celsius[z]!;
      }
    }
    if (newlySilent.length > 0) {
      this.o.log.warn(`thermal: no temperature from ${this.o.source.description} for zone(s) ${newlySilent.join(', ')} in ${this.timeoutMs / 1000} s; held the last reading until now, easing to nominal (25 °C)`);
    }
    if (!this.warnedNoData && board.accepted === 0 && now - this.startMs > this.timeoutMs) {
      this.warnedNoData = true;
      this.o.log.warn(`thermal: no temperature received from ${this.o.source.description} in ${this.timeoutMs / 1000} s; running nominal (no compensation) until one arrives`);
    }
    const c = zoneCorrections(this.o.model, this.zoneCelsius, this.policy);
    c.matrices.forEach((m: Matrix3, z) => {
      for (let k = 0; k < 9; k++) this.target[z * 9 + k] = m[Math.floor(k / 3)]![k % 3]!;
    });
    this.peakDrive = c.peakDrive;
    this.headroomUsed = c.headroomUsed;
    if (Math.abs(c.headroomUsed - this.reportedHeadroom) >= 0.05) {
      this.reportedHeadroom = c.headroomUsed;
      this.o.log.info(`thermal: warmest zone needs ${(c.peakDrive * 100).toFixed(0)} % drive; peak brightness lowered ${(c.headroomUsed * 100).toFixed(1)} % to keep the white point`);
    }
  }

  /** Mean linear drive per zone of the displayed frame, from a sparse sample. */
  private meanDrive(frame: Frame): Float64Array {
    const view = sampleView(frame.data, frame.format);
    const dec = this.tables.decode;
    const sums = this.drive.fill(0);
    const counts = new Float64Array(this.zones);
    for (let i = 0; i < this.sampleIndex.length; i++) {
      const p = this.sampleIndex[i]!;
      const z = this.sampleZone[i]!;
      sums[z] += (dec[view[p]!]! + dec[view[p + 1]!]! + dec[view[p + 2]!]!) / 3;
      counts[z]++;
    }
    for (let z = 0; z < this.zones; z++) sums[z] = counts[z]! > 0 ? sums[z]! / counts[z]! : 0;
    return sums;
  }

  status(): ThermalStatus {
    const b = this.o.source.board;
    return {
      zoneCelsius: [...this.zoneCelsius],
      silentZones: [...this.silent].sort((a, b2) => a - b2),
      gains: Float32Array.from(this.slew.current),
      lastStep: this.lastStep,
      peakDrive: this.peakDrive,
      headroomUsed: this.headroomUsed,
      kernel: this.kernel,
      fusedInto: this.fusedInto,
      fusedFrames: this.fusedFrames,
      frames: this.frames,
      malformed: b.malformed,
      accepted: b.accepted,
    };
  }

  setMode(): void {}

  /** Display-mode control on the telemetry channel goes to `listener` (requests that came earlier are held for it). */
  onDisplayModeRequest(listener: (req: DisplayModeRequest, from: string) => void): void {
    this.o.source.board.onDisplayModeRequest((req) => listener(req, this.o.source.description));
  }

  async close(): Promise<void> {
    await this.o.source.close();
  }
}

export function createThermalStage(options: ThermalStageOptions): ThermalStage {
  return new ThermalStage(options);
}
