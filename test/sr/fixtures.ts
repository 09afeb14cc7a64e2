/**
 * Small ONNX models built in the tests (test/support/onnx-builder.ts) with weights that make exact
 * expectations possible, cards for them, and frames. Nothing here is committed as a binary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, tinySrModel, type NodeSpec } from '../support/onnx-builder.js';
import type { Frame, PixelFormat } from '../../src/pipeline/frame.js';
import { nativeStatus } from '../../src/native/index.js';

const native = nativeStatus();
export const nativeAvailable = native.available;
export const skipNote = native.available ? '' : ` (skipped: native addon unavailable: ${native.reason ?? 'not loaded'})`;

export function tmpDir(prefix = 'ledpipe-sr-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

type FloatDType = 'float32' | 'float16';

/**
 * x`scale` nearest-neighbour upscale as a 1x1 conv to C·scale² channels (each a copy of its input
 * channel) and DepthToSpace (CRD): output(c, s·y + i, s·x + j) = input(c, y, x), exactly.
 */
export function nearestModel(opts: { channels?: 1 | 3; scale?: number; dtype?: FloatDType; input?: string; output?: string } = {}): Buffer {
  const C = opts.channels ?? 3;
  const s = opts.scale ?? 2;
  const dtype = opts.dtype ?? 'float32';
  const input = opts.input ?? 'input';
  const output = opts.output ?? 'output';
  const out = C * s * s;
  const w = new Array<number>(out * C).fill(0);
  for (let c = 0; c < C; c++) for (let k = 0; k < s * s; k++) w[(c * s * s + k) * C + c] = 1;
  const nodes: NodeSpec[] = [
    { op: 'Conv', inputs: [input, 'w'], outputs: ['copies'], attrs: { kernel_shape: [1, 1] } },
    { op: 'DepthToSpace', inputs: ['copies'], outputs: [output], attrs: { blocksize: s, mode: 'CRD' } },
  ];
  if (s === 1) nodes.splice(1, 1, { op: 'Identity', inputs: ['copies'], outputs: [output] });
  return buildModel({
    input: { name: input, dtype, shape: [1, C, 'height', 'width'] },
    output: { name: output, dtype, shape: [1, C, 'oh', 'ow'] },
    nodes,
    initializers: [{ name: 'w', dtype, dims: [out, C, 1, 1], data: w }],
  });
}

/** The sharpening kernel of `sharpenModel` (centre 5, the four neighbours -1). */
export const SHARPEN = [0, -1, 0, -1, 5, -1, 0, -1, 0];

/** x1, per channel 3x3 sharpening (grouped conv, zero padding): receptive field 3. */
export function sharpenModel(): Buffer {
  const w: number[] = [];
  for (let c = 0; c < 3; c++) w.push(...SHARPEN);
  return buildModel({
    input: { name: 'input', dtype: 'float32', shape: [1, 3, 'height', 'width'] },
    output: { name: 'output', dtype: 'float32', shape: [1, 3, 'height', 'width'] },
    nodes: [{ op: 'Conv', inputs: ['input', 'w'], outputs: ['output'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 3 } }],
    initializers: [{ name: 'w', dtype: 'float32', dims: [3, 1, 3, 3], data: w }],
  });
}

/** A tiny SRVGG-like x2 model with random weights: `depth` + 1 3x3 convs, receptive field 2·(depth+1)+1. */
export function deepModel(depth = 2, seed = 7, dtype: FloatDType = 'float32'): { onnx: Buffer; receptiveField: number } {
  return { onnx: tinySrModel({ scale: 2, features: 8, depth, seed, dtype }), receptiveField: 2 * (depth + 1) + 1 };
}

/** A model whose input is [3, H, W] (rank 3). */
export function rank3Model(): Buffer {
  return buildModel({
    input: { name: 'input', dtype: 'float32', shape: [3, 'height', 'width'] },
    output: { name: 'output', dtype: 'float32', shape: [3, 'height', 'width'] },
    nodes: [{ op: 'Identity', inputs: ['input'], outputs: ['output'] }],
  });
}

/** An identity model with `channels` input channels. */
export function identityModel(channels: number, dtype: 'float32' | 'float16' | 'uint8' = 'float32'): Buffer {
  return buildModel({
    input: { name: 'input', dtype, shape: [1, channels, 'height', 'width'] },
    output: { name: 'output', dtype, shape: [1, channels, 'height', 'width'] },
    nodes: [{ op: 'Identity', inputs: ['input'], outputs: ['output'] }],
  });
}

export interface CardOverrides {
  [key: string]: unknown;
}

/** A valid card; `over` replaces top-level fields (input/output are merged). */
export function card(id: string, over: CardOverrides = {}): Record<string, unknown> {
  const tensor = (name: string, extra: unknown) => ({ name, layout: 'NCHW', dtype: 'float32', range: [0, 1], colour: 'rgb', ...(extra as object) });
  const { input, output, ...rest } = over;
  return {
    id,
    task: 'sr',
    scale: 2,
    family: 'test',
    tier: 'quality',
    input: tensor('input', input),
    output: tensor('output', output),
    tile: { size: 256, overlap: 16 },
    receptiveField: 1,
    params: 12,
    macsPerInputPixel: 12,
    precision: 'fp32',
    provenance: { source: 'built in test/sr', licence: 'BSD-3-Clause', notes: 'test model' },
    ...rest,
  };
}

/** Writes `<dir>/<id>.onnx` and `<dir>/<id>.json`; returns the ONNX path. */
export function writeModel(dir: string, id: string, onnx: Buffer | null, cardJson: Record<string, unknown> | string | null): string {
  const file = path.join(dir, `${id}.onnx`);
  if (onnx) fs.writeFileSync(file, onnx);
  if (cardJson !== null) fs.writeFileSync(path.join(dir, `${id}.json`), typeof cardJson === 'string' ? cardJson : JSON.stringify(cardJson, null, 2));
  return file;
}

/** A frame over `data` that records its release. */
export function testFrame(data: Buffer, width: number, height: number, format: PixelFormat, seq = 0): Frame & { released: number } {
  const f = {
    data, width, height, format, seq, ptsMs: seq * 16.7, released: 0,
    release() {
      f.released++;
    },
  };
  return f;
}

/** mulberry32. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random interleaved samples: rgb24 bytes or rgb48le. */
export function randomFrameData(width: number, height: number, format: PixelFormat, seed: number): Buffer {
  const r = rng(seed);
  if (format === 'rgb24') {
    const b = Buffer.alloc(width * height * 3);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    return b;
  }
  const u = new Uint16Array(width * height * 3);
  for (let i = 0; i < u.length; i++) u[i] = Math.floor(r() * 65536);
  return Buffer.from(u.buffer);
}

/** Smooth content with some edges (what tiles see in video). */
export function patternFrameData(width: number, height: number, format: PixelFormat): Buffer {
  const max = format === 'rgb24' ? 255 : 65535;
  const v = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const edge = (Math.floor(x / 9) + Math.floor(y / 13)) % 2;
      v[i] = 0.5 + 0.4 * Math.sin(x / 7) * Math.cos(y / 11);
      v[i + 1] = 0.2 + 0.6 * edge;
      v[i + 2] = (x + 2 * y) / (width + 2 * height);
    }
  }
  if (format === 'rgb24') return Buffer.from(Uint8Array.from(v, (x) => Math.round(x * max)));
  return Buffer.from(Uint16Array.from(v, (x) => Math.round(x * max)).buffer);
}

/** Samples of a frame buffer as numbers (u8 or u16). */
export function samples(data: Buffer, format: PixelFormat): Uint8Array | Uint16Array {
  return format === 'rgb24' ? new Uint8Array(data.buffer, data.byteOffset, data.length) : new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Nearest-neighbour x`s` of interleaved samples. */
export function nearestUpscale(src: ArrayLike<number>, width: number, height: number, s: number): number[] {
  const out = new Array<number>(width * s * height * s * 3);
  for (let y = 0; y < height * s; y++) {
    for (let x = 0; x < width * s; x++) {
      const si = (Math.floor(y / s) * width + Math.floor(x / s)) * 3;
      const di = (y * width * s + x) * 3;
      out[di] = src[si]!;
      out[di + 1] = src[si + 1]!;
      out[di + 2] = src[si + 2]!;
    }
  }
  return out;
}

/** The stage's integer rounding: trunc(clamp(v, 0, 1) * max + 0.5). */
export function quantise(v: number, max: number): number {
  return Math.trunc(Math.min(Math.max(v, 0), 1) * max + 0.5);
}
