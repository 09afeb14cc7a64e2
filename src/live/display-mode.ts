/**
 * The wall's display mode: the brightness mode and colour-temperature mode an operator switches
 * during a show (day → night, 6500 K → 5600 K for a camera). A mode change arrives as a control
 * message on the temperature telemetry channel or as an edited profile file; stages prepare for it
 * off the frame path, then the pipeline switches every stage at the same frame boundary.
 */
import type { DitherMode } from '../calibration/ledcal-format.js';
import { describeJson } from '../util/describe-json.js';

export const MIN_CCT = 1500;
export const MAX_CCT = 25000;

/** A display mode, as every stage sees it from one frame on. `version` grows with each switch. */
export interface DisplayMode {
  readonly version: number;
  /** Operator's name for the brightness mode ('day', 'night', ...). */
  readonly brightnessMode: string;
  /** Brightness as a percentage of peak. */
  readonly brightnessPercent: number;
  /** Target colour temperature, kelvin; undefined: the calibration's own white. */
  readonly cct?: number;
  /**
   * The colour temperature the wall was calibrated for (the profile's at start): trims are relative to
   * it. Undefined: the CCT of the calibration's target white.
   */
  readonly referenceCct?: number;
  /** The dither the brightness calls for (from the profile), or undefined to keep the stage's own. */
  readonly dither?: DitherMode;
}

/** What a control message asks to change; absent fields keep their value. */
export interface DisplayModeRequest {
  readonly brightnessMode?: string;
  readonly brightnessPercent?: number;
  readonly cct?: number;
}

export class DisplayModeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DisplayModeError';
  }
}

/**
 * Reads the control fields of a telemetry object, named as in a screen profile:
 *   {"brightness": {"mode": "night", "percent": 20}, "targetCct": 5600}
 * Either field may come alone; `brightness.mode` alone keeps the percentage. Returns null when the
 * object carries neither field. Throws DisplayModeError naming the field and the allowed range.
 */
export function readDisplayModeRequest(o: Readonly<Record<string, unknown>>): DisplayModeRequest | null {
  if (o.brightness === undefined && o.targetCct === undefined) return null;
  const req: { brightnessMode?: string; brightnessPercent?: number; cct?: number } = {};
  if (o.brightness !== undefined) {
    const b = o.brightness;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new DisplayModeError(`brightness: expected {"mode", "percent"} but received ${describeJson(b)}`);
    const { mode, percent } = b as Record<string, unknown>;
    if (mode === undefined && percent === undefined) throw new DisplayModeError('brightness: expected "mode" and/or "percent" but received neither');
    if (mode !== undefined) {
      if (typeof mode !== 'string' || mode.trim() === '' || mode.length > 64) throw new DisplayModeError(`brightness.mode: expected a name of 1 to 64 characters but received ${describeJson(mode)}`);
      req.brightnessMode = mode;
    }
    if (percent !== undefined) {
      if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 1 || percent > 100) throw new DisplayModeError(`brightness.percent: expected a number from 1 to 100 but received ${describeJson(percent)}`);
      req.brightnessPercent = percent;
    }
  }
  if (o.targetCct !== undefined) {
    const k = o.targetCct;
    if (typeof k !== 'number' || !Number.isFinite(k) || k < MIN_CCT || k > MAX_CCT) throw new DisplayModeError(`targetCct: expected a number of kelvin from ${MIN_CCT} to ${MAX_CCT} but received ${describeJson(k)}`);
    req.cct = k;
  }
  return req;
}

/** The mode after a request; the same object when nothing changes. */
export function nextDisplayMode(current: DisplayMode, req: DisplayModeRequest): DisplayMode {
  const brightnessMode = req.brightnessMode ?? current.brightnessMode;
  const brightnessPercent = req.brightnessPercent ?? current.brightnessPercent;
  const cct = req.cct ?? current.cct;
  if (brightnessMode === current.brightnessMode && brightnessPercent === current.brightnessPercent && cct === current.cct) return current;
  return {
    version: current.version + 1,
    brightnessMode,
    brightnessPercent,
    ...(cct !== undefined ? { cct } : {}),
    ...(current.referenceCct !== undefined ? { referenceCct: current.referenceCct } : {}),
  };
}

export function describeDisplayMode(m: DisplayMode): string {
  return `'${m.brightnessMode}' ${m.brightnessPercent}% brightness, ${m.cct === undefined ? 'calibrated white' : `${m.cct} K`}${m.dither ? `, dither ${m.dither}` : ''}`;
}

/**
 * What a stage does about display modes. `prepareDisplayMode` may take its time (it runs off the
 * frame path; a rejection keeps the old mode everywhere); `applyDisplayMode` is called between two
 * frames with a mode the stage has prepared and must only swap what it prepared.
 */
export interface DisplayModeAware {
  prepareDisplayMode?(mode: DisplayMode): Promise<void> | void;
  applyDisplayMode?(mode: DisplayMode): void;
  /** A stage with a control channel (thermal: its telemetry) passes display-mode requests on; `from` names the channel. */
  onDisplayModeRequest?(listener: (req: DisplayModeRequest, from: string) => void): void;
}
