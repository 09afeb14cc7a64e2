import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import type { Frame, PixelFormat } from '../pipeline/frame.js';
import { FramePool } from '../pipeline/frame-pool.js';

export interface FrameGeometry {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** Frames per second of the source; sets each frame's pts. */
  readonly fps: number;
}

export interface ReadFramesOptions {
  /** Frames in flight at most (pool size). */
  readonly capacity: number;
  /**
   * Called once the byte stream has ended, with the number of whole frames read and the bytes of an
   * incomplete last frame. Return an Error to end the frame stream with it, once every frame
   * already emitted has been released.
   */
  readonly onEnd?: (frames: number, leftoverBytes: number) => Promise<Error | null> | Error | null;
}

/** The observable plus its pool, so callers can see how many frames are out. */
export interface FrameStream {
  readonly frames: Observable<Frame>;
  readonly pool: FramePool;
  /** Stop reading: the observable completes after the frame being filled is discarded. */
  stop(): void;
}

/**
 * Cuts a byte stream into frames, copying straight into pooled buffers. When every pool buffer is
 * in flight the stream is paused (so a slow consumer stops the producer: real backpressure) and
 * resumed when a frame is released. An incomplete frame at the end is never emitted.
 */
export function readFrames(stream: Readable, geo: FrameGeometry, options: ReadFramesOptions): FrameStream {
  const pool = new FramePool(geo.width, geo.height, geo.format, options.capacity);
  const frameMs = 1000 / geo.fps;
  let stopRequested: (() => void) | null = null;
  let stopped = false;

  const frames = new Observable<Frame>((subscriber) => {
    let current: Buffer | null = null;
    let filled = 0;
    let seq = 0;
    let pending: Buffer | null = null;
    let ended = false;
    let done = false;

    const finish = async (): Promise<void> => {
      if (done) return;
      done = true;
      cleanup();
      const leftover = stopped ? 0 : filled;
      if (current) {
        pool.releaseBuffer(current);
        current = null;
      }
      try {
        const err = options.onEnd ? await options.onEnd(seq, leftover) : null;
        if (err) {
          // An RxJS error overtakes frames still queued downstream (concatMap drops them), so hold it
          // until every frame already emitted has been released: the output keeps all whole frames.
          await pool.whenIdle();
          subscriber.error(err);
        } else subscriber.complete();
      } catch (e) {
        subscriber.error(e);
      }
    };

    /** Copies as much of `chunk` as buffers allow; returns the unconsumed tail or null. */
    const consume = (chunk: Buffer): Buffer | null => {
      let offset = 0;
      while (offset < chunk.length) {
        if (!current) {
          current = pool.tryAcquireBuffer();
          if (!current) return chunk.subarray(offset);
          filled = 0;
        }
        const n = Math.min(chunk.length - offset, pool.frameBytes - filled);
        chunk.copy(current, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === pool.frameBytes) {
          const frame = pool.frame(current, seq, seq * frameMs);
          seq++;
          current = null;
          filled = 0;
          subscriber.next(frame);
          if (stopped) return null;
        }
      }
      return null;
    };

    const onData = (chunk: Buffer): void => {
      if (stopped) return;
      if (pending) {
        // A chunk already on its way when we paused: queue it behind the pending bytes.
        pending = Buffer.concat([pending, chunk]);
        return;
      }
      const rest = consume(chunk);
      if (rest) {
        pending = rest;
        stream.pause();
        pool.onceAvailable(resume);
      }
    };

    const resume = (): void => {
      if (done) return;
      if (pending) {
        const rest = consume(pending);
        pending = rest;
        if (rest) {
          pool.onceAvailable(resume);
          return;
        }
      }
      if (ended || stopped) void finish();
      else stream.resume();
    };

    const onEnd = (): void => {
      ended = true;
      if (!pending) void finish();
    };
    const onError = (err: Error): void => {
      if (done) return;
      done = true;
      cleanup();
      if (current) pool.releaseBuffer(current);
      current = null;
      void pool.whenIdle().then(() => subscriber.error(err));
    };
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };

    stopRequested = () => {
      stopped = true;
      if (!pending) void finish();
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    return () => {
      cleanup();
      if (!done) stream.destroy();
      done = true;
    };
  });

  return {
    frames,
    pool,
    stop: () => {
      stopped = true;
      stopRequested?.();
    },
  };
}
