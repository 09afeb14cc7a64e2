/**
 * Live adaptation of a running job to the wall's display mode: a controller fed by the stages'
 * control channels (thermal telemetry) and, for a profile given as a file, by edits of that file.
 * Only the brightness mode and the colour temperature are applied live; other profile edits are
 * reported as needing a restart.
 */
import type { Logger } from '../pipeline/logger.js';
import type { Stage } from '../pipeline/stage.js';
import { loadProfile } from '../profiles/library.js';
import { ProfileError, type ScreenProfile } from '../profiles/screen-profile.js';
import { DisplayModeController } from './display-mode-controller.js';
import type { DisplayMode, DisplayModeRequest } from './display-mode.js';
import { watchFile } from '../util/watch-file.js';

export interface LiveDisplayOptions {
  readonly stages: readonly Stage[];
  /** The profile the job started with (its brightness and CCT are the initial mode), or null. */
  readonly profile: ScreenProfile | null;
  /** The profile's file, watched for edits; null for a built-in preset or no profile. */
  readonly profileFile: string | null;
  readonly derive?: (mode: DisplayMode) => DisplayMode;
  readonly log: Logger;
  /** Quiet time after the last change event before reading the profile, ms (default 150). */
  readonly debounceMs?: number;
}

export interface LiveDisplay {
  readonly controller: DisplayModeController;
  close(): void;
}

/** The fields of a profile that a running job adapts to; everything else needs a restart. */
function withoutLiveFields(p: ScreenProfile): string {
  const { brightness: _b, targetCct: _c, ...rest } = p;
  return JSON.stringify(rest);
}

export function startLiveDisplay(o: LiveDisplayOptions): LiveDisplay {
  const p = o.profile;
  const controller = new DisplayModeController({
    initial: p
      ? { brightnessMode: p.brightness.mode, brightnessPercent: p.brightness.percent, cct: p.targetCct, referenceCct: p.targetCct }
      : { brightnessMode: 'as started', brightnessPercent: 100 },
    stages: o.stages,
    log: o.log,
    ...(o.derive ? { derive: o.derive } : {}),
  });
  for (const s of o.stages) s.onDisplayModeRequest?.((req, from) => void controller.request(req, from));

  let running = p;
  const file = o.profileFile;
  const reread = (): void => {
    let next: ScreenProfile;
    try {
      next = loadProfile(file!);
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      o.log.warn(`profile ${file} was not applied, the running settings stay: ${err.message}`);
      return;
    }
    if (running && withoutLiveFields(next) !== withoutLiveFields(running)) {
      o.log.warn(`profile ${file}: only brightness and targetCct change a running job; restart ledpipe for the other edits`);
    }
    // Only what the edit changed: a colour temperature set since on the control channel stays unless the file's changed.
    const before = running;
    running = next;
    const req: DisplayModeRequest = {
      ...(before?.brightness.mode !== next.brightness.mode ? { brightnessMode: next.brightness.mode } : {}),
      ...(before?.brightness.percent !== next.brightness.percent ? { brightnessPercent: next.brightness.percent } : {}),
      ...(before?.targetCct !== next.targetCct ? { cct: next.targetCct } : {}),
    };
    if (Object.keys(req).length > 0) void controller.request(req, `profile ${file}`);
  };
  const watcher = file ? watchFile(file, o.debounceMs ?? 150, reread, (m) => o.log.warn(`profile: ${m}`)) : null;
  return {
    controller,
    close() {
      watcher?.close();
    },
  };
}
