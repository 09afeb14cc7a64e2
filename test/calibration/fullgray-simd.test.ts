/**
 * The AVX-512 calibration path's table-free parts (docs/CALIBRATION.md, "Speed"): byte-plane decode,
 * per-lane anchor permutes, and the output encode as a fitted per-octave quartic E(v). The addon
 * fits E(v) against the exact nearest-value encode table over every one of its 40961 bins and keeps
 * it only within 0.02 output codes (then the scalar and AVX2 tables hold E's values, so every path
 * stays bit-identical). Here: the fit is taken for the curves in use and refused where it cannot
 * hold, and on frames holding every rgb24 code (each channel alone, every gray level, mixtures)
 * every path is within 1 LSB of the double-precision reference and bit-equal to scalar.
 */
import { describe, expect, it } from 'vitest';
import { ditherTiles, DITHER_TILE_INDEX } from '../../src/calibration/dither-tiles.js';
import { buildKernelPlan } from '../../src/calibration/fullgray-plan.js';
import { applyReference, KERNEL_FLAG_GAIN, KERNEL_FLAG_SEAM, KERNEL_FLAG_SINGLE_ANCHOR } from '../../src/calibration/fullgray-reference.js';
import type { Calibration, TransferCurve } from '../../src/calibration/ledcal-format.js';
import { nativeInfo, setNativeIsa } from '../../src/native/index.js';
import { applyNativeCalibration, createNativeCalibrationPlan, nativeCalibrationPlanInfo } from '../../src/native/calibration.js';
import type { CubeLut } from '../../src/calibration/cube-lut.js';
import { expectPathsAgree, gradingLut, makeCalibration, nativeCalAvailable, nativeSkipNote, rng } from './fixtures.js';

const FULL = KERNEL_FLAG_GAIN | KERNEL_FLAG_SEAM;

/** 256 x 3 + 256 + 1024 pixels: every code of R, G and B alone, every gray level, then random mixtures with low-gray codes. */
function everyCodeFrame(width: number, height: number): Buffer {
  const b = Buffer.alloc(width * height * 3);
  const r = rng(42);
  let p = 0;
  const put = (cr: number, cg: number, cb: number): void => {
    if (p >= width * height) return;
    b[3 * p] = cr;
    b[3 * p + 1] = cg;
    b[3 * p + 2] = cb;
    p++;
  };
  for (let c = 0; c < 256; c++) put(c, 0, 0);
  for (let c = 0; c < 256; c++) put(0, c, 0);
  for (let c = 0; c < 256; c++) put(0, 0, c);
  for (let c = 0; c < 256; c++) put(c, c, c);
  while (p < width * height) put(Math.floor(r() * 256) >> (p % 3), Math.floor(r() * 256), Math.floor(r() * 256) >> (p % 5 === 0 ? 4 : 0));
  return b;
}

function compareAllPaths(cal: Calibration, lut: CubeLut | null, flags: number, input: Buffer, dither: keyof typeof DITHER_TILE_INDEX = 'ordered'): void {
  const { width, height } = cal;
  const plan = createNativeCalibrationPlan(buildKernelPlan({ width, height, format: 'rgb24', outBits: 8, calibration: cal, lut }));
  const ref = Buffer.from(input);
  applyReference({ calibration: cal, lut, format: 'rgb24', width, height, outBits: 8, flags, dither: ditherTiles()[DITHER_TILE_INDEX[dither]]!, ditherX: 7, ditherY: 3 }, ref);
  const before = nativeInfo().isa;
  const outs: Buffer[] = [];
  try {
    for (const isa of nativeInfo().supportedIsas) {
      setNativeIsa(isa);
      const out = Buffer.from(input);
      applyNativeCalibration({ plan, width, height, format: 'rgb24', data: out, flags, ditherIndex: DITHER_TILE_INDEX[dither], ditherX: 7, ditherY: 3 });
      let max = 0, at = -1;
      for (let i = 0; i < out.length; i++) {
        const d = Math.abs(out[i]! - ref[i]!);
        if (d > max) { max = d; at = i; }
      }
      expect(max, `${isa}: max |native - reference| ${max} at sample ${at}`).toBeLessThanOrEqual(1);
      outs.push(out);
    }
  } finally {
    setNativeIsa(before);
  }
  expectPathsAgree(outs, nativeInfo().supportedIsas, 'rgb24', expect, nativeCalibrationPlanInfo(plan)!.fastPath === true);
}

const outputs: [string, TransferCurve][] = [
  ['gamma 2.2', { curve: 'gamma', gamma: 2.2 }],
  ['gamma 2.4', { curve: 'gamma', gamma: 2.4 }],
  ['gamma 2.6', { curve: 'gamma', gamma: 2.6 }],
  ['sRGB', { curve: 'srgb' }],
  ['PQ 1000 nits', { curve: 'pq', peakNits: 1000 }],
  ['linear', { curve: 'linear' }],
];

describe(`AVX-512 calibration path: fitted encode and table-free lookups${nativeSkipNote}`, () => {
  for (const [name, output] of outputs) {
    it.skipIf(!nativeCalAvailable)(`output ${name}: the quartic encode fits every table bin within 0.02 codes; every rgb24 code within 1 LSB, paths agree with scalar`, () => {
      const cal = makeCalibration({ width: 61, height: 37, output, seed: 9 });
      const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 61, height: 37, format: 'rgb24', outBits: 8, calibration: cal, lut: null }));
      const info = nativeCalibrationPlanInfo(plan)!;
      expect(info.encodePoly, `${name}: fit taken`).toBe(true);
      expect(info.encodePolyError).toBeLessThanOrEqual(info.encodePolyTolerance);
      expect(info.bytePlaneDecode).toBe(true);
      expect(info.anchorPermute).toBe(true);
      // Power laws below gamma ~2.5 (and linear) take the AVX-512 fused fast path's scaled encode
      // (v below 2^-31 is encoded as 2^-31: 0.03 codes at gamma 2.4, 0.065 at 2.6, over the 0.05 limit).
      expect(info.encodeScaled, `${name}: scaled encode`).toBe(['gamma 2.2', 'gamma 2.4', 'linear'].includes(name));
      if (info.encodeScaled) expect(info.encodeScaledError!).toBeLessThanOrEqual(info.encodeScaledTolerance!);
      const input = everyCodeFrame(61, 37);
      compareAllPaths(cal, null, FULL, input);
      compareAllPaths(cal, null, FULL | KERNEL_FLAG_SINGLE_ANCHOR, input, 'none');
    });
  }

  it.skipIf(!nativeCalAvailable)('refuses the fit where it cannot hold 0.02 codes (steep outputs: below 2^-32 E holds the 2^-32 value), and stays within 1 LSB through the table', () => {
    // gamma 4: x^0.25 is too steep near 0 for a quartic on [0, 2^-31] (enc(2^-31) is 1.2 codes).
    for (const gamma of [4]) {
      const cal = makeCalibration({ width: 61, height: 37, output: { curve: 'gamma', gamma }, seed: 2 });
      const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 61, height: 37, format: 'rgb24', outBits: 8, calibration: cal, lut: null }));
      expect(nativeCalibrationPlanInfo(plan)!.encodePoly, `gamma ${gamma}`).toBe(false);
      compareAllPaths(cal, null, FULL, everyCodeFrame(61, 37));
    }
  });

  it.skipIf(!nativeCalAvailable)('with a 3D LUT (encode yields grid coordinates), 10-bit output keeps the table, odd module sizes, every path agrees', () => {
    const lut = gradingLut(17);
    const cal = makeCalibration({ width: 83, height: 29, moduleWidth: 13, moduleHeight: 7, lut, seed: 4 });
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 83, height: 29, format: 'rgb24', outBits: 8, calibration: cal, lut }));
    expect(nativeCalibrationPlanInfo(plan)!.encodePoly).toBe(true);
    compareAllPaths(cal, lut, FULL, everyCodeFrame(83, 29), 'temporal');
    const deep = createNativeCalibrationPlan(buildKernelPlan({ width: 83, height: 29, format: 'rgb48le', outBits: 10, calibration: cal, lut: null }));
    expect(nativeCalibrationPlanInfo(deep)!.encodePoly).toBe(false);
    expect(nativeCalibrationPlanInfo(deep)!.bytePlaneDecode).toBe(false);
  });

  it.skipIf(!nativeCalAvailable)('more than 16 anchors (no permute table): the AVX-512 path falls back and still agrees', () => {
    const anchors = Array.from({ length: 20 }, (_, i) => 0.001 * 1.43 ** i).map((v, i, a) => (i === a.length - 1 ? 1 : Math.min(v, 0.99)));
    const cal = makeCalibration({ width: 45, height: 21, anchors, seed: 6 });
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 45, height: 21, format: 'rgb24', outBits: 8, calibration: cal, lut: null }));
    expect(nativeCalibrationPlanInfo(plan)!.anchorPermute).toBe(false);
    compareAllPaths(cal, null, FULL, everyCodeFrame(45, 21));
  });
});
