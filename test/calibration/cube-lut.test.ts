import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CubeParseError, parseCube, readCubeFile, serializeCube, writeCubeFile, type CubeLut } from '../../src/calibration/cube-lut.js';
import { identityLut3d, lut1dFromFunction, lut3dFromFunction } from '../../src/calibration/lut-builders.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ledpipe-cube-'));

function identityRows(size: number): string {
  const rows: string[] = [];
  for (let b = 0; b < size; b++) for (let g = 0; g < size; g++) for (let r = 0; r < size; r++) rows.push(`${r / (size - 1)} ${g / (size - 1)} ${b / (size - 1)}`);
  return rows.join('\n');
}

function parseError(text: string, file = 'grading.cube'): CubeParseError {
  try {
    parseCube(text, file);
  } catch (e) {
    if (e instanceof CubeParseError) return e;
    throw e;
  }
  throw new Error('expected a CubeParseError');
}

describe('parseCube: accepted dialect', () => {
  it('reads an Adobe 3D file with title, comments, blank lines, CRLF and red-fastest order', () => {
    const text = ['# made by a test', 'TITLE "wall A"', '', 'LUT_3D_SIZE 2', '# table', '0 0 0', '1 0 0', '0 1 0', '1 1 0', '0 0 1', '1 0 1', '0 1 1', '1 1 1', ''].join('\r\n');
    const lut = parseCube(text);
    expect(lut.title).toBe('wall A');
    expect(lut.lut1d).toBeNull();
    expect(lut.lut3d!.size).toBe(2);
    expect(Array.from(lut.lut3d!.table.subarray(3, 6))).toEqual([1, 0, 0]); // row 1: r index 1
    expect(Array.from(lut.lut3d!.table.subarray(12, 15))).toEqual([0, 0, 1]); // row 4: b index 1
  });

  it('reads DOMAIN_MIN/MAX per channel, a BOM, exponents and trailing comments', () => {
    const text = `\uFEFFLUT_1D_SIZE 2\nDOMAIN_MIN -0.1 0 0.2\nDOMAIN_MAX 1 2.5e0 1.2 # wide green\n0 0 0\n1e0 1 .5 # last\n`;
    const lut = parseCube(text);
    expect(lut.lut1d!.domainMin).toEqual([-0.1, 0, 0.2]);
    expect(lut.lut1d!.domainMax).toEqual([1, 2.5, 1.2]);
    expect(Array.from(lut.lut1d!.table)).toEqual([0, 0, 0, 1, 1, 0.5]);
  });

  it('reads a Resolve file: 1D shaper then 3D table, with LUT_*_INPUT_RANGE', () => {
    const text = `LUT_1D_SIZE 3\nLUT_1D_INPUT_RANGE 0 2\nLUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE -0.5 1.5\n0 0 0\n0.5 0.5 0.5\n1 1 1\n${identityRows(2)}\n`;
    const lut = parseCube(text);
    expect(lut.lut1d!.size).toBe(3);
    expect(lut.lut1d!.domainMax).toEqual([2, 2, 2]);
    expect(lut.lut3d!.domainMin).toEqual([-0.5, -0.5, -0.5]);
    expect(Array.from(lut.lut3d!.table.subarray(0, 6))).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('accepts the size limits: LUT_3D_SIZE 2..256, LUT_1D_SIZE 2..65536', () => {
    const rows = Array.from({ length: 65536 }, () => '0 0 0').join('\n');
    expect(parseCube(`LUT_1D_SIZE 65536\n${rows}`).lut1d!.size).toBe(65536);
    expect(parseCube(`LUT_3D_SIZE 65\n${identityRows(65)}`).lut3d!.size).toBe(65);
  });
});

describe('parseCube: every malformed kind names file, line and what was expected', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a row with too few numbers', `LUT_3D_SIZE 2\n0 0 0\n1 0\n`, /^grading\.cube:3: expected 3 numbers, got 2$/],
    ['a row with too many numbers', `LUT_3D_SIZE 2\n0 0 0 0\n`, /^grading\.cube:2: expected 3 numbers, got 4$/],
    ['a non-numeric value', `LUT_3D_SIZE 2\n0 0 abc\n`, /^grading\.cube:2: expected a number, got 'abc'$/],
    ['a non-finite value', `LUT_3D_SIZE 2\n0 0 1e999\n`, /^grading\.cube:2: expected a finite number, got '1e999'$/],
    ['LUT_3D_SIZE out of range', `TITLE "x"\nLUT_3D_SIZE 300\n`, /^grading\.cube:2: LUT_3D_SIZE 300 out of range 2\.\.256$/],
    ['LUT_3D_SIZE 1', `LUT_3D_SIZE 1\n`, /^grading\.cube:1: LUT_3D_SIZE 1 out of range 2\.\.256$/],
    ['LUT_1D_SIZE out of range', `LUT_1D_SIZE 70000\n`, /^grading\.cube:1: LUT_1D_SIZE 70000 out of range 2\.\.65536$/],
    ['a fractional size', `LUT_3D_SIZE 2.5\n`, /^grading\.cube:1: LUT_3D_SIZE must be an integer, got 2\.5$/],
    ['a size with two values', `LUT_3D_SIZE 2 2\n`, /^grading\.cube:1: LUT_3D_SIZE expects 1 number, got 2$/],
    ['one table row missing', `LUT_3D_SIZE 33\n${identityRows(33).split('\n').slice(1).join('\n')}\n`, /^grading\.cube: expected 35937 table rows, got 35936$/],
    ['one table row too many', `LUT_3D_SIZE 2\n${identityRows(2)}\n1 1 1\n`, /^grading\.cube: expected 8 table rows, got 9$/],
    ['no table at all', `LUT_3D_SIZE 2\n`, /^grading\.cube: expected 8 table rows, got 0$/],
    ['no size keyword', `TITLE "x"\n`, /^grading\.cube: expected LUT_1D_SIZE or LUT_3D_SIZE; found neither$/],
    ['an empty file', ``, /^grading\.cube: expected LUT_1D_SIZE or LUT_3D_SIZE; found neither$/],
    ['rows before the size', `0 0 0\nLUT_3D_SIZE 2\n`, /^grading\.cube:1: expected LUT_1D_SIZE or LUT_3D_SIZE before the first table row$/],
    ['a keyword after the table', `LUT_3D_SIZE 2\n0 0 0\nTITLE "late"\n`, /^grading\.cube:3: expected a table row \(3 numbers\), got 'TITLE "late"'; keywords must come before the table \(it starts on line 2\)$/],
    ['an unknown keyword', `LUT_3D_SIZE 2\nLUT_4D_SIZE 2\n`, /^grading\.cube:2: unknown keyword 'LUT_4D_SIZE'; expected one of TITLE, LUT_1D_SIZE/],
    ['a duplicate keyword', `LUT_3D_SIZE 2\nLUT_3D_SIZE 3\n`, /^grading\.cube:2: LUT_3D_SIZE given twice \(first on line 1\)$/],
    ['an unquoted title', `TITLE wall\n`, /^grading\.cube:1: expected TITLE "text", got 'TITLE wall'$/],
    ['DOMAIN_MIN with two numbers', `LUT_3D_SIZE 2\nDOMAIN_MIN 0 0\n`, /^grading\.cube:2: DOMAIN_MIN expects 3 numbers, got 2$/],
    ['DOMAIN_MIN not below DOMAIN_MAX', `LUT_3D_SIZE 2\nDOMAIN_MIN 0 1 0\nDOMAIN_MAX 1 1 1\n${identityRows(2)}`, /^grading\.cube:3: DOMAIN_MIN must be below DOMAIN_MAX in every channel, got 0 1 0 and 1 1 1$/],
    ['an inverted INPUT_RANGE', `LUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE 1 0\n`, /^grading\.cube:2: LUT_3D_INPUT_RANGE minimum must be below maximum, got 1 0$/],
    ['an INPUT_RANGE for a missing table', `LUT_3D_SIZE 2\nLUT_1D_INPUT_RANGE 0 1\n${identityRows(2)}`, /^grading\.cube:2: LUT_1D_INPUT_RANGE given without LUT_1D_SIZE$/],
    ['DOMAIN_* and INPUT_RANGE together', `LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\nLUT_3D_INPUT_RANGE 0 1\n${identityRows(2)}`, /^grading\.cube:2: expected either DOMAIN_MIN\/DOMAIN_MAX or LUT_\*_INPUT_RANGE, not both$/],
    ['DOMAIN_* with both tables', `LUT_1D_SIZE 2\nLUT_3D_SIZE 2\nDOMAIN_MAX 2 2 2\n0 0 0\n1 1 1\n${identityRows(2)}`, /^grading\.cube:3: DOMAIN_MIN\/DOMAIN_MAX are ambiguous in a file with both a 1D and a 3D table/],
  ];

  it.each(cases)('%s', (_what, text, message) => {
    const e = parseError(text);
    expect(e.name).toBe('CubeParseError');
    expect(e.file).toBe('grading.cube');
    expect(e.message).toMatch(message);
  });

  it('names the path given to readCubeFile', async () => {
    const file = path.join(dir, 'broken.cube');
    writeFileSync(file, 'LUT_3D_SIZE 2\n0 0\n');
    await expect(readCubeFile(file)).rejects.toThrow(`${file}:2: expected 3 numbers, got 2`);
  });
});

describe('serializeCube', () => {
  function expectSameLut(a: CubeLut, b: CubeLut, tolerance: number): void {
    expect(b.title).toBe(a.title);
    for (const key of ['lut1d', 'lut3d'] as const) {
      const x = a[key];
      const y = b[key];
      if (x === null || y === null) {
        expect(y).toBe(x);
        continue;
      }
      expect(y.size).toBe(x.size);
      expect(y.domainMin).toEqual(x.domainMin);
      expect(y.domainMax).toEqual(x.domainMax);
      let worst = 0;
      for (let i = 0; i < x.table.length; i++) worst = Math.max(worst, Math.abs(x.table[i]! - y.table[i]!));
      expect(worst).toBeLessThanOrEqual(tolerance);
    }
  }

  it('round-trips a 3D LUT with a per-channel domain through a file', async () => {
    const lut3d = lut3dFromFunction(17, ([r, g, b]) => [r * r, 0.5 * g + 0.25, Math.sqrt(Math.max(b, 0))], { min: [0, -0.25, 0], max: [1, 1.25, 2] });
    const lut: CubeLut = { title: 'round trip', lut1d: null, lut3d };
    const file = path.join(dir, 'roundtrip.cube');
    await writeCubeFile(file, lut);
    expectSameLut(lut, await readCubeFile(file), 5e-7);
  });

  it('round-trips a Resolve shaper + 3D file and is stable text after one pass', () => {
    const lut: CubeLut = {
      title: null,
      lut1d: lut1dFromFunction(1024, ([r, g, b]) => [r ** 0.5, g ** 0.5, b ** 0.5], { min: [0, 0, 0], max: [4, 4, 4] }),
      lut3d: identityLut3d(9, { min: [0, 0, 0], max: [2, 2, 2] }),
    };
    const text = serializeCube(lut);
    expect(text).toContain('LUT_1D_INPUT_RANGE 0 4\nLUT_3D_SIZE 9\nLUT_3D_INPUT_RANGE 0 2\n');
    const parsed = parseCube(text);
    expectSameLut(lut, parsed, 5e-7);
    expect(serializeCube(parsed)).toBe(text);
  });

  it('refuses what .cube cannot hold', () => {
    expect(() => serializeCube({ title: null, lut1d: null, lut3d: null })).toThrow(/needs a 1D table, a 3D table or both/);
    expect(() => serializeCube({ title: 'a "quoted" title', lut1d: null, lut3d: identityLut3d(2) })).toThrow(/quotes/);
    const perChannel = identityLut3d(2, { min: [0, 0, 0], max: [1, 2, 1] });
    expect(() => serializeCube({ title: null, lut1d: lut1dFromFunction(2, (v) => v), lut3d: perChannel })).toThrow(/LUT_3D_INPUT_RANGE holds one range/);
  });
});
