import type { DisplayModeAware } from '../live/display-mode.js';
import type { Frame, PixelFormat } from './frame.js';

/** The size and format of the frames a stage emits. */
export interface FrameGeometry {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
}

/**
 * A pipeline stage: the AI, calibration and thermal stages all implement this.
 *
 * `modes` is the stage's degradation ladder, best first (e.g. ['quality', 'balanced', 'realtime', 'lanczos']).
 * The pipeline's `degrade` policy calls `setMode(i)` between frames; a stage with one mode cannot degrade.
 * `process` may return the same frame (in-place work) or a new one (e.g. a different size after SR);
 * when it returns a new frame it must release the input frame itself.
 */
export interface Stage extends DisplayModeAware {
  readonly name: string;
  readonly modes: readonly string[];
  /** The geometry of the frames it emits, when it differs from its input's (e.g. SR x2); the next stage is built for it. */
  readonly output?: FrameGeometry;
  /**
   * The transfer function of the code values it emits, spelt as `--thermal-transfer` takes it
   * ('gamma:2.2', 'srgb', 'pq', 'linear'), when the stage knows it (calibration: its output curve).
   */
  readonly signalTransfer?: string;
  setMode?(index: number): void;
  process(frame: Frame): Promise<Frame> | Frame;
  /**
   * What a bypass or a live-mode failure delivers instead of the frame as it came in. Stages that change
   * the geometry provide it (SR: its cheapest rung), so the stages after them never see a wrong-size frame.
   */
  passThrough?(frame: Frame): Promise<Frame> | Frame;
  /**
   * Set when another stage does this stage's pixel work in its own pass (thermal fused into
   * calibration: 'calibration'); this stage's time then covers only its own bookkeeping. Reported
   * as `stages.<name>.fusedInto` in the stats.
   */
  readonly fusedInto?: string | null;
  /** Frees native resources; called once when the pipeline ends. */
  close?(): Promise<void> | void;
}
