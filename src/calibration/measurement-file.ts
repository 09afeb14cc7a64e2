/**
 * The `.ledmeas` measurement file `calibrate synth` writes and `calibrate solve` reads: 'LEDMEA',
 * u16 version 1, u32 JSON header length, JSON header, zero padding to 16 bytes, then float32 XYZ
 * little-endian as [pixel][level][channel][X, Y, Z] (channel driven alone at that level;
 * Y = 1 is the mean native white, `peakNits` cd/m²).
 */
import { readFile } from 'node:fs/promises';
import { CalibrationFileError, writeFileAtomic } from './ledcal-format.js';
import type { ScreenMeasurement } from './screen-model.js';

const MAGIC = 'LEDMEA';

export function serializeMeasurement(m: ScreenMeasurement, extra: Record<string, unknown> = {}): Buffer {
  const header = Buffer.from(JSON.stringify({ format: 'ledmeas', version: 1, width: m.width, height: m.height, moduleWidth: m.moduleWidth, moduleHeight: m.moduleHeight, levels: m.levels, peakNits: m.peakNits, ...extra }), 'utf8');
  const pre = Buffer.alloc(12);
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt16LE(1, 6);
  pre.writeUInt32LE(header.length, 8);
  const pad = Buffer.alloc(((12 + header.length + 15) & ~15) - 12 - header.length);
  const data = Buffer.alloc(m.xyz.length * 4);
  for (let i = 0; i < m.xyz.length; i++) data.writeFloatLE(m.xyz[i]!, 4 * i);
  return Buffer.concat([pre, header, pad, data]);
}

export async function writeMeasurement(path: string, m: ScreenMeasurement, extra: Record<string, unknown> = {}): Promise<void> {
  await writeFileAtomic(path, serializeMeasurement(m, extra));
}

export async function readMeasurement(path: string): Promise<ScreenMeasurement & { header: Record<string, unknown> }> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new CalibrationFileError(path, '', err.code === 'ENOENT' ? 'no such file' : err.message);
  });
  return parseMeasurement(bytes, path);
}

/** Parses and validates a .ledmeas file's bytes; `path` labels errors. */
export function parseMeasurement(bytes: Buffer, path: string): ScreenMeasurement & { header: Record<string, unknown> } {
  const fail = (field: string, reason: string): never => {
    throw new CalibrationFileError(path, field, reason);
  };
  if (bytes.length < 12 || bytes.subarray(0, 6).toString('latin1') !== MAGIC) fail('magic', `expected '${MAGIC}' (not a .ledmeas file)`);
  if (bytes.readUInt16LE(6) !== 1) fail('version', `expected 1 (this build reads version 1 only), got ${bytes.readUInt16LE(6)}`);
  const len = bytes.readUInt32LE(8);
  if (12 + len > bytes.length) fail('headerLength', 'the file is truncated');
  let h: Record<string, unknown> = {};
  try {
    h = JSON.parse(bytes.subarray(12, 12 + len).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    fail('header', `not valid JSON (${(err as Error).message})`);
  }
  if (h === null || typeof h !== 'object' || Array.isArray(h)) fail('header', 'expected a JSON object');
  const int = (name: string): number => {
    const v = h[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 32768) fail(name, `expected an integer 1..32768, got ${Array.isArray(v) ? 'an array' : typeof v === 'object' && v !== null ? 'an object' : String(v).slice(0, 40)}`);
    return v as number;
  };
  const width = int('width'), height = int('height'), moduleWidth = int('moduleWidth'), moduleHeight = int('moduleHeight');
  if (moduleWidth > width) fail('moduleWidth', `expected at most the width ${width}, got ${moduleWidth}`);
  if (moduleHeight > height) fail('moduleHeight', `expected at most the height ${height}, got ${moduleHeight}`);
  const levels = h.levels;
  if (!Array.isArray(levels) || levels.length < 1 || !levels.every((a, i) => typeof a === 'number' && a > 0 && a <= 1 && (i === 0 || a > (levels[i - 1] as number)))) fail('levels', 'expected increasing levels 0 < level ≤ 1');
  const K = (levels as number[]).length;
  const start = (12 + len + 15) & ~15;
  const count = width * height * K * 9;
  if (bytes.length - start < count * 4) fail('data', `expected ${count * 4} bytes of XYZ, got ${bytes.length - start}`);
  const xyz = new Float32Array(count);
  for (let i = 0; i < count; i++) xyz[i] = bytes.readFloatLE(start + 4 * i);
  const peakNits = h.peakNits === undefined ? 1000 : h.peakNits;
  if (typeof peakNits !== 'number' || !(peakNits >= 1 && peakNits <= 100000)) fail('peakNits', `expected a number 1..100000 (cd/m²), got ${typeof peakNits === 'number' ? peakNits : typeof peakNits}`);
  return { width, height, moduleWidth, moduleHeight, levels: levels as number[], peakNits: peakNits as number, xyz, header: h };
}
