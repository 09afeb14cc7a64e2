/**
 * Temperature telemetry messages (one JSON object per line or datagram), as receiving cards or a
 * monitoring script send them:
 *   {"zone": 3, "celsius": 41.5, "t": 1732550400.25}
 *   {"zones": [41.5, 40.9, null, 39.8], "t": 1732550400.25}      index = zone; null = no reading
 *   {"zones": [{"zone": 0, "celsius": 41.5}, {"zone": 7, "celsius": 38.0}]}
 * "t" (sensor time, seconds, optional) lets a late datagram lose to a newer one it crossed.
 * The same channel carries display-mode control (src/live/display-mode.ts), alone or with readings:
 *   {"brightness": {"mode": "night", "percent": 20}, "targetCct": 5600}
 */
import { DisplayModeError, readDisplayModeRequest, type DisplayModeRequest } from '../../live/display-mode.js';
import { describeJson } from '../../util/describe-json.js';

export const MIN_CELSIUS = -40;
export const MAX_CELSIUS = 150;

export interface ZoneReading {
  readonly zone: number;
  readonly celsius: number;
  /** Sensor time in seconds, when the message carried one. */
  readonly t?: number;
}

/** A message that is not valid telemetry; `reason` says what was expected and what arrived. */
export class TelemetryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TelemetryError';
  }
}

function reading(zone: unknown, celsius: unknown, t: number | undefined, zones: number, where: string): ZoneReading {
  if (typeof zone !== 'number' || !Number.isInteger(zone) || zone < 0 || zone >= zones) {
    throw new TelemetryError(`${where}zone: expected an integer from 0 to ${zones - 1} but received ${describeJson(zone)}`);
  }
  if (typeof celsius !== 'number' || !Number.isFinite(celsius) || celsius < MIN_CELSIUS || celsius > MAX_CELSIUS) {
    throw new TelemetryError(`${where}celsius: expected a number from ${MIN_CELSIUS} to ${MAX_CELSIUS} but received ${describeJson(celsius)}`);
  }
  return t === undefined ? { zone, celsius } : { zone, celsius, t };
}

export interface TelemetryMessage {
  readonly readings: ZoneReading[];
  /** A display-mode change carried by the message, or null. */
  readonly displayMode: DisplayModeRequest | null;
}

/** Parses one message (readings and/or display-mode control) for a wall of `zones` zones. Throws TelemetryError. */
export function parseTelemetryMessage(text: string, zones: number): TelemetryMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    throw new TelemetryError(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  let displayMode: DisplayModeRequest | null = null;
  if (typeof msg === 'object' && msg !== null && !Array.isArray(msg)) {
    try {
      displayMode = readDisplayModeRequest(msg as Record<string, unknown>);
    } catch (err) {
      if (err instanceof DisplayModeError) throw new TelemetryError(err.reason);
      throw err;
    }
    const o = msg as Record<string, unknown>;
    if (displayMode && o.zone === undefined && o.celsius === undefined && o.zones === undefined) return { readings: [], displayMode };
  }
  return { readings: readings(msg, zones), displayMode };
}

/** Parses one message of temperature readings for a wall of `zones` zones. Throws TelemetryError. */
export function parseTemperatureMessage(text: string, zones: number): ZoneReading[] {
  return parseTelemetryMessage(text, zones).readings;
}

function readings(msg: unknown, zones: number): ZoneReading[] {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    throw new TelemetryError(`expected a JSON object with "zone" and "celsius", or "zones", but received ${describeJson(msg)}`);
  }
  const o = msg as Record<string, unknown>;
  let t: number | undefined;
  if (o.t !== undefined) {
    if (typeof o.t !== 'number' || !Number.isFinite(o.t)) throw new TelemetryError(`t: expected a number (seconds) but received ${describeJson(o.t)}`);
    t = o.t;
  }
  if (o.zones !== undefined) {
    if (!Array.isArray(o.zones)) throw new TelemetryError(`zones: expected an array but received ${describeJson(o.zones)}`);
    const out: ZoneReading[] = [];
    o.zones.forEach((entry: unknown, i: number) => {
      if (entry === null) return;
      if (typeof entry === 'number') out.push(reading(i, entry, t, zones, `zones[${i}]: `));
      else if (typeof entry === 'object' && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        out.push(reading(e.zone, e.celsius, t, zones, `zones[${i}].`));
      } else throw new TelemetryError(`zones[${i}]: expected a number, null or {"zone", "celsius"} but received ${describeJson(entry)}`);
    });
    return out;
  }
  if (o.zone === undefined && o.celsius === undefined) throw new TelemetryError(`expected "zone" and "celsius", or "zones", but received ${describeJson(msg)}`);
  return [reading(o.zone, o.celsius, t, zones, '')];
}
