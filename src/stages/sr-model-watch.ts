/**
 * Model files of a running SR stage are watched: a changed .onnx is loaded (and warmed up) off the
 * frame path and swapped in between frames; a file that was removed, truncated or corrupted is
 * refused with a warning and the running model (its session is in memory) stays. A model that
 * failed to load at start in live mode comes back when its file is fixed.
 */
import type { RegisteredModel } from '../models/registry.js';
import { displayPath } from '../models/registry.js';
import type { SrRung } from './sr-rungs.js';
import { watchFile, type FileWatch } from '../util/watch-file.js';

export interface ModelReloadStats {
  reloads: number;
  rejected: number;
  lastError: string | null;
}

export interface ModelWatchTarget {
  /** Loads the model file again (with warm-up); rejects with the reason. */
  load(): Promise<SrRung>;
  /** Puts `next` in place of the current rung between two frames, and closes the old one. */
  swap(next: SrRung): Promise<void>;
}

export class ModelFileWatch {
  readonly stats: ModelReloadStats = { reloads: 0, rejected: 0, lastError: null };
  private watcher: FileWatch | null = null;
  private reloading: Promise<boolean> | null = null;
  private closed = false;

  constructor(
    private readonly model: RegisteredModel,
    private readonly target: ModelWatchTarget,
    private readonly log: { info(m: string): void; warn(m: string): void },
    private readonly stageName: string,
    private readonly debounceMs = 300,
  ) {}

  start(): this {
    this.watcher = watchFile(this.model.modelPath, this.debounceMs, () => void this.reload(), (m) => this.log.warn(`${this.stageName}: ${m}`));
    return this;
  }

  /** Loads the file again; resolves true when the new model serves from the next frame. Reloads run one at a time. */
  reload(): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      if (this.closed) return false;
      const shown = displayPath(this.model.modelPath);
      let next: SrRung;
      try {
        next = await this.target.load();
      } catch (err) {
        this.stats.rejected++;
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        this.log.warn(`${this.stageName}: model ${shown} was not reloaded, keeping the running model: ${this.stats.lastError}`);
        return false;
      }
      if (this.closed) {
        await next.close();
        return false;
      }
      await this.target.swap(next);
      this.stats.reloads++;
      this.log.info(`${this.stageName}: reloaded model ${shown} (rung '${next.name}')`);
      return true;
    };
    const chained = (this.reloading ?? Promise.resolve(false)).then(run, run);
    this.reloading = chained;
    return chained;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    await this.reloading?.catch(() => undefined);
  }
}
