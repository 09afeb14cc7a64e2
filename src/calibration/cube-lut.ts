import { readFile, writeFile } from 'node:fs/promises';
import type { Vec3 } from './matrix3.js';

/**
 * The .cube LUT format: the Adobe Cube LUT Specification 1.0 (Iridas/Adobe: TITLE, LUT_1D_SIZE or
 * LUT_3D_SIZE, DOMAIN_MIN/DOMAIN_MAX) and DaVinci Resolve's variant (LUT_1D_INPUT_RANGE,
 * LUT_3D_INPUT_RANGE, and a 1D shaper table before a 3D table in the same file).
 * Table rows are "R G B" floats; in a 3D table the red index changes fastest, then green, then blue.
 */

/** A 3D table of size³ RGB rows, red index fastest: row (r, g, b) is at r + size·g + size²·b. */
export interface Lut3d {
  readonly size: number;
  readonly domainMin: Vec3;
  readonly domainMax: Vec3;
  readonly table: Float32Array;
}

/** A 1D table of `size` RGB rows; each channel is looked up independently. */
export interface Lut1d {
  readonly size: number;
  readonly domainMin: Vec3;
  readonly domainMax: Vec3;
  readonly table: Float32Array;
}

/** A parsed file: a 1D table, a 3D table, or (Resolve) a 1D shaper applied before a 3D table. */
export interface CubeLut {
  readonly title: string | null;
  readonly lut1d: Lut1d | null;
  readonly lut3d: Lut3d | null;
}

/** Adobe's limits. A 256³ table is 16.7 M rows (~500 MB of text), past what one JS string holds. */
export const LUT_3D_SIZE_RANGE = { min: 2, max: 256 } as const;
export const LUT_1D_SIZE_RANGE = { min: 2, max: 65536 } as const;
export const DEFAULT_DOMAIN_MIN: Vec3 = [0, 0, 0];
export const DEFAULT_DOMAIN_MAX: Vec3 = [1, 1, 1];

/** Names the file, the 1-based line (when there is one) and what was expected. */
export class CubeParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'CubeParseError';
  }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const KEYWORDS = ['TITLE', 'LUT_1D_SIZE', 'LUT_3D_SIZE', 'DOMAIN_MIN', 'DOMAIN_MAX', 'LUT_1D_INPUT_RANGE', 'LUT_3D_INPUT_RANGE'] as const;
type Keyword = (typeof KEYWORDS)[number];

interface Header {
  title: string | null;
  size1d: number | null;
  size3d: number | null;
  domainMin: Vec3 | null;
  domainMax: Vec3 | null;
  range1d: readonly [number, number] | null;
  range3d: readonly [number, number] | null;
  /** Line of each keyword seen, for duplicate and consistency errors. */
  lines: Map<Keyword, number>;
}

function isKeyword(word: string): word is Keyword {
  return (KEYWORDS as readonly string[]).includes(word);
}

/**
 * Parses .cube text. `file` only labels error messages. Accepts '#' comments (whole-line or
 * trailing), blank lines, CRLF/CR/LF line ends and a UTF-8 BOM; keywords must precede the table.
 */
export function parseCube(text: string, file = '<cube>'): CubeLut {
  const fail = (line: number | null, reason: string): never => {
    throw new CubeParseError(file, line, reason);
  };
  const header: Header = {
    title: null,
    size1d: null,
    size3d: null,
    domainMin: null,
    domainMax: null,
    range1d: null,
    range3d: null,
    lines: new Map(),
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let table: Float32Array | null = null;
  let expectedRows = 0;
  let rows = 0;
  let firstRowLine = 0;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const first = trimmed.charCodeAt(0);
    const isRow = (first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46; // 0-9 - + .
    if (isRow) {
      if (table === null) {
        if (header.size1d === null && header.size3d === null) {
          fail(lineNo, 'expected LUT_1D_SIZE or LUT_3D_SIZE before the first table row');
        }
        expectedRows = (header.size1d ?? 0) + (header.size3d ?? 0) ** 3;
        table = new Float32Array(expectedRows * 3);
        firstRowLine = lineNo;
      }
      const tokens = stripComment(trimmed).split(/\s+/);
      if (tokens.length !== 3) fail(lineNo, `expected 3 numbers, got ${tokens.length}`);
      if (rows < expectedRows) {
        for (let c = 0; c < 3; c++) table[rows * 3 + c] = parseNumber(tokens[c]!, lineNo, fail);
      }
      rows++;
      continue;
    }
    if (table !== null) {
      fail(lineNo, `expected a table row (3 numbers), got '${clip(trimmed)}'; keywords must come before the table (it starts on line ${firstRowLine})`);
    }
    parseKeywordLine(trimmed, lineNo, header, fail);
  }

  if (table === null) {
    if (header.size1d === null && header.size3d === null) fail(null, 'expected LUT_1D_SIZE or LUT_3D_SIZE; found neither');
    fail(null, `expected ${(header.size1d ?? 0) + (header.size3d ?? 0) ** 3} table rows, got 0`);
  }
  if (rows !== expectedRows) fail(null, `expected ${expectedRows} table rows, got ${rows}`);
  return assemble(header, table!, fail);
}

type Fail = (line: number | null, reason: string) => never;

function stripComment(s: string): string {
  const hash = s.indexOf('#');
  return (hash < 0 ? s : s.slice(0, hash)).trim();
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function parseNumber(token: string, lineNo: number, fail: Fail): number {
  if (!NUMBER.test(token)) fail(lineNo, `expected a number, got '${clip(token)}'`);
  const v = Number(token);
  if (!Number.isFinite(v)) fail(lineNo, `expected a finite number, got '${clip(token)}'`);
  return v;
}

function parseNumbers(args: string[], count: number, keyword: string, lineNo: number, fail: Fail): number[] {
  if (args.length !== count) fail(lineNo, `${keyword} expects ${count} number${count > 1 ? 's' : ''}, got ${args.length}`);
  return args.map((t) => parseNumber(t, lineNo, fail));
}

function parseSize(args: string[], keyword: string, range: { min: number; max: number }, lineNo: number, fail: Fail): number {
  const [n] = parseNumbers(args, 1, keyword, lineNo, fail);
  if (!Number.isInteger(n)) fail(lineNo, `${keyword} must be an integer, got ${args[0]}`);
  if (n! < range.min || n! > range.max) fail(lineNo, `${keyword} ${n} out of range ${range.min}..${range.max}`);
  return n!;
}

function parseKeywordLine(trimmed: string, lineNo: number, h: Header, fail: Fail): void {
  const keyword = trimmed.split(/\s+/, 1)[0]!;
  if (!isKeyword(keyword)) fail(lineNo, `unknown keyword '${clip(keyword)}'; expected one of ${KEYWORDS.join(', ')} or a table row`);
  const seen = h.lines.get(keyword);
  if (seen !== undefined) fail(lineNo, `${keyword} given twice (first on line ${seen})`);
  h.lines.set(keyword, lineNo);
  const rest = trimmed.slice(keyword.length).trim();
  if (keyword === 'TITLE') {
    const m = /^"([^"]*)"\s*(?:#.*)?$/.exec(rest);
    if (!m) fail(lineNo, `expected TITLE "text", got 'TITLE ${clip(rest)}'`);
    h.title = m![1]!;
    return;
  }
  const args = stripComment(rest).split(/\s+/).filter((t) => t !== '');
  switch (keyword) {
    case 'LUT_1D_SIZE':
      h.size1d = parseSize(args, keyword, LUT_1D_SIZE_RANGE, lineNo, fail);
      return;
    case 'LUT_3D_SIZE':
      h.size3d = parseSize(args, keyword, LUT_3D_SIZE_RANGE, lineNo, fail);
      return;
    case 'DOMAIN_MIN':
    case 'DOMAIN_MAX': {
      const [r, g, b] = parseNumbers(args, 3, keyword, lineNo, fail);
      if (keyword === 'DOMAIN_MIN') h.domainMin = [r!, g!, b!];
      else h.domainMax = [r!, g!, b!];
      return;
    }
    case 'LUT_1D_INPUT_RANGE':
    case 'LUT_3D_INPUT_RANGE': {
      const [lo, hi] = parseNumbers(args, 2, keyword, lineNo, fail);
      if (!(lo! < hi!)) fail(lineNo, `${keyword} minimum must be below maximum, got ${lo} ${hi}`);
      if (keyword === 'LUT_1D_INPUT_RANGE') h.range1d = [lo!, hi!];
      else h.range3d = [lo!, hi!];
      return;
    }
  }
}

/** Resolves which domain keyword applies to which table and builds the result. */
function assemble(h: Header, table: Float32Array, fail: Fail): CubeLut {
  const line = (k: Keyword): number | null => h.lines.get(k) ?? null;
  const hasDomain = h.domainMin !== null || h.domainMax !== null;
  const domainLine = line('DOMAIN_MIN') ?? line('DOMAIN_MAX');
  if (hasDomain && h.size1d !== null && h.size3d !== null) {
    fail(domainLine, 'DOMAIN_MIN/DOMAIN_MAX are ambiguous in a file with both a 1D and a 3D table; expected LUT_1D_INPUT_RANGE / LUT_3D_INPUT_RANGE');
  }
  if (h.range1d !== null && h.size1d === null) fail(line('LUT_1D_INPUT_RANGE'), 'LUT_1D_INPUT_RANGE given without LUT_1D_SIZE');
  if (h.range3d !== null && h.size3d === null) fail(line('LUT_3D_INPUT_RANGE'), 'LUT_3D_INPUT_RANGE given without LUT_3D_SIZE');
  if (hasDomain && (h.range1d !== null || h.range3d !== null)) {
    fail(domainLine, 'expected either DOMAIN_MIN/DOMAIN_MAX or LUT_*_INPUT_RANGE, not both');
  }
  const domainMin = h.domainMin ?? DEFAULT_DOMAIN_MIN;
  const domainMax = h.domainMax ?? DEFAULT_DOMAIN_MAX;
  for (let c = 0; c < 3; c++) {
    if (!(domainMin[c]! < domainMax[c]!)) {
      fail(line('DOMAIN_MAX') ?? domainLine, `DOMAIN_MIN must be below DOMAIN_MAX in every channel, got ${domainMin.join(' ')} and ${domainMax.join(' ')}`);
    }
  }
  const domainOf = (range: readonly [number, number] | null): { domainMin: Vec3; domainMax: Vec3 } =>
    range ? { domainMin: [range[0], range[0], range[0]], domainMax: [range[1], range[1], range[1]] } : { domainMin, domainMax };

  const rows1d = h.size1d ?? 0;
  const lut1d: Lut1d | null = h.size1d === null ? null : { size: h.size1d, ...domainOf(h.range1d), table: table.subarray(0, rows1d * 3) };
  const lut3d: Lut3d | null = h.size3d === null ? null : { size: h.size3d, ...domainOf(h.range3d), table: table.subarray(rows1d * 3) };
  return { title: h.title, lut1d, lut3d };
}

/** Reads and parses a .cube file; errors name `path` as given. */
export async function readCubeFile(path: string): Promise<CubeLut> {
  return parseCube(await readFile(path, 'utf8'), path);
}

export interface CubeWriteOptions {
  /** Digits after the decimal point for table values; default 6 (below 16-bit quantisation). */
  readonly decimals?: number;
}

function isDefaultDomain(min: Vec3, max: Vec3): boolean {
  return min.every((v) => v === 0) && max.every((v) => v === 1);
}

function uniformRange(lut: Lut1d | Lut3d, keyword: string): string {
  const [lo, hi] = [lut.domainMin[0], lut.domainMax[0]];
  if (!lut.domainMin.every((v) => v === lo) || !lut.domainMax.every((v) => v === hi)) {
    throw new RangeError(`${keyword} holds one range for all channels; this LUT's domain differs per channel`);
  }
  return `${keyword} ${lo} ${hi}`;
}

/**
 * Writes .cube text. One table: Adobe form, DOMAIN_MIN/MAX when the domain is not [0, 1].
 * Shaper + 3D: Resolve form with LUT_*_INPUT_RANGE (which cannot hold per-channel domains).
 */
export function serializeCube(lut: CubeLut, options: CubeWriteOptions = {}): string {
  const decimals = options.decimals ?? 6;
  if (!Number.isInteger(decimals) || decimals < 1 || decimals > 12) {
    throw new RangeError(`options.decimals must be an integer 1..12, got ${decimals}`);
  }
  if (lut.lut1d === null && lut.lut3d === null) throw new RangeError('a CubeLut needs a 1D table, a 3D table or both');
  if (lut.title !== null && /["\r\n]/.test(lut.title)) throw new RangeError('title must not contain quotes or line breaks');
  const out: string[] = [];
  if (lut.title !== null) out.push(`TITLE "${lut.title}"`);
  const both = lut.lut1d !== null && lut.lut3d !== null;
  const tables: Array<[Lut1d | Lut3d, '1D' | '3D']> = [];
  if (lut.lut1d) tables.push([lut.lut1d, '1D']);
  if (lut.lut3d) tables.push([lut.lut3d, '3D']);
  for (const [t, kind] of tables) {
    out.push(`LUT_${kind}_SIZE ${t.size}`);
    if (isDefaultDomain(t.domainMin, t.domainMax)) continue;
    if (both) out.push(uniformRange(t, `LUT_${kind}_INPUT_RANGE`));
    else out.push(`DOMAIN_MIN ${t.domainMin.join(' ')}`, `DOMAIN_MAX ${t.domainMax.join(' ')}`);
  }
  out.push('');
  for (const [t] of tables) {
    const v = t.table;
    for (let i = 0; i < v.length; i += 3) {
      out.push(`${v[i]!.toFixed(decimals)} ${v[i + 1]!.toFixed(decimals)} ${v[i + 2]!.toFixed(decimals)}`);
    }
  }
  return out.join('\n') + '\n';
}

export async function writeCubeFile(path: string, lut: CubeLut, options?: CubeWriteOptions): Promise<void> {
  await writeFile(path, serializeCube(lut, options), 'utf8');
}
