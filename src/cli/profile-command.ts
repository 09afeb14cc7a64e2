import { parseArgs } from 'node:util';
import { loadProfile, presetNames, profileFromFlags } from '../profiles/library.js';
import { resolveProfile, type Decision, type ModelCandidate, type StageTimeTable } from '../profiles/resolve-profile.js';
import { ProfileError, type ScreenProfile } from '../profiles/screen-profile.js';
import { UsageError } from './args.js';

/** Flags of `profile suggest` for each profile field, so errors name what the user typed. */
const FIELD_FLAGS: Record<string, string> = { pixelPitchMm: '--pitch', peakNits: '--nits', targetCct: '--cct', 'driverIc.family': '--ic', 'resolution.width': '--screen', 'resolution.height': '--screen' };

export interface ProfileFacts {
  readonly models: readonly ModelCandidate[];
  /** This machine's measured stage times for the content size (the self-benchmark fills gaps). */
  readonly stageTimes: (content: { width: number; height: number }, fps: number) => Promise<StageTimeTable>;
}

function parseSize(flag: string, text: string | undefined): { width: number; height: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`${flag}: expected WIDTHxHEIGHT such as 1920x1080, got '${text}'`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function num(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got '${text}'`);
  return n;
}

export function formatDecision(d: Decision): string {
  const lines = [`profile ${d.profile}:`];
  for (const [key, value] of Object.entries(d.settings)) lines.push(`  ${key.padEnd(13)} ${String(value).padEnd(44)} ${d.reasons[key as keyof Decision['reasons']]}`);
  for (const w of d.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

/**
 * `ledpipe profile list | show NAME|FILE [--json] | suggest --pitch MM [--ic NAME] [--nits N]
 * [--cct K] [--screen WxH] [--content WxH] [--fps N] [--json]`. Output on stdout; exit 2 on bad usage.
 */
export async function runProfileCommand(argv: readonly string[], facts: ProfileFacts, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        pitch: { type: 'string' },
        ic: { type: 'string' },
        nits: { type: 'string' },
        cct: { type: 'string' },
        screen: { type: 'string' },
        content: { type: 'string' },
        fps: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(`profile ${sub ?? ''}: ${(err as Error).message}`);
  }
  const v = parsed.values;
  const out = (value: unknown, text: string): number => {
    write(v.json ? JSON.stringify(value, null, 2) + '\n' : text);
    return 0;
  };
  try {
    switch (sub) {
      case 'list':
        return out(presetNames(), presetNames().map((n) => `${n}: ${loadProfile(n).description ?? ''}`).join('\n') + '\n');
      case 'show': {
        const name = parsed.positionals[0];
        if (!name) throw new UsageError('profile show: expected a preset name or a profile file');
        const p = loadProfile(name);
        return out(p, JSON.stringify(p, null, 2) + '\n');
      }
      case 'suggest': {
        const name = parsed.positionals[0];
        let profile: ScreenProfile;
        if (name) profile = loadProfile(name);
        else {
          const pitch = num('--pitch', v.pitch);
          if (pitch === undefined) throw new UsageError('profile suggest: give --pitch MM (and optionally --ic, --nits, --cct, --screen), or a profile name/file');
          const screen = parseSize('--screen', v.screen);
          profile = profileFromFlags({ pitch, ...(v.ic ? { ic: v.ic } : {}), ...optional('nits', num('--nits', v.nits)), ...optional('cct', num('--cct', v.cct)), ...(screen ?? {}) });
        }
        const content = parseSize('--content', v.content);
        const fps = num('--fps', v.fps);
        const stageTimes = await facts.stageTimes(content ?? profile.resolution, fps ?? 60);
        const decision = resolveProfile({ profile, ...(content ? { content } : {}), ...(fps ? { fps } : {}), models: facts.models, stageTimes });
        return out(decision, formatDecision(decision));
      }
      default:
        throw new UsageError(`profile: expected list, show NAME|FILE or suggest, got '${sub ?? ''}'`);
    }
  } catch (err) {
    if (err instanceof ProfileError && err.source === 'flags') {
      const flag = FIELD_FLAGS[err.field];
      throw new UsageError(flag ? `${flag}: ${err.message.replace(/^flags: [^:]+: /, '')}` : err.message);
    }
    throw err;
  }
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
