/**
 * Malformed telemetry is counted and reported without flooding the log: the first one at once,
 * then at most one summary per interval naming how many arrived and the latest reason.
 */
import type { Logger } from '../../pipeline/logger.js';

export class MalformedInputLog {
  private pending = 0;
  private lastReason = '';
  private lastEmitMs = -Infinity;
  private first = true;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly clock: () => number,
    private readonly intervalMs = 5000,
  ) {}

  report(reason: string): void {
    const now = this.clock();
    if (this.first) {
      this.first = false;
      this.lastEmitMs = now;
      this.log.warn(`thermal: ${this.what}: malformed telemetry ignored: ${reason} (further ones are counted and summarised every ${this.intervalMs / 1000} s)`);
      return;
    }
    this.pending++;
    this.lastReason = reason;
    if (now - this.lastEmitMs >= this.intervalMs) this.flush();
  }

  /** Emits the summary of what is still unreported (also called on close). */
  flush(): void {
    if (this.pending === 0) return;
    this.log.warn(`thermal: ${this.what}: ${this.pending} more malformed telemetry message(s) ignored; latest: ${this.lastReason}`);
    this.pending = 0;
    this.lastEmitMs = this.clock();
  }
}
