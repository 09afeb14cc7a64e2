import type { Frame } from './frame.js';

/**
 * A pipeline stage: the AI, calibration and thermal stages all implement this.
 *
 * `modes` is the stage's degradation ladder, best first (e.g. ['quality', 'balanced', 'realtime', 'lanczos']).
 * The pipeline's `degrade` policy calls `setMode(i)` between frames; a stage with one mode cannot degrade.
 * `process` may return the same frame (in-place work) or a new one (e.g. a different size after SR);
 * when it returns a new frame it must release the input frame itself.
 */
export interface Stage {
  readonly name: string;
  readonly modes: readonly string[];
  setMode?(index: number): void;
  process(frame: Frame): Promise<Frame> | Frame;
  /**
   * Set when another stage does this stage's pixel work in its own pass (thermal fused into
   * calibration: 'calibration'); this stage's time then covers only its own bookkeeping. Reported
   * as `stages.<name>.fusedInto` in the stats.
   */
  readonly fusedInto?: string | null;
  /** Frees native resources; called once when the pipeline ends. */
  close?(): Promise<void> | void;
}
