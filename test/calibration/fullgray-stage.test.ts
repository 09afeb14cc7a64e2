import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankCalibration, embedCubeLut, importGainPng, importModuleCsv } from '../../src/calibration/calibration-import.js';
import { writeCubeFile } from '../../src/calibration/cube-lut.js';
import { createFullGrayStage, FULLGRAY_MODES } from '../../src/calibration/fullgray-stage.js';
import { CalibrationFileError, readLedcal, serializeLedcal, writeLedcal, type Calibration } from '../../src/calibration/ledcal-format.js';
import { decodePng, encodePng16 } from '../../src/calibration/png16.js';
import type { Frame } from '../../src/pipeline/frame.js';
import type { Logger } from '../../src/pipeline/logger.js';
import { calibrationStageFactory, parseCalibrationFlags } from '../../src/stages/calibration-stage.js';
import type { StageContext } from '../../src/stages/registry.js';
import { gradingLut, makeCalibration, nativeCalAvailable, nativeSkipNote, randomFrame } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ledcal-stage-'));

function recorder(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [], infos: string[] = [];
  return { warnings, infos, error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: (m) => infos.push(m), debug: () => undefined };
}

function frame(data: Buffer, width: number, height: number, seq = 0): Frame {
  return { data, width, height, format: 'rgb24', seq, ptsMs: seq * 40, release: () => undefined };
}

function ctx(width: number, height: number, log: Logger): StageContext {
  return { width, height, format: 'rgb24', fps: 25, live: true, log };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('calibration stage flags', () => {
  it('validates --bit-depth and --dither with the flag in the message', () => {
    expect(() => parseCalibrationFlags({ lut: 'a.cube', 'bit-depth': '20' })).toThrow(/--bit-depth: expected an integer 8\.\.16, got '20'/);
    expect(() => parseCalibrationFlags({ lut: 'a.cube', dither: 'blue' })).toThrow(/--dither: expected one of ordered, temporal, none, got 'blue'/);
    expect(parseCalibrationFlags({ calibration: 'w.ledcal', 'bit-depth': '12', dither: 'temporal' })).toEqual({ calibration: 'w.ledcal', lut: null, bitDepth: 12, dither: 'temporal' });
    expect(calibrationStageFactory.unavailableReason({})).toMatch(/needs --lut FILE\.cube or --calibration FILE\.ledcal/);
    expect(calibrationStageFactory.unavailableReason({ calibration: 'x' })).toBeNull();
  });

  it('a bad calibration file is a usage error naming the flag, file and field', async () => {
    const bad = join(dir, 'bad.ledcal');
    writeFileSync(bad, 'garbage, not a calibration');
    await expect(calibrationStageFactory.create(ctx(67, 29, recorder()), { calibration: bad })).rejects.toThrow(/--calibration: .*bad\.ledcal: magic: expected 'LEDCAL'/);
    const good = join(dir, 'size.ledcal');
    await writeLedcal(good, makeCalibration());
    await expect(calibrationStageFactory.create(ctx(64, 29, recorder()), { calibration: good })).rejects.toThrow(/--calibration: the calibration is for a 67x29 wall but the stream is 64x29/);
    await expect(calibrationStageFactory.create(ctx(67, 29, recorder()), { calibration: good, 'bit-depth': '12' })).rejects.toThrow(/bit depth 12 needs a 16-bit stream/);
  });
});

describe(`full-gray stage${nativeSkipNote}`, () => {
  it.skipIf(!nativeCalAvailable)('runs the ladder full -> single-anchor -> module-only, each changing the result', async () => {
    const file = join(dir, 'ladder.ledcal');
    await writeLedcal(file, makeCalibration({ width: 64, height: 32 }));
    const stage = await calibrationStageFactory.create(ctx(64, 32, recorder()), { calibration: file, dither: 'none' });
    expect(stage.modes).toEqual(FULLGRAY_MODES);
    const input = randomFrame(64, 32, 'rgb24', 9);
    const outs: Buffer[] = [];
    for (let m = 0; m < stage.modes.length; m++) {
      stage.setMode!(m);
      const f = frame(Buffer.from(input), 64, 32);
      outs.push((await stage.process(f)).data);
    }
    expect(outs[0]!.equals(input)).toBe(false);
    expect(outs[0]!.equals(outs[1]!)).toBe(false);
    expect(outs[1]!.equals(outs[2]!)).toBe(false);
    await stage.close?.();
  });

  it.skipIf(!nativeCalAvailable)('a LUT alone is a calibration stage (native kernel)', async () => {
    const cube = join(dir, 'alone.cube');
    await writeCubeFile(cube, gradingLut(9));
    const stage = await calibrationStageFactory.create(ctx(32, 16, recorder()), { lut: cube });
    expect(stage.modes).toEqual(['lut']);
    const f = frame(randomFrame(32, 16, 'rgb24', 2), 32, 16);
    const before = Buffer.from(f.data);
    await stage.process(f);
    expect(f.data.equals(before)).toBe(false);
    await stage.close?.();
  });

  it.skipIf(!nativeCalAvailable)('hot reload under load: swaps between frames, drops nothing, and keeps running through garbage', async () => {
    const W = 320, H = 180;
    const file = join(dir, 'live.ledcal');
    const calA = makeCalibration({ width: W, height: H, moduleWidth: 64, moduleHeight: 36, seed: 1 });
    const calB = makeCalibration({ width: W, height: H, moduleWidth: 64, moduleHeight: 36, seed: 2 });
    await writeLedcal(file, calA);
    const log = recorder();
    const stage = await createFullGrayStage({ width: W, height: H, format: 'rgb24', calibrationFile: file, lut: null, dither: 'none', log, debounceMs: 20 });
    const input = randomFrame(W, H, 'rgb24', 4);
    const expectOf = async (cal: Calibration): Promise<Buffer> => {
      const f2 = join(dir, `ref-${cal === calA ? 'a' : 'b'}.ledcal`);
      await writeLedcal(f2, cal);
      const s = await createFullGrayStage({ width: W, height: H, format: 'rgb24', calibrationFile: f2, lut: null, dither: 'none', log: recorder(), watch: false });
      const out = (await s.process(frame(Buffer.from(input), W, H))).data;
      await s.close();
      return out;
    };
    const outA = await expectOf(calA), outB = await expectOf(calB);
    expect(outA.equals(outB)).toBe(false);

    // Frames flow continuously; every output is wholly A or wholly B (never a mix), none is lost.
    let running = true, processed = 0;
    const seen: string[] = [];
    const pump = (async () => {
      let seq = 0;
      while (running) {
        const out = (await stage.process(frame(Buffer.from(input), W, H, seq++))).data;
        processed++;
        seen.push(out.equals(outA) ? 'A' : out.equals(outB) ? 'B' : 'mixed');
        await new Promise((r) => setImmediate(r));
      }
      return seq;
    })();
    await until(() => processed > 5);
    await writeLedcal(file, calB); // atomic replace
    await until(() => stage.reloadStats.reloads === 1);
    const afterSwap = processed;
    await until(() => processed > afterSwap + 5);
    // Now garbage: refused, logged, B keeps running.
    writeFileSync(file, serializeLedcal(calB).subarray(0, 100));
    await until(() => stage.reloadStats.rejected >= 1);
    const afterBad = processed;
    await until(() => processed > afterBad + 5);
    running = false;
    const submitted = await pump;
    await stage.close();

    expect(submitted).toBe(processed);
    expect(seen).not.toContain('mixed');
    expect(seen[0]).toBe('A');
    expect(seen.at(-1)).toBe('B');
    const firstB = seen.indexOf('B');
    expect(seen.slice(firstB).every((s) => s === 'B')).toBe(true);
    expect(log.warnings.join('\n')).toMatch(/live\.ledcal was not loaded, keeping the previous calibration: .*live\.ledcal: .*truncated/);
    expect(stage.calibration!.matrices).toEqual(calB.matrices);
  });

  it.skipIf(!nativeCalAvailable)('every malformed reload keeps the previous calibration', async () => {
    const file = join(dir, 'reload.ledcal');
    const cal = makeCalibration({ seed: 8 });
    await writeLedcal(file, cal);
    const log = recorder();
    const stage = await createFullGrayStage({ width: 67, height: 29, format: 'rgb24', calibrationFile: file, lut: null, log, watch: false });
    const bads: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['wrong magic', Buffer.from('NOTCAL00000000000000')],
      ['wrong size', serializeLedcal({ ...makeCalibration({ width: 66 }) })],
      ['corrupt', (() => { const b = serializeLedcal(cal); b[b.length - 1] ^= 1; return b; })()],
    ];
    for (const [name, bytes] of bads) {
      writeFileSync(file, bytes);
      expect(await stage.reload(), name).toBe(false);
      expect(stage.calibration!.matrices).toEqual(cal.matrices);
    }
    expect(stage.reloadStats.rejected).toBe(bads.length);
    expect(log.warnings).toHaveLength(bads.length);
    expect(log.warnings[2]).toMatch(/the calibration is for a 66x29 wall but the stream is 67x29/);
    await stage.close();
  });
});

describe('importers', () => {
  it('16-bit PNG gain maps (gray and RGB) become per-pixel gains', async () => {
    const base = blankCalibration({ width: 8, height: 4, moduleWidth: 4, moduleHeight: 4 });
    const gray = Array.from({ length: 32 }, (_, i) => 40000 + i * 700);
    const g = importGainPng(base, decodePng(encodePng16(8, 4, 1, gray), 'g.png'), 'g.png');
    expect(g.gain!.type).toBe('u16');
    expect(g.gain!.data[5]).toBe(gray[5]);
    expect(g.gain!.data[32 + 5]).toBe(gray[5]);
    const rgb = Array.from({ length: 96 }, (_, i) => (i * 1234) % 65536);
    const c = importGainPng(base, decodePng(encodePng16(8, 4, 3, rgb), 'c.png'), 'c.png', 2);
    expect(c.gain!.data[2 * 32 + 7]).toBe(rgb[7 * 3 + 2]);
    expect(c.gain!.scale[0]).toBeCloseTo(2 / 65535, 12);
    const file = join(dir, 'png.ledcal');
    await writeLedcal(file, c);
    expect(Array.from((await readLedcal(file)).gain!.data)).toEqual(Array.from(c.gain!.data));
    expect(() => importGainPng(base, decodePng(encodePng16(4, 4, 1, new Array(16).fill(1)), 's.png'), 's.png')).toThrow(/s\.png: IHDR: expected a 8x4 gain map, got 4x4/);
    const broken = encodePng16(8, 4, 1, gray);
    broken[40] ^= 0xff;
    expect(() => decodePng(broken, 'broken.png')).toThrow(CalibrationFileError);
  });

  it('CSV per-module coefficients, with line numbers in errors', () => {
    const base = blankCalibration({ width: 8, height: 4, moduleWidth: 4, moduleHeight: 4, anchors: [0.1, 1] });
    const csv = '# per-module matrices\nmodule_col,module_row,anchor,m00,m01,m02,m10,m11,m12,m20,m21,m22\n1,0,1,0.9,0.01,0,0,0.95,0,0,0.02,0.97\n';
    const c = importModuleCsv(base, csv, 'm.csv');
    expect(Array.from(c.matrices.subarray((1 * 2 + 1) * 9, (1 * 2 + 1) * 9 + 9)).map((v) => +v.toFixed(4))).toEqual([0.9, 0.01, 0, 0, 0.95, 0, 0, 0.02, 0.97]);
    expect(c.matrices[0]).toBe(1);
    expect(() => importModuleCsv(base, csv.replace('1,0,1,', '2,0,1,'), 'm.csv')).toThrow(/m\.csv:3: module_col: expected an integer 0\.\.1, got '2'/);
    expect(() => importModuleCsv(base, csv.replace('0.95', 'abc'), 'm.csv')).toThrow(/m\.csv:3: m11: expected a number -64\.\.64, got 'abc'/);
    expect(() => importModuleCsv(base, 'a,b\n', 'm.csv')).toThrow(/m\.csv:1: expected the header/);
  });

  it('.cube LUTs are embedded (3D) or referenced (with a shaper)', () => {
    const base = blankCalibration({ width: 8, height: 4, moduleWidth: 4, moduleHeight: 4 });
    expect(embedCubeLut(base, gradingLut(5), 'g.cube').lut!.source).toBe('embedded');
  });
});
