import { describe, it, expect } from 'vitest';
import { blendTile, extractTile, planTiles, type TilePlacement } from '../../src/native/index.js';
import { nativeAvailable, rng, skipNote } from './fixtures.js';

/** Runs `model` on every planned tile and blends the outputs into a full-size tensor. */
function runTiled(
  src: Float32Array, channels: number, width: number, height: number, scale: number,
  tiles: TilePlacement[], model: (tile: Float32Array, w: number, h: number) => Float32Array,
): Float32Array {
  const outW = width * scale;
  const outH = height * scale;
  const out = new Float32Array(channels * outW * outH).fill(NaN); // blend must not need a clean `out`
  const weight = new Float32Array(outW * outH);
  for (const t of tiles) {
    const tile = extractTile({ src, channels, width, height, dst: new Float32Array(channels * t.width * t.height), x: t.x, y: t.y, tileWidth: t.width, tileHeight: t.height });
    const result = model(tile, t.width, t.height);
    blendTile({ out, weight, width: outW, height: outH, channels, tile: result, tileWidth: t.outWidth, tileHeight: t.outHeight, x: t.outX, y: t.outY, feather: t.feather });
  }
  return out;
}

function nearestUpscale(tile: Float32Array, w: number, h: number, s: number, channels: number): Float32Array {
  const out = new Float32Array(channels * w * s * h * s);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h * s; y++) {
      for (let x = 0; x < w * s; x++) out[(c * h * s + y) * w * s + x] = tile[(c * h + Math.floor(y / s)) * w + Math.floor(x / s)]!;
    }
  }
  return out;
}

describe.skipIf(!nativeAvailable)(`native tiles: split with overlap, feathered blend${skipNote}`, () => {
  const r = rng(41);
  const W = 131;
  const H = 77;
  const C = 3;
  const image = new Float32Array(C * W * H).map(() => r());

  it('plans tiles that cover the image with at least the requested overlap', () => {
    const tiles = planTiles({ width: W, height: H, tileSize: 48, overlap: 8 });
    const covered = new Uint8Array(W * H);
    for (const t of tiles) {
      expect(t.x + t.width).toBeLessThanOrEqual(W);
      for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) covered[y * W + x] = 1;
    }
    expect(covered.every((v) => v === 1)).toBe(true);
    const first = tiles[0]!;
    expect(first.feather.left).toBe(0);
    expect(first.feather.top).toBe(0);
    expect(first.feather.right).toBeGreaterThanOrEqual(8);
    expect(planTiles({ width: 20, height: 10, tileSize: 64, overlap: 8 })).toEqual([
      { x: 0, y: 0, width: 20, height: 10, outX: 0, outY: 0, outWidth: 20, outHeight: 10, feather: { left: 0, right: 0, top: 0, bottom: 0 } },
    ]);
  });

  it('extracts a window, replicating edges outside the image (f32 and f16 bits)', () => {
    const w = 4;
    const h = 3;
    const src = Float32Array.from({ length: 2 * w * h }, (_, i) => i);
    const tile = extractTile({ src, channels: 2, width: w, height: h, dst: new Float32Array(2 * 3 * 6), x: -2, y: 1, tileWidth: 6, tileHeight: 3 });
    // Plane 0, rows 1, 2, 2 (clamped); columns -2..3 -> 0, 0, 0, 1, 2, 3.
    expect(Array.from(tile.subarray(0, 18))).toEqual([4, 4, 4, 5, 6, 7, 8, 8, 8, 9, 10, 11, 8, 8, 8, 9, 10, 11]);
    expect(tile[18]).toBe(16);
    const bits = Uint16Array.from(src);
    const half = extractTile({ src: bits, channels: 2, width: w, height: h, dst: new Uint16Array(2 * 3 * 6), x: -2, y: 1, tileWidth: 6, tileHeight: 3 });
    expect(Array.from(half)).toEqual(Array.from(tile));
  });

  it('reconstructs the input bit for bit through an identity model', () => {
    for (const [tileSize, overlap] of [[48, 8], [32, 31], [40, 0], [200, 16]] as const) {
      const tiles = planTiles({ width: W, height: H, tileSize, overlap });
      const out = runTiled(image, C, W, H, 1, tiles, (t) => t);
      expect(Buffer.from(out.buffer).equals(Buffer.from(image.buffer)), `tile ${tileSize} overlap ${overlap}`).toBe(true);
    }
  });

  it('reconstructs a x2 nearest-neighbour "model" output exactly', () => {
    const tiles = planTiles({ width: W, height: H, tileSize: 40, overlap: 6, scale: 2 });
    const out = runTiled(image, C, W, H, 2, tiles, (t, w, h) => nearestUpscale(t, w, h, 2, C));
    const expected = nearestUpscale(image, W, H, 2, C);
    expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('accepts f16 output tiles', () => {
    const out = new Float32Array(3 * 4 * 4);
    const weight = new Float32Array(16);
    const tile = new Uint16Array(3 * 4 * 4).fill(0x3800); // 0.5
    blendTile({ out, weight, width: 4, height: 4, channels: 3, tile, tileWidth: 4, tileHeight: 4, x: 0, y: 0, feather: { left: 0, right: 0, top: 0, bottom: 0 } });
    expect(Array.from(out).every((v) => v === 0.5)).toBe(true);
    expect(Array.from(weight).every((v) => v === 1)).toBe(true);
  });

  it('feathers across the overlap: a linear ramp between two constant tiles', () => {
    // Two 1-row tiles, 10 px wide, overlapping by 4 px: values 0 and 1.
    const out = new Float32Array(16);
    const weight = new Float32Array(16);
    const blend = (value: number, x: number, feather: { left: number; right: number }) =>
      blendTile({ out, weight, width: 16, height: 1, channels: 1, tile: new Float32Array(10).fill(value), tileWidth: 10, tileHeight: 1, x, y: 0, feather: { ...feather, top: 0, bottom: 0 } });
    blend(0, 0, { left: 0, right: 4 });
    blend(1, 6, { left: 4, right: 0 });
    // Overlap columns 6..9: right-tile weight (j + 0.5) / 4 of a total 1.
    expect(Array.from(out.subarray(4, 12)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1]);
  });

  it('names the argument in validation errors', () => {
    const out = new Float32Array(12);
    expect(() => blendTile({ out, weight: new Float32Array(3), width: 2, height: 2, channels: 3, tile: out.slice(), tileWidth: 2, tileHeight: 2, x: 0, y: 0, feather: { left: 0, right: 0, top: 0, bottom: 0 } })).toThrow(
      'Expected at least 4 elements for weight but received 3',
    );
    expect(() => blendTile({ out, weight: new Float32Array(4), width: 2, height: 2, channels: 3, tile: out.slice(), tileWidth: 2, tileHeight: 2, x: 0, y: 0, feather: { left: 3, right: 0, top: 0, bottom: 0 } })).toThrow(
      'Expected integer between 0 and 2 for feather.left but received 3 of type number',
    );
    expect(() => planTiles({ width: 10, height: 10, tileSize: 8, overlap: 8 })).toThrow('Expected integer between 0 and 7 for overlap but received 8 of type number');
  });
});
