/**
 * The latest temperature per zone, whatever the source. Writing is O(1) per reading, so a flood
 * of telemetry coalesces here (the latest per zone wins) and the stage reads it once per frame.
 */
import type { DisplayModeRequest } from '../../live/display-mode.js';
import type { TelemetryMessage, ZoneReading } from './telemetry-message.js';

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
  /** Display-mode control messages received. */
  displayModeRequests = 0;
  private displayModeListener: ((req: DisplayModeRequest) => void) | null = null;
  /** Requests that arrived before anyone listened, delivered when someone does. */
  private heldRequests: DisplayModeRequest[] = [];

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

  /** A parsed telemetry message: its readings, and its display-mode request passed on to the listener. */
  applyMessage(msg: TelemetryMessage, nowMs: number): void {
    this.apply(msg.readings, nowMs);
    if (!msg.displayMode) return;
    this.displayModeRequests++;
    if (this.displayModeListener) this.displayModeListener(msg.displayMode);
    else if (this.heldRequests.push(msg.displayMode) > 16) this.heldRequests.shift();
  }

  /** Where display-mode requests on this channel go (one listener; requests held until it is set). */
  onDisplayModeRequest(listener: (req: DisplayModeRequest) => void): void {
    this.displayModeListener = listener;
    for (const r of this.heldRequests.splice(0)) listener(r);
  }
}
