import { describe, it, expect } from 'vitest';
import type { Frame, PixelFormat } from '../../src/pipeline/frame.js';
import type { CubeLut } from '../../src/calibration/cube-lut.js';
import { identityLut3d, lut1dFromFunction, lut3dFromFunction } from '../../src/calibration/lut-builders.js';
import { sampleCubeLut, type Lut3dInterpolation } from '../../src/calibration/lut-interpolation.js';
import { createLutStage, LUT_STAGE_MODES, LutStageOptionsError } from '../../src/calibration/lut-stage.js';

function makeFrame(width: number, height: number, format: PixelFormat, seed: number, data?: Buffer): Frame {
  const bytes = width * height * (format === 'rgb24' ? 3 : 6);
  const buf = data ?? Buffer.alloc(bytes);
  let s = seed >>> 0;
  for (let i = 0; i < bytes; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = s >>> 24;
  }
  return { data: buf, width, height, format, seq: 0, ptsMs: 0, release: () => undefined };
}

/** The float reference quantised the way an integer frame must be: round half up, clamp. */
function reference(lut: CubeLut, frame: Frame, method: Lut3dInterpolation): Buffer {
  const max = frame.format === 'rgb24' ? 255 : 65535;
  const out = Buffer.from(frame.data);
  const n = frame.width * frame.height;
  const get = (i: number): number => (frame.format === 'rgb24' ? frame.data[i]! : frame.data.readUInt16LE(i * 2));
  const set = (i: number, v: number): void => {
    const q = Math.min(max, Math.max(0, Math.round(v * max)));
    if (frame.format === 'rgb24') out[i] = q;
    else out.writeUInt16LE(q, i * 2);
  };
  for (let p = 0; p < n; p++) {
    const v = sampleCubeLut(lut, [get(p * 3) / max, get(p * 3 + 1) / max, get(p * 3 + 2) / max], method);
    for (let c = 0; c < 3; c++) set(p * 3 + c, v[c]!);
  }
  return out;
}

function maxCodeDifference(a: Buffer, b: Buffer, format: PixelFormat): number {
  let worst = 0;
  const step = format === 'rgb24' ? 1 : 2;
  for (let i = 0; i < a.length; i += step) {
    const x = step === 1 ? a[i]! : a.readUInt16LE(i);
    const y = step === 1 ? b[i]! : b.readUInt16LE(i);
    worst = Math.max(worst, Math.abs(x - y));
  }
  return worst;
}

// A nonlinear grade that leaves [0, 1] in places, so clamping is exercised too.
const grade = lut3dFromFunction(17, ([r, g, b]) => [1.1 * r ** 0.8 - 0.05 * g, 0.9 * g ** 1.3 + 0.1 * b * r, Math.sin(1.4 * b) + 0.05 * r - 0.02]);
const LUTS: Array<[string, CubeLut]> = [
  ['3D', { title: null, lut1d: null, lut3d: grade }],
  ['3D with a domain', { title: null, lut1d: null, lut3d: lut3dFromFunction(9, ([r, g, b]) => [g, b * 0.5 + 0.2, r * r], { min: [-0.1, 0, 0.1], max: [1.2, 1, 0.9] }) }],
  ['shaper + 3D', { title: null, lut1d: lut1dFromFunction(64, ([r, g, b]) => [r ** 0.45, g ** 0.5, b ** 0.4]), lut3d: grade }],
  ['1D only', { title: null, lut1d: lut1dFromFunction(1024, ([r, g, b]) => [r ** 2.2, 1 - g, b * 1.5]), lut3d: null }],
];

describe('LUT stage', () => {
  for (const [name, lut] of LUTS) {
    for (const format of ['rgb24', 'rgb48le'] as const) {
      for (const [index, mode] of LUT_STAGE_MODES.entries()) {
        it(`${name}, ${format}, ${mode}: within 1 code value of the float reference`, () => {
          const stage = createLutStage({ lut });
          stage.setMode(index);
          const frame = makeFrame(61, 37, format, 11 + index);
          const expected = reference(lut, frame, mode);
          expect(stage.process(frame)).toBe(frame); // in place
          expect(maxCodeDifference(frame.data, expected, format)).toBeLessThanOrEqual(1);
        });
      }
    }
  }

  it('leaves every rgb24 code unchanged with an identity LUT (exhaustive over a 64³ code subset)', () => {
    const stage = createLutStage({ lut: { title: null, lut1d: null, lut3d: identityLut3d(33) } });
    const data = Buffer.alloc(64 ** 3 * 3);
    let o = 0;
    for (let b = 0; b < 256; b += 4) {
      for (let g = 0; g < 256; g += 4) {
        for (let r = 0; r < 256; r += 4) {
          data[o++] = r + 3;
          data[o++] = g;
          data[o++] = b + 1;
        }
      }
    }
    const frame: Frame = { data, width: 64 * 64, height: 64, format: 'rgb24', seq: 0, ptsMs: 0, release: () => undefined };
    const before = Buffer.from(data);
    stage.process(frame);
    expect(Buffer.compare(frame.data, before)).toBe(0);
  });

  it('handles an rgb48le frame at an odd byte offset the same as an aligned one', () => {
    const lut = LUTS[0]![1];
    const aligned = makeFrame(13, 7, 'rgb48le', 5);
    const backing = Buffer.alloc(aligned.data.length + 1);
    const odd = Buffer.from(backing.buffer, backing.byteOffset + 1, aligned.data.length);
    aligned.data.copy(odd);
    const oddFrame: Frame = { ...aligned, data: odd };
    createLutStage({ lut }).process(aligned);
    createLutStage({ lut }).process(oddFrame);
    expect(Buffer.compare(odd, aligned.data)).toBe(0);
  });

  it('has the degradation ladder tetrahedral → trilinear and validates setMode', () => {
    const stage = createLutStage({ lut: LUTS[0]![1], mode: 'trilinear' });
    expect(stage.name).toBe('lut');
    expect(stage.modes).toEqual(['tetrahedral', 'trilinear']);
    expect(stage.mode).toBe('trilinear');
    stage.setMode(0);
    expect(stage.mode).toBe('tetrahedral');
    expect(() => stage.setMode(2)).toThrow(/lut.setMode: expected an index 0..1, got 2/);
  });

  it('rejects bad options and short frames with messages naming the field', () => {
    expect(() => createLutStage({ lut: { title: null, lut1d: null, lut3d: null } })).toThrow(LutStageOptionsError);
    expect(() => createLutStage({ lut: LUTS[0]![1], mode: 'cubic' as Lut3dInterpolation })).toThrow(/lut.mode: expected one of tetrahedral, trilinear, got 'cubic'/);
    const frame: Frame = { ...makeFrame(4, 4, 'rgb24', 1), width: 5 };
    expect(() => createLutStage({ lut: LUTS[0]![1] }).process(frame)).toThrow(/5x4 rgb24 frame needs 60 bytes, got 48/);
  });
});
