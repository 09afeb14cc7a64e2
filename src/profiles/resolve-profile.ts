/**
 * One-click enhancement: a screen profile plus facts about this machine and the content resolve to
 * concrete settings, each with the reason it was chosen (docs/PROFILES.md). Explicit flags win.
 */
import { MAX_ZONES_PER_SIDE } from '../thermal/zone-grid.js';
import { resolveDriverIc } from './driver-ics.js';
import type { ScreenProfile } from './screen-profile.js';

export type Tier = 'quality' | 'balanced' | 'realtime';
const TIER_ORDER: readonly Tier[] = ['quality', 'balanced', 'realtime'];

/** What the selector needs to know about a model (from its card). */
export interface ModelCandidate {
  readonly id: string;
  readonly scale: 1 | 2 | 4;
  readonly tier: Tier;
  /** Card speed measurements: input size and ms per frame, with the machine they were taken on. */
  readonly speed: ReadonlyArray<{ readonly width: number; readonly height: number; readonly msPerFrame: number; readonly machine: string }>;
  /** The screen conditions the card says the model was trained for. */
  readonly trainedFor?: { readonly pixelPitchMm?: number; readonly viewingDistanceM?: number; readonly sourceSize?: string; readonly content?: string };
  /** The card's measured fidelity (PSNR-Y, dB), to order models of one tier that match equally. */
  readonly qualityDb?: number;
}

/**
 * How far a model's training conditions are from this screen and content: the sum of |ln ratio| of
 * pixel pitch, viewing distance and source pixel count; a condition the card does not state costs
 * 0.5 (a model trained for P2.5 is a better bet on a P2.5 wall than one that says nothing).
 */
function conditionDistance(m: ModelCandidate, p: ScreenProfile, content: { width: number; height: number }): number {
  const t = m.trainedFor ?? {};
  const term = (a: number | undefined, b: number): number => (a === undefined ? 0.5 : Math.abs(Math.log(a / b)));
  const size = t.sourceSize ? /^(\d+)x(\d+)$/.exec(t.sourceSize) : null;
  return term(t.pixelPitchMm, p.pixelPitchMm) + term(t.viewingDistanceM, p.viewingDistanceM) + term(size ? Number(size[1]) * Number(size[2]) : undefined, content.width * content.height);
}

function describeConditions(m: ModelCandidate): string {
  const t = m.trainedFor ?? {};
  const parts = [t.pixelPitchMm !== undefined ? `P${t.pixelPitchMm}` : null, t.viewingDistanceM !== undefined ? `${t.viewingDistanceM} m` : null, t.sourceSize ?? null, t.content ? `${t.content} content` : null].filter(Boolean);
  return parts.length ? `trained for ${parts.join(', ')}` : 'no training conditions stated';
}

/** Stage times measured on this machine (the cached self-benchmark): `${modelId}@${w}x${h}` → ms. */
export type StageTimeTable = ReadonlyMap<string, number>;

export interface ResolveInput {
  readonly profile: ScreenProfile;
  /** The source's frame size, when known; else the screen's own resolution is assumed. */
  readonly content?: { readonly width: number; readonly height: number };
  readonly fps?: number;
  readonly models: readonly ModelCandidate[];
  readonly stageTimes: StageTimeTable;
  /** Settings given explicitly on the command line, with the flag that set each. */
  readonly overrides?: Partial<Record<keyof Settings, { value: unknown; flag: string }>>;
}

export interface Settings {
  readonly scale: 1 | 2 | 4;
  /** Model id, or null for the non-AI Lanczos path. */
  readonly model: string | null;
  readonly tier: Tier | 'lanczos';
  /** 0 (keep texture) .. 1 (strongest denoise). */
  readonly denoise: number;
  readonly bitDepth: number;
  readonly dither: 'ordered' | 'temporal' | 'none';
  readonly ledType: string;
  readonly thermalZones: string;
  readonly onOverrun: string;
  readonly fps: number;
}

export interface Decision {
  readonly profile: string;
  readonly settings: Settings;
  readonly reasons: Readonly<Record<keyof Settings, string>>;
  readonly warnings: readonly string[];
}

/** SR may use this share of its stage budget, leaving headroom for jitter (the governor steps up under 0.7). */
const SR_BUDGET_SHARE = 0.8;

interface Timed {
  readonly model: ModelCandidate;
  readonly ms: number;
  readonly basis: string;
}

function timeFor(m: ModelCandidate, w: number, h: number, table: StageTimeTable): Timed | null {
  const measured = table.get(`${m.id}@${w}x${h}`);
  if (measured !== undefined) return { model: m, ms: measured, basis: `measured on this machine: ${measured.toFixed(1)} ms at ${w}x${h}` };
  if (m.speed.length === 0) return null;
  // Closest card measurement by pixel count, scaled linearly in pixels (convolutional cost).
  const px = w * h;
  const s = [...m.speed].sort((a, b) => Math.abs(Math.log((a.width * a.height) / px)) - Math.abs(Math.log((b.width * b.height) / px)))[0]!;
  const ms = (s.msPerFrame * px) / (s.width * s.height);
  return { model: m, ms, basis: `model card: ${s.msPerFrame} ms at ${s.width}x${s.height} on ${s.machine}, scaled to ${ms.toFixed(1)} ms at ${w}x${h}` };
}

function whyNone(scale: number, pick: { tooSlow: Timed[]; unknown: ModelCandidate[] }): string {
  if (pick.tooSlow.length) return `every x${scale} model is too slow here (${pick.tooSlow.map((t) => `${t.model.id} ${t.ms.toFixed(1)} ms, ${t.basis.split(':')[0]}`).join('; ')})`;
  if (pick.unknown.length) return `x${scale} models have no speed measurement (${pick.unknown.map((m) => m.id).join(', ')})`;
  return `no x${scale} model is installed`;
}

export function resolveProfile(input: ResolveInput): Decision {
  const p = input.profile;
  const warnings: string[] = [];
  const reasons: Partial<Record<keyof Settings, string>> = {};
  const fps = input.fps ?? 60;
  reasons.fps = input.fps ? `the source's frame rate` : 'the source does not state a frame rate; 60 assumed';
  const budgetMs = 1000 / fps;
  const content = input.content ?? p.resolution;

  // Scale: how much bigger the wall is than the content.
  const ratio = Math.min(p.resolution.width / content.width, p.resolution.height / content.height);
  let scale: 1 | 2 | 4 = ratio >= 3 ? 4 : ratio >= 1.5 ? 2 : 1;
  reasons.scale = `content ${content.width}x${content.height} on a ${p.resolution.width}x${p.resolution.height} wall is a x${ratio.toFixed(2)} enlargement → x${scale}${scale === 1 ? ' (restore/denoise at native size)' : ''}`;

  // Model and tier: the best tier that fits the SR budget at this input size, by measured facts.
  let model: string | null = null;
  let tier: Tier | 'lanczos' = 'lanczos';
  const limit = SR_BUDGET_SHARE * budgetMs;
  const pickAt = (s: 1 | 2 | 4): { chosen: Timed | null; tooSlow: Timed[]; unknown: ModelCandidate[] } => {
    // Best tier first; within a tier the model trained closest to this screen, then the higher fidelity.
    const cands = input.models
      .filter((m) => m.scale === s)
      .map((m) => ({ m, d: conditionDistance(m, p, content) }))
      .sort((a, b) => TIER_ORDER.indexOf(a.m.tier) - TIER_ORDER.indexOf(b.m.tier) || a.d - b.d || (b.m.qualityDb ?? 0) - (a.m.qualityDb ?? 0))
      .map((x) => x.m);
    const tooSlow: Timed[] = [];
    const unknown: ModelCandidate[] = [];
    for (const m of cands) {
      const t = timeFor(m, content.width, content.height, input.stageTimes);
      if (!t) unknown.push(m);
      else if (t.ms <= limit) return { chosen: t, tooSlow, unknown };
      else tooSlow.push(t);
    }
    return { chosen: null, tooSlow, unknown };
  };
  let pick = pickAt(scale);
  let x4Note = '';
  if (!pick.chosen && scale === 4) {
    const x2 = pickAt(2);
    x4Note = `${whyNone(4, pick)}; x2: `;
    if (x2.chosen) {
      warnings.push(`no x4 model fits ${limit.toFixed(1)} ms at ${content.width}x${content.height}; using x2: the output is x2, the rest of the enlargement is left to the processor's scaler`);
      scale = 2;
      x4Note = '';
    }
    pick = x2;
  }
  if (pick.chosen) {
    model = pick.chosen.model.id;
    tier = pick.chosen.model.tier;
    const skipped = pick.tooSlow.map((t) => `${t.model.id} (${t.model.tier}) needs ${t.ms.toFixed(1)} ms`).join('; ');
    reasons.model = `${model} (${describeConditions(pick.chosen.model)}): ${pick.chosen.basis}, within ${limit.toFixed(1)} ms (${Math.round(SR_BUDGET_SHARE * 100)}% of the ${budgetMs.toFixed(2)} ms stage budget)${skipped ? `; better tiers too slow here: ${skipped}` : ''}`;
    reasons.tier = `the best tier that fits the budget on this machine`;
  } else {
    reasons.model = `none: ${x4Note}${whyNone(x4Note ? 2 : scale, pick)}`;
    reasons.tier = 'lanczos: the non-AI path always fits the budget';
  }

  // Denoise: pixel-level noise matters only where viewers can resolve single pixels.
  // Acuity limit ~1 arcmin: a pixel is resolvable closer than pitch(mm) x 3.44 m.
  const retinaM = p.pixelPitchMm * 3.44;
  const denoise = p.viewingDistanceM < retinaM ? 0.7 : p.viewingDistanceM < 3 * retinaM ? 0.5 : 0.3;
  reasons.denoise = `viewers at ${p.viewingDistanceM} m vs ${retinaM.toFixed(1)} m where single ${p.pixelPitchMm} mm pixels stop being resolvable → ${denoise === 0.7 ? 'strong' : denoise === 0.5 ? 'medium' : 'light'} denoise`;

  // Bit depth and dithering from the driver IC and the brightness mode.
  const ic = resolveDriverIc(p.driverIc.family);
  if (ic.fallbackReason) warnings.push(ic.fallbackReason);
  const icBits = p.driverIc.grayscaleBits ?? ic.ic.grayscaleBits;
  const dimBits = Math.log2(100 / p.brightness.percent);
  const effectiveBits = icBits - dimBits;
  const bitDepth = Math.min(16, icBits);
  reasons.bitDepth = `${ic.ic.family} shows ${icBits}-bit grayscale${p.driverIc.grayscaleBits ? ' (profile)' : ' (documented family)'}; output ${bitDepth}-bit so calibration keeps its precision`;
  const dither: Settings['dither'] = effectiveBits >= 14 ? 'none' : p.refreshHz >= 4 * fps ? 'temporal' : 'ordered';
  reasons.dither =
    dither === 'none'
      ? `${effectiveBits.toFixed(1)} effective bits at ${p.brightness.percent}% brightness: low gray steps are below visibility, no dither needed`
      : `${effectiveBits.toFixed(1)} effective bits at ${p.brightness.percent}% brightness (dimming costs ${dimBits.toFixed(1)} bits) would band in low gray → ${dither === 'temporal' ? `temporal dither (a ${p.refreshHz} Hz refresh averages it out)` : `ordered dither (refresh ${p.refreshHz} Hz is too low to hide temporal dither)`}`;

  // Thermal: coefficients by LED type, one zone per cabinet.
  const cabW = p.module.width * p.cabinet.modulesX;
  const cabH = p.module.height * p.cabinet.modulesY;
  const cabCols = Math.max(1, Math.round(p.resolution.width / cabW)), cabRows = Math.max(1, Math.round(p.resolution.height / cabH));
  // The zone grid has at most MAX_ZONES_PER_SIDE per side (the kernel's limit): beyond, zones span several cabinets.
  const zoneCols = Math.min(cabCols, MAX_ZONES_PER_SIDE), zoneRows = Math.min(cabRows, MAX_ZONES_PER_SIDE);
  const zones = `${zoneCols}x${zoneRows}`;
  reasons.ledType = `${p.led.package} (${p.led.type}): thermal coefficients of that LED type`;
  reasons.thermalZones =
    zoneCols === cabCols && zoneRows === cabRows
      ? `one zone per ${cabW}x${cabH} px cabinet`
      : `${cabCols}x${cabRows} cabinets of ${cabW}x${cabH} px, capped at ${MAX_ZONES_PER_SIDE} zones per side (a zone spans several cabinets)`;

  const onOverrun = 'sr=degrade,calibration=degrade,thermal=degrade';
  reasons.onOverrun = 'live walls degrade rather than drop or bypass: a skipped or uncalibrated frame is a visible flash, a cheaper rung is not';

  let settings: Settings = { scale, model, tier, denoise, bitDepth, dither, ledType: p.led.type, thermalZones: zones, onOverrun, fps };
  for (const [key, o] of Object.entries(input.overrides ?? {}) as Array<[keyof Settings, { value: unknown; flag: string }]>) {
    settings = { ...settings, [key]: o.value };
    reasons[key] = `set by ${o.flag}`;
  }
  return { profile: p.name, settings, reasons: reasons as Record<keyof Settings, string>, warnings };
}
