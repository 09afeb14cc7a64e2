import { describe, expect, it } from 'vitest';
import { ditherTiles, DITHER_TILE_INDEX } from '../../src/calibration/dither-tiles.js';
import { buildKernelPlan } from '../../src/calibration/fullgray-plan.js';
import { applyReference, KERNEL_FLAG_GAIN, KERNEL_FLAG_SEAM, KERNEL_FLAG_SINGLE_ANCHOR } from '../../src/calibration/fullgray-reference.js';
import type { Calibration } from '../../src/calibration/ledcal-format.js';
import { nativeInfo, setNativeIsa } from '../../src/native/index.js';
import { applyNativeCalibration, applyNativeCalibrationAsync, createNativeCalibrationPlan, nativeCalibrationPlanInfo } from '../../src/native/calibration.js';
import type { CubeLut } from '../../src/calibration/cube-lut.js';
import { expectPathsAgree, gradingLut, makeCalibration, nativeCalAvailable, nativeSkipNote, randomFrame } from './fixtures.js';

type Format = 'rgb24' | 'rgb48le';

function maxDiff(a: Buffer, b: Buffer, format: Format): { max: number; at: number } {
  let max = 0, at = -1;
  const n = format === 'rgb24' ? a.length : a.length / 2;
  for (let i = 0; i < n; i++) {
    const d = format === 'rgb24' ? Math.abs(a[i]! - b[i]!) : Math.abs(a.readUInt16LE(2 * i) - b.readUInt16LE(2 * i));
    if (d > max) { max = d; at = i; }
  }
  return { max, at };
}

interface Case {
  name: string;
  cal: Calibration | null;
  lut: CubeLut | null;
  format: Format;
  outBits: number;
  flags: number;
  dither: keyof typeof DITHER_TILE_INDEX;
}

const FULL = KERNEL_FLAG_GAIN | KERNEL_FLAG_SEAM;
const lut = gradingLut(17);
const cases: Case[] = [
  { name: 'rgb24, gamma 2.4 -> 2.2, gains u8 + seams', cal: makeCalibration(), lut: null, format: 'rgb24', outBits: 8, flags: FULL, dither: 'none' },
  { name: 'rgb24, + 3D LUT', cal: makeCalibration({ lut }), lut, format: 'rgb24', outBits: 8, flags: FULL, dither: 'none' },
  { name: 'rgb24, ordered dither', cal: makeCalibration({ seed: 3 }), lut: null, format: 'rgb24', outBits: 8, flags: FULL, dither: 'ordered' },
  { name: 'rgb24, single anchor, no gain', cal: makeCalibration({ seed: 4 }), lut: null, format: 'rgb24', outBits: 8, flags: KERNEL_FLAG_SINGLE_ANCHOR, dither: 'none' },
  { name: 'rgb24, sRGB -> PQ', cal: makeCalibration({ input: { curve: 'srgb' }, output: { curve: 'pq', peakNits: 1000 } }), lut: null, format: 'rgb24', outBits: 8, flags: FULL, dither: 'none' },
  { name: 'rgb48le 16 bit out, u16 gains, linear drive', cal: makeCalibration({ gain: 'u16', output: { curve: 'linear' }, seed: 5 }), lut: null, format: 'rgb48le', outBits: 16, flags: FULL, dither: 'none' },
  { name: 'rgb48le 12 bit out, gamma 2.2 + LUT', cal: makeCalibration({ lut, seed: 6 }), lut, format: 'rgb48le', outBits: 12, flags: FULL, dither: 'temporal' },
  { name: 'rgb48le 16 bit out, gamma 2.2', cal: makeCalibration({ seed: 7 }), lut: null, format: 'rgb48le', outBits: 16, flags: FULL, dither: 'none' },
  { name: 'LUT only rgb24', cal: null, lut, format: 'rgb24', outBits: 8, flags: 0, dither: 'none' },
  { name: 'LUT only rgb48le', cal: null, lut, format: 'rgb48le', outBits: 16, flags: 0, dither: 'none' },
];

describe(`native full-gray kernel vs the double-precision reference${nativeSkipNote}`, () => {
  const isas = nativeCalAvailable ? nativeInfo().supportedIsas : [];
  for (const c of cases) {
    it(`${c.name}: every ISA path within 1 LSB of the reference and agrees with scalar (bit-equal, or within 1 LSB on the SIMD fast paths)`, () => {
      const width = c.cal?.width ?? 61, height = c.cal?.height ?? 23;
      const plan = buildKernelPlan({ width, height, format: c.format, outBits: c.outBits, calibration: c.cal, lut: c.lut });
      const native = createNativeCalibrationPlan(plan);
      const input = randomFrame(width, height, c.format, 11);
      const tile = ditherTiles()[DITHER_TILE_INDEX[c.dither]]!;
      const ref = Buffer.from(input);
      applyReference({ calibration: c.cal, lut: c.lut, format: c.format, width, height, outBits: c.outBits, flags: c.flags, dither: tile, ditherX: 5, ditherY: 9 }, ref);
      const before = nativeInfo().isa;
      const outs: Buffer[] = [];
      try {
        for (const isa of isas) {
          setNativeIsa(isa);
          const out = Buffer.from(input);
          applyNativeCalibration({ plan: native, width, height, format: c.format, data: out, flags: c.flags, ditherIndex: DITHER_TILE_INDEX[c.dither], ditherX: 5, ditherY: 9 });
          outs.push(out);
          const d = maxDiff(out, ref, c.format);
          expect(d.max, `${isa}: max difference ${d.max} at sample ${d.at}`).toBeLessThanOrEqual(1);
        }
      } finally {
        setNativeIsa(before);
      }
      expectPathsAgree(outs, isas, c.format, expect, nativeCalibrationPlanInfo(native)!.fastPath === true);
    });
  }

  it('async equals sync, and two threads equal one', async () => {
    const cal = makeCalibration({ width: 200, height: 120, lut });
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 200, height: 120, format: 'rgb24', outBits: 8, calibration: cal, lut }));
    const input = randomFrame(200, 120, 'rgb24', 3);
    const a = Buffer.from(input), b = Buffer.from(input), c = Buffer.from(input);
    const o = { plan, width: 200, height: 120, format: 'rgb24' as const, flags: FULL, ditherIndex: 2, ditherX: 3, ditherY: 7 };
    applyNativeCalibration({ ...o, data: a });
    await applyNativeCalibrationAsync({ ...o, data: b });
    await applyNativeCalibrationAsync({ ...o, data: c, threads: 2 });
    expect(b.equals(a)).toBe(true);
    expect(c.equals(a)).toBe(true);
    // Frames in SharedArrayBuffer slots (the threaded reader's) work too.
    const shared = Buffer.from(new SharedArrayBuffer(input.length));
    input.copy(shared);
    await applyNativeCalibrationAsync({ ...o, data: shared });
    expect(shared.equals(a)).toBe(true);
  });
});
