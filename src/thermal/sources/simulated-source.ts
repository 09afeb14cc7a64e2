/**
 * `--temperature sim[:ambient=25,peak=60,tau=120,start=AMBIENT]`: a first-order thermal model per
 * zone for demos and tests. A zone showing mean linear drive d (0..1, from the displayed frames)
 * settles at ambient + (peak − ambient)·d with time constant tau seconds:
 *   T ← T + (T∞ − T)·(1 − e^(−Δt/τ))
 * Time advances with the frames' presentation times, so offline runs simulate real time.
 */
import { MAX_CELSIUS, MIN_CELSIUS } from './telemetry-message.js';
import type { TemperatureSource } from './temperature-source.js';
import { ZoneTemperatureBoard } from './zone-board.js';

export interface ThermalSimulationParams {
  readonly ambient: number;
  readonly peak: number;
  /** Seconds. */
  readonly tau: number;
  /** Temperature at the first frame (default: ambient). */
  readonly start: number;
}

export const DEFAULT_SIMULATION: ThermalSimulationParams = { ambient: 25, peak: 60, tau: 120, start: 25 };

/** Parses the text after 'sim' (e.g. ':ambient=20,tau=30'); errors name the parameter and the range. */
export function parseSimulationParams(text: string): ThermalSimulationParams {
  const out: Record<string, number> = { ambient: DEFAULT_SIMULATION.ambient, peak: DEFAULT_SIMULATION.peak, tau: DEFAULT_SIMULATION.tau };
  const body = text.startsWith(':') ? text.slice(1) : text;
  for (const part of body.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*(ambient|peak|tau|start)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new RangeError(`--temperature sim: expected key=value with key ambient, peak, tau or start (e.g. sim:ambient=25,peak=60,tau=120) but received '${part}'`);
    out[m[1]!] = Number(m[2]);
  }
  for (const k of ['ambient', 'peak', 'start'] as const) {
    const v = out[k];
    if (v !== undefined && (v < MIN_CELSIUS || v > MAX_CELSIUS)) throw new RangeError(`--temperature sim: ${k} must be from ${MIN_CELSIUS} to ${MAX_CELSIUS} °C but received ${v}`);
  }
  if (!(out.tau! > 0 && out.tau! <= 86400)) throw new RangeError(`--temperature sim: tau must be more than 0 and at most 86400 s but received ${out.tau}`);
  return { ambient: out.ambient!, peak: out.peak!, tau: out.tau!, start: out.start ?? out.ambient! };
}

export class SimulatedTemperatureSource implements TemperatureSource {
  readonly board: ZoneTemperatureBoard;
  readonly description: string;
  readonly celsius: Float64Array;

  constructor(readonly params: ThermalSimulationParams, zones: number, private readonly clock: () => number) {
    this.board = new ZoneTemperatureBoard(zones);
    this.celsius = new Float64Array(zones).fill(params.start);
    this.description = `sim:ambient=${params.ambient},peak=${params.peak},tau=${params.tau}`;
  }

  async start(): Promise<void> {
    const now = this.clock();
    for (let z = 0; z < this.celsius.length; z++) this.board.set(z, this.celsius[z]!, now);
  }

  observeDisplayed(zoneDrive: Float64Array, seconds: number, nowMs: number): void {
    const { ambient, peak, tau } = this.params;
    const k = 1 - Math.exp(-Math.max(seconds, 0) / tau);
    for (let z = 0; z < this.celsius.length; z++) {
      const target = ambient + (peak - ambient) * Math.min(Math.max(zoneDrive[z]!, 0), 1);
      this.celsius[z] = this.celsius[z]! + (target - this.celsius[z]!) * k;
      this.board.set(z, this.celsius[z]!, nowMs);
    }
  }

  async close(): Promise<void> {}
}
