import type { OverrunPolicy } from './overrun-policy.js';

/** Tuning of the live-mode policies; defaults are in frames so they scale with the frame rate. */
export interface GovernorTuning {
  /** Frames in a row under `headroom` x budget before a degraded stage tries one rung better. Default: 2 s of frames. */
  readonly stepUpAfterFrames: number;
  /** Fraction of the budget a rung must stay under to count as headroom. Default 0.7. */
  readonly headroom: number;
  /** Frames a bypassed stage sits out before it is probed again. Default: 1 s of frames. */
  readonly bypassFrames: number;
  /** Upper bound of the back-off (in frames) after a failed step up or probe. Default: 60 s of frames. */
  readonly maxBackoffFrames: number;
}

export function defaultTuning(fps: number): GovernorTuning {
  const perSecond = Math.max(1, Math.round(fps));
  return { stepUpAfterFrames: 2 * perSecond, headroom: 0.7, bypassFrames: perSecond, maxBackoffFrames: 60 * perSecond };
}

export type GovernorDecision = 'run' | 'drop' | 'bypass';

export class BudgetExceededError extends Error {
  constructor(
    readonly stage: string,
    readonly seq: number,
    readonly ms: number,
    readonly budgetMs: number,
  ) {
    super(`stage '${stage}' took ${ms.toFixed(2)} ms on frame ${seq}, over its ${budgetMs.toFixed(2)} ms budget (policy: fail)`);
    this.name = 'BudgetExceededError';
  }
}

export interface GovernorEvent {
  readonly kind: 'degrade' | 'restore' | 'bypass-start' | 'bypass-end';
  readonly stage: string;
  readonly seq: number;
  readonly mode: string;
}

/**
 * Per-stage live-mode policy state. The pipeline asks `decide()` before a frame and reports the
 * measured time with `record()` after it. Hysteresis: stepping up needs a run of quiet frames, and a
 * step up or probe that overruns again doubles the wait before the next try (no flapping).
 */
export class StageGovernor {
  private modeIndex = 0;
  private debtMs = 0;
  private quietFrames = 0;
  private backoffFrames: number;
  private bypassLeft = 0;
  private probing = false;
  /** The frame that last changed rung, so an overrun right after a step up counts against it. */
  private justSteppedUp = false;
  private readonly listeners: Array<(e: GovernorEvent) => void> = [];

  constructor(
    readonly stage: string,
    readonly modes: readonly string[],
    readonly policy: OverrunPolicy,
    readonly budgetMs: number,
    readonly live: boolean,
    private readonly tuning: GovernorTuning,
    private readonly applyMode: (index: number) => void,
  ) {
    this.backoffFrames = policy === 'bypass' ? tuning.bypassFrames : tuning.stepUpAfterFrames;
  }

  get mode(): string {
    return this.modes[this.modeIndex] ?? 'default';
  }

  get modeRung(): number {
    return this.modeIndex;
  }

  onEvent(listener: (e: GovernorEvent) => void): void {
    this.listeners.push(listener);
  }

  decide(seq: number): GovernorDecision {
    if (!this.live) return 'run';
    if (this.policy === 'drop' && this.debtMs >= this.budgetMs) {
      this.debtMs -= this.budgetMs;
      return 'drop';
    }
    if (this.policy === 'bypass' && this.bypassLeft > 0) {
      this.bypassLeft--;
      if (this.bypassLeft === 0) {
        this.probing = true;
        this.emit('bypass-end', seq);
      }
      return 'bypass';
    }
    return 'run';
  }

  /** Returns true when the frame overran its budget. Throws BudgetExceededError under `fail`. */
  record(seq: number, ms: number): boolean {
    const over = ms > this.budgetMs;
    if (!this.live) return over;
    switch (this.policy) {
      case 'fail':
        if (over) throw new BudgetExceededError(this.stage, seq, ms, this.budgetMs);
        break;
      case 'drop':
        // Time beyond the budget is owed; each budget's worth owed skips one frame.
        this.debtMs = over ? this.debtMs + (ms - this.budgetMs) : Math.max(0, this.debtMs - (this.budgetMs - ms));
        break;
      case 'bypass':
        if (over) {
          this.bypassLeft = this.probing ? this.grow() : this.tuning.bypassFrames;
          this.emit('bypass-start', seq);
        } else if (this.probing) {
          this.backoffFrames = this.tuning.bypassFrames;
        }
        this.probing = false;
        break;
      case 'degrade':
        this.recordDegrade(seq, ms, over);
        break;
    }
    return over;
  }

  private recordDegrade(seq: number, ms: number, over: boolean): void {
    if (over) {
      const failedStepUp = this.justSteppedUp;
      this.justSteppedUp = false;
      this.quietFrames = 0;
      if (this.modeIndex < this.modes.length - 1) {
        this.setRung(this.modeIndex + 1);
        if (failedStepUp) this.grow();
        this.emit('degrade', seq);
      }
      return;
    }
    this.justSteppedUp = false;
    this.quietFrames = ms <= this.tuning.headroom * this.budgetMs ? this.quietFrames + 1 : 0;
    if (this.modeIndex > 0 && this.quietFrames >= this.backoffFrames) {
      this.quietFrames = 0;
      this.setRung(this.modeIndex - 1);
      this.justSteppedUp = true;
      this.emit('restore', seq);
    }
  }

  private grow(): number {
    this.backoffFrames = Math.min(this.tuning.maxBackoffFrames, this.backoffFrames * 2);
    return this.backoffFrames;
  }

  private setRung(index: number): void {
    this.modeIndex = index;
    this.applyMode(index);
  }

  private emit(kind: GovernorEvent['kind'], seq: number): void {
    for (const l of this.listeners) l({ kind, stage: this.stage, seq, mode: this.mode });
  }
}
