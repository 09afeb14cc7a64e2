/**
 * The one frame type that flows through ledpipe: interleaved RGB, 8 or 16 bits per channel.
 * `data` may be a view into a pooled buffer; whoever finishes with a frame calls `release()`
 * exactly once so the memory goes back to its pool (see frame-pool.ts).
 */
export type PixelFormat = 'rgb24' | 'rgb48le';

export interface Frame {
  /** Interleaved RGB samples: 3 bytes per pixel (rgb24) or 3 little-endian u16 per pixel (rgb48le). */
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** 0-based position in the input stream; output order follows it. */
  readonly seq: number;
  /** Presentation time in milliseconds from the first frame. */
  readonly ptsMs: number;
  /** Hands the buffer back to its pool. Idempotent. */
  release(): void;
}

export function bytesPerPixel(format: PixelFormat): number {
  return format === 'rgb24' ? 3 : 6;
}

export function bitsPerChannel(format: PixelFormat): 8 | 16 {
  return format === 'rgb24' ? 8 : 16;
}

export function frameBytes(width: number, height: number, format: PixelFormat): number {
  return width * height * bytesPerPixel(format);
}
