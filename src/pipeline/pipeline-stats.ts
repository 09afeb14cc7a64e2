import { LatencyHistogram } from './latency-histogram.js';

/** Per-stage counters; the summary field names are a contract with monitoring tools (docs/STATS.md). */
export class StageStats {
  readonly times = new LatencyHistogram();
  overruns = 0;
  dropped = 0;
  bypassed = 0;
  degradeEvents = 0;
  restoreEvents = 0;
  /** Frames on which the stage threw (live mode passes them through unprocessed). */
  errors = 0;
  mode: string;
  /** The stage whose pass does this stage's pixel work now (Stage.fusedInto), or null. */
  fusedInto: string | null = null;

  constructor(
    readonly name: string,
    readonly budgetMs: number,
    mode: string,
  ) {
    this.mode = mode;
  }

  toJSON(): StageSummary {
    const t = this.times;
    return {
      frames: t.count,
      meanMs: round(t.mean),
      p50Ms: round(t.quantile(0.5)),
      p95Ms: round(t.quantile(0.95)),
      p99Ms: round(t.quantile(0.99)),
      maxMs: round(t.max),
      overruns: this.overruns,
      dropped: this.dropped,
      bypassed: this.bypassed,
      degradeEvents: this.degradeEvents,
      restoreEvents: this.restoreEvents,
      errors: this.errors,
      budgetMs: round(this.budgetMs),
      mode: this.mode,
      ...(this.fusedInto ? { fusedInto: this.fusedInto } : {}),
    };
  }
}

export interface StageSummary {
  frames: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  overruns: number;
  dropped: number;
  bypassed: number;
  degradeEvents: number;
  restoreEvents: number;
  errors: number;
  budgetMs: number;
  mode: string;
  /** Present while another stage's pass does this stage's pixel work (thermal fused into calibration). */
  fusedInto?: string;
}

export interface StatsSnapshot {
  type: 'periodic' | 'summary';
  frames: number;
  framesIn: number;
  dropped: number;
  fps: number;
  elapsedMs: number;
  mode: 'offline' | 'live';
  budgetMs: number;
  latency: { meanMs: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  stages: Record<string, StageSummary>;
}

export class PipelineStats {
  readonly stages = new Map<string, StageStats>();
  readonly latency = new LatencyHistogram();
  framesIn = 0;
  framesOut = 0;
  /** Frames that entered but were dropped by a stage's policy. */
  dropped = 0;
  private readonly startedAt = performance.now();
  private endedAt: number | null = null;

  constructor(
    readonly mode: 'offline' | 'live',
    readonly budgetMs: number,
  ) {}

  stage(name: string, mode: string): StageStats {
    let s = this.stages.get(name);
    if (!s) {
      s = new StageStats(name, this.budgetMs, mode);
      this.stages.set(name, s);
    }
    return s;
  }

  finish(): void {
    this.endedAt ??= performance.now();
  }

  snapshot(type: 'periodic' | 'summary'): StatsSnapshot {
    const elapsedMs = (this.endedAt ?? performance.now()) - this.startedAt;
    const stages: Record<string, StageSummary> = {};
    for (const [name, s] of this.stages) stages[name] = s.toJSON();
    const l = this.latency;
    return {
      type,
      frames: this.framesOut,
      framesIn: this.framesIn,
      dropped: this.dropped,
      fps: round(elapsedMs > 0 ? (this.framesOut * 1000) / elapsedMs : 0),
      elapsedMs: round(elapsedMs),
      mode: this.mode,
      budgetMs: round(this.budgetMs),
      latency: { meanMs: round(l.mean), p50Ms: round(l.quantile(0.5)), p95Ms: round(l.quantile(0.95)), p99Ms: round(l.quantile(0.99)), maxMs: round(l.max) },
      stages,
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
