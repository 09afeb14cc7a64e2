/**
 * Tiling a planar (C x H x W) tensor for a model that runs on fixed-size or
 * memory-bounded inputs, and blending the model's output tiles back without seams.
 *
 * planTiles() lays overlapping tiles over the input; extractTile() copies one
 * (edge-replicating outside the image); blendTile() merges an output tile into
 * the full-size output with linear-ramp feathering where neighbours overlap.
 * blendTile keeps `out` as the running weighted mean (see native/tiles.h), so
 * an identity model reconstructs its input bit for bit.
 */
import type { PlanarArray } from './binding.js';
import { nativeBinding } from './load.js';
import { checkDimension, checkDisjoint, checkInteger, checkPlanar, describeValue } from './validate.js';

export interface TileFeather {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface TilePlacement {
  /** Input window, in input pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the model output lands and its feathering, in output pixels (input * scale). */
  outX: number;
  outY: number;
  outWidth: number;
  outHeight: number;
  feather: TileFeather;
}

export interface TilePlanOptions {
  width: number;
  height: number;
  /** Tile side in input pixels (clipped to the image). */
  tileSize: number;
  /** Minimum overlap between neighbouring tiles, in input pixels; < tileSize. */
  overlap: number;
  /** Model upscale factor (output pixels per input pixel); default 1. */
  scale?: number;
}

function axisStarts(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const step = tile - overlap;
  const count = Math.ceil((length - overlap) / step);
  const starts: number[] = [];
  for (let i = 0; i < count; i++) starts.push(Math.min(i * step, length - tile));
  return [...new Set(starts)];
}

/** Overlapping tiles covering a width x height image, row by row. */
export function planTiles(options: TilePlanOptions): TilePlacement[] {
  const width = checkDimension('width', options.width);
  const height = checkDimension('height', options.height);
  const tileSize = checkDimension('tileSize', options.tileSize);
  const overlap = checkDimension('overlap', options.overlap, 0, tileSize - 1);
  const scale = checkDimension('scale', options.scale ?? 1, 1, 16);
  const tw = Math.min(tileSize, width);
  const th = Math.min(tileSize, height);
  const xs = axisStarts(width, tw, Math.min(overlap, tw - 1));
  const ys = axisStarts(height, th, Math.min(overlap, th - 1));
  const shared = (starts: number[], i: number, size: number, next: number): number => {
    const j = i + next;
    if (j < 0 || j >= starts.length) return 0;
    const a = Math.min(starts[i]!, starts[j]!);
    const b = Math.max(starts[i]!, starts[j]!);
    return Math.max(0, a + size - b) * scale;
  };
  const tiles: TilePlacement[] = [];
  ys.forEach((y, yi) => {
    xs.forEach((x, xi) => {
      tiles.push({
        x, y, width: tw, height: th,
        outX: x * scale, outY: y * scale, outWidth: tw * scale, outHeight: th * scale,
        feather: {
          left: shared(xs, xi, tw, -1),
          right: shared(xs, xi, tw, 1),
          top: shared(ys, yi, th, -1),
          bottom: shared(ys, yi, th, 1),
        },
      });
    });
  });
  return tiles;
}

export interface ExtractTileOptions<T extends PlanarArray> {
  /** channels x height x width. */
  src: T;
  channels: number;
  width: number;
  height: number;
  /** channels x tileHeight x tileWidth, same element type as src. */
  dst: T;
  /** Top-left of the window; may lie outside the image (edges replicate). */
  x: number;
  y: number;
  tileWidth: number;
  tileHeight: number;
}

/** Copies a window of every plane into `dst`. Returns `dst`. */
export function extractTile<T extends PlanarArray>(o: ExtractTileOptions<T>): T {
  const channels = checkDimension('channels', o.channels, 1, 64);
  const width = checkDimension('width', o.width);
  const height = checkDimension('height', o.height);
  const tileWidth = checkDimension('tileWidth', o.tileWidth);
  const tileHeight = checkDimension('tileHeight', o.tileHeight);
  const x = checkInteger('x', o.x);
  const y = checkInteger('y', o.y);
  const src = checkPlanar('src', o.src, channels * width * height);
  const dst = checkPlanar('dst', o.dst, channels * tileWidth * tileHeight);
  if (src.constructor !== dst.constructor) {
    throw new TypeError(`Expected dst to be a ${src.constructor.name} like src but received ${describeValue(dst)}`);
  }
  checkDisjoint('src', src, 'dst', dst);
  return nativeBinding().extractTile(o.src, channels, width, height, o.dst, x, y, tileWidth, tileHeight);
}

export interface BlendTileOptions {
  /** channels x height x width output tensor (the running weighted mean). */
  out: Float32Array;
  /** height x width running weight sum; zero it before the first tile of a frame. */
  weight: Float32Array;
  width: number;
  height: number;
  channels: number;
  /** channels x tileHeight x tileWidth, f32 or f16 bits. */
  tile: PlanarArray;
  tileWidth: number;
  tileHeight: number;
  /** Where the tile's top-left lands in `out`; parts outside are dropped. */
  x: number;
  y: number;
  /** Ramp widths in pixels at each edge; 0 where the tile meets the image border. */
  feather: TileFeather;
}

/** Merges one output tile into `out` / `weight`. */
export function blendTile(o: BlendTileOptions): void {
  const channels = checkDimension('channels', o.channels, 1, 64);
  const width = checkDimension('width', o.width);
  const height = checkDimension('height', o.height);
  const tileWidth = checkDimension('tileWidth', o.tileWidth);
  const tileHeight = checkDimension('tileHeight', o.tileHeight);
  const x = checkInteger('x', o.x);
  const y = checkInteger('y', o.y);
  if (!(o.out instanceof Float32Array)) throw new TypeError(`Expected Float32Array for out but received ${describeValue(o.out)}`);
  if (!(o.weight instanceof Float32Array)) throw new TypeError(`Expected Float32Array for weight but received ${describeValue(o.weight)}`);
  checkPlanar('out', o.out, channels * width * height);
  checkPlanar('weight', o.weight, width * height);
  checkPlanar('tile', o.tile, channels * tileWidth * tileHeight);
  if (typeof o.feather !== 'object' || o.feather === null) {
    throw new TypeError(`Expected { left, right, top, bottom } for feather but received ${describeValue(o.feather)}`);
  }
  const f = {
    left: checkDimension('feather.left', o.feather.left, 0, tileWidth),
    right: checkDimension('feather.right', o.feather.right, 0, tileWidth),
    top: checkDimension('feather.top', o.feather.top, 0, tileHeight),
    bottom: checkDimension('feather.bottom', o.feather.bottom, 0, tileHeight),
  };
  checkDisjoint('out', o.out, 'weight', o.weight);
  checkDisjoint('out', o.out, 'tile', o.tile);
  nativeBinding().blendTile(o.out, o.weight, width, height, channels, o.tile, tileWidth, tileHeight, x, y, f.left, f.right, f.top, f.bottom);
}
