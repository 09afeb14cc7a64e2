/**
 * A card for an ONNX file that has none (`--model path/to/x.onnx`): the tensor contract read from the
 * model's input and output, the scale from a probe run on a small blank image. Flagged `inferred`.
 */
import path from 'node:path';
import { ModelLoadError, type InferenceSession, type TensorData, type TensorDType } from '../inference/backend.js';
import type { ModelCard, ModelPrecision, ModelScale } from './model-card.js';

/** Probe size for models with dynamic height/width: a multiple of 32, so U-Nets accept it. */
const PROBE_SIDE = 64;
/** Tiling used for an inferred card: the receptive field is unknown, so a generous overlap is assumed. */
const INFERRED_TILE = { size: 256, overlap: 32 } as const;

export function zeroTensor(dtype: TensorDType, length: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(length);
    case 'float16': return new Uint16Array(length);
    case 'uint8': return new Uint8Array(length);
    case 'int8': return new Int8Array(length);
  }
}

/** A static (numeric) dimension, or null when dynamic. */
export function staticDim(d: number | string | null | undefined): number | null {
  return typeof d === 'number' && d > 0 ? d : null;
}

/** Input channels and static height/width of an NCHW image model, or a ModelLoadError naming what is wrong. */
export function imageInputGeometry(session: InferenceSession): { channels: 1 | 3; height: number | null; width: number | null } {
  const file = session.modelPath;
  const shape = session.input.shape;
  if (shape.length !== 4) throw new ModelLoadError(file, session.backend, `input '${session.input.name}' has rank ${shape.length} (${JSON.stringify(shape)}); expected 4 (N, C, H, W)`);
  const c = staticDim(shape[1]);
  if (c !== 1 && c !== 3) throw new ModelLoadError(file, session.backend, `input '${session.input.name}' has ${c ?? 'dynamic'} channels; expected 3 (RGB) or 1 (luma)`);
  const n = staticDim(shape[0]);
  if (n !== null && n !== 1) throw new ModelLoadError(file, session.backend, `input '${session.input.name}' has a fixed batch of ${n}; expected 1 or dynamic`);
  return { channels: c, height: staticDim(shape[2]), width: staticDim(shape[3]) };
}

/** Runs the model once on a blank image and returns the output scale; checks rank and channels. */
export async function probeScale(session: InferenceSession): Promise<{ channels: 1 | 3; scale: ModelScale; probeSize: [number, number] }> {
  const file = session.modelPath;
  const g = imageInputGeometry(session);
  const h = g.height ?? PROBE_SIDE;
  const w = g.width ?? PROBE_SIDE;
  let out;
  try {
    out = await session.run({ data: zeroTensor(session.input.dtype, g.channels * h * w), dtype: session.input.dtype, shape: [1, g.channels, h, w] });
  } catch (err) {
    throw new ModelLoadError(file, session.backend, `probe run on a 1x${g.channels}x${h}x${w} ${session.input.dtype} input failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const s = out.shape;
  if (s.length !== 4 || s[0] !== 1) throw new ModelLoadError(file, session.backend, `output has shape [${s.join(', ')}] for a 1x${g.channels}x${h}x${w} input; expected [1, ${g.channels}, H, W]`);
  if (s[1] !== g.channels) throw new ModelLoadError(file, session.backend, `output has ${s[1]} channels for ${g.channels} in; expected ${g.channels}`);
  const sy = s[2]! / h;
  const sx = s[3]! / w;
  if (sx !== sy || ![1, 2, 4].includes(sx)) {
    throw new ModelLoadError(file, session.backend, `output is ${s[3]}x${s[2]} for a ${w}x${h} input; expected a scale of 1, 2 or 4 on both axes`);
  }
  return { channels: g.channels, scale: sx as ModelScale, probeSize: [w, h] };
}

function precisionOf(dtype: TensorDType): ModelPrecision {
  return dtype === 'float32' ? 'fp32' : dtype === 'float16' ? 'fp16' : 'int8';
}

/** Builds the inferred card from a loaded session (probe run included). */
export async function inferModelCard(session: InferenceSession): Promise<ModelCard> {
  const { channels, scale, probeSize } = await probeScale(session);
  const g = imageInputGeometry(session);
  const id = path.basename(session.modelPath).replace(/\.onnx$/i, '').toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  const colour = channels === 3 ? 'rgb' : 'luma';
  const range = (dtype: TensorDType) => (dtype === 'uint8' || dtype === 'int8' ? ([0, 255] as const) : ([0, 1] as const));
  const fixed = g.height !== null && g.width !== null ? Math.min(g.height, g.width) : null;
  const tile = fixed !== null ? { size: fixed, overlap: Math.min(INFERRED_TILE.overlap, Math.floor(fixed / 4)) } : INFERRED_TILE;
  return {
    id,
    task: scale === 1 ? 'restore' : 'sr',
    scale,
    family: id,
    tier: 'quality',
    description: `inferred from ${path.basename(session.modelPath)} (probe ${probeSize[0]}x${probeSize[1]} -> x${scale})`,
    input: { name: session.input.name, layout: 'NCHW', dtype: session.input.dtype, range: range(session.input.dtype), colour },
    output: { name: session.output.name, layout: 'NCHW', dtype: session.output.dtype, range: range(session.output.dtype), colour },
    tile,
    receptiveField: tile.overlap,
    params: null,
    macsPerInputPixel: null,
    precision: precisionOf(session.input.dtype),
    provenance: {
      source: session.modelPath,
      licence: 'unknown',
      notes: `card inferred by ledpipe: tensor names and types from the ONNX file, scale from a probe run; range assumed ${JSON.stringify(range(session.input.dtype))}, receptive field unknown (tile overlap ${tile.overlap} assumed)`,
    },
    inferred: true,
  };
}
