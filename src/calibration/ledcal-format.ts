/**
 * The `.ledcal` calibration file (docs/CALIBRATION-FORMAT.md): a 12-byte preamble ('LEDCAL', u16
 * version, u32 header length), a UTF-8 JSON header, then binary planes at 16-byte aligned offsets.
 * `parseLedcal` validates everything; its errors name the file, the field, the allowed range and
 * the value found. `writeLedcal` writes a temporary name and renames it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Chromaticity } from './chromaticity.js';
import { CubeParseError, readCubeFile, type CubeLut } from './cube-lut.js';
import { floatToHalf, halfToFloat } from '../util/half-float.js';
import type { Vec3 } from './matrix3.js';

export const LEDCAL_MAGIC = 'LEDCAL';
export const LEDCAL_VERSION = 1;
export const LEDCAL_MAX_ANCHORS = 16;
export const LEDCAL_LUT_SIZE_RANGE = { min: 2, max: 129 } as const;
/** A referenced .cube larger than this is refused (a 129³ table in text is about 90 MiB). */
export const LEDCAL_MAX_CUBE_BYTES = 256 * 2 ** 20;

export type TransferCurve =
  | { readonly curve: 'linear' }
  | { readonly curve: 'srgb' }
  | { readonly curve: 'gamma'; readonly gamma: number }
  | { readonly curve: 'pq'; readonly peakNits: number };

export type DitherMode = 'ordered' | 'temporal' | 'none';
export const DITHER_MODES: readonly DitherMode[] = ['ordered', 'temporal', 'none'];

export interface CalibrationGain {
  readonly type: 'u8' | 'u16';
  /** gain = offset[c] + scale[c] * q, per channel. */
  readonly scale: Vec3;
  readonly offset: Vec3;
  /** Planar R, G, B planes of width * height quantised gains. */
  readonly data: Uint8Array | Uint16Array;
}

export interface CalibrationLut {
  /** 'embedded', or the referenced .cube path as written in the header. */
  readonly source: string;
  readonly cube: CubeLut;
}

/** A calibration in memory (what the file holds, decoded). */
export interface Calibration {
  readonly width: number;
  readonly height: number;
  readonly module: { readonly width: number; readonly height: number };
  /** Gray-level anchors: linear drive levels, strictly increasing, 0 < level <= 1. */
  readonly anchors: readonly number[];
  /** Transfer of the incoming signal (signal -> linear light). */
  readonly input: TransferCurve;
  /** Transfer, bit depth and dither of what the stage writes (the LED drive signal). */
  readonly output: { readonly transfer: TransferCurve; readonly bitDepth: number; readonly dither: DitherMode };
  readonly target: { readonly primaries: { readonly red: Chromaticity; readonly green: Chromaticity; readonly blue: Chromaticity }; readonly white: Chromaticity; readonly peakNits: number | null };
  /** [moduleRows][moduleCols][anchors][3][3] row-major, target linear RGB -> drive. */
  readonly matrices: Float32Array;
  readonly matrixType: 'f16' | 'f32';
  readonly gain: CalibrationGain | null;
  /** [moduleRows][moduleCols][4]: left, right, top, bottom edge gains (1-pixel seams). */
  readonly seams: Float32Array | null;
  readonly lut: CalibrationLut | null;
}

export function moduleGrid(c: Pick<Calibration, 'width' | 'height' | 'module'>): { cols: number; rows: number } {
  return { cols: Math.ceil(c.width / c.module.width), rows: Math.ceil(c.height / c.module.height) };
}

/** A malformed calibration file: names the file and the field. */
export class CalibrationFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(field ? `${file}: ${field}: ${reason}` : `${file}: ${reason}`);
    this.name = 'CalibrationFileError';
  }
}

type PlaneType = 'f16' | 'f32' | 'u8' | 'u16';
const PLANE_BYTES: Record<PlaneType, number> = { f16: 2, f32: 4, u8: 1, u16: 2 };
interface PlaneEntry {
  name: string;
  type: PlaneType;
  offset: number;
  count: number;
}

const PREAMBLE = 12;
const align16 = (n: number): number => (n + 15) & ~15;

// ---- CRC-32 (IEEE), also used by the PNG reader ----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

// ---- validation helpers ----
function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

class Checker {
  constructor(readonly file: string) {}
  fail(field: string, expected: string, got: unknown): never {
    throw new CalibrationFileError(this.file, field, `expected ${expected}, got ${describe(got)}`);
  }
  object(field: string, v: unknown): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Record<string, unknown>;
  }
  int(field: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(field, `an integer ${min}..${max}`, v);
    return v;
  }
  num(field: string, v: unknown, min: number, max: number, text = `${min} ≤ ${field.split('.').pop()} ≤ ${max}`): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(field, text, v);
    return v;
  }
  oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(field, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
    return v as T;
  }
  vec3(field: string, v: unknown, min: number, max: number): Vec3 {
    if (!Array.isArray(v) || v.length !== 3) this.fail(field, 'an array of 3 numbers', v);
    const a = v as unknown[];
    return [this.num(`${field}[0]`, a[0], min, max), this.num(`${field}[1]`, a[1], min, max), this.num(`${field}[2]`, a[2], min, max)];
  }
  xy(field: string, v: unknown): Chromaticity {
    const o = this.object(field, v);
    return { x: this.num(`${field}.x`, o.x, 0, 1, '0 ≤ x ≤ 1'), y: this.num(`${field}.y`, o.y, 1e-6, 1, '0 < y ≤ 1') };
  }
}

function parseTransfer(ck: Checker, field: string, v: unknown): TransferCurve {
  const o = ck.object(field, v);
  const curve = ck.oneOf(`${field}.curve`, o.curve, ['linear', 'srgb', 'gamma', 'pq'] as const);
  if (curve === 'gamma') return { curve, gamma: ck.num(`${field}.gamma`, o.gamma, 0.2, 4, '0.2 ≤ gamma ≤ 4') };
  if (curve === 'pq') return { curve, peakNits: ck.num(`${field}.peakNits`, o.peakNits, 1, 10000, '1 ≤ peakNits ≤ 10000') };
  return { curve };
}

// ---- reading ----

/** Parses and validates a .ledcal file's bytes. `file` labels errors and resolves a referenced .cube. */
export async function parseLedcal(bytes: Uint8Array, file: string): Promise<Calibration> {
  const ck: Checker = new Checker(file);
  if (bytes.length < PREAMBLE) ck.fail('preamble', `at least ${PREAMBLE} bytes`, bytes.length);
  const magic = Buffer.from(bytes.subarray(0, 6)).toString('latin1');
  if (magic !== LEDCAL_MAGIC) ck.fail('magic', `'${LEDCAL_MAGIC}' (not a .ledcal file)`, magic);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(6, true);
  if (version !== LEDCAL_VERSION) ck.fail('version', `${LEDCAL_VERSION} (this build reads version ${LEDCAL_VERSION} only)`, version);
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE + headerLength > bytes.length) ck.fail('headerLength', `≤ ${bytes.length - PREAMBLE} bytes (the file is truncated)`, headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
  } catch (err) {
    throw new CalibrationFileError(file, 'header', `not valid UTF-8 JSON (${(err as Error).message})`);
  }
  const h = ck.object('header', header);
  if (h.format !== 'ledcal') ck.fail('format', "'ledcal'", h.format);
  if (h.version !== LEDCAL_VERSION) ck.fail('version', String(LEDCAL_VERSION), h.version);
  const geo = ck.object('geometry', h.geometry);
  const width = ck.int('geometry.width', geo.width, 1, 32768);
  const height = ck.int('geometry.height', geo.height, 1, 32768);
  const mod = ck.object('modules', h.modules);
  const module = { width: ck.int('modules.width', mod.width, 1, width), height: ck.int('modules.height', mod.height, 1, height) };
  if (!Array.isArray(h.anchors) || h.anchors.length < 1 || h.anchors.length > LEDCAL_MAX_ANCHORS) ck.fail('anchors', `an array of 1..${LEDCAL_MAX_ANCHORS} anchors`, h.anchors);
  const anchors = (h.anchors as unknown[]).map((a, i) => {
    const level = ck.object(`anchors[${i}]`, a).level;
    if (typeof level !== 'number' || !(level > 0 && level <= 1)) ck.fail(`anchors[${i}].level`, '0 < level ≤ 1', level);
    return level;
  });
  for (let i = 1; i < anchors.length; i++) {
    if (!(anchors[i]! > anchors[i - 1]!)) ck.fail(`anchors[${i}].level`, `a level above anchors[${i - 1}].level (${anchors[i - 1]}): anchors must increase`, anchors[i]);
  }
  const input = parseTransfer(ck, 'input', h.input);
  const out = ck.object('output', h.output);
  const output = {
    transfer: parseTransfer(ck, 'output.transfer', out.transfer),
    bitDepth: ck.int('output.bitDepth', out.bitDepth, 8, 16),
    dither: ck.oneOf('output.dither', out.dither, DITHER_MODES),
  };
  const tgt = ck.object('target', h.target);
  const prim = ck.object('target.primaries', tgt.primaries);
  const target = {
    primaries: { red: ck.xy('target.primaries.red', prim.red), green: ck.xy('target.primaries.green', prim.green), blue: ck.xy('target.primaries.blue', prim.blue) },
    white: ck.xy('target.white', tgt.white),
    peakNits: tgt.peakNits === null || tgt.peakNits === undefined ? null : ck.num('target.peakNits', tgt.peakNits, 0, 100000, '0 ≤ peakNits ≤ 100000'),
  };

  // Planes.
  const dataStart = align16(PREAMBLE + headerLength);
  const dataBytes = Math.max(0, bytes.length - dataStart);
  if (!Array.isArray(h.planes)) ck.fail('planes', 'an array', h.planes);
  const planes = new Map<string, PlaneEntry>();
  (h.planes as unknown[]).forEach((p, i) => {
    const o = ck.object(`planes[${i}]`, p);
    if (typeof o.name !== 'string' || o.name === '') ck.fail(`planes[${i}].name`, 'a non-empty string', o.name);
    if (planes.has(o.name)) ck.fail(`planes[${i}].name`, 'a name not used by another plane', o.name);
    const type = ck.oneOf(`planes[${i}].type`, o.type, ['f16', 'f32', 'u8', 'u16'] as const);
    const offset = ck.int(`planes[${i}].offset`, o.offset, 0, 2 ** 40);
    if (offset % 16 !== 0) ck.fail(`planes[${i}].offset`, 'a multiple of 16', offset);
    const count = ck.int(`planes[${i}].count`, o.count, 0, 2 ** 36);
    if (offset + count * PLANE_BYTES[type] > dataBytes) ck.fail(`planes[${i}]`, `to end within the ${dataBytes} data bytes (the file is truncated)`, `offset ${offset} + ${count * PLANE_BYTES[type]} bytes`);
    planes.set(o.name, { name: o.name, type, offset, count });
  });
  const crc = ck.int('dataCrc32', h.dataCrc32, 0, 0xffffffff);
  const actual = crc32(bytes.subarray(dataStart));
  if (actual !== crc) ck.fail('dataCrc32', `${crc} as in the header (the data is corrupt)`, actual);

  const plane = (field: string, ref: unknown, types: readonly PlaneType[], count: number): { entry: PlaneEntry; at: number } => {
    const name = ck.object(field, ref).plane;
    const entry = typeof name === 'string' ? planes.get(name) : undefined;
    if (!entry) ck.fail(`${field}.plane`, `the name of a plane in planes[] (${[...planes.keys()].join(', ') || 'none'})`, name);
    if (!types.includes(entry.type)) ck.fail(`${field}.plane`, `a plane of type ${types.join(' or ')}`, entry.type);
    if (entry.count !== count) ck.fail(`planes[${name}].count`, `${count} values for ${field}`, entry.count);
    return { entry, at: dataStart + entry.offset };
  };
  const readFloats = (field: string, p: { entry: PlaneEntry; at: number }, min: number, max: number): Float32Array => {
    const n = p.entry.count;
    const outArr = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = p.entry.type === 'f16' ? halfToFloat(view.getUint16(p.at + 2 * i, true)) : view.getFloat32(p.at + 4 * i, true);
      if (!Number.isFinite(v) || v < min || v > max) ck.fail(`${field}[${i}]`, `a finite value ${min}..${max}`, v);
      outArr[i] = v;
    }
    return outArr;
  };

  const grid = moduleGrid({ width, height, module });
  const K = anchors.length;
  const mp = plane('matrices', h.matrices, ['f16', 'f32'], grid.rows * grid.cols * K * 9);
  const matrices = readFloats('matrices', mp, -64, 64);

  let gain: CalibrationGain | null = null;
  if (h.gain !== undefined && h.gain !== null) {
    const g = ck.object('gain', h.gain);
    const gp = plane('gain', g, ['u8', 'u16'], 3 * width * height);
    const scale = ck.vec3('gain.scale', g.scale, 0, 1);
    const offset = ck.vec3('gain.offset', g.offset, 0, 4);
    const n = 3 * width * height;
    const data = gp.entry.type === 'u8' ? bytes.slice(gp.at, gp.at + n) : new Uint16Array(n);
    if (data instanceof Uint16Array) for (let i = 0; i < n; i++) data[i] = view.getUint16(gp.at + 2 * i, true);
    const maxQ = gp.entry.type === 'u8' ? 255 : 65535;
    for (let c = 0; c < 3; c++) {
      if (offset[c]! + scale[c]! * maxQ > 4) ck.fail(`gain.scale[${c}]`, `offset + scale * ${maxQ} ≤ 4 (the largest gain)`, scale[c]);
    }
    gain = { type: gp.entry.type as 'u8' | 'u16', scale, offset, data: data as Uint8Array | Uint16Array };
  }
  let seams: Float32Array | null = null;
  if (h.seams !== undefined && h.seams !== null) seams = readFloats('seams', plane('seams', h.seams, ['f16', 'f32'], grid.rows * grid.cols * 4), 0, 4);

  let lut: CalibrationLut | null = null;
  if (h.lut !== undefined && h.lut !== null) {
    const l = ck.object('lut', h.lut);
    if (typeof l.file === 'string') {
      const path = isAbsolute(l.file) ? l.file : join(dirname(file), l.file);
      // Only a regular file of a plausible size: a device (/dev/zero) or a FIFO named by a
      // corrupt or hostile header would be read forever, or block.
      const st = await stat(path).catch(() => null);
      if (st && !st.isFile()) throw new CalibrationFileError(file, 'lut.file', `${path} is not a regular file (expected a .cube file; devices, FIFOs and folders are not read)`);
      if (st && st.size > LEDCAL_MAX_CUBE_BYTES) throw new CalibrationFileError(file, 'lut.file', `${path} is ${st.size} bytes; a .cube file of at most ${LEDCAL_MAX_CUBE_BYTES / 2 ** 20} MiB is expected`);
      try {
        lut = { source: l.file, cube: await readCubeFile(path) };
      } catch (err) {
        const why = err instanceof CubeParseError ? err.message : (err as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file ${path}` : (err as Error).message;
        throw new CalibrationFileError(file, 'lut.file', why);
      }
    } else {
      const size = ck.int('lut.size', l.size, LEDCAL_LUT_SIZE_RANGE.min, LEDCAL_LUT_SIZE_RANGE.max);
      const domainMin = l.domainMin === undefined ? ([0, 0, 0] as Vec3) : ck.vec3('lut.domainMin', l.domainMin, -1e6, 1e6);
      const domainMax = l.domainMax === undefined ? ([1, 1, 1] as Vec3) : ck.vec3('lut.domainMax', l.domainMax, -1e6, 1e6);
      for (let c = 0; c < 3; c++) if (!(domainMax[c]! > domainMin[c]!)) ck.fail(`lut.domainMax[${c}]`, `a value above lut.domainMin[${c}] (${domainMin[c]})`, domainMax[c]);
      const table = readFloats('lut', plane('lut', l, ['f16', 'f32'], size ** 3 * 3), -1e6, 1e6);
      lut = { source: 'embedded', cube: { title: null, lut1d: null, lut3d: { size, domainMin, domainMax, table } } };
    }
  }
  return { width, height, module, anchors, input, output, target, matrices, matrixType: mp.entry.type as 'f16' | 'f32', gain, seams, lut };
}

/** Reads and validates a .ledcal file; a missing file is a CalibrationFileError too. */
export async function readLedcal(path: string): Promise<Calibration> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CalibrationFileError(path, '', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  return parseLedcal(bytes, path);
}

// ---- writing ----

/** Serialises a calibration. A LUT whose source is not 'embedded' is written as a file reference. */
export function serializeLedcal(cal: Calibration): Buffer {
  const grid = moduleGrid(cal);
  const chunks: { name: string; type: PlaneType; bytes: Buffer; count: number }[] = [];
  const floats = (name: string, type: 'f16' | 'f32', data: ArrayLike<number>): void => {
    const b = Buffer.alloc(data.length * PLANE_BYTES[type]);
    for (let i = 0; i < data.length; i++) {
      if (type === 'f16') b.writeUInt16LE(floatToHalf(data[i]!), 2 * i);
      else b.writeFloatLE(data[i]!, 4 * i);
    }
    chunks.push({ name, type, bytes: b, count: data.length });
  };
  if (cal.matrices.length !== grid.rows * grid.cols * cal.anchors.length * 9) throw new RangeError(`matrices: expected ${grid.rows * grid.cols * cal.anchors.length * 9} values, got ${cal.matrices.length}`);
  floats('matrices', cal.matrixType, cal.matrices);
  const header: Record<string, unknown> = {
    format: 'ledcal',
    version: LEDCAL_VERSION,
    geometry: { width: cal.width, height: cal.height },
    modules: { width: cal.module.width, height: cal.module.height },
    anchors: cal.anchors.map((level) => ({ level })),
    input: cal.input,
    output: cal.output,
    target: cal.target,
    matrices: { plane: 'matrices' },
  };
  if (cal.gain) {
    const g = cal.gain;
    const b = g.type === 'u8' ? Buffer.from(g.data.buffer, g.data.byteOffset, g.data.byteLength) : Buffer.alloc(g.data.length * 2);
    if (g.type === 'u16') for (let i = 0; i < g.data.length; i++) b.writeUInt16LE(g.data[i]!, 2 * i);
    chunks.push({ name: 'gain', type: g.type, bytes: b, count: g.data.length });
    header.gain = { plane: 'gain', scale: g.scale, offset: g.offset };
  }
  if (cal.seams) {
    floats('seams', 'f32', cal.seams);
    header.seams = { plane: 'seams' };
  }
  if (cal.lut) {
    if (cal.lut.source === 'embedded') {
      const l3 = cal.lut.cube.lut3d;
      if (!l3 || cal.lut.cube.lut1d) throw new RangeError('lut: only a 3D table without a shaper can be embedded; reference the .cube file instead');
      floats('lut', 'f32', l3.table);
      header.lut = { plane: 'lut', size: l3.size, domainMin: l3.domainMin, domainMax: l3.domainMax };
    } else {
      header.lut = { file: cal.lut.source };
    }
  }
  let offset = 0;
  header.planes = chunks.map((c) => {
    const entry = { name: c.name, type: c.type, offset, count: c.count };
    offset = align16(offset + c.bytes.length);
    return entry;
  });
  const data = Buffer.alloc(offset);
  (header.planes as PlaneEntry[]).forEach((e, i) => chunks[i]!.bytes.copy(data, e.offset));
  header.dataCrc32 = crc32(data);
  const json = Buffer.from(JSON.stringify(header, null, 1), 'utf8');
  const pre = Buffer.alloc(PREAMBLE);
  pre.write(LEDCAL_MAGIC, 0, 'latin1');
  pre.writeUInt16LE(LEDCAL_VERSION, 6);
  pre.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc(align16(PREAMBLE + json.length) - PREAMBLE - json.length);
  return Buffer.concat([pre, json, pad, data]);
}

/** Writes `path` atomically: a temporary name in the same folder, then rename. */
export async function writeLedcal(path: string, cal: Calibration): Promise<void> {
  await writeFileAtomic(path, serializeLedcal(cal));
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${path.split('/').pop()}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
