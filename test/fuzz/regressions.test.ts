/**
 * The bugs inputs.fuzz.test.ts found, pinned as plain examples: each crashed with a RangeError or
 * TypeError from deep inside a parser (or, for a UDP datagram or a FIFO line, ended the process),
 * read a device forever, or let a profile produce a flag the stage refuses.
 */
import { deflateSync } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/calibration/ledcal-format.js';
import { parseMeasurement, serializeMeasurement } from '../../src/calibration/measurement-file.js';
import { decodePng, encodePng16 } from '../../src/calibration/png16.js';
import { resolveProfile } from '../../src/profiles/resolve-profile.js';
import { ProfileError, validateProfile } from '../../src/profiles/screen-profile.js';
import { JsonLinesTemperatureSource } from '../../src/thermal/sources/jsonl-source.js';
import { parseTemperatureMessage, TelemetryError } from '../../src/thermal/sources/telemetry-message.js';
import { parseZoneGrid } from '../../src/thermal/zone-grid.js';
import { captureLog } from '../thermal/fixtures.js';
import { tmpDir } from '../helpers.js';

const DEEP = `${'['.repeat(6000)}${']'.repeat(6000)}`;

function png(chunks: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, body] of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    parts.push(head, body, crc);
  }
  return Buffer.concat(parts);
}

describe('parser regressions found by fuzzing', () => {
  it('PNG: an IHDR chunk shorter than 13 bytes is a CalibrationFileError (was ERR_BUFFER_OUT_OF_BOUNDS)', () => {
    expect(() => decodePng(png([['IHDR', Buffer.alloc(0)], ['IEND', Buffer.alloc(0)]]), 'g.png')).toThrow(/^g\.png: IHDR: expected 13 bytes, got 0$/);
  });

  it('PNG: IDAT that inflates past what the image holds is refused before it is all inflated', () => {
    const ihdr = Buffer.from(encodePng16(2, 2, 1, [1, 2, 3, 4]).subarray(16, 29));
    const bomb = deflateSync(Buffer.alloc(64 * 2 ** 20));
    expect(() => decodePng(png([['IHDR', ihdr], ['IDAT', bomb], ['IEND', Buffer.alloc(0)]]), 'g.png')).toThrow(/^g\.png: IDAT: inflates to more than the 10 bytes a 2x2 image holds$/);
  });

  it('.ledmeas: a header that is JSON null, a deeply nested width, a negative peak: CalibrationFileErrors (were TypeError / RangeError / accepted)', () => {
    const pre = (json: string): Buffer => {
      const b = Buffer.alloc(12);
      b.write('LEDMEA', 0, 'latin1');
      b.writeUInt16LE(1, 6);
      b.writeUInt32LE(Buffer.byteLength(json), 8);
      return Buffer.concat([b, Buffer.from(json)]);
    };
    expect(() => parseMeasurement(pre('null'), 'm.ledmeas')).toThrow(/^m\.ledmeas: header: expected a JSON object$/);
    expect(() => parseMeasurement(pre(`{"width":${DEEP}}`), 'm.ledmeas')).toThrow(/^m\.ledmeas: width: expected an integer 1\.\.32768, got an array$/);
    const m = { width: 2, height: 2, moduleWidth: 2, moduleHeight: 2, levels: [1], xyz: new Float32Array(2 * 2 * 9) };
    expect(() => parseMeasurement(serializeMeasurement({ ...m, peakNits: -5 }), 'm.ledmeas')).toThrow(/^m\.ledmeas: peakNits: expected a number 1\.\.100000/);
    expect(() => parseMeasurement(serializeMeasurement({ ...m, moduleWidth: 3, peakNits: 800 }), 'm.ledmeas')).toThrow(/^m\.ledmeas: moduleWidth: expected at most the width 2, got 3$/);
  });

  it('telemetry: deeply nested JSON is a TelemetryError, not a stack overflow from describing it', () => {
    for (const text of [DEEP, `{"zone":${DEEP},"celsius":30}`, `{"zone":0,"celsius":${DEEP}}`]) {
      let err: unknown;
      try {
        parseTemperatureMessage(text, 4);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TelemetryError);
      expect((err as TelemetryError).reason).toMatch(/nested too deeply to show/);
    }
  });

  it('a JSON-lines feed: a line that fails oddly does not lose the lines after it', async () => {
    const dir = tmpDir('ledpipe-regress-');
    const file = path.join(dir, 't.jsonl');
    fs.writeFileSync(file, `{"zone":0,"celsius":${DEEP}}\n{"zone":1,"celsius":44}\n`);
    const src = new JsonLinesTemperatureSource(file, 2, captureLog(), () => 0);
    await src.start();
    await src.close();
    expect(src.board.malformed).toBe(1);
    expect(src.board.celsius[1]).toBe(44);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('profiles: a deeply nested field is a ProfileError (was a RangeError from JSON.stringify)', () => {
    const preset = JSON.parse(fs.readFileSync('profiles/rental-stage.json', 'utf8')) as Record<string, unknown>;
    expect(() => validateProfile({ ...preset, peakNits: JSON.parse(DEEP) }, 'p.json')).toThrow(ProfileError);
    expect(() => validateProfile({ ...preset, peakNits: JSON.parse(DEEP) }, 'p.json')).toThrow(/^p\.json: peakNits: expected a number 1 to 20000, got an array of 1$/);
  });

  it('profiles: a wall of more than 1024 cabinets per side gets a zone grid the thermal stage accepts', () => {
    const preset = JSON.parse(fs.readFileSync('profiles/rental-stage.json', 'utf8')) as Record<string, unknown>;
    const p = validateProfile({ ...preset, resolution: { width: 8, height: 4098 }, module: { width: 4, height: 4 }, cabinet: { modulesX: 1, modulesY: 1 } }, 'p.json');
    const d = resolveProfile({ profile: p, content: { width: 8, height: 4098 }, fps: 60, models: [], stageTimes: new Map() });
    expect(d.settings.thermalZones).toBe('2x1024');
    expect(parseZoneGrid(d.settings.thermalZones)).toEqual({ cols: 2, rows: 1024 });
    expect(d.reasons.thermalZones).toMatch(/2x1025 cabinets of 4x4 px, capped at 1024 zones per side/);
  });
});
