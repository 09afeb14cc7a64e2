/**
 * Switches the display mode of a running pipeline: a request (control message, profile edit) is
 * prepared by every stage off the frame path, and only when all are ready does `current` change. The
 * pipeline stamps each frame with `current` as it enters and switches each stage at that frame, so
 * every frame is processed wholly in one mode, and no frame waits for a preparation.
 */
import type { Logger } from '../pipeline/logger.js';
import { describeDisplayMode, nextDisplayMode, type DisplayMode, type DisplayModeAware, type DisplayModeRequest } from './display-mode.js';

export interface DisplayModeControllerOptions {
  readonly initial: Omit<DisplayMode, 'version'>;
  readonly stages: readonly (DisplayModeAware & { readonly name: string })[];
  readonly log: Logger;
  /** Settings that follow from a mode (e.g. the profile's dither for the brightness); default none. */
  readonly derive?: (mode: DisplayMode) => DisplayMode;
}

export class DisplayModeController {
  private mode: DisplayMode;
  private queue: Promise<unknown> = Promise.resolve();
  /** Switches that took effect, and requests refused by a stage. */
  switches = 0;
  refused = 0;

  constructor(private readonly o: DisplayModeControllerOptions) {
    this.mode = { version: 0, ...o.initial };
  }

  /** The mode frames entering the pipeline now are processed in. */
  get current(): DisplayMode {
    return this.mode;
  }

  /**
   * Asks for a mode change; requests are handled in order. Resolves true when the new mode is
   * current (from the next frame in), false when nothing changed or a stage refused it (logged;
   * the old mode keeps running).
   */
  request(req: DisplayModeRequest, from: string): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const asked = nextDisplayMode(this.mode, req);
      if (asked === this.mode) return false;
      const next = this.o.derive ? this.o.derive(asked) : asked;
      try {
        await Promise.all(this.o.stages.map(async (s) => {
          try {
            await s.prepareDisplayMode?.(next);
          } catch (err) {
            throw new Error(`stage '${s.name}': ${err instanceof Error ? err.message : String(err)}`);
          }
        }));
      } catch (err) {
        this.refused++;
        this.o.log.warn(`display mode ${describeDisplayMode(next)} (from ${from}) was not applied, keeping ${describeDisplayMode(this.mode)}: ${(err as Error).message}`);
        return false;
      }
      this.mode = next;
      this.switches++;
      this.o.log.info(`display mode → ${describeDisplayMode(next)} (from ${from}), from the next frame`);
      return true;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }
}
