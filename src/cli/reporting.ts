import fs from 'node:fs';
import type { PipelineStats, StatsSnapshot } from '../pipeline/pipeline-stats.js';

/**
 * `--stats FILE|-`: one JSON object per line, `type` "periodic" every interval and one "summary"
 * at the end (the contract in docs/STATS.md). `-` writes to stderr.
 */
export class StatsWriter {
  private timer: NodeJS.Timeout | null = null;
  private readonly fd: number;

  constructor(
    target: string,
    private readonly stats: PipelineStats,
    intervalMs: number,
  ) {
    try {
      this.fd = target === '-' ? 2 : fs.openSync(target, 'w');
    } catch (err) {
      throw new Error(`--stats: cannot open '${target}' for writing: ${(err as Error).message}`);
    }
    this.timer = setInterval(() => this.write(stats.snapshot('periodic')), intervalMs);
    this.timer.unref();
  }

  private write(s: StatsSnapshot): void {
    fs.writeSync(this.fd, JSON.stringify(s) + '\n');
  }

  /** Writes the summary line and closes the file. */
  finish(extra: Record<string, unknown> = {}): StatsSnapshot {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const summary = { ...this.stats.snapshot('summary'), ...extra } as StatsSnapshot;
    this.write(summary);
    if (this.fd !== 2) fs.closeSync(this.fd);
    return summary;
  }
}

/** `--progress`: a one-line bar on stderr, redrawn at most 10 times a second. */
export class ProgressBar {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly stats: PipelineStats,
  ) {}

  update(): void {
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.draw();
  }

  private draw(): void {
    const s = this.stats.snapshot('periodic');
    const done = Math.min(s.frames, this.total);
    const frac = this.total > 0 ? done / this.total : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    const eta = s.fps > 0 ? Math.max(0, (this.total - done) / s.fps) : 0;
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${this.total} frames ${s.fps.toFixed(1)} fps ETA ${eta.toFixed(0)}s `,
    );
    this.drawn = true;
  }

  finish(): void {
    if (!this.drawn) return;
    this.draw();
    process.stderr.write('\n');
  }
}

/** The human summary logged at the end of a run. */
export function describeSummary(s: StatsSnapshot): string {
  const parts = [`${s.frames} frames out of ${s.framesIn} in, ${s.dropped} dropped, ${s.fps} fps (${s.mode}, budget ${s.budgetMs} ms per stage)`];
  for (const [name, st] of Object.entries(s.stages)) {
    parts.push(`  ${name}: p50 ${st.p50Ms} ms, p95 ${st.p95Ms} ms, max ${st.maxMs} ms, ${st.overruns} overruns, mode ${st.mode}${st.fusedInto ? `, fused into ${st.fusedInto}` : ''}`);
  }
  return parts.join('\n');
}
