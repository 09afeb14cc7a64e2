/**
 * The rungs of the SR stage's ladder. A model rung runs one ONNX model (whole frame, or in tiles with
 * seam-free blending); a resize rung is the non-AI native Lanczos (or bicubic) upscale. Every buffer is
 * allocated at load for the stream's geometry; nothing is allocated per frame apart from what the
 * inference runtime returns.
 */
import type { Frame, PixelFormat } from '../pipeline/frame.js';
import { ModelLoadError, type Backend, type BackendName, type InferenceSession, type SessionOptions, type Tensor, type TensorData } from '../inference/backend.js';
import { imageInputGeometry, zeroTensor } from '../models/infer-card.js';
import type { ModelCard } from '../models/model-card.js';
import { displayPath, type RegisteredModel } from '../models/registry.js';
import { blendTile, extractTile, lumaKernelsAvailable, lumaMergeAsync, lumaSplitAsync, planTiles, resizeAsync, toInterleavedAsync, toPlanarAsync, type PlanarArray, type ResizeFilter, type TileFeather } from '../native/index.js';
import { decodeSamples, encodeSamples } from './sr-tensor.js';

export interface StreamGeometry {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
}

export type RungKind = 'model' | 'resize' | 'passthrough';

export interface SrRung {
  /** The mode name on the ladder ('quality', 'lanczos', ...). */
  readonly name: string;
  readonly kind: RungKind;
  /** Writes the output frame (scaled geometry) into `dst`. Not called for 'passthrough'. */
  process(frame: Frame, dst: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Non-AI upscale with the native separable resize. */
export class ResizeRung implements SrRung {
  readonly kind = 'resize' as const;
  constructor(
    readonly name: string,
    private readonly filter: ResizeFilter,
    private readonly input: StreamGeometry,
    private readonly outWidth: number,
    private readonly outHeight: number,
  ) {}

  async process(frame: Frame, dst: Buffer): Promise<void> {
    const { width, height, format } = this.input;
    await resizeAsync({ src: frame.data, srcWidth: width, srcHeight: height, dst, dstWidth: this.outWidth, dstHeight: this.outHeight, format, filter: this.filter });
  }

  async close(): Promise<void> {}
}

/** x1 rung below a denoise/restore model: the frame passes unchanged. */
export class PassthroughRung implements SrRung {
  readonly kind = 'passthrough' as const;
  constructor(readonly name: string) {}
  async process(): Promise<void> {
    throw new Error('a passthrough rung returns its input frame; process() is never called');
  }
  async close(): Promise<void> {}
}

/** The place of a model that failed to load (live mode): its frames go to the fallback rung. */
export class UnloadedModelRung implements SrRung {
  readonly kind = 'model' as const;
  constructor(
    readonly name: string,
    readonly modelPath: string,
    readonly error: unknown,
  ) {}
  async process(): Promise<void> {
    throw this.error instanceof Error ? this.error : new Error(String(this.error));
  }
  async close(): Promise<void> {}
}

/** One tile's work, planned once at load. */
interface TileJob {
  /** Input window (may extend past the image for fixed-size models; edges replicate). */
  readonly x: number;
  readonly y: number;
  /** Part of the model's output tile that is blended, in output pixels. */
  readonly cropX: number;
  readonly cropY: number;
  readonly cropWidth: number;
  readonly cropHeight: number;
  /** Where that part lands in the output frame. */
  readonly outX: number;
  readonly outY: number;
  readonly feather: TileFeather;
}

type Staging = 'f32' | 'f16';

/** Output frames with at least this many rows are merged as two bands on the libuv pool at once. */
const MERGE_BAND_MIN_ROWS = 32;


function fail(model: RegisteredModel, session: InferenceSession | null, detail: string): ModelLoadError {
  return new ModelLoadError(displayPath(model.modelPath), session?.backend ?? null, detail);
}

/**
 * Checks a loaded session against its card: tensor names, dtypes, rank and channels. A fixed input
 * size must be square (it becomes the tile size).
 */
function checkContract(model: RegisteredModel, session: InferenceSession): { channels: 1 | 3; fixed: number | null } {
  const card = model.card;
  const cardNote = model.cardPath ? ` (card ${displayPath(model.cardPath)})` : '';
  for (const [role, spec, contract] of [['input', session.input, card.input], ['output', session.output, card.output]] as const) {
    if (spec.name !== contract.name) throw fail(model, session, `${role} is named '${spec.name}'; expected '${contract.name}'${cardNote}`);
    if (spec.dtype !== contract.dtype) throw fail(model, session, `${role} '${spec.name}' is ${spec.dtype}; expected ${contract.dtype}${cardNote}`);
    if (spec.dtype === 'int8') throw fail(model, session, `${role} '${spec.name}' is int8; the sr stage takes float32, float16 or uint8 tensors`);
    if (spec.shape.length !== 4) throw fail(model, session, `${role} '${spec.name}' has rank ${spec.shape.length}; expected 4 (N, C, H, W)`);
  }
  const g = imageInputGeometry(session);
  if (card.input.colour === 'luma' && !lumaKernelsAvailable()) throw fail(model, session, 'luma models need the native luma kernels, which the loaded addon predates; rebuild it with `node scripts/build-native.mjs`');
  const want = card.input.colour === 'rgb' ? 3 : 1;
  if (g.channels !== want) throw fail(model, session, `input '${session.input.name}' has ${g.channels} channel(s); expected ${want} for colour '${card.input.colour}'${cardNote}`);
  const outC = session.output.shape[1];
  if (typeof outC === 'number' && outC > 0 && outC !== want) throw fail(model, session, `output '${session.output.name}' has ${outC} channel(s); expected ${want}`);
  if ((g.height === null) !== (g.width === null) || (g.height !== null && g.height !== g.width)) {
    throw fail(model, session, `input '${session.input.name}' has a fixed size ${g.width ?? '?'}x${g.height ?? '?'}; expected dynamic height and width, or a fixed square`);
  }
  return { channels: g.channels, fixed: g.height };
}

export class ModelRung implements SrRung {
  readonly kind = 'model' as const;
  readonly card: ModelCard;
  readonly modelPath: string;
  /** True when frames are cut into tiles (larger than the card's tile size, or a fixed-size model). */
  readonly tiled: boolean;
  readonly tileCount: number;

  private readonly channels: 1 | 3;
  private readonly scale: number;
  private readonly outWidth: number;
  private readonly outHeight: number;
  private readonly staging: Staging;
  private readonly needsEncode: boolean;
  private readonly directOutput: boolean;
  /** Model run size (whole frame, or one tile window). */
  private readonly runWidth: number;
  private readonly runHeight: number;
  private readonly jobs: TileJob[];
  // Buffers, allocated once.
  /** RGB models: the frame as planes. Luma models: the Y plane (the model's input when no encode is needed). */
  private readonly planes: PlanarArray;
  /** Luma models: low-resolution cr and cb planes from lumaSplit (null for RGB models). */
  private readonly chroma: Float32Array | null;
  private readonly tileIn: PlanarArray | null;
  private readonly modelIn: TensorData | null;
  /** The model's output at the run size, handed to the backend to write into (OpenVINO does). */
  private readonly modelOut: TensorData;
  private readonly decoded: Float32Array | null;
  private readonly acc: Float32Array | null;
  private readonly weight: Float32Array | null;
  private readonly crops = new Map<string, PlanarArray>();

  private constructor(
    readonly name: string,
    private readonly model: RegisteredModel,
    private readonly session: InferenceSession,
    private readonly input: StreamGeometry,
    contract: { channels: 1 | 3; fixed: number | null },
  ) {
    const card = model.card;
    this.card = card;
    this.modelPath = model.modelPath;
    this.channels = contract.channels;
    this.scale = card.scale;
    const { width: W, height: H } = input;
    this.outWidth = W * this.scale;
    this.outHeight = H * this.scale;
    const luma = this.channels === 1;
    // Half-float [0, 1] models take the staging planes as they are (the native kernels write halves).
    const f16 = card.input.dtype === 'float16' && card.input.range[1] === 1;
    this.staging = f16 ? 'f16' : 'f32';
    this.needsEncode = !f16 && !(card.input.dtype === 'float32' && card.input.range[1] === 1);
    this.directOutput = (card.output.dtype === 'float32' || card.output.dtype === 'float16') && card.output.range[1] === 1;

    const tileSize = contract.fixed ?? card.tile.size;
    this.tiled = contract.fixed !== null || W > tileSize || H > tileSize;
    this.runWidth = this.tiled ? (contract.fixed ?? Math.min(tileSize, W)) : W;
    this.runHeight = this.tiled ? (contract.fixed ?? Math.min(tileSize, H)) : H;
    this.jobs = this.tiled ? this.planJobs(tileSize) : [];
    this.tileCount = this.tiled ? this.jobs.length : 1;

    const C = this.channels;
    const runIn = C * this.runWidth * this.runHeight;
    const runOut = runIn * this.scale * this.scale;
    this.planes = this.staging === 'f16' ? new Uint16Array(C * W * H) : new Float32Array(C * W * H);
    this.chroma = luma ? new Float32Array(2 * W * H) : null;
    this.tileIn = this.tiled ? (this.staging === 'f16' ? new Uint16Array(runIn) : new Float32Array(runIn)) : null;
    this.modelIn = this.needsEncode ? zeroTensor(card.input.dtype, runIn) : null;
    this.modelOut = zeroTensor(card.output.dtype, runOut);
    this.decoded = this.directOutput ? null : new Float32Array(runOut);
    this.acc = this.tiled ? new Float32Array(C * this.outWidth * this.outHeight) : null;
    this.weight = this.tiled ? new Float32Array(this.outWidth * this.outHeight) : null;
  }

  /**
   * Loads the model, checks it against its card and the stream, plans tiles and does one warm-up run
   * at the run size (which also checks the output shape). Rejects with ModelLoadError naming the file.
   */
  static async load(name: string, model: RegisteredModel, backend: Backend, input: StreamGeometry, sessionOptions: SessionOptions = {}): Promise<ModelRung> {
    const session = await backend.load(model.modelPath, sessionOptions);
    try {
      const rung = new ModelRung(name, model, session, input, checkContract(model, session));
      await rung.warmUp();
      return rung;
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  private planJobs(tileSize: number): TileJob[] {
    const s = this.scale;
    const card = this.card;
    const margin = Math.ceil((card.receptiveField - 1) / 2) * s;
    const plan = planTiles({ width: this.input.width, height: this.input.height, tileSize, overlap: Math.min(card.tile.overlap, tileSize - 1), scale: s });
    return plan.map((t) => {
      // Interior sides lose `margin` output pixels (edge padding reaches that far into the tile), and
      // their ramps span what both neighbours computed from real pixels: overlap - 2 * margin.
      const cut = (f: number) => (f > 0 ? margin : 0);
      const left = cut(t.feather.left);
      const right = cut(t.feather.right);
      const top = cut(t.feather.top);
      const bottom = cut(t.feather.bottom);
      const cropWidth = t.outWidth - left - right;
      const cropHeight = t.outHeight - top - bottom;
      const ramp = (f: number, len: number) => (f > 0 ? Math.min(len, Math.max(1, f - 2 * margin)) : 0);
      return {
        x: t.x, y: t.y, cropX: left, cropY: top, cropWidth, cropHeight, outX: t.outX + left, outY: t.outY + top,
        feather: { left: ramp(t.feather.left, cropWidth), right: ramp(t.feather.right, cropWidth), top: ramp(t.feather.top, cropHeight), bottom: ramp(t.feather.bottom, cropHeight) },
      };
    });
  }

  private async warmUp(): Promise<void> {
    const dtype = this.card.input.dtype;
    const n = this.channels * this.runWidth * this.runHeight;
    let out: Tensor;
    try {
      out = await this.session.run({ data: zeroTensor(dtype, n), dtype, shape: [1, this.channels, this.runHeight, this.runWidth] });
    } catch (err) {
      throw fail(this.model, this.session, `warm-up run on a 1x${this.channels}x${this.runHeight}x${this.runWidth} ${dtype} input failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const problem = this.shapeProblem(out.shape);
    if (problem) throw fail(this.model, this.session, problem);
  }

  private shapeProblem(shape: readonly number[]): string | null {
    const want = [1, this.channels, this.runHeight * this.scale, this.runWidth * this.scale];
    if (shape.length === 4 && shape.every((d, i) => d === want[i])) return null;
    return `output has shape [${shape.join(', ')}] for input [1, ${this.channels}, ${this.runHeight}, ${this.runWidth}]; expected [${want.join(', ')}] (scale ${this.scale}${this.model.cardPath ? ` from ${displayPath(this.model.cardPath)}` : ''})`;
  }

  /** One model run on `data` (staging planes of the run size); returns float 0..1 planes. */
  private async runOnce(data: PlanarArray): Promise<PlanarArray> {
    const card = this.card;
    const n = this.channels * this.runWidth * this.runHeight;
    let feed: TensorData = data;
    if (this.modelIn) {
      encodeSamples(data as Float32Array, this.modelIn, card.input.dtype, card.input.range, n);
      feed = this.modelIn;
    }
    const out = await this.session.run({ data: feed, dtype: card.input.dtype, shape: [1, this.channels, this.runHeight, this.runWidth] }, this.modelOut);
    const problem = this.shapeProblem(out.shape);
    if (problem) throw new Error(`${displayPath(this.modelPath)}: ${problem}`);
    if (this.directOutput) return out.data as PlanarArray;
    decodeSamples(out.data, card.output.dtype, card.output.range, this.decoded!, n * this.scale * this.scale);
    return this.decoded!;
  }

  private cropBuffer(like: PlanarArray, elements: number): PlanarArray {
    const key = `${like instanceof Uint16Array ? 'f16' : 'f32'}:${elements}`;
    let buf = this.crops.get(key);
    if (!buf) {
      buf = like instanceof Uint16Array ? new Uint16Array(elements) : new Float32Array(elements);
      this.crops.set(key, buf);
    }
    return buf;
  }

  /** Model output for the whole frame as float 0..1 planes (C x outHeight x outWidth). */
  private async infer(planes: PlanarArray): Promise<PlanarArray> {
    if (!this.tiled) return this.runOnce(planes);
    const C = this.channels;
    const { width: W, height: H } = this.input;
    const s = this.scale;
    const otw = this.runWidth * s;
    const oth = this.runHeight * s;
    this.weight!.fill(0);
    for (const job of this.jobs) {
      extractTile({ src: planes, channels: C, width: W, height: H, dst: this.tileIn!, x: job.x, y: job.y, tileWidth: this.runWidth, tileHeight: this.runHeight });
      const tile = await this.runOnce(this.tileIn!);
      let part = tile;
      if (job.cropWidth !== otw || job.cropHeight !== oth) {
        part = this.cropBuffer(tile, C * job.cropWidth * job.cropHeight);
        extractTile({ src: tile, channels: C, width: otw, height: oth, dst: part, x: job.cropX, y: job.cropY, tileWidth: job.cropWidth, tileHeight: job.cropHeight });
      }
      blendTile({ out: this.acc!, weight: this.weight!, width: this.outWidth, height: this.outHeight, channels: C, tile: part, tileWidth: job.cropWidth, tileHeight: job.cropHeight, x: job.outX, y: job.outY, feather: job.feather });
    }
    return this.acc!;
  }

  async process(frame: Frame, dst: Buffer): Promise<void> {
    const { width: W, height: H, format } = this.input;
    const oW = this.outWidth;
    const oH = this.outHeight;
    if (this.channels === 3) {
      await toPlanarAsync({ src: frame.data, width: W, height: H, format, dst: this.planes });
      const planes = await this.infer(this.planes);
      await toInterleavedAsync({ src: planes, width: oW, height: oH, format, dst });
      return;
    }
    // Luma model: one native pass writes the model's Y and the low-resolution chroma planes; after
    // the model, one native pass upsamples the chroma (Lanczos-3), adds the model's Y and packs the
    // output frame, as two bands on the libuv pool at once.
    const chroma = this.chroma!;
    await lumaSplitAsync({ src: frame.data, width: W, height: H, format, y: this.planes, chroma });
    const y = await this.infer(this.planes);
    const merge = (row0: number, row1: number) => lumaMergeAsync({ y, chroma, width: W, height: H, scale: this.scale, dst, format, row0, row1 });
    if (oH < MERGE_BAND_MIN_ROWS) {
      await merge(0, oH);
      return;
    }
    const results = await Promise.allSettled([merge(0, oH >> 1), merge(oH >> 1, oH)]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /** The backend running the model (after any fallback at load). */
  get backend(): BackendName {
    return this.session.backend;
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
