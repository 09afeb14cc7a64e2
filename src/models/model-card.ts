/**
 * Model cards: `models/<id>.json` next to `models/<id>.onnx`, the contract between a model file and
 * the SR stage (what goes in, what comes out, how to tile it, where it came from). docs/MODELS.md
 * documents every field; `validateModelCard` checks every rule and names the file, the dotted field,
 * what is allowed and what it got: `models/x.json: scale: expected 1, 2 or 4, got 3`.
 */
import { BACKEND_NAMES, type BackendName, type TensorDType } from '../inference/backend.js';

export const MODEL_TASKS = ['sr', 'denoise', 'restore'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const MODEL_SCALES = [1, 2, 4] as const;
export type ModelScale = (typeof MODEL_SCALES)[number];

/** Best first: the order of the degradation ladder. */
export const MODEL_TIERS = ['quality', 'balanced', 'realtime'] as const;
export type ModelTier = (typeof MODEL_TIERS)[number];

export const MODEL_DTYPES: readonly TensorDType[] = ['float32', 'float16', 'uint8', 'int8'];
export const MODEL_PRECISIONS = ['fp32', 'fp16', 'int8', 'mixed'] as const;
export type ModelPrecision = (typeof MODEL_PRECISIONS)[number];

/** `rgb`: three planes R, G, B. `luma`: one plane Y (BT.709); chroma is upscaled with Lanczos and recombined. */
export type ModelColour = 'rgb' | 'luma';
/** Sample range of the tensor: [0, 1] or [0, 255]. */
export type ModelRange = readonly [0, 1] | readonly [0, 255];

export interface TensorContract {
  /** The ONNX input/output name. */
  readonly name: string;
  readonly layout: 'NCHW';
  readonly dtype: TensorDType;
  readonly range: ModelRange;
  readonly colour: ModelColour;
}

export interface TileSpec {
  /** Tile side in input pixels; frames larger than this are tiled. */
  readonly size: number;
  /** Overlap between neighbouring tiles in input pixels; at least `receptiveField`. */
  readonly overlap: number;
}

export interface Provenance {
  /** Where the weights come from (repository, paper, training run). */
  readonly source: string;
  readonly licence: string;
  /** The model these weights were derived from (distillation, fine-tuning, conversion). */
  readonly derivedFrom?: string;
  readonly notes: string;
}

export interface SpeedMeasurement {
  readonly backend: BackendName;
  /** Input frame size, `WIDTHxHEIGHT`. */
  readonly inputSize: string;
  readonly threads: number;
  readonly msPerFrame: number;
  /** The machine it was measured on, in words (CPU, cores, GPU). */
  readonly machine: string;
}

export interface Measured {
  /** Named quality figures, e.g. `{ "psnrY.set5": 37.12 }`. */
  readonly quality?: Readonly<Record<string, number>>;
  readonly speed?: readonly SpeedMeasurement[];
}

/** The screen conditions a model was trained for. */
export interface TrainedFor {
  /** Content kind, e.g. 'live video', 'graphics', 'mixed'. */
  readonly content?: string;
  /** Source resolution it expects, `WIDTHxHEIGHT`. */
  readonly sourceSize?: string;
  readonly pixelPitchMm?: number;
  readonly viewingDistanceM?: number;
  readonly notes?: string;
}

export interface ModelCard {
  readonly id: string;
  readonly task: ModelTask;
  readonly scale: ModelScale;
  /** Models of one family and scale form a degradation ladder by tier. */
  readonly family: string;
  readonly tier: ModelTier;
  readonly description?: string;
  readonly input: TensorContract;
  readonly output: TensorContract;
  readonly tile: TileSpec;
  /** Side of the input window that affects one output pixel (n stacked 3x3 convolutions: 2n + 1). */
  readonly receptiveField: number;
  /** Parameter count; null only on inferred cards. */
  readonly params: number | null;
  /** Multiply-accumulates per input pixel; null only on inferred cards. */
  readonly macsPerInputPixel: number | null;
  readonly precision: ModelPrecision;
  readonly provenance: Provenance;
  readonly measured?: Measured;
  readonly trainedFor?: TrainedFor;
  /** True when the card was inferred from an ONNX file without one (never read from a file). */
  readonly inferred: boolean;
}

/** A card file that breaks the schema: every problem, each naming the file and the field. */
export class ModelCardError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'ModelCardError';
  }
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SIZE_PATTERN = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;
const TOP_LEVEL_KEYS = ['$comment', 'id', 'task', 'scale', 'family', 'tier', 'description', 'input', 'output', 'tile', 'receptiveField', 'params', 'macsPerInputPixel', 'precision', 'provenance', 'measured', 'trainedFor'];
const TENSOR_KEYS = ['name', 'layout', 'dtype', 'range', 'colour'];

/** How a received value reads in an error message. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v) || (typeof v === 'object' && v !== null)) return JSON.stringify(v).slice(0, 60);
  return String(v);
}

/** 'a', 'a or b', 'a, b or c' */
function choices(values: readonly unknown[], quote: boolean): string {
  const items = values.map((v) => (quote ? `'${String(v)}'` : String(v)));
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems while reading one card; each reader returns a usable value or undefined. */
class CardReader {
  readonly problems: string[] = [];

  fail(field: string, expected: string, got: unknown): undefined {
    this.problems.push(`${field}: expected ${expected}, got ${shown(got)}`);
    return undefined;
  }

  object(field: string, v: unknown, keys: readonly string[]): Obj | undefined {
    if (!isObject(v)) return this.fail(field, 'an object', v);
    for (const k of Object.keys(v)) {
      if (!keys.includes(k)) this.problems.push(`${field}.${k}: unknown field; allowed: ${keys.filter((x) => x !== '$comment').join(', ')}`);
    }
    return v;
  }

  oneOf<T>(field: string, v: unknown, allowed: readonly T[], quote = true): T | undefined {
    if (allowed.includes(v as T)) return v as T;
    return this.fail(field, choices(allowed, quote), v);
  }

  text(field: string, v: unknown, pattern?: RegExp, patternWords?: string): string | undefined {
    if (typeof v !== 'string' || v.trim() === '') return this.fail(field, 'a non-empty string', v);
    if (pattern && !pattern.test(v)) return this.fail(field, patternWords ?? String(pattern), v);
    return v;
  }

  optionalText(field: string, v: unknown): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.fail(field, 'a string', v);
    return v;
  }

  integer(field: string, v: unknown, min: number, max: number): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.fail(field, `an integer from ${min} to ${max}`, v);
    return v;
  }

  number(field: string, v: unknown, min: number, exclusiveMin = false): number | undefined {
    const ok = typeof v === 'number' && Number.isFinite(v) && (exclusiveMin ? v > min : v >= min);
    if (!ok) return this.fail(field, `a finite number ${exclusiveMin ? '>' : '>='} ${min}`, v);
    return v;
  }
}

function readTensor(r: CardReader, field: string, v: unknown): TensorContract | undefined {
  const o = r.object(field, v, TENSOR_KEYS);
  if (!o) return undefined;
  const name = r.text(`${field}.name`, o.name);
  const layout = r.oneOf(`${field}.layout`, o.layout, ['NCHW'] as const);
  const dtype = r.oneOf(`${field}.dtype`, o.dtype, MODEL_DTYPES);
  const colour = r.oneOf(`${field}.colour`, o.colour, ['rgb', 'luma'] as const);
  let range: ModelRange | undefined;
  if (Array.isArray(o.range) && o.range.length === 2 && o.range[0] === 0 && (o.range[1] === 1 || o.range[1] === 255)) {
    range = o.range[1] === 1 ? [0, 1] : [0, 255];
  } else {
    r.fail(`${field}.range`, '[0, 1] or [0, 255]', o.range);
  }
  if (dtype === 'uint8' && range && range[1] !== 255) r.fail(`${field}.range`, '[0, 255] for dtype uint8', o.range);
  if (!name || !layout || !dtype || !colour || !range) return undefined;
  return { name, layout, dtype, range, colour };
}

function readSpeed(r: CardReader, field: string, v: unknown): SpeedMeasurement | undefined {
  const o = r.object(field, v, ['backend', 'inputSize', 'threads', 'msPerFrame', 'machine']);
  if (!o) return undefined;
  const backend = r.oneOf(`${field}.backend`, o.backend, BACKEND_NAMES);
  const inputSize = r.text(`${field}.inputSize`, o.inputSize, SIZE_PATTERN, 'WIDTHxHEIGHT such as 960x540');
  const threads = r.integer(`${field}.threads`, o.threads, 1, 1024);
  const msPerFrame = r.number(`${field}.msPerFrame`, o.msPerFrame, 0, true);
  const machine = r.text(`${field}.machine`, o.machine);
  if (!backend || !inputSize || threads === undefined || msPerFrame === undefined || !machine) return undefined;
  return { backend, inputSize, threads, msPerFrame, machine };
}

function readMeasured(r: CardReader, v: unknown): Measured | undefined {
  const o = r.object('measured', v, ['quality', 'speed']);
  if (!o) return undefined;
  const out: { quality?: Record<string, number>; speed?: SpeedMeasurement[] } = {};
  if (o.quality !== undefined) {
    if (!isObject(o.quality)) {
      r.fail('measured.quality', 'an object of named numbers such as { "psnrY.set5": 37.1 }', o.quality);
    } else {
      const q: Record<string, number> = {};
      for (const [k, x] of Object.entries(o.quality)) {
        if (typeof x === 'number' && Number.isFinite(x)) q[k] = x;
        else r.fail(`measured.quality.${k}`, 'a finite number', x);
      }
      out.quality = q;
    }
  }
  if (o.speed !== undefined) {
    if (!Array.isArray(o.speed)) r.fail('measured.speed', 'an array of { backend, inputSize, threads, msPerFrame, machine }', o.speed);
    else out.speed = o.speed.map((s, i) => readSpeed(r, `measured.speed[${i}]`, s)).filter((s): s is SpeedMeasurement => s !== undefined);
  }
  return out;
}

function readTrainedFor(r: CardReader, v: unknown): TrainedFor | undefined {
  const o = r.object('trainedFor', v, ['content', 'sourceSize', 'pixelPitchMm', 'viewingDistanceM', 'notes']);
  if (!o) return undefined;
  const t: { content?: string; sourceSize?: string; pixelPitchMm?: number; viewingDistanceM?: number; notes?: string } = {};
  if (o.content !== undefined) t.content = r.text('trainedFor.content', o.content);
  if (o.sourceSize !== undefined) t.sourceSize = r.text('trainedFor.sourceSize', o.sourceSize, SIZE_PATTERN, 'WIDTHxHEIGHT such as 960x540');
  if (o.pixelPitchMm !== undefined) t.pixelPitchMm = r.number('trainedFor.pixelPitchMm', o.pixelPitchMm, 0, true);
  if (o.viewingDistanceM !== undefined) t.viewingDistanceM = r.number('trainedFor.viewingDistanceM', o.viewingDistanceM, 0, true);
  if (o.notes !== undefined) t.notes = r.optionalText('trainedFor.notes', o.notes);
  return t;
}

export interface ValidateOptions {
  /** The id the file name implies (`models/<id>.json`); the card's id must equal it. */
  readonly expectedId?: string;
}

/**
 * Checks a parsed card against every rule; returns the typed card or throws ModelCardError listing
 * every problem. `file` is how the card is named in messages (e.g. `models/x.json`).
 */
export function validateModelCard(raw: unknown, file: string, options: ValidateOptions = {}): ModelCard {
  const r = new CardReader();
  if (!isObject(raw)) throw new ModelCardError(file, [`expected a JSON object, got ${shown(raw)}`]);
  r.object('card', raw, TOP_LEVEL_KEYS);
  // Unknown top-level fields read better without the 'card.' prefix.
  for (let i = 0; i < r.problems.length; i++) r.problems[i] = r.problems[i]!.replace(/^card\./, '');

  const id = r.text('id', raw.id, ID_PATTERN, 'lower-case letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)');
  if (id && options.expectedId !== undefined && id !== options.expectedId) r.fail('id', `'${options.expectedId}' (the file name)`, id);
  const task = r.oneOf('task', raw.task, MODEL_TASKS);
  const scale = r.oneOf('scale', raw.scale, MODEL_SCALES, false);
  if (task === 'sr' && scale === 1) r.fail('scale', "2 or 4 for task 'sr' (a x1 model is 'denoise' or 'restore')", scale);
  if (task === 'denoise' && scale !== undefined && scale !== 1) r.fail('scale', "1 for task 'denoise' (an upscaling model is 'sr' or 'restore')", scale);
  const family = r.text('family', raw.family, ID_PATTERN, 'lower-case letters, digits, ".", "_" or "-"');
  const tier = r.oneOf('tier', raw.tier, MODEL_TIERS);
  const description = r.optionalText('description', raw.description);

  const input = readTensor(r, 'input', raw.input);
  const output = readTensor(r, 'output', raw.output);
  if (input && output && input.colour !== output.colour) r.fail('output.colour', `'${input.colour}' like input.colour`, output.colour);

  const receptiveField = r.integer('receptiveField', raw.receptiveField, 1, 1024);
  let tile: TileSpec | undefined;
  const t = r.object('tile', raw.tile, ['size', 'overlap']);
  if (t) {
    const size = r.integer('tile.size', t.size, 16, 8192);
    const overlap = r.integer('tile.overlap', t.overlap, 0, 4096);
    if (size !== undefined && overlap !== undefined) {
      if (receptiveField !== undefined && overlap < receptiveField) {
        r.fail('tile.overlap', `at least receptiveField (${receptiveField}) so tiles join without seams`, overlap);
      } else if (overlap * 2 > size) {
        r.fail('tile.overlap', `at most half of tile.size (${Math.floor(size / 2)})`, overlap);
      } else {
        tile = { size, overlap };
      }
    }
  }

  const params = r.integer('params', raw.params, 0, Number.MAX_SAFE_INTEGER);
  const macsPerInputPixel = r.number('macsPerInputPixel', raw.macsPerInputPixel, 0);
  const precision = r.oneOf('precision', raw.precision, MODEL_PRECISIONS);

  let provenance: Provenance | undefined;
  const p = r.object('provenance', raw.provenance, ['source', 'licence', 'derivedFrom', 'notes']);
  if (p) {
    const source = r.text('provenance.source', p.source);
    const licence = r.text('provenance.licence', p.licence);
    const derivedFrom = p.derivedFrom === undefined ? undefined : r.text('provenance.derivedFrom', p.derivedFrom);
    const notes = typeof p.notes === 'string' ? p.notes : r.fail('provenance.notes', 'a string', p.notes);
    if (source && licence && notes !== undefined) provenance = { source, licence, notes, ...(derivedFrom ? { derivedFrom } : {}) };
  }

  const measured = raw.measured === undefined ? undefined : readMeasured(r, raw.measured);
  const trainedFor = raw.trainedFor === undefined ? undefined : readTrainedFor(r, raw.trainedFor);

  if (r.problems.length > 0) throw new ModelCardError(file, r.problems);
  return {
    id: id!, task: task!, scale: scale!, family: family!, tier: tier!,
    ...(description !== undefined ? { description } : {}),
    input: input!, output: output!, tile: tile!, receptiveField: receptiveField!,
    params: params!, macsPerInputPixel: macsPerInputPixel!, precision: precision!, provenance: provenance!,
    ...(measured ? { measured } : {}),
    ...(trainedFor ? { trainedFor } : {}),
    inferred: false,
  };
}

/** Parses card JSON text; a syntax error is a ModelCardError naming the file too. */
export function parseModelCard(text: string, file: string, options: ValidateOptions = {}): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelCardError(file, [`not valid JSON (${err instanceof Error ? err.message : String(err)})`]);
  }
  return validateModelCard(raw, file, options);
}

/** The card as it is written to a file (without the run-time `inferred` flag). */
export function cardToJson(card: ModelCard): Record<string, unknown> {
  const { inferred: _inferred, ...rest } = card;
  return rest;
}
