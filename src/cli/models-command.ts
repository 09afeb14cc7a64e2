/**
 * `ledpipe models [list | info ID|CARD] [--json]`: what the model registry holds. Output goes to
 * stdout; problems and errors to stderr. Exit codes: 0 done, 1 the card named is broken, 2 bad usage
 * (unknown sub-command, flag or model id).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cardToJson, type ModelCard } from '../models/model-card.js';
import { defaultModelRegistry, displayPath, readCardFile, type ModelRegistry, type RegisteredModel } from '../models/registry.js';

export interface ModelsCommandIo {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Default: the package's models/ folder (and LEDPIPE_MODELS_DIR). */
  readonly registry?: ModelRegistry;
}

export const MODELS_HELP = `usage: ledpipe models [list] [--json]        the registered models (models/<id>.json + .onnx)
       ledpipe models info ID|CARD.json [--json]   one model's card
`;

class ModelsUsageError extends Error {}

function entry(m: RegisteredModel): Record<string, unknown> {
  return { ...cardToJson(m.card), cardPath: m.cardPath, modelPath: m.modelPath };
}

function count(n: number | null): string {
  if (n === null) return 'unknown';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function listText(models: readonly RegisteredModel[]): string {
  const rows = [['ID', 'TASK', 'SCALE', 'FAMILY', 'TIER', 'INPUT', 'TILE', 'PARAMS', 'MAC/PX', 'LICENCE']];
  for (const { card: c } of models) {
    rows.push([c.id, c.task, `x${c.scale}`, c.family, c.tier, `${c.input.colour} ${c.input.dtype}`, `${c.tile.size}/${c.tile.overlap}`, count(c.params), count(c.macsPerInputPixel), c.provenance.licence]);
  }
  return table(rows);
}

function infoText(m: RegisteredModel): string {
  const c: ModelCard = m.card;
  const lines: Array<[string, string]> = [
    ['id', `${c.id}${c.inferred ? ' (card inferred from the model)' : ''}`],
    ['task', `${c.task}, x${c.scale}`],
    ['family / tier', `${c.family} / ${c.tier}`],
    ...(c.description ? [['description', c.description] as [string, string]] : []),
    ['input', `${c.input.name}: ${c.input.layout} ${c.input.dtype} ${c.input.colour}, range [${c.input.range.join(', ')}]`],
    ['output', `${c.output.name}: ${c.output.layout} ${c.output.dtype} ${c.output.colour}, range [${c.output.range.join(', ')}]`],
    ['tile', `${c.tile.size} px, overlap ${c.tile.overlap} (receptive field ${c.receptiveField})`],
    ['params', count(c.params)],
    ['MACs per input pixel', count(c.macsPerInputPixel)],
    ['precision', c.precision],
    ['source', c.provenance.source],
    ['licence', c.provenance.licence],
    ...(c.provenance.derivedFrom ? [['derived from', c.provenance.derivedFrom] as [string, string]] : []),
    ...(c.provenance.notes ? [['notes', c.provenance.notes] as [string, string]] : []),
  ];
  for (const [k, v] of Object.entries(c.measured?.quality ?? {})) lines.push([`quality ${k}`, String(v)]);
  for (const s of c.measured?.speed ?? []) lines.push(['speed', `${s.msPerFrame} ms/frame at ${s.inputSize}, ${s.backend}, ${s.threads} thread(s), ${s.machine}`]);
  if (c.trainedFor) lines.push(['trained for', Object.entries(c.trainedFor).map(([k, v]) => `${k} ${String(v)}`).join(', ')]);
  lines.push(['card', m.cardPath ? displayPath(m.cardPath) : '(none)'], ['model', displayPath(m.modelPath)]);
  const w = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

/** A model by id or card path, synchronously (cards only: an ONNX file without a card is not read here). */
function findModel(registry: ModelRegistry, ref: string): RegisteredModel {
  if (ref.endsWith('.json') || ref.includes('/')) {
    const file = path.resolve(ref);
    if (!fs.existsSync(file)) throw new ModelsUsageError(`models info: ${ref}: no such file`);
    const card = file.endsWith('.json') ? file : file.replace(/\.onnx$/i, '.json');
    if (!fs.existsSync(card)) throw new ModelsUsageError(`models info: ${ref} has no card next to it (${displayPath(card)}); \`--model ${ref}\` infers one when the stage loads it`);
    return readCardFile(card);
  }
  const m = registry.find(ref);
  if (m) return m;
  const broken = registry.problems().find((p) => p.message.includes(`${ref}.json:`) || p.message.includes(`${ref}.onnx:`));
  if (broken) throw broken;
  const known = registry.list().map((x) => x.card.id);
  throw new ModelsUsageError(`models info: no model '${ref}'; known: ${known.length ? known.join(', ') : 'none'}`);
}

export function runModelsCommand(args: string[], io: ModelsCommandIo = {}): number {
  const out = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const fail = (message: string, code: number): number => {
    err(`ledpipe: error: ${message}\n`);
    if (code === 2) err(MODELS_HELP);
    return code;
  };
  let json: boolean;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } }, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      out(MODELS_HELP);
      return 0;
    }
    json = parsed.values.json;
    positionals = parsed.positionals;
  } catch (e) {
    return fail(`models: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
  const [sub = 'list', ...rest] = positionals;
  const registry = io.registry ?? defaultModelRegistry();
  try {
    if (sub === 'list') {
      if (rest.length > 0) throw new ModelsUsageError(`models list: unexpected argument '${rest[0]}'`);
      const models = registry.list();
      const problems = registry.problems().map((p) => p.message);
      if (json) {
        out(JSON.stringify({ dirs: registry.dirs, models: models.map(entry), problems }, null, 2) + '\n');
      } else {
        for (const p of problems) err(`ledpipe: warning: ${p}\n`);
        out(models.length ? listText(models) : `no models (looked in ${registry.dirs.map(displayPath).join(', ')}); see models/README.md\n`);
      }
      return 0;
    }
    if (sub === 'info') {
      if (rest.length !== 1) throw new ModelsUsageError(`models info: expected one model id or card path, got ${rest.length}`);
      const m = findModel(registry, rest[0]!);
      out(json ? JSON.stringify(entry(m), null, 2) + '\n' : infoText(m));
      return 0;
    }
    throw new ModelsUsageError(`models: unknown sub-command '${sub}'; expected list or info`);
  } catch (e) {
    if (e instanceof ModelsUsageError) return fail(e.message, 2);
    return fail(e instanceof Error ? e.message : String(e), 1);
  }
}
