/**
 * The model registry: every `<id>.json` card with its `<id>.onnx` in the package's `models/` folder
 * (plus folders named in LEDPIPE_MODELS_DIR, separated by the platform's path delimiter). Looks models
 * up by id or by path, picks the default per scale, and builds a family's degradation ladder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelLoadError, type Backend, type SessionOptions } from '../inference/backend.js';
import { OnnxRuntimeBackend } from '../inference/onnxruntime-backend.js';
import { inferModelCard } from './infer-card.js';
import { MODEL_TIERS, ModelCardError, parseModelCard, type ModelCard, type ModelScale } from './model-card.js';

export interface RegisteredModel {
  readonly card: ModelCard;
  /** The card file; null for an inferred card. */
  readonly cardPath: string | null;
  readonly modelPath: string;
}

/** An id that no card has, or a path that does not exist. */
export class ModelNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelNotFoundError';
  }
}

/** The folder holding ledpipe's package.json, walking up from this module (src/ or dist/src/). */
export function packageRootFrom(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** The folders scanned by default: the package's models/, then LEDPIPE_MODELS_DIR entries. */
export function defaultModelDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.LEDPIPE_MODELS_DIR ?? '').split(path.delimiter).filter((d) => d.trim() !== '');
  return [path.join(packageRootFrom(), 'models'), ...extra.map((d) => path.resolve(d))];
}

/** How a file is named in messages: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const TIER_RANK = new Map<string, number>(MODEL_TIERS.map((t, i) => [t, i]));
const TASK_PREFERENCE: Record<ModelScale, readonly string[]> = { 1: ['denoise', 'restore'], 2: ['sr', 'restore'], 4: ['sr', 'restore'] };

function byPreference(a: RegisteredModel, b: RegisteredModel): number {
  return a.card.scale - b.card.scale || a.card.family.localeCompare(b.card.family) || TIER_RANK.get(a.card.tier)! - TIER_RANK.get(b.card.tier)! || a.card.id.localeCompare(b.card.id);
}

export interface ModelRegistryOptions {
  /** Folders to scan, in order; default `defaultModelDirs()`. */
  readonly dirs?: readonly string[];
  /** Used to infer cards for bare ONNX paths; default ONNX Runtime. */
  readonly backend?: Backend;
}

export class ModelRegistry {
  readonly dirs: readonly string[];
  private readonly backend: Backend;
  private scanned: { models: RegisteredModel[]; problems: Error[] } | null = null;

  constructor(options: ModelRegistryOptions = {}) {
    this.dirs = options.dirs ?? defaultModelDirs();
    this.backend = options.backend ?? new OnnxRuntimeBackend();
  }

  private scan(): { models: RegisteredModel[]; problems: Error[] } {
    if (this.scanned) return this.scanned;
    const models: RegisteredModel[] = [];
    const problems: Error[] = [];
    const seen = new Map<string, string>();
    for (const dir of this.dirs) {
      let names: string[];
      try {
        names = fs.readdirSync(dir).sort();
      } catch {
        continue; // a folder that does not exist holds no models
      }
      for (const name of names) {
        const file = path.join(dir, name);
        if (name.endsWith('.onnx') && !names.includes(name.replace(/\.onnx$/, '.json'))) {
          problems.push(new ModelNotFoundError(`${displayPath(file)}: no card ${name.replace(/\.onnx$/, '.json')} next to it; give its path to --model to infer one`));
          continue;
        }
        if (!name.endsWith('.json')) continue;
        try {
          const m = readCardFile(file);
          const first = seen.get(m.card.id);
          if (first) {
            problems.push(new ModelCardError(displayPath(file), [`id: '${m.card.id}' is already registered by ${displayPath(first)}`]));
            continue;
          }
          seen.set(m.card.id, file);
          models.push(m);
        } catch (err) {
          problems.push(err instanceof Error ? err : new Error(String(err)));
        }
      }
    }
    models.sort(byPreference);
    this.scanned = { models, problems };
    return this.scanned;
  }

  /** Every valid model, by scale, family, tier (best first) and id. */
  list(): readonly RegisteredModel[] {
    return this.scan().models;
  }

  /** Cards that failed validation or lack their ONNX file, and ONNX files without a card. */
  problems(): readonly Error[] {
    return this.scan().problems;
  }

  /** A registered model by id, or undefined. */
  find(id: string): RegisteredModel | undefined {
    return this.scan().models.find((m) => m.card.id === id);
  }

  /**
   * A model by id, card path (`x.json`) or ONNX path (`x.onnx`; its card is used when one sits next to
   * it, otherwise a card is inferred from the model with a probe run on `backend`).
   */
  async getModel(idOrPath: string, sessionOptions: SessionOptions = {}, backend: Backend = this.backend): Promise<RegisteredModel> {
    if (!looksLikePath(idOrPath)) {
      const m = this.find(idOrPath);
      if (m) return m;
      const broken = this.problems().find(
        (p) => (p instanceof ModelCardError && path.basename(p.file) === `${idOrPath}.json`) || (p instanceof ModelLoadError && path.basename(p.modelPath) === `${idOrPath}.onnx`),
      );
      if (broken) throw broken;
      const known = this.list().map((x) => x.card.id);
      throw new ModelNotFoundError(`--model: no model '${idOrPath}'; known: ${known.length ? known.join(', ') : `none (no cards in ${this.dirs.map(displayPath).join(', ')})`}; or give a path to an .onnx file`);
    }
    const file = path.resolve(idOrPath);
    if (!fs.existsSync(file)) throw new ModelNotFoundError(`--model: ${idOrPath}: no such file`);
    if (file.endsWith('.json')) return readCardFile(file);
    const card = file.replace(/\.onnx$/i, '.json');
    if (card !== file && fs.existsSync(card)) return readCardFile(card);
    const session = await backend.load(file, sessionOptions);
    try {
      return { card: await inferModelCard(session), cardPath: null, modelPath: file };
    } finally {
      await session.close();
    }
  }

  /** The model `--scale N` uses without `--model`: the best tier of the preferred task; null if none. */
  defaultModelFor(scale: ModelScale): RegisteredModel | null {
    const candidates = this.list().filter((m) => m.card.scale === scale);
    for (const task of TASK_PREFERENCE[scale]) {
      const best = candidates.filter((m) => m.card.task === task).sort((a, b) => TIER_RANK.get(a.card.tier)! - TIER_RANK.get(b.card.tier)! || a.card.id.localeCompare(b.card.id))[0];
      if (best) return best;
    }
    return null;
  }

  /**
   * The model's degradation ladder: itself, then one model per lower tier of the same family, scale
   * and colour (the first id when a tier has several). An inferred model's ladder is itself alone.
   */
  ladderFor(model: RegisteredModel): RegisteredModel[] {
    if (model.card.inferred) return [model];
    const rank = TIER_RANK.get(model.card.tier)!;
    const ladder = [model];
    for (const tier of MODEL_TIERS.slice(rank + 1)) {
      const m = this.list().find((x) => x.card.family === model.card.family && x.card.scale === model.card.scale && x.card.tier === tier && x.card.input.colour === model.card.input.colour);
      if (m) ladder.push(m);
    }
    return ladder;
  }
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes(path.sep) || /\.(onnx|json)$/i.test(s);
}

/** Reads and validates `<id>.json`, and checks that `<id>.onnx` sits next to it. */
export function readCardFile(file: string): RegisteredModel {
  const shown = displayPath(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelCardError(shown, [`cannot be read (${err instanceof Error ? err.message : String(err)})`]);
  }
  const card = parseModelCard(text, shown, { expectedId: path.basename(file).replace(/\.json$/i, '') });
  const modelPath = file.replace(/\.json$/i, '.onnx');
  if (!fs.existsSync(modelPath)) throw new ModelLoadError(displayPath(modelPath), null, `no such model file (the card ${shown} names it)`);
  return { card, cardPath: file, modelPath };
}

let shared: ModelRegistry | null = null;

/** The registry over the default folders, scanned once. */
export function defaultModelRegistry(): ModelRegistry {
  shared ??= new ModelRegistry();
  return shared;
}
