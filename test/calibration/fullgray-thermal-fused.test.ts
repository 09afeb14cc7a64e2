/**
 * Thermal compensation fused into the calibration kernel (docs/THERMAL.md, "Fused with
 * calibration"): one decode → matrices → gains → clamp → thermal zone matrix → clamp → encode pass.
 * Every ISA path within 1 LSB of the double-precision definition (fullgray-reference.ts with
 * `thermal`) and bit-equal to scalar; identity zones give exactly the calibration alone; against
 * the two stages run one after the other (with the intermediate 8-bit rounding the fused pass
 * skips) within 1 code.
 */
import { describe, expect, it } from 'vitest';
import { ditherTiles, DITHER_TILE_INDEX } from '../../src/calibration/dither-tiles.js';
import { buildKernelPlan } from '../../src/calibration/fullgray-plan.js';
import { applyReference, KERNEL_FLAG_GAIN, KERNEL_FLAG_SEAM, KERNEL_FLAG_SINGLE_ANCHOR } from '../../src/calibration/fullgray-reference.js';
import type { Calibration } from '../../src/calibration/ledcal-format.js';
import { applyNativeCalibration, createNativeCalibrationPlan, nativeCalibrationPlanInfo } from '../../src/native/calibration.js';
import { nativeInfo, setNativeIsa, thermalApply } from '../../src/native/index.js';
import type { PixelFormat } from '../../src/pipeline/frame.js';
import { resolveLedType } from '../../src/thermal/led-model.js';
import { zoneCorrections } from '../../src/thermal/thermal-correction.js';
import { buildThermalTables, parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import type { ZoneGrid } from '../../src/thermal/zone-grid.js';
import { expectPathsAgree, makeCalibration, nativeCalAvailable, nativeSkipNote, rng } from './fixtures.js';

const FULL = KERNEL_FLAG_GAIN | KERNEL_FLAG_SEAM;

/** Zone corrections of an smd-rgb-2121 wall from 28 °C to 62 °C across the zones (full 3x3 with cross terms). */
function zoneMatrices(grid: ZoneGrid): Float32Array {
  const model = resolveLedType('smd-rgb-2121').model;
  const n = grid.cols * grid.rows;
  const temps = Array.from({ length: n }, (_, z) => 28 + (34 * ((z * 7) % n)) / Math.max(1, n - 1));
  return Float32Array.from(zoneCorrections(model, temps, 'wall').matrices.flatMap((m) => m.flat()));
}

function frame(width: number, height: number, format: PixelFormat, seed: number): Buffer {
  const r = rng(seed);
  const n = width * height * 3;
  if (format === 'rgb24') {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = i < 768 ? (i / 3) & 255 : Math.floor(r() * 256) >> (i % 7 === 0 ? 3 : 0);
    return b;
  }
  const b = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) b.writeUInt16LE(Math.floor(r() * 65536) >> (i % 5 === 0 ? 6 : 0), 2 * i);
  return b;
}

/** Differences in output LSBs (a 16-bit frame holding N-bit codes: 65535 / (2^N - 1) per LSB). */
function maxDiff(a: Buffer, b: Buffer, format: PixelFormat, outBits = format === 'rgb24' ? 8 : 16): { max: number; mean: number } {
  let max = 0, sum = 0, n = 0;
  const lsb = format === 'rgb24' ? 1 : 65535 / (2 ** outBits - 1);
  if (format === 'rgb24') {
    for (let i = 0; i < a.length; i++, n++) {
      const d = Math.abs(a[i]! - b[i]!);
      sum += d;
      if (d > max) max = d;
    }
  } else {
    for (let i = 0; i < a.length; i += 2, n++) {
      const d = Math.round(Math.abs(a.readUInt16LE(i) - b.readUInt16LE(i)) / lsb);
      sum += d;
      if (d > max) max = d;
    }
  }
  return { max, mean: sum / n };
}

function fusedAllPaths(cal: Calibration, grid: ZoneGrid, zones: Float32Array, flags: number, format: PixelFormat, outBits: number, dither: keyof typeof DITHER_TILE_INDEX): Buffer[] {
  const { width, height } = cal;
  const plan = createNativeCalibrationPlan(buildKernelPlan({ width, height, format, outBits, calibration: cal, lut: null }));
  const input = frame(width, height, format, 5);
  const ref = Buffer.from(input);
  applyReference({ calibration: cal, lut: null, format, width, height, outBits, flags, dither: ditherTiles()[DITHER_TILE_INDEX[dither]]!, ditherX: 5, ditherY: 9, thermal: { zones, grid } }, ref);
  const before = nativeInfo().isa;
  const outs: Buffer[] = [];
  try {
    for (const isa of nativeInfo().supportedIsas) {
      setNativeIsa(isa);
      const out = Buffer.from(input);
      applyNativeCalibration({ plan, width, height, format, data: out, flags, ditherIndex: DITHER_TILE_INDEX[dither], ditherX: 5, ditherY: 9, thermal: { zones, cols: grid.cols, rows: grid.rows } });
      const d = maxDiff(out, ref, format, outBits);
      expect(d.max, `${isa} ${grid.cols}x${grid.rows} ${format} ${outBits}-bit: max |fused - reference| in LSBs`).toBeLessThanOrEqual(1);
      outs.push(out);
    }
  } finally {
    setNativeIsa(before);
  }
  expectPathsAgree(outs, nativeInfo().supportedIsas, format, expect, nativeCalibrationPlanInfo(plan)!.fastPath === true, format === 'rgb24' ? 1 : 65535 / (2 ** outBits - 1));
  return outs;
}

describe(`calibration with thermal fused into the same pass${nativeSkipNote}`, () => {
  for (const grid of [{ cols: 1, rows: 1 }, { cols: 4, rows: 3 }, { cols: 7, rows: 5 }]) {
    it.skipIf(!nativeCalAvailable)(`${grid.cols}x${grid.rows} zones, rgb24 (every code, odd modules): every path within 1 LSB of the reference and of scalar`, () => {
      const cal = makeCalibration({ width: 61, height: 37, moduleWidth: 13, moduleHeight: 7, seed: 3 });
      const zones = zoneMatrices(grid);
      fusedAllPaths(cal, grid, zones, FULL, 'rgb24', 8, 'ordered');
      fusedAllPaths(cal, grid, zones, FULL | KERNEL_FLAG_SINGLE_ANCHOR, 'rgb24', 8, 'none');
    });
  }

  it.skipIf(!nativeCalAvailable)('wide rows (1100 px: 512-pixel decode chunks, runs crossing them, blocks crossing zone centres): within 1 LSB, agrees with scalar', () => {
    const cal = makeCalibration({ width: 1100, height: 6, moduleWidth: 100, moduleHeight: 4, seed: 12 });
    for (const grid of [{ cols: 7, rows: 2 }, { cols: 150, rows: 1 }]) {
      fusedAllPaths(cal, grid, zoneMatrices(grid), FULL, 'rgb24', 8, 'ordered');
    }
    fusedAllPaths(cal, { cols: 1, rows: 1 }, zoneMatrices({ cols: 1, rows: 1 }), KERNEL_FLAG_SEAM | KERNEL_FLAG_SINGLE_ANCHOR, 'rgb24', 8, 'none');
  });

  it.skipIf(!nativeCalAvailable)('12 anchors (AVX2 permutes across two 8-lane halves), 13-pixel modules (short run tails), with and without zones', () => {
    const anchors = [0.002, 0.0035, 0.006, 0.01, 0.017, 0.03, 0.05, 0.08, 0.14, 0.25, 0.5, 1];
    const cal = makeCalibration({ width: 83, height: 29, moduleWidth: 13, moduleHeight: 7, anchors, output: { curve: 'gamma', gamma: 2.4 }, seed: 17 });
    const grid = { cols: 9, rows: 4 };
    fusedAllPaths(cal, grid, zoneMatrices(grid), FULL, 'rgb24', 8, 'temporal');
    fusedAllPaths(cal, grid, zoneMatrices(grid), FULL, 'rgb24', 8, 'none');
  });

  it.skipIf(!nativeCalAvailable)('rgb48le, 16-bit and 10-bit output: within 1 LSB of the reference and of scalar', () => {
    const cal = makeCalibration({ width: 45, height: 23, seed: 8 });
    const grid = { cols: 3, rows: 2 };
    fusedAllPaths(cal, grid, zoneMatrices(grid), FULL, 'rgb48le', 16, 'none');
    fusedAllPaths(cal, grid, zoneMatrices(grid), FULL, 'rgb48le', 10, 'ordered');
  });

  it.skipIf(!nativeCalAvailable)('identity zones leave the calibration bit for bit', () => {
    const cal = makeCalibration({ width: 61, height: 37, seed: 4 });
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 61, height: 37, format: 'rgb24', outBits: 8, calibration: cal, lut: null }));
    const input = frame(61, 37, 'rgb24', 2);
    const id = Float32Array.from({ length: 6 * 9 }, (_, i) => (i % 9 === 0 || i % 9 === 4 || i % 9 === 8 ? 1 : 0));
    const before = nativeInfo().isa;
    try {
      for (const isa of nativeInfo().supportedIsas) {
        setNativeIsa(isa);
        const alone = Buffer.from(input), fused = Buffer.from(input);
        applyNativeCalibration({ plan, width: 61, height: 37, format: 'rgb24', data: alone, flags: FULL, ditherIndex: DITHER_TILE_INDEX.ordered });
        applyNativeCalibration({ plan, width: 61, height: 37, format: 'rgb24', data: fused, flags: FULL, ditherIndex: DITHER_TILE_INDEX.ordered, thermal: { zones: id, cols: 3, rows: 2 } });
        expect(fused.equals(alone), isa).toBe(true);
      }
    } finally {
      setNativeIsa(before);
    }
  });

  it.skipIf(!nativeCalAvailable)('against calibration then the thermal kernel (two roundings): the fused pass is the closer one to the exact chain', () => {
    // The two-stage chain rounds the calibration's output to 8 bits; the thermal matrix's negative
    // cross terms then subtract that rounding error (from a bright channel) from a dark one, where
    // gamma 2.4's encode is steep: a few codes near black. The fused pass has no such step.
    const W = 160, H = 90;
    const cal = makeCalibration({ width: W, height: H, moduleWidth: 32, moduleHeight: 16, output: { curve: 'gamma', gamma: 2.4 }, seed: 11 });
    const grid = { cols: 4, rows: 2 };
    const zones = zoneMatrices(grid);
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: W, height: H, format: 'rgb24', outBits: 8, calibration: cal, lut: null }));
    const input = frame(W, H, 'rgb24', 9);
    const fused = Buffer.from(input), seq = Buffer.from(input), ref = Buffer.from(input);
    applyNativeCalibration({ plan, width: W, height: H, format: 'rgb24', data: fused, flags: FULL, ditherIndex: DITHER_TILE_INDEX.none, thermal: { zones, cols: 4, rows: 2 } });
    applyNativeCalibration({ plan, width: W, height: H, format: 'rgb24', data: seq, flags: FULL, ditherIndex: DITHER_TILE_INDEX.none });
    thermalApply({ data: seq, width: W, height: H, format: 'rgb24', zones, cols: 4, rows: 2, tables: buildThermalTables(parseSignalTransfer('gamma:2.4'), 'rgb24', 'none') });
    applyReference({ calibration: cal, lut: null, format: 'rgb24', width: W, height: H, outBits: 8, flags: FULL, dither: ditherTiles()[DITHER_TILE_INDEX.none]!, ditherX: 0, ditherY: 0, thermal: { zones, grid } }, ref);
    const fusedErr = maxDiff(fused, ref, 'rgb24'), seqErr = maxDiff(seq, ref, 'rgb24');
    expect(fusedErr.max).toBeLessThanOrEqual(1);
    expect(fusedErr.mean).toBeLessThan(seqErr.mean);
    const d = maxDiff(fused, seq, 'rgb24');
    expect(d.mean).toBeLessThan(0.3);
    for (let i = 0; i < fused.length; i++) {
      if (Math.abs(fused[i]! - seq[i]!) > 1) expect(Math.min(fused[i]!, seq[i]!), `sample ${i}: more than 1 code apart only near black`).toBeLessThan(16);
    }
  });

  it.skipIf(!nativeCalAvailable)('refuses a plan with a 3D LUT and bad zone arguments', () => {
    const cal = makeCalibration({ width: 20, height: 10, seed: 1 });
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: 20, height: 10, format: 'rgb24', outBits: 8, calibration: cal, lut: null }));
    const data = Buffer.alloc(20 * 10 * 3);
    expect(() => applyNativeCalibration({ plan, width: 20, height: 10, format: 'rgb24', data, flags: FULL, ditherIndex: 0, thermal: { zones: new Float32Array(9), cols: 2, rows: 1 } })).toThrow('Expected at least 18 elements for thermal.zones but received 9');
    expect(() => applyNativeCalibration({ plan, width: 20, height: 10, format: 'rgb24', data, flags: FULL, ditherIndex: 0, thermal: { zones: new Float32Array(9 * 21), cols: 21, rows: 1 } })).toThrow(RangeError);
  });
});
