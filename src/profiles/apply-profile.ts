import type { StageFlagValues } from '../stages/registry.js';
import { resolveProfile, type Decision, type ModelCandidate, type Settings, type StageTimeTable } from './resolve-profile.js';
import type { ScreenProfile } from './screen-profile.js';

/** Which stage flag carries each resolved setting. A setting whose flag no stage declares is reported, not applied. */
const SETTING_FLAGS: Partial<Record<keyof Settings, string>> = {
  model: 'model',
  scale: 'scale',
  bitDepth: 'bit-depth',
  dither: 'dither',
  ledType: 'led-type',
  thermalZones: 'thermal-zones',
};

export interface AppliedProfile {
  readonly decision: Decision;
  /** The stage flags after the profile: explicit flags unchanged, the rest filled from the decision. */
  readonly flags: StageFlagValues;
  /** The --on-overrun spec the profile asks for, unless the user gave one. */
  readonly onOverrun: string | null;
}

/**
 * `--profile`: resolve the profile for this content and fill every stage flag the user did not give.
 * Explicit flags always win, and the decision says "set by --flag" for them.
 */
export function applyProfile(input: {
  profile: ScreenProfile;
  content: { width: number; height: number };
  fps: number;
  models: readonly ModelCandidate[];
  stageTimes: StageTimeTable;
  explicit: StageFlagValues;
  declaredFlags: ReadonlySet<string>;
  /** Bits per channel of the stream the stages see (8 for rgb24, 16 for rgb48le). */
  streamBits: 8 | 16;
  /** The user's --on-overrun, in flag syntax, or null when not given. */
  onOverrunGiven: string | null;
}): AppliedProfile {
  const overrides: Partial<Record<keyof Settings, { value: unknown; flag: string }>> = {};
  for (const [setting, flag] of Object.entries(SETTING_FLAGS) as Array<[keyof Settings, string]>) {
    const v = input.explicit[flag];
    if (v !== undefined) overrides[setting] = { value: setting === 'scale' || setting === 'bitDepth' ? Number(v) : v, flag: `--${flag}` };
  }
  if (input.onOverrunGiven !== null) overrides.onOverrun = { value: input.onOverrunGiven, flag: '--on-overrun' };
  let decision = resolveProfile({ profile: input.profile, content: input.content, fps: input.fps, models: input.models, stageTimes: input.stageTimes, overrides });
  if (decision.settings.bitDepth > input.streamBits && overrides.bitDepth === undefined) {
    // Output depth cannot exceed the stream's; say how to get the panel's full depth.
    decision = {
      ...decision,
      settings: { ...decision.settings, bitDepth: input.streamBits },
      reasons: { ...decision.reasons, bitDepth: `${decision.reasons.bitDepth}; capped at ${input.streamBits} bits by this ${input.streamBits}-bit stream (--pix-fmt rgb48le keeps ${decision.settings.bitDepth})` },
    };
  }
  const flags: Record<string, string | boolean | undefined> = { ...input.explicit };
  for (const [setting, flag] of Object.entries(SETTING_FLAGS) as Array<[keyof Settings, string]>) {
    if (flags[flag] !== undefined || !input.declaredFlags.has(flag)) continue;
    const value = decision.settings[setting];
    if (value === null) continue;
    // The SR scale only matters with a model; without one the stage stays out of the default list.
    if (setting === 'scale' && decision.settings.model === null) continue;
    flags[flag] = String(value);
  }
  return { decision, flags, onOverrun: input.onOverrunGiven !== null ? null : decision.settings.onOverrun };
}
