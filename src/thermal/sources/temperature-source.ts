/** What the thermal stage asks of a temperature source (file/FIFO, UDP, simulation). */
import type { ZoneTemperatureBoard } from './zone-board.js';

export interface TemperatureSource {
  /** For messages, e.g. "udp://0.0.0.0:5005". */
  readonly description: string;
  /** Where the source writes the latest reading per zone. */
  readonly board: ZoneTemperatureBoard;
  /** Opens the file or socket; rejects with a message naming the source when it cannot. */
  start(): Promise<void>;
  /**
   * The frame now on screen, as mean linear drive (0..1) per zone, shown for `seconds`.
   * Only the simulation uses it (content heats the LEDs); real sensors ignore it.
   */
  observeDisplayed?(zoneDrive: Float64Array, seconds: number, nowMs: number): void;
  close(): Promise<void>;
}
