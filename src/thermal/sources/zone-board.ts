/**
 * The latest temperature per zone, whatever the source. Writing is O(1) per reading, so a flood
 * of telemetry coalesces here (the latest per zone wins) and the stage reads it once per frame.
 */
import type { ZoneReading } from './telemetry-message.js';

export class ZoneTemperatureBoard {
  /** °C per zone; NaN until the zone first reports. */
  readonly celsius: Float64Array;
  /** Local arrival time (ms, the stage's clock) of each zone's latest reading; NaN = never. */
  readonly updatedMs: Float64Array;
  /** Sensor time of each zone's latest reading (s); NaN when the messages carry none. */
  readonly sensorT: Float64Array;
  /** Readings accepted. */
  accepted = 0;
  /** Readings dropped because a newer one (by sensor time) had already arrived. */
  stale = 0;
  /** Messages rejected as malformed. */
  malformed = 0;

  constructor(readonly zones: number) {
    this.celsius = new Float64Array(zones).fill(NaN);
    this.updatedMs = new Float64Array(zones).fill(NaN);
    this.sensorT = new Float64Array(zones).fill(NaN);
  }

  set(zone: number, celsius: number, nowMs: number, t?: number): void {
    if (t !== undefined && t < this.sensorT[zone]!) {
      this.stale++;
      return;
    }
    this.celsius[zone] = celsius;
    this.updatedMs[zone] = nowMs;
    this.sensorT[zone] = t ?? NaN;
    this.accepted++;
  }

  apply(readings: readonly ZoneReading[], nowMs: number): void {
    for (const r of readings) this.set(r.zone, r.celsius, nowMs, r.t);
  }
}
