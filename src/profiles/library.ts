import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProfileError, validateProfile, type ScreenProfile } from './screen-profile.js';

/** The package's built-in presets live in <package root>/profiles/*.json. */
function presetDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the ledpipe package folder (no package.json above this module)');
    dir = up;
  }
  return path.join(dir, 'profiles');
}

export function presetNames(): string[] {
  const dir = presetDir();
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/** A preset name or a path to a profile JSON file; errors name the file and field. */
/** The user's profile file behind `--profile` (null for a built-in preset's name). */
export function userProfileFile(nameOrPath: string): string | null {
  return !nameOrPath.includes('/') && !nameOrPath.endsWith('.json') && presetNames().includes(nameOrPath) ? null : nameOrPath;
}

export function loadProfile(nameOrPath: string): ScreenProfile {
  const file = userProfileFile(nameOrPath) ?? path.join(presetDir(), `${nameOrPath}.json`);
  if (!fs.existsSync(file)) {
    throw new ProfileError(nameOrPath, '(file)', `no such profile file, and not a built-in preset (presets: ${presetNames().join(', ')})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(file, '(json)', `not valid JSON: ${(err as Error).message}`);
  }
  return validateProfile(json, file);
}

export interface SuggestFlags {
  readonly pitch: number;
  readonly ic?: string;
  readonly nits?: number;
  readonly cct?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * `profile suggest --pitch 2.5 --ic X --nits 800 --cct 6500`: the preset closest in pitch supplies
 * everything not given (cabinet layout, LED type, refresh), then the given values are validated.
 */
export function profileFromFlags(f: SuggestFlags): ScreenProfile {
  const presets = presetNames().map((n) => loadProfile(n));
  if (presets.length === 0) throw new Error('no built-in presets found');
  if (!(f.pitch > 0)) throw new ProfileError('flags', 'pixelPitchMm', `expected a number more than 0 to 100, got ${f.pitch}`);
  const base = [...presets].sort((a, b) => Math.abs(Math.log(a.pixelPitchMm / f.pitch)) - Math.abs(Math.log(b.pixelPitchMm / f.pitch)))[0]!;
  const merged = {
    ...base,
    name: `suggested (P${f.pitch}, based on ${base.name})`,
    pixelPitchMm: f.pitch,
    resolution: { width: f.width ?? base.resolution.width, height: f.height ?? base.resolution.height },
    driverIc: f.ic ? { family: f.ic } : base.driverIc,
    peakNits: f.nits ?? base.peakNits,
    targetCct: f.cct ?? base.targetCct,
  };
  return validateProfile(merged, 'flags');
}
