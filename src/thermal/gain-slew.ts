/**
 * Bounded-rate gain changes: each matrix coefficient moves toward its target by at most `maxStep`
 * per frame, so a temperature jump (or a sensor coming back) never shows as a visible step.
 * The default 0.005 is 0.5 % of a unity gain per frame (a full 25 % correction takes 50 frames).
 */
export class GainSlew {
  /** The coefficients in use now (what the kernel receives). */
  readonly current: Float32Array;

  constructor(size: number, initial?: ArrayLike<number>) {
    this.current = new Float32Array(size);
    if (initial) this.current.set(initial);
  }

  /** Moves toward `target`; returns the largest change made this step. */
  step(target: ArrayLike<number>, maxStep: number): number {
    let largest = 0;
    for (let i = 0; i < this.current.length; i++) {
      const now = this.current[i]!;
      const d = Math.min(Math.max(target[i]! - now, -maxStep), maxStep);
      const next = Math.fround(now + d);
      largest = Math.max(largest, Math.abs(next - now));
      this.current[i] = next;
    }
    return largest;
  }
}
