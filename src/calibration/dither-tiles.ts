/**
 * Dither threshold tiles for the calibration kernel's quantiser: q = floor(v * maxCode + T(x, y)).
 * A threshold uniform in [0, 1) preserves the mean (E[floor(a + T)] = a); 0.5 everywhere is plain
 * rounding. Tiles are 64 x 64, stored as rows of 128 (each row written twice) so 8 SIMD lanes
 * starting anywhere in the first 64 never wrap.
 */
export const DITHER_TILE = 64;
export const DITHER_STRIDE = 128;

/** Index of each tile in the array handed to the kernel. */
export const DITHER_TILE_INDEX = { none: 0, ordered: 1, temporal: 2 } as const;

function tile(fn: (x: number, y: number) => number): Float32Array {
  const t = new Float32Array(DITHER_TILE * DITHER_STRIDE);
  for (let y = 0; y < DITHER_TILE; y++) {
    for (let x = 0; x < DITHER_TILE; x++) {
      const v = Math.fround(fn(x, y));
      t[y * DITHER_STRIDE + x] = v;
      t[y * DITHER_STRIDE + x + DITHER_TILE] = v;
    }
  }
  return t;
}

/** The classic recursive 8x8 Bayer index matrix, 0..63. */
export function bayer8(x: number, y: number): number {
  let v = 0;
  for (let bit = 2; bit >= 0; bit--) {
    const xb = (x >> (2 - bit)) & 1;
    const yb = (y >> (2 - bit)) & 1;
    v |= ((xb ^ yb) << (2 * bit + 1)) | (yb << (2 * bit));
  }
  return v;
}

/**
 * Interleaved gradient noise (Jimenez 2014): a cheap, blue-noise-like threshold field whose
 * low-frequency energy is small, so a per-frame offset moves the error pattern without flicker
 * of large blobs.
 */
export function interleavedGradientNoise(x: number, y: number): number {
  const f = (v: number): number => v - Math.floor(v);
  return f(52.9829189 * f(0.06711056 * x + 0.00583715 * y));
}

let cached: Float32Array[] | undefined;

/** [none, ordered, temporal] tiles (see DITHER_TILE_INDEX). */
export function ditherTiles(): Float32Array[] {
  cached ??= [tile(() => 0.5), tile((x, y) => (bayer8(x & 7, y & 7) + 0.5) / 64), tile((x, y) => Math.min(interleavedGradientNoise(x, y), 0.99999994))];
  return cached;
}

/** Per-frame offset of the temporal tile: the R2 low-discrepancy sequence over the 64 x 64 tile. */
export function temporalDitherOffset(frame: number): { x: number; y: number } {
  const f = (v: number): number => v - Math.floor(v);
  return { x: Math.floor(DITHER_TILE * f(0.5 + 0.7548776662466927 * frame)), y: Math.floor(DITHER_TILE * f(0.5 + 0.5698402909980532 * frame)) };
}
