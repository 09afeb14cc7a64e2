/**
 * Temperature telemetry messages (one JSON object per line or datagram), as receiving cards or a
 * monitoring script send them:
 *   {"zone": 3, "celsius": 41.5, "t": 1732550400.25}
 *   {"zones": [41.5, 40.9, null, 39.8], "t": 1732550400.25}      index = zone; null = no reading
 *   {"zones": [{"zone": 0, "celsius": 41.5}, {"zone": 7, "celsius": 38.0}]}
 * "t" (sensor time, seconds, optional) lets a late datagram lose to a newer one it crossed.
 */
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

/** A value for a message: at most ~40 characters, and never a stack overflow on deeply nested JSON. */
function describe(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = Array.isArray(v) ? `[… an array nested too deeply to show]` : `{… an object nested too deeply to show}`;
  }
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function reading(zone: unknown, celsius: unknown, t: number | undefined, zones: number, where: string): ZoneReading {
  if (typeof zone !== 'number' || !Number.isInteger(zone) || zone < 0 || zone >= zones) {
    throw new TelemetryError(`${where}zone: expected an integer from 0 to ${zones - 1} but received ${describe(zone)}`);
  }
  if (typeof celsius !== 'number' || !Number.isFinite(celsius) || celsius < MIN_CELSIUS || celsius > MAX_CELSIUS) {
    throw new TelemetryError(`${where}celsius: expected a number from ${MIN_CELSIUS} to ${MAX_CELSIUS} but received ${describe(celsius)}`);
  }
  return t === undefined ? { zone, celsius } : { zone, celsius, t };
}

/** Parses one message for a wall of `zones` zones. Throws TelemetryError. */
export function parseTemperatureMessage(text: string, zones: number): ZoneReading[] {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    throw new TelemetryError(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    throw new TelemetryError(`expected a JSON object with "zone" and "celsius", or "zones", but received ${describe(msg)}`);
  }
  const o = msg as Record<string, unknown>;
  let t: number | undefined;
  if (o.t !== undefined) {
    if (typeof o.t !== 'number' || !Number.isFinite(o.t)) throw new TelemetryError(`t: expected a number (seconds) but received ${describe(o.t)}`);
    t = o.t;
  }
  if (o.zones !== undefined) {
    if (!Array.isArray(o.zones)) throw new TelemetryError(`zones: expected an array but received ${describe(o.zones)}`);
    const out: ZoneReading[] = [];
    o.zones.forEach((entry: unknown, i: number) => {
      if (entry === null) return;
      if (typeof entry === 'number') out.push(reading(i, entry, t, zones, `zones[${i}]: `));
      else if (typeof entry === 'object' && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        out.push(reading(e.zone, e.celsius, t, zones, `zones[${i}].`));
      } else throw new TelemetryError(`zones[${i}]: expected a number, null or {"zone", "celsius"} but received ${describe(entry)}`);
    });
    return out;
  }
  if (o.zone === undefined && o.celsius === undefined) throw new TelemetryError(`expected "zone" and "celsius", or "zones", but received ${describe(msg)}`);
  return [reading(o.zone, o.celsius, t, zones, '')];
}
