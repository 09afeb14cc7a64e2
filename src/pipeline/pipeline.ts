import { catchError, concatMap, defer, EMPTY, finalize, from, map, Observable, of, Subject, tap } from 'rxjs';
import type { DisplayMode } from '../live/display-mode.js';
import type { Frame } from './frame.js';
import type { Stage } from './stage.js';
import { defaultTuning, StageGovernor, type GovernorEvent, type GovernorTuning } from './stage-governor.js';
import { parseOverrunPolicySpec, policyFor, type OverrunPolicySpec } from './overrun-policy.js';
import { PipelineStats, type StageStats } from './pipeline-stats.js';

export type PipelineMode = 'offline' | 'live';

export interface PipelineOptions {
  /** Stages in processing order; an empty list is pure pass-through. */
  readonly stages: readonly Stage[];
  /** Frame rate that sets the per-stage budget (1000 / fps ms). Default 60. */
  readonly fps?: number;
  /** offline: every frame processed, overruns counted. live: overrun policies apply. Default offline. */
  readonly mode?: PipelineMode;
  /** `degrade`, `sr=degrade,calibration=bypass`, or a parsed spec. Default `degrade`. */
  readonly onOverrun?: string | OverrunPolicySpec;
  readonly tuning?: Partial<GovernorTuning>;
  /** Milliseconds clock for stage timing; default performance.now. Tests inject a fake clock. */
  readonly clock?: () => number;
  /**
   * The display mode (brightness / colour temperature) in force: each frame takes the mode current when
   * it enters, and each stage is switched to a frame's mode just before it processes that frame.
   */
  readonly displayMode?: { readonly current: DisplayMode };
}

/** Something a stage did that an operator should hear about. */
export type PipelineEvent =
  | GovernorEvent
  | { readonly kind: 'stage-error'; readonly stage: string; readonly seq: number; readonly error: Error; readonly mode: string };

export class StageError extends Error {
  constructor(
    readonly stage: string,
    readonly seq: number,
    override readonly cause: Error,
  ) {
    super(`stage '${stage}' failed on frame ${seq}: ${cause.message}`);
    this.name = 'StageError';
  }
}

export interface Pipeline {
  readonly stats: PipelineStats;
  readonly budgetMs: number;
  readonly mode: PipelineMode;
  readonly events: Observable<PipelineEvent>;
  /** Runs every stage over the source, in order; output order equals input order. Subscribe once. */
  process(source: Observable<Frame>): Observable<Frame>;
  /** Closes every stage (native resources). Called automatically when the output completes or errors. */
  close(): Promise<void>;
}

/**
 * Builds the frame pipeline. Each stage is a `concatMap`, so a stage sees one frame at a time and
 * order is kept, while different stages work on different frames when they are asynchronous.
 * How many frames are in flight is bounded by the source (its frame pool), not here.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const fps = options.fps ?? 60;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a positive number, got ${fps}`);
  const mode = options.mode ?? 'offline';
  const budgetMs = 1000 / fps;
  const spec = typeof options.onOverrun === 'string' || options.onOverrun === undefined ? parseOverrunPolicySpec(options.onOverrun ?? 'degrade') : options.onOverrun;
  const names = new Set<string>();
  for (const s of options.stages) {
    if (names.has(s.name)) throw new RangeError(`stage '${s.name}' appears twice in the stage list`);
    names.add(s.name);
  }
  for (const name of Object.keys(spec.perStage)) {
    if (!names.has(name)) throw new RangeError(`--on-overrun names stage '${name}', which is not in the stage list (${[...names].join(', ') || 'none'})`);
  }
  const tuning = { ...defaultTuning(fps), ...options.tuning };
  const now = options.clock ?? (() => performance.now());
  const stats = new PipelineStats(mode, budgetMs);
  const events = new Subject<PipelineEvent>();
  const entryTimes = new Map<number, number>();
  const frameModes = new Map<number, DisplayMode>();
  /** A frame leaves the pipeline (delivered or dropped). */
  const forget = (seq: number): void => {
    entryTimes.delete(seq);
    frameModes.delete(seq);
  };
  let closed: Promise<void> | null = null;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      stats.finish();
      for (const s of options.stages) await s.close?.();
      events.complete();
    })();
    return closed;
  };

  const stageOperator = (stage: Stage) => {
    const governor = new StageGovernor(stage.name, stage.modes, policyFor(spec, stage.name), budgetMs, mode === 'live', tuning, (i) => stage.setMode?.(i));
    const st: StageStats = stats.stage(stage.name, governor.mode);
    governor.onEvent((e) => {
      st.mode = e.mode;
      if (e.kind === 'degrade') st.degradeEvents++;
      else if (e.kind === 'restore') st.restoreEvents++;
      events.next(e);
    });

    const finish = (input: Frame, t0: number) => (out: Frame): Frame => {
      const ms = now() - t0;
      st.times.record(ms);
      if (stage.fusedInto !== undefined) st.fusedInto = stage.fusedInto;
      // record() may throw BudgetExceededError under the `fail` policy: that ends the stream.
      if (governor.record(input.seq, ms)) st.overruns++;
      return out;
    };

    const onError = (frame: Frame, err: unknown): Observable<Frame> => {
      const error = err instanceof Error ? err : new Error(String(err));
      if (error.name === 'BudgetExceededError') throw error;
      st.errors++;
      if (mode === 'offline') {
        frame.release();
        throw new StageError(stage.name, frame.seq, error);
      }
      // Live: the show goes on with the frame as it came in (or as the stage's pass-through delivers it, for a
      // stage that changes the geometry); the operator hears about it once per frame.
      events.next({ kind: 'stage-error', stage: stage.name, seq: frame.seq, error, mode: governor.mode });
      return passThrough(frame);
    };

    /** The frame unprocessed, or through the stage's pass-through; a frame even that fails on is dropped. */
    const passThrough = (frame: Frame): Observable<Frame> => {
      if (!stage.passThrough) return of(frame);
      return defer(() => Promise.resolve(stage.passThrough!(frame))).pipe(
        catchError((err: unknown) => {
          st.errors++;
          st.dropped++;
          stats.dropped++;
          forget(frame.seq);
          frame.release();
          events.next({ kind: 'stage-error', stage: stage.name, seq: frame.seq, error: err instanceof Error ? err : new Error(String(err)), mode: governor.mode });
          return EMPTY;
        }),
      );
    };

    let modeVersion = 0;
    return concatMap((frame: Frame): Observable<Frame> => {
      const displayMode = frameModes.get(frame.seq);
      if (displayMode && displayMode.version !== modeVersion && stage.applyDisplayMode) {
        stage.applyDisplayMode(displayMode);
        modeVersion = displayMode.version;
      }
      const decision = governor.decide(frame.seq);
      if (decision === 'drop') {
        st.dropped++;
        stats.dropped++;
        forget(frame.seq);
        frame.release();
        return EMPTY;
      }
      if (decision === 'bypass') {
        st.bypassed++;
        return passThrough(frame);
      }
      const t0 = now();
      let result: Frame | Promise<Frame>;
      try {
        result = stage.process(frame);
      } catch (err) {
        return onError(frame, err);
      }
      if (result instanceof Promise) {
        return from(result.then(finish(frame, t0))).pipe(catchError((err: unknown) => onError(frame, err)));
      }
      return of(finish(frame, t0)(result));
    });
  };

  const process = (source: Observable<Frame>): Observable<Frame> =>
    defer(() => {
      let out = source.pipe(
        tap((frame) => {
          stats.framesIn++;
          entryTimes.set(frame.seq, now());
          if (options.displayMode) frameModes.set(frame.seq, options.displayMode.current);
        }),
      );
      for (const stage of options.stages) out = out.pipe(stageOperator(stage));
      return out.pipe(
        map((frame) => {
          const t = entryTimes.get(frame.seq);
          if (t !== undefined) stats.latency.record(now() - t);
          forget(frame.seq);
          stats.framesOut++;
          return frame;
        }),
        finalize(() => void close()),
      );
    });

  return { stats, budgetMs, mode, events: events.asObservable(), process, close };
}
