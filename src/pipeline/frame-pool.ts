import { frameBytes, type Frame, type PixelFormat } from './frame.js';

/**
 * A fixed set of frame buffers of one geometry. `capacity` is the in-flight limit for everything
 * drawn from the pool: when all buffers are out, `tryAcquire` returns null and the source stops
 * reading (backpressure) until a frame is released. Nothing is allocated per frame after start-up.
 */
export class FramePool {
  readonly frameBytes: number;
  private readonly free: Buffer[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private outstanding = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly format: PixelFormat,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`FramePool capacity must be an integer >= 1, got ${capacity}`);
    }
    this.frameBytes = frameBytes(width, height, format);
    for (let i = 0; i < capacity; i++) this.free.push(Buffer.allocUnsafeSlow(this.frameBytes));
  }

  get inUse(): number {
    return this.outstanding;
  }

  /** A free buffer, or null when `capacity` frames are in flight. */
  tryAcquireBuffer(): Buffer | null {
    const buf = this.free.pop();
    if (buf === undefined) return null;
    this.outstanding++;
    return buf;
  }

  /** Resolves with a buffer as soon as one is free (for embedding applications that push frames). */
  async acquireBuffer(): Promise<Buffer> {
    for (;;) {
      const buf = this.tryAcquireBuffer();
      if (buf) return buf;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Called once when the buffer is free again; wakes one waiter. */
  onceAvailable(callback: () => void): void {
    if (this.free.length > 0) callback();
    else this.waiters.push(callback);
  }

  releaseBuffer(buf: Buffer): void {
    this.outstanding--;
    this.free.push(buf);
    const next = this.waiters.shift();
    if (next) next();
    if (this.outstanding === 0) for (const idle of this.idleWaiters.splice(0)) idle();
  }

  /** Resolves when every buffer is back: all frames drawn from the pool have been released. */
  whenIdle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Wraps a filled buffer as a Frame whose release() returns it here exactly once. */
  frame(buf: Buffer, seq: number, ptsMs: number): Frame {
    let released = false;
    return {
      data: buf,
      width: this.width,
      height: this.height,
      format: this.format,
      seq,
      ptsMs,
      release: () => {
        if (released) return;
        released = true;
        this.releaseBuffer(buf);
      },
    };
  }

  /** Acquires a buffer (waiting if needed) and wraps it, for stages that produce new frames. */
  async acquireFrame(seq: number, ptsMs: number): Promise<Frame> {
    return this.frame(await this.acquireBuffer(), seq, ptsMs);
  }
}
