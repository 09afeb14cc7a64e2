import { describe, expect, it } from 'vitest';
import { resolveDriverIc } from '../../src/profiles/driver-ics.js';
import { loadProfile, presetNames, profileFromFlags } from '../../src/profiles/library.js';
import { resolveProfile, type ModelCandidate } from '../../src/profiles/resolve-profile.js';
import { ProfileError, validateProfile } from '../../src/profiles/screen-profile.js';

const MACHINE = 'test machine';
/** Three x2 tiers with card speeds at 960x540, and an x4 quality model. */
const MODELS: ModelCandidate[] = [
  { id: 'x2-quality', scale: 2, tier: 'quality', speed: [{ width: 960, height: 540, msPerFrame: 40, machine: MACHINE }] },
  { id: 'x2-balanced', scale: 2, tier: 'balanced', speed: [{ width: 960, height: 540, msPerFrame: 20, machine: MACHINE }] },
  { id: 'x2-realtime', scale: 2, tier: 'realtime', speed: [{ width: 960, height: 540, msPerFrame: 9, machine: MACHINE }] },
  { id: 'x4-quality', scale: 4, tier: 'quality', speed: [{ width: 480, height: 270, msPerFrame: 90, machine: MACHINE }] },
  { id: 'x1-restore', scale: 1, tier: 'realtime', speed: [{ width: 1920, height: 1080, msPerFrame: 12, machine: MACHINE }] },
];

describe('screen profiles', () => {
  it('ships presets for fine-pitch indoor, rental/stage and outdoor, all valid', () => {
    expect(presetNames()).toEqual(['fine-pitch-indoor', 'outdoor-billboard', 'rental-stage']);
    const envs = presetNames().map((n) => loadProfile(n).environment);
    expect(new Set(envs)).toEqual(new Set(['indoor', 'stage', 'outdoor']));
  });

  it.each(['fine-pitch-indoor', 'rental-stage', 'outdoor-billboard'])('%s resolves to sane settings, each explained', (name) => {
    const profile = loadProfile(name);
    const d = resolveProfile({ profile, content: { width: 1920, height: 1080 }, fps: 60, models: MODELS, stageTimes: new Map() });
    for (const key of Object.keys(d.settings)) expect(d.reasons[key as keyof typeof d.reasons], key).toMatch(/\w{3,}/);
    expect([1, 2, 4]).toContain(d.settings.scale);
    expect(d.settings.bitDepth).toBeGreaterThanOrEqual(8);
    expect(d.settings.bitDepth).toBeLessThanOrEqual(16);
    expect(d.settings.thermalZones).toMatch(/^\d+x\d+$/);
    expect(d.settings.denoise).toBeGreaterThan(0);
  });

  it('picks scale from content vs wall, tier from measured speed', () => {
    const rental = loadProfile('rental-stage'); // 3840x1536
    const d = resolveProfile({ profile: rental, content: { width: 1920, height: 768 }, fps: 60, models: MODELS, stageTimes: new Map() });
    expect(d.settings.scale).toBe(2);
    // Card: 20 ms at 960x540 → 57 ms at 1920x768 for balanced, 9 → 25.6 ms realtime: nothing fits 13.3 ms.
    expect(d.settings.model).toBeNull();
    expect(d.reasons.model).toMatch(/too slow/);
    const small = resolveProfile({ profile: rental, content: { width: 960, height: 384 }, fps: 60, models: MODELS, stageTimes: new Map() });
    expect(small.reasons.scale).toMatch(/x4\.00 enlargement → x4/);
    // The x4 model needs 256 ms here: x2 (6.4 ms) instead, with a warning.
    expect(small.settings.scale).toBe(2);
    expect(small.settings.model).toBe('x2-realtime');
    expect(small.warnings.join()).toMatch(/no x4 model fits/);
  });

  it('a slow machine gets a cheaper tier and a fast one a better tier (measured stage times win over cards)', () => {
    const profile = loadProfile('fine-pitch-indoor');
    const content = { width: 960, height: 540 };
    const slow = new Map([
      ['x2-quality@960x540', 80],
      ['x2-balanced@960x540', 30],
      ['x2-realtime@960x540', 11],
    ]);
    const fast = new Map([
      ['x2-quality@960x540', 12],
      ['x2-balanced@960x540', 6],
      ['x2-realtime@960x540', 2],
    ]);
    const s = resolveProfile({ profile, content, fps: 60, models: MODELS, stageTimes: slow });
    const f = resolveProfile({ profile, content, fps: 60, models: MODELS, stageTimes: fast });
    expect(s.settings.tier).toBe('realtime');
    expect(f.settings.tier).toBe('quality');
    expect(f.reasons.model).toMatch(/measured on this machine: 12.0 ms/);
    expect(s.reasons.model).toMatch(/better tiers too slow here: x2-quality \(quality\) needs 80.0 ms; x2-balanced \(balanced\) needs 30.0 ms/);
  });

  it('within a tier, the model trained for conditions closest to the screen wins, then the higher fidelity', () => {
    const speed = [{ width: 960, height: 540, msPerFrame: 5, machine: MACHINE }];
    const models: ModelCandidate[] = [
      { id: 'outdoor-x2', scale: 2, tier: 'realtime', speed, trainedFor: { pixelPitchMm: 10, viewingDistanceM: 30 }, qualityDb: 35 },
      { id: 'fine-x2', scale: 2, tier: 'realtime', speed, trainedFor: { pixelPitchMm: 1.2, viewingDistanceM: 2.5 }, qualityDb: 34 },
      { id: 'generic-x2', scale: 2, tier: 'realtime', speed, qualityDb: 36 },
    ];
    const content = { width: 960, height: 540 };
    const fine = resolveProfile({ profile: loadProfile('fine-pitch-indoor'), content, fps: 60, models, stageTimes: new Map() });
    expect(fine.settings.model).toBe('fine-x2');
    expect(fine.reasons.model).toMatch(/^fine-x2 \(trained for P1\.2, 2\.5 m\):/);
    const outdoor = resolveProfile({ profile: loadProfile('outdoor-billboard'), content: { width: 720, height: 360 }, fps: 60, models, stageTimes: new Map() });
    expect(outdoor.settings.model).toBe('outdoor-x2');
    // Nothing stated anywhere: fidelity decides.
    const bare = models.map(({ trainedFor: _t, ...m }) => m);
    expect(resolveProfile({ profile: loadProfile('fine-pitch-indoor'), content, fps: 60, models: bare, stageTimes: new Map() }).settings.model).toBe('generic-x2');
    // A better tier still comes first.
    const withQuality = [...models, { id: 'q-x2', scale: 2 as const, tier: 'quality' as const, speed }];
    expect(resolveProfile({ profile: loadProfile('outdoor-billboard'), content: { width: 720, height: 360 }, fps: 60, models: withQuality, stageTimes: new Map() }).settings.model).toBe('q-x2');
  });

  it('explicit flags override the profile and say so', () => {
    const d = resolveProfile({
      profile: loadProfile('outdoor-billboard'),
      models: MODELS,
      stageTimes: new Map(),
      overrides: { dither: { value: 'none', flag: '--dither' }, bitDepth: { value: 10, flag: '--bit-depth' } },
    });
    expect(d.settings.dither).toBe('none');
    expect(d.settings.bitDepth).toBe(10);
    expect(d.reasons.dither).toBe('set by --dither');
  });

  it('dimming costs grayscale bits: a 13-bit outdoor IC at night gets dithered, a 16-bit IC at 40% does not need it', () => {
    const outdoor = loadProfile('outdoor-billboard');
    const night = resolveProfile({ profile: { ...outdoor, brightness: { mode: 'night', percent: 10 } }, models: [], stageTimes: new Map() });
    // 13 bits - log2(100/10) = 9.7 effective bits; a 1920 Hz refresh hides temporal dither.
    expect(night.settings.dither).toBe('temporal');
    expect(night.reasons.dither).toMatch(/9\.7 effective bits at 10% brightness \(dimming costs 3\.3 bits\)/);
    const slowRefresh = resolveProfile({ profile: { ...outdoor, refreshHz: 120, brightness: { mode: 'night', percent: 10 } }, models: [], stageTimes: new Map() });
    expect(slowRefresh.settings.dither).toBe('ordered');
    const indoor = resolveProfile({ profile: loadProfile('fine-pitch-indoor'), models: [], stageTimes: new Map() });
    expect(indoor.settings.dither).toBe('none'); // 16 - log2(2.5) = 14.7 bits
    expect(indoor.settings.bitDepth).toBe(16);
  });

  it('rejects impossible values naming the field and the allowed range', () => {
    const base = JSON.parse(JSON.stringify(loadProfile('rental-stage'))) as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ pixelPitchMm: -1 }, /x\.json: pixelPitchMm: expected a number more than 0 to 100, got -1/],
      [{ peakNits: 0 }, /peakNits: expected a number 1 to 20000, got 0/],
      [{ targetCct: 1000 }, /targetCct: expected a number 1500 to 25000, got 1000/],
      [{ targetCct: 30000 }, /targetCct: expected a number 1500 to 25000, got 30000/],
      [{ targetGamut: 'srgb' }, /targetGamut: expected one of bt709, display-p3, dci-p3, bt2020, native, got 'srgb'/],
      [{ resolution: { width: 10.5, height: 100 } }, /resolution\.width: expected an integer 8 to 65536, got 10\.5/],
      [{ driverIc: { family: 'X', grayscaleBits: 30 } }, /driverIc\.grayscaleBits: expected an integer 8 to 22, got 30/],
      [{ led: 'smd' }, /led: expected an object/],
    ];
    for (const [patch, message] of cases) expect(() => validateProfile({ ...base, ...patch }, 'x.json')).toThrow(message);
    expect(() => validateProfile([], 'x.json')).toThrow(ProfileError);
  });

  it('an unknown driver IC falls back to the nearest documented family with a warning naming both', () => {
    expect(resolveDriverIc('MBI5359').fallbackReason).toMatch(/'MBI5359' is not documented; using the nearest documented family MBI5353/);
    expect(resolveDriverIc('XYZ123').fallbackReason).toMatch(/'XYZ123' is not documented; using MBI5124/);
    expect(resolveDriverIc('tlc6983').fallbackReason).toBeUndefined();
    const d = resolveProfile({ profile: profileFromFlags({ pitch: 2.5, ic: 'ICN2055', nits: 800, cct: 6500 }), models: [], stageTimes: new Map() });
    expect(d.warnings.join()).toMatch(/'ICN2055' is not documented; using the nearest documented family ICN2153/);
  });

  it('profileFromFlags starts from the preset nearest in pitch', () => {
    expect(profileFromFlags({ pitch: 1.5 }).name).toMatch(/fine-pitch-indoor/);
    expect(profileFromFlags({ pitch: 3 }).name).toMatch(/rental-stage/);
    expect(profileFromFlags({ pitch: 10, nits: 7000 }).peakNits).toBe(7000);
    expect(() => profileFromFlags({ pitch: 2.5, cct: 30000 })).toThrow(/targetCct: expected a number 1500 to 25000/);
  });
});
