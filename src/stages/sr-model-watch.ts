/**
 * Model files of a running SR stage are watched: a changed .onnx is loaded (and warmed up) off the
 * frame path and swapped in between frames; a file that was removed, truncated or corrupted is
 * refused with a warning and the running model (its session is in memory) stays. A model that
 * failed to load at start in live mode comes back when its file is fixed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { RegisteredModel } from '../models/registry.js';
import { displayPath } from '../models/registry.js';
import type { SrRung } from './sr-rungs.js';

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
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
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
    const file = this.model.modelPath;
    const name = basename(file);
    try {
      // The folder, not the file: a model replaced by rename would end a watch on the file itself.
      this.watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.reload();
        }, this.debounceMs);
      });
      this.watcher.on('error', (err) => this.log.warn(`${this.stageName}: stopped watching ${displayPath(file)}: ${err.message}`));
    } catch (err) {
      this.log.warn(`${this.stageName}: cannot watch ${displayPath(file)} for changes: ${(err as Error).message}`);
    }
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
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
    await this.reloading?.catch(() => undefined);
  }
}
