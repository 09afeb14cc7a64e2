import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCubeFile } from '../../src/calibration/cube-lut.js';
import { halfToFloat, floatToHalf } from '../../src/util/half-float.js';
import { CalibrationFileError, crc32, parseLedcal, readLedcal, serializeLedcal, writeLedcal, type Calibration } from '../../src/calibration/ledcal-format.js';
import { gradingLut, makeCalibration } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ledcal-'));

function roundF16(a: Float32Array): Float32Array {
  return a.map((v) => halfToFloat(floatToHalf(v)));
}

/** Re-encodes a file with its header changed by `edit` (the CRC stays right unless edit changes it). */
function withHeader(cal: Calibration, edit: (h: Record<string, unknown>) => void): Buffer {
  const bytes = serializeLedcal(cal);
  const len = bytes.readUInt32LE(8);
  const h = JSON.parse(bytes.subarray(12, 12 + len).toString('utf8')) as Record<string, unknown>;
  const dataStart = (12 + len + 15) & ~15;
  edit(h);
  const json = Buffer.from(JSON.stringify(h));
  const pre = Buffer.from(bytes.subarray(0, 12));
  pre.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc(((12 + json.length + 15) & ~15) - 12 - json.length);
  return Buffer.concat([pre, json, pad, bytes.subarray(dataStart)]);
}

async function expectError(bytes: Buffer, message: RegExp): Promise<void> {
  const err = await parseLedcal(bytes, 'wall.ledcal').then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CalibrationFileError);
  expect((err as Error).message).toMatch(message);
}

describe('.ledcal format', () => {
  it('round-trips matrices (f16 and f32), u8 and u16 gains, seams and an embedded LUT', async () => {
    for (const [matrixType, gain] of [['f16', 'u8'], ['f32', 'u16']] as const) {
      const cal: Calibration = { ...makeCalibration({ gain, lut: gradingLut(9) }), matrixType };
      const file = join(dir, `rt-${matrixType}.ledcal`);
      await writeLedcal(file, cal);
      const back = await readLedcal(file);
      expect(back.width).toBe(cal.width);
      expect(back.anchors).toEqual(cal.anchors);
      expect(back.input).toEqual(cal.input);
      expect(back.output).toEqual(cal.output);
      expect(back.target).toEqual(cal.target);
      expect(back.matrices).toEqual(matrixType === 'f16' ? roundF16(cal.matrices) : cal.matrices);
      expect(back.gain!.type).toBe(gain);
      expect(Array.from(back.gain!.data)).toEqual(Array.from(cal.gain!.data));
      expect(back.gain!.scale).toEqual(cal.gain!.scale);
      expect(back.seams).toEqual(cal.seams);
      expect(back.lut!.source).toBe('embedded');
      expect(back.lut!.cube.lut3d!.table).toEqual(cal.lut!.cube.lut3d!.table);
    }
    // The writer leaves no temporary file behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('resolves a referenced .cube next to the calibration file', async () => {
    await writeCubeFile(join(dir, 'grade.cube'), gradingLut(5));
    const cal = makeCalibration({ seams: false, gain: null });
    await writeLedcal(join(dir, 'ref.ledcal'), { ...cal, lut: { source: 'grade.cube', cube: gradingLut(5) } });
    const back = await readLedcal(join(dir, 'ref.ledcal'));
    expect(back.lut!.source).toBe('grade.cube');
    expect(back.lut!.cube.lut3d!.size).toBe(5);
    expect(back.gain).toBeNull();
    expect(back.seams).toBeNull();
  });

  it('half floats round to nearest even and survive subnormals', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(halfToFloat(floatToHalf(2 ** -20))).toBe(2 ** -20);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    for (let h = 0; h < 0x7c00; h += 37) expect(floatToHalf(halfToFloat(h))).toBe(h);
  });

  describe('malformed files name the file, the field and the allowed range', () => {
    const cal = makeCalibration({ gain: 'u8' });
    const good = serializeLedcal(cal);
    const cases: [string, () => Buffer, RegExp][] = [
      ['not a calibration', () => Buffer.from('hello world, not a calibration'), /^wall\.ledcal: magic: expected 'LEDCAL'/],
      ['too short', () => good.subarray(0, 5), /wall\.ledcal: preamble: expected at least 12 bytes/],
      ['future version', () => { const b = Buffer.from(good); b.writeUInt16LE(2, 6); return b; }, /wall\.ledcal: version: expected 1 .*got 2/],
      ['truncated header', () => good.subarray(0, 40), /headerLength: .*truncated/],
      ['bad JSON', () => { const b = Buffer.from(good); b.write('{{{{', 12, 'latin1'); return b; }, /wall\.ledcal: header: not valid UTF-8 JSON/],
      ['anchor level 1.5', () => withHeader(cal, (h) => { (h.anchors as { level: number }[])[2]!.level = 1.5; }), /^wall\.ledcal: anchors\[2\]\.level: expected 0 < level ≤ 1, got 1\.5$/],
      ['anchors not increasing', () => withHeader(cal, (h) => { (h.anchors as { level: number }[])[1]!.level = 0.001; }), /anchors\[1\]\.level: expected a level above anchors\[0\]\.level/],
      ['no anchors', () => withHeader(cal, (h) => { h.anchors = []; }), /anchors: expected an array of 1\.\.16 anchors, got an array of 0/],
      ['bit depth 20', () => withHeader(cal, (h) => { (h.output as Record<string, unknown>).bitDepth = 20; }), /output\.bitDepth: expected an integer 8\.\.16, got 20/],
      ['unknown dither', () => withHeader(cal, (h) => { (h.output as Record<string, unknown>).dither = 'blue'; }), /output\.dither: expected one of 'ordered', 'temporal', 'none', got "blue"/],
      ['gamma 9', () => withHeader(cal, (h) => { h.input = { curve: 'gamma', gamma: 9 }; }), /input\.gamma: expected 0\.2 ≤ gamma ≤ 4, got 9/],
      ['unknown curve', () => withHeader(cal, (h) => { h.input = { curve: 'log' }; }), /input\.curve: expected one of 'linear', 'srgb', 'gamma', 'pq'/],
      ['module wider than the wall', () => withHeader(cal, (h) => { (h.modules as Record<string, unknown>).width = 1000; }), /modules\.width: expected an integer 1\.\.67, got 1000/],
      ['white y = 0', () => withHeader(cal, (h) => { (h.target as Record<string, unknown>).white = { x: 0.3, y: 0 }; }), /target\.white\.y: expected 0 < y ≤ 1, got 0/],
      ['missing plane', () => withHeader(cal, (h) => { h.matrices = { plane: 'nope' }; }), /matrices\.plane: expected the name of a plane in planes\[\]/],
      ['plane count wrong', () => withHeader(cal, (h) => { (h.planes as { count: number }[])[0]!.count -= 9; }), /planes\[matrices\]\.count: expected \d+ values for matrices/],
      ['plane misaligned', () => withHeader(cal, (h) => { (h.planes as { offset: number }[])[1]!.offset += 4; }), /planes\[1\]\.offset: expected a multiple of 16/],
      ['truncated data', () => good.subarray(0, good.length - 100), /planes\[\d\]: expected to end within the \d+ data bytes \(the file is truncated\)/],
      ['corrupt data', () => { const b = Buffer.from(good); b[b.length - 3] ^= 0xff; return b; }, /dataCrc32: expected \d+ as in the header \(the data is corrupt\)/],
      ['matrix NaN', () => withHeader(cal, (h) => { h.dataCrc32 = 0; }), /dataCrc32/],
      ['gain too large', () => withHeader(cal, (h) => { (h.gain as Record<string, unknown>).offset = [3.9, 1, 1]; }), /gain\.scale\[0\]: expected offset \+ scale \* 255 ≤ 4/],
      ['referenced LUT missing', () => withHeader(cal, (h) => { h.lut = { file: 'missing.cube' }; }), /lut\.file: no such file .*missing\.cube/],
    ];
    for (const [name, make, message] of cases) it(name, () => expectError(make(), message));

    it('a matrix value that is not finite is named with its index', async () => {
      const bad = makeCalibration({ gain: null, seams: false });
      const m = new Float32Array(bad.matrices);
      m[13] = Infinity;
      const bytes = serializeLedcal({ ...bad, matrices: m, matrixType: 'f32' });
      await expectError(bytes, /matrices\[13\]: expected a finite value -64\.\.64, got Infinity/);
    });

    it('a missing file', async () => {
      await expect(readLedcal(join(dir, 'absent.ledcal'))).rejects.toThrow(/absent\.ledcal: no such file/);
    });
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes garbage-free files that the reader accepts byte for byte', async () => {
    const file = join(dir, 'bytes.ledcal');
    const cal = makeCalibration();
    await writeLedcal(file, cal);
    expect((await readFile(file)).equals(serializeLedcal(cal))).toBe(true);
    writeFileSync(join(dir, 'x.txt'), 'unrelated');
  });
});
