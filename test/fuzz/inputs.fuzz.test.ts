/**
 * Property-based fuzzing of the parsers that take outside input beyond the CLI (see
 * parsers.fuzz.test.ts for the CLI, --on-overrun, .cube, raw framing and ffmpeg logs): .ledcal
 * calibration files, .ledmeas measurements, CSV and PNG importers, screen profiles, temperature
 * telemetry (lines and datagrams) and the thermal / region flags. Every input either parses into
 * something consistent or is rejected with the parser's typed error naming the file and field (or
 * the flag); nothing throws a RangeError / TypeError from deep inside, and nothing hangs.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModuleCsv, blankCalibration } from '../../src/calibration/calibration-import.js';
import { CalibrationFileError, crc32, moduleGrid, parseLedcal, serializeLedcal } from '../../src/calibration/ledcal-format.js';
import { parseMeasurement, serializeMeasurement } from '../../src/calibration/measurement-file.js';
import { decodePng, encodePng16 } from '../../src/calibration/png16.js';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { parseCanvasSize, parseRegionSpec, RegionError } from '../../src/pipeline/canvas-region.js';
import { presetNames, loadProfile } from '../../src/profiles/library.js';
import { resolveProfile } from '../../src/profiles/resolve-profile.js';
import { ProfileError, validateProfile } from '../../src/profiles/screen-profile.js';
import { JsonLinesTemperatureSource } from '../../src/thermal/sources/jsonl-source.js';
import { parseSimulationParams } from '../../src/thermal/sources/simulated-source.js';
import { parseTemperatureSpec } from '../../src/thermal/sources/source-spec.js';
import { MAX_CELSIUS, MIN_CELSIUS, parseTemperatureMessage, TelemetryError } from '../../src/thermal/sources/telemetry-message.js';
import { UdpTemperatureSource } from '../../src/thermal/sources/udp-source.js';
import { parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import { parseZoneGrid } from '../../src/thermal/zone-grid.js';
import { gradingLut, makeCalibration } from '../calibration/fixtures.js';
import { captureLog } from '../thermal/fixtures.js';
import { tmpDir } from '../helpers.js';

/** Odd values a mutated field may take (frozen: shared by every run). */
const WEIRD: readonly unknown[] = [null, true, false, 0, -1, 1, 0.5, 1.5, 2, 3, 7, 16, 129, 130, 255, 65535, 65536, 32768, 32769, 2 ** 31, 2 ** 40, 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER, '', 'x', 'f16', 'f32', 'u8', 'u16', 'gamma', 'pq', 'srgb', 'linear', 'ordered', 'temporal', 'matrices', 'gain', 'seams', 'lut', '/dev/zero', '.', '..', [], [1], [0, 0, 0], [1, 1, 1], [-1, 2, 3], {}, { plane: 'matrices' }, { plane: 'nope' }, { level: 0.5 }, { x: 0.3, y: 0.3 }];

/** A value nested `depth` arrays deep ([[[...]]]): JSON.parse takes it, a recursive walk does not. */
const deep = (depth: number): unknown => JSON.parse(DEEP_TEXT(depth));
const DEEP_TEXT = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** Stands for a deeply nested value in a structure that is serialised with JSON.stringify (which cannot). */
const DEEP = '\u0000deep\u0000';
const stringify = (v: unknown): string => JSON.stringify(v).replaceAll(JSON.stringify(DEEP), DEEP_TEXT(5000));

/** Sets obj[path] (a dotted path into nested objects/arrays) when the parent exists. */
function setPath(obj: unknown, keys: readonly (string | number)[], value: unknown): void {
  let o = obj as Record<string | number, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (o === null || typeof o !== 'object') return;
    o = o[k] as Record<string | number, unknown>;
  }
  // A copy: the WEIRD constants are shared between runs and must never be mutated by later edits.
  if (o !== null && typeof o === 'object') o[keys[keys.length - 1]!] = WEIRD.includes(value) ? structuredClone(value) : value;
}

/** Every path to a leaf or branch of a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

// ---- .ledcal ----

interface Split {
  header: Record<string, unknown>;
  data: Buffer;
}

function splitLedcal(bytes: Buffer): Split {
  const len = bytes.readUInt32LE(8);
  return { header: JSON.parse(bytes.subarray(12, 12 + len).toString('utf8')) as Record<string, unknown>, data: bytes.subarray((12 + len + 15) & ~15) };
}

/** Reassembles a file (the data CRC recomputed when `fixCrc`), so mutations get past the checksum. */
function joinLedcal(s: Split, fixCrc: boolean): Buffer {
  const header = fixCrc ? { ...s.header, dataCrc32: crc32(s.data) } : s.header;
  const json = Buffer.from(stringify(header), 'utf8');
  const pre = Buffer.alloc(12);
  pre.write('LEDCAL', 0, 'latin1');
  pre.writeUInt16LE(1, 6);
  pre.writeUInt32LE(json.length, 8);
  return Buffer.concat([pre, json, Buffer.alloc(((12 + json.length + 15) & ~15) - 12 - json.length), s.data]);
}

const FILE = 'fuzz.ledcal';

async function expectLedcalOutcome(bytes: Buffer): Promise<void> {
  try {
    const cal = await parseLedcal(bytes, FILE);
    const grid = moduleGrid(cal);
    expect(cal.matrices.length).toBe(grid.rows * grid.cols * cal.anchors.length * 9);
    expect(cal.matrices.every((v) => Number.isFinite(v))).toBe(true);
    if (cal.gain) expect(cal.gain.data.length).toBe(3 * cal.width * cal.height);
    if (cal.seams) expect(cal.seams.length).toBe(grid.rows * grid.cols * 4);
  } catch (err) {
    if (!(err instanceof CalibrationFileError)) throw err;
    expect(err.file).toBe(FILE);
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    expect(err.message.length).toBeLessThan(600);
  }
}

describe('fuzz: .ledcal calibration files', () => {
  const bases: Buffer[] = [];
  let fifo: string | null = null;
  let dir: string;
  beforeAll(() => {
    const withLut = makeCalibration({ width: 20, height: 12, moduleWidth: 8, moduleHeight: 4, gain: 'u16', seams: true, lut: gradingLut(3), seed: 3 });
    bases.push(serializeLedcal(withLut));
    bases.push(serializeLedcal({ ...makeCalibration({ width: 9, height: 5, moduleWidth: 4, moduleHeight: 5, gain: 'u8', seams: false, anchors: [1], seed: 4 }), matrixType: 'f16' }));
    dir = tmpDir('ledpipe-fuzz-');
    try {
      fifo = path.join(dir, 'lut.fifo');
      execFileSync('mkfifo', [fifo]);
    } catch {
      fifo = null;
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the unmutated files parse', async () => {
    for (const b of bases) await expect(parseLedcal(b, FILE)).resolves.toBeTruthy();
  });

  it('truncated anywhere: a CalibrationFileError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), fc.nat(), async (which, cut) => {
        const b = bases[which]!;
        await expectLedcalOutcome(b.subarray(0, cut % b.length));
      }),
      { numRuns: 300 },
    );
  });

  it('bit flips anywhere (the CRC catches the data; the header is validated field by field)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }), async (which, flips) => {
        const b = Buffer.from(bases[which]!);
        for (const [at, bit] of flips) b[at % b.length] ^= 1 << bit;
        await expectLedcalOutcome(b);
      }),
      { numRuns: 400 },
    );
  });

  it('header fields set to odd values (CRC kept valid): a typed error naming the field, or a consistent calibration', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...WEIRD), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('deep'))), { minLength: 1, maxLength: 4 }), async (which, edits) => {
        const s = splitLedcal(bases[which]!);
        const all = paths(s.header);
        for (const [i, v] of edits) setPath(s.header, all[i % all.length]!, v === 'deep' ? DEEP : v);
        await expectLedcalOutcome(joinLedcal(s, true));
      }),
      { numRuns: 600 },
    );
  });

  it('data bytes changed with the CRC fixed up: out-of-range planes are refused by name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), async (which, edits) => {
        const s = splitLedcal(bases[which]!);
        const data = Buffer.from(s.data);
        for (const [at, v] of edits) data[at % data.length] = v;
        await expectLedcalOutcome(joinLedcal({ header: s.header, data }, true));
      }),
      { numRuns: 400 },
    );
  });

  it('a referenced LUT that is not a regular file (device, FIFO, folder) is refused, not read forever', async () => {
    const s = splitLedcal(bases[1]!);
    for (const target of ['/dev/zero', dir, ...(fifo ? [fifo] : [])]) {
      const bytes = joinLedcal({ header: { ...s.header, lut: { file: target } }, data: s.data }, true);
      await expect(parseLedcal(bytes, FILE)).rejects.toThrow(new RegExp(`^fuzz\\.ledcal: lut\\.file: ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a regular file`));
    }
  }, 10_000);
});

// ---- .ledmeas, CSV, PNG ----

describe('fuzz: calibration importers', () => {
  it('.ledmeas: truncations, bit flips and header edits give a CalibrationFileError or a consistent measurement', () => {
    const width = 4, height = 3, levels = [0.25, 1];
    const xyz = Float32Array.from({ length: width * height * levels.length * 9 }, (_, i) => (i % 7) / 7);
    const base = serializeMeasurement({ width, height, moduleWidth: 2, moduleHeight: 3, levels, peakNits: 800, xyz });
    const headerLen = base.readUInt32LE(8);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat().map((cut) => base.subarray(0, cut % base.length)),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }).map((flips) => {
            const b = Buffer.from(base);
            for (const [at, bit] of flips) b[at % b.length] ^= 1 << bit;
            return b;
          }),
          fc.tuple(fc.constantFrom('width', 'height', 'moduleWidth', 'moduleHeight', 'levels', 'peakNits', 'format', 'version'), fc.oneof(fc.constantFrom(...WEIRD), fc.constant('deep'))).map(([k, v]) => {
            const h = JSON.parse(base.subarray(12, 12 + headerLen).toString('utf8')) as Record<string, unknown>;
            h[k] = v === 'deep' ? DEEP : v;
            const json = Buffer.from(stringify(h));
            const pre = Buffer.from(base.subarray(0, 12));
            pre.writeUInt32LE(json.length, 8);
            return Buffer.concat([pre, json, Buffer.alloc(((12 + json.length + 15) & ~15) - 12 - json.length), base.subarray((12 + headerLen + 15) & ~15)]);
          }),
          fc.constantFrom(Buffer.from('LEDMEA\x01\x00\x04\x00\x00\x00null'), Buffer.from('LEDMEA\x01\x00\x02\x00\x00\x00[]'), Buffer.from('LEDMEA\x01\x00\x01\x00\x00\x005')),
        ),
        (bytes) => {
          try {
            const m = parseMeasurement(bytes, 'fuzz.ledmeas');
            expect(m.xyz.length).toBe(m.width * m.height * m.levels.length * 9);
            expect(Number.isFinite(m.peakNits) && m.peakNits > 0).toBe(true);
          } catch (err) {
            if (!(err instanceof CalibrationFileError)) throw err;
            expect(err.message).toMatch(/^fuzz\.ledmeas: /);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('module CSV: any text gives a CalibrationFileError naming file:line, or matrices within -64..64', () => {
    const cal = blankCalibration({ width: 16, height: 8, moduleWidth: 8, moduleHeight: 4, anchors: [0.5, 1] });
    const header = 'module_col,module_row,anchor,m00,m01,m02,m10,m11,m12,m20,m21,m22';
    const cell = fc.oneof(fc.constantFrom('0', '1', '2', '-1', '1.5', 'NaN', 'Infinity', '1e9', '', ' ', '0x10', '65', '-64', '1e-300', '#', '"1"'), fc.double().map(String), fc.string({ maxLength: 6 }));
    const row = fc.array(cell, { minLength: 0, maxLength: 14 }).map((c) => c.join(','));
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.oneof(row, fc.constantFrom('', '# comment', header, '\uFEFF' + header)), { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (withHeader, lines, eol) => {
        const text = (withHeader ? [header, ...lines] : lines).join(eol);
        try {
          const out = importModuleCsv(cal, text, 'fuzz.csv');
          expect(out.matrices.every((v) => Number.isFinite(v) && Math.abs(v) <= 64)).toBe(true);
        } catch (err) {
          if (!(err instanceof CalibrationFileError)) throw err;
          expect(err.message).toMatch(/^fuzz\.csv(:\d+)?: /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('PNG gain maps: truncations, bit flips and re-checksummed chunk edits give a CalibrationFileError or an image', () => {
    const w = 5, h = 3;
    const base = encodePng16(w, h, 3, Array.from({ length: w * h * 3 }, (_, i) => (i * 4099) & 0xffff));
    /** Rewrites chunk `index` (IHDR 0, IDAT 1, IEND 2) with new bytes and a valid CRC. */
    const rechunk = (index: number, edit: (body: Buffer) => Buffer): Buffer => {
      const parts: Buffer[] = [base.subarray(0, 8)];
      let pos = 8;
      for (let i = 0; pos + 12 <= base.length; i++) {
        const len = base.readUInt32BE(pos);
        const type = base.subarray(pos + 4, pos + 8);
        let body: Buffer = base.subarray(pos + 8, pos + 8 + len);
        if (i === index) body = edit(Buffer.from(body));
        const head = Buffer.alloc(8);
        head.writeUInt32BE(body.length, 0);
        type.copy(head, 4);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
        parts.push(head, body, crc);
        pos += 12 + len;
      }
      return Buffer.concat(parts);
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat().map((cut) => base.subarray(0, cut % base.length)),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }).map((flips) => {
            const b = Buffer.from(base);
            for (const [at, bit] of flips) b[at % b.length] ^= 1 << bit;
            return b;
          }),
          fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([chunk, cut, edits]) =>
            rechunk(chunk, (body) => {
              for (const [at, v] of edits) if (body.length) body[at % body.length] = v;
              return body.subarray(0, chunk === 1 ? body.length : Math.min(body.length, cut % 20));
            }),
          ),
        ),
        (bytes) => {
          try {
            const png = decodePng(bytes, 'fuzz.png');
            expect(png.data.length).toBe(png.width * png.height * png.channels);
          } catch (err) {
            if (!(err instanceof CalibrationFileError)) throw err;
            expect(err.message).toMatch(/^fuzz\.png: /);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// ---- screen profiles (JSON; no YAML reader exists) ----

describe('fuzz: screen profiles', () => {
  const presets = presetNames().map((n) => JSON.parse(fs.readFileSync(path.join('profiles', `${n}.json`), 'utf8')) as Record<string, unknown>);

  it('presets with fields set to odd values: a ProfileError naming file and field, or a valid profile', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: presets.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...WEIRD), fc.jsonValue({ maxDepth: 2 }), fc.constant('deep'))), { minLength: 1, maxLength: 4 }), (which, edits) => {
        const p = structuredClone(presets[which]!);
        const all = paths(p);
        for (const [i, v] of edits) setPath(p, all[i % all.length]!, v === 'deep' ? deep(5000) : v);
        try {
          validateProfile(p, 'fuzz.json');
        } catch (err) {
          if (!(err instanceof ProfileError)) throw err;
          expect(err.message).toMatch(/^fuzz\.json: [^:]+: /);
          expect(err.message.length).toBeLessThan(300);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('any JSON value as the whole profile: a ProfileError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constant('deep')), (v) => {
        try {
          validateProfile(v === 'deep' ? deep(5000) : v, 'fuzz.json');
        } catch (err) {
          if (!(err instanceof ProfileError)) throw err;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a profile file that is not JSON: a ProfileError naming the file', () => {
    const dir = tmpDir('ledpipe-fuzz-profile-');
    try {
      fc.assert(
        fc.property(fc.string({ maxLength: 40 }), (text) => {
          const file = path.join(dir, 'p.json');
          fs.writeFileSync(file, text);
          try {
            loadProfile(file);
          } catch (err) {
            if (!(err instanceof ProfileError)) throw err;
            expect(err.message.startsWith(`${file}: `)).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every valid profile resolves to settings the stages accept (zone grid, bit depth, dither)', () => {
    const int = (min: number, max: number) => fc.integer({ min, max });
    const profile = fc.record({
      resolution: fc.record({ width: int(8, 65536), height: int(8, 65536) }),
      module: fc.record({ width: int(4, 1024), height: int(4, 1024) }),
      cabinet: fc.record({ modulesX: int(1, 64), modulesY: int(1, 64) }),
      grayscaleBits: fc.option(int(8, 22), { nil: undefined }),
      percent: fc.double({ min: 1, max: 100, noNaN: true }),
      refreshHz: fc.double({ min: 24, max: 15360, noNaN: true }),
      pitch: fc.double({ min: 0.1, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(profile, fc.record({ width: int(1, 8192), height: int(1, 8192) }), (p, content) => {
        const valid = validateProfile(
          {
            ...presets[0]!,
            resolution: p.resolution, module: p.module, cabinet: p.cabinet, pixelPitchMm: p.pitch, refreshHz: p.refreshHz,
            brightness: { mode: 'x', percent: p.percent },
            driverIc: { family: 'ICN2153', ...(p.grayscaleBits !== undefined ? { grayscaleBits: p.grayscaleBits } : {}) },
          },
          'fuzz.json',
        );
        const d = resolveProfile({ profile: valid, content, fps: 60, models: [], stageTimes: new Map() });
        const grid = parseZoneGrid(d.settings.thermalZones);
        expect(grid.cols).toBeLessThanOrEqual(p.resolution.width);
        expect(grid.rows).toBeLessThanOrEqual(p.resolution.height);
        expect(d.settings.bitDepth).toBeGreaterThanOrEqual(8);
        expect(d.settings.bitDepth).toBeLessThanOrEqual(16);
        expect(['none', 'ordered', 'temporal']).toContain(d.settings.dither);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---- temperature telemetry ----

const message = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ zone: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constantFrom(...WEIRD)), celsius: fc.oneof(fc.double(), fc.constantFrom(...WEIRD)), t: fc.option(fc.oneof(fc.double(), fc.constantFrom(...WEIRD)), { nil: undefined }) }).map((o) => JSON.stringify(o)),
  fc.array(fc.oneof(fc.constant(null), fc.double({ min: -100, max: 200 }), fc.record({ zone: fc.integer({ min: -1, max: 40 }), celsius: fc.double() }), fc.constantFrom(...WEIRD)), { maxLength: 40 }).map((zones) => JSON.stringify({ zones })),
  // Nesting deep enough to overflow a recursive walk (JSON.stringify) but not JSON.parse.
  fc.constantFrom(1, 100, 3000, 6000, 20000).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.constantFrom(1, 3000, 20000).map((d) => `{"zones":[{"zone":${'['.repeat(d)}${']'.repeat(d)},"celsius":30}]}`),
  fc.constantFrom(1, 3000, 20000).map((d) => `{"zone":0,"celsius":${'['.repeat(d)}${']'.repeat(d)}}`),
);

describe('fuzz: temperature telemetry', () => {
  it('every message gives readings in range or a TelemetryError saying what was expected', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 32 }), (text, zones) => {
        try {
          for (const r of parseTemperatureMessage(text, zones)) {
            expect(Number.isInteger(r.zone) && r.zone >= 0 && r.zone < zones).toBe(true);
            expect(r.celsius >= MIN_CELSIUS && r.celsius <= MAX_CELSIUS).toBe(true);
            if (r.t !== undefined) expect(Number.isFinite(r.t)).toBe(true);
          }
        } catch (err) {
          if (!(err instanceof TelemetryError)) throw err;
          expect(err.reason.length).toBeGreaterThan(5);
          expect(err.reason.length).toBeLessThan(300);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a JSON-lines feed with garbage keeps every good line, in any chunking', async () => {
    const dir = tmpDir('ledpipe-fuzz-temps-');
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(message, fc.integer({ min: 0, max: 3 }).map((z) => JSON.stringify({ zone: z, celsius: 30 + z }))), { maxLength: 12 }), async (lines) => {
          const file = path.join(dir, 'temps.jsonl');
          const text = lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\n') + '\n';
          fs.writeFileSync(file, text);
          const src = new JsonLinesTemperatureSource(file, 4, captureLog(), () => 0);
          await src.start();
          await src.close();
          let good = 0;
          for (const l of text.split('\n').slice(0, -1)) {
            if (l.trim() === '') continue;
            try {
              good += parseTemperatureMessage(l, 4).length;
            } catch {
              /* counted below */
            }
          }
          expect(src.board.accepted + src.board.stale).toBe(good);
        }),
        { numRuns: 80 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('garbage datagrams (deep nesting, bad UTF-8, empty) are counted; the process and the good datagrams survive', async () => {
    const src = new UdpTemperatureSource('127.0.0.1', 0, 4, captureLog(), () => 0);
    await src.start();
    const tx = dgram.createSocket('udp4');
    try {
      const port = src.address().port;
      const send = (b: Buffer | string): Promise<void> => new Promise((resolve, reject) => tx.send(b, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      const bad = [`${'['.repeat(30000)}${']'.repeat(30000)}`, `{"zone":${'['.repeat(20000)}${']'.repeat(20000)},"celsius":1}`, Buffer.from([0xff, 0xfe, 0x7b]), '', 'null', '{"zones":{}}'];
      for (const b of bad) await send(b);
      await send(JSON.stringify({ zone: 2, celsius: 41 }));
      const end = Date.now() + 2000;
      while (src.board.accepted < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(src.board.malformed).toBe(bad.length);
      expect(src.board.accepted).toBe(1);
      expect(src.board.celsius[2]).toBe(41);
    } finally {
      tx.close();
      await src.close();
    }
  });

  it('--temperature, sim parameters, --thermal-zones and --thermal-transfer: a RangeError naming the flag', () => {
    const parsers: [(t: string) => unknown, RegExp][] = [
      [parseTemperatureSpec, /^--temperature/],
      [(t) => parseSimulationParams(t), /^--temperature sim: /],
      [(t) => parseZoneGrid(t), /^--thermal-zones: /],
      [(t) => parseSignalTransfer(t), /^--thermal-transfer: /],
    ];
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.constantFrom('udp://', 'sim', ':', '=', ',', 'ambient', 'tau', '[', ']', '::1', '0.0.0.0', '239.1.2.3', '?iface=', '127.0.0.1', 'x', '8', '65536', '-', '.', 'gamma', 'srgb', 'pq', ' '), { maxLength: 8 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: parsers.length - 1 }), (t, k) => {
        const [parse, flag] = parsers[k]!;
        try {
          parse(t);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          expect((err as Error).message).toMatch(flag);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- --region / --canvas ----

describe('fuzz: --region and --canvas', () => {
  const piece = fc.constantFrom('0', '1', '64', '1920', '32768', '99999999', '-1', '1.5', ',', 'x', 'X', ' ', '', 'NaN', '1e3');
  it('parse or throw a RegionError naming the flag', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 24 }), fc.array(piece, { maxLength: 9 }).map((a) => a.join(''))), (t) => {
        for (const [parse, flag] of [[parseRegionSpec, '--region'], [parseCanvasSize, '--canvas']] as const) {
          try {
            const r = parse(t) as { width: number; height: number };
            expect(r.width >= 1 && r.height >= 1).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(RegionError);
            expect((err as Error).message.startsWith(`${flag}: `)).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('in a command line: a run or a UsageError', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('--region', '--canvas', '--size', '--calibration'), fc.array(piece, { maxLength: 9 }).map((a) => a.join(''))), { maxLength: 8 }), (argv) => {
        try {
          expect(parseCommandLine(argv).kind).toBe('run');
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
