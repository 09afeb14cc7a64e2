/**
 * Dithering on a low-gray ramp: a 16-bit linear ramp over 0..~4 codes of 8-bit output, quantised
 * to 8 bits by the native kernel. Without dither the ramp collapses into a few wide bands; ordered
 * and temporal dither keep the mean and break the bands up.
 */
import { describe, expect, it } from 'vitest';
import { blankCalibration } from '../../src/calibration/calibration-import.js';
import { bayer8, DITHER_TILE_INDEX } from '../../src/calibration/dither-tiles.js';
import { buildKernelPlan } from '../../src/calibration/fullgray-plan.js';
import { KERNEL_FLAG_GAIN } from '../../src/calibration/fullgray-reference.js';
import { applyNativeCalibration, createNativeCalibrationPlan } from '../../src/native/calibration.js';
import { temporalDitherOffset } from '../../src/calibration/dither-tiles.js';
import { nativeCalAvailable, nativeSkipNote } from './fixtures.js';

const W = 1024, H = 64;
const LOW = 4.5 / 255; // the ramp spans 0 .. 4.5 output codes

function ramp(): Buffer {
  const b = Buffer.alloc(W * H * 6);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) b.writeUInt16LE(Math.round((x / (W - 1)) * LOW * 65535), 2 * (3 * (y * W + x) + c));
  return b;
}

/** Output codes (8-bit) of channel 0, from the 16-bit container. */
function codes(b: Buffer): Float64Array {
  const out = new Float64Array(W * H);
  for (let i = 0; i < W * H; i++) out[i] = Math.round(b.readUInt16LE(6 * i) / 257);
  return out;
}

const ideal = (x: number): number => (Math.round((x / (W - 1)) * LOW * 65535) / 65535) * 255;

/**
 * Banding: the widest flat step of the ramp as the eye integrates it. Means of 4-column strips
 * (all rows) along x; returns the longest run of equal strip means, in pixels.
 */
function widestBand(c: Float64Array): number {
  const strip = (x0: number): number => {
    let s = 0;
    for (let y = 0; y < H; y++) for (let x = x0; x < x0 + 4; x++) s += c[y * W + x]!;
    return s;
  };
  let best = 1, run = 1, prev = strip(0);
  for (let x0 = 4; x0 + 4 <= W; x0 += 4) {
    const v = strip(x0);
    run = v === prev ? run + 1 : 1;
    prev = v;
    best = Math.max(best, run);
  }
  return best * 4;
}

/** Largest |mean over an 8-column x all-rows window - ideal mean| in output codes. */
function localMeanError(c: Float64Array): number {
  let worst = 0;
  for (let x0 = 0; x0 + 8 <= W; x0 += 8) {
    let s = 0, t = 0;
    for (let y = 0; y < H; y++) for (let x = x0; x < x0 + 8; x++) { s += c[y * W + x]!; t += ideal(x); }
    worst = Math.max(worst, Math.abs(s - t) / (8 * H));
  }
  return worst;
}

describe(`dithering a low-gray ramp to 8 bits${nativeSkipNote}`, () => {
  it('the 8x8 Bayer matrix holds each threshold once', () => {
    const seen = new Set<number>();
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) seen.add(bayer8(x, y));
    expect(seen.size).toBe(64);
    expect(bayer8(0, 0)).toBe(0);
  });

  it.skipIf(!nativeCalAvailable)('none bands, ordered and temporal keep the mean and remove the bands', () => {
    const cal = blankCalibration({ width: W, height: H, moduleWidth: 64, moduleHeight: 64, input: { curve: 'linear' }, output: { curve: 'linear' } });
    const plan = createNativeCalibrationPlan(buildKernelPlan({ width: W, height: H, format: 'rgb48le', outBits: 8, calibration: cal, lut: null }));
    const run = (dither: keyof typeof DITHER_TILE_INDEX, frame = 0): Float64Array => {
      const b = ramp();
      const off = dither === 'temporal' ? temporalDitherOffset(frame) : { x: 0, y: 0 };
      applyNativeCalibration({ plan, width: W, height: H, format: 'rgb48le', data: b, flags: KERNEL_FLAG_GAIN, ditherIndex: DITHER_TILE_INDEX[dither], ditherX: off.x, ditherY: off.y });
      return codes(b);
    };
    const none = run('none'), ordered = run('ordered'), temporal = run('temporal', 3);
    const idealMean = Array.from({ length: W }, (_, x) => ideal(x)).reduce((a, b) => a + b, 0) / W;
    const mean = (c: Float64Array): number => c.reduce((a, b) => a + b, 0) / c.length;
    const report = { none: { run: widestBand(none), local: localMeanError(none) }, ordered: { run: widestBand(ordered), local: localMeanError(ordered) }, temporal: { run: widestBand(temporal), local: localMeanError(temporal) } };
    console.log('low-gray ramp to 8 bits:', JSON.stringify(report), 'ideal mean', idealMean.toFixed(4), 'means', mean(none).toFixed(4), mean(ordered).toFixed(4), mean(temporal).toFixed(4));
    // Banding: rounding leaves flat steps ~W / 4.5 px wide; dither leaves a ramp that rises every few pixels.
    expect(report.none.run).toBeGreaterThan(150);
    expect(report.ordered.run).toBeLessThanOrEqual(16);
    expect(report.temporal.run).toBeLessThanOrEqual(16);
    // Mean kept globally and locally (8-column windows).
    expect(Math.abs(mean(ordered) - idealMean)).toBeLessThan(0.02);
    expect(Math.abs(mean(temporal) - idealMean)).toBeLessThan(0.02);
    expect(report.ordered.local).toBeLessThan(0.05);
    expect(report.temporal.local).toBeLessThan(0.1);
    expect(report.none.local).toBeGreaterThan(0.3);
    // Temporal: averaged over frames, each pixel converges to its own level.
    const acc = new Float64Array(W * H);
    const frames = 64;
    for (let f = 0; f < frames; f++) run('temporal', f).forEach((v, i) => (acc[i] += v / frames));
    let worst = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) worst = Math.max(worst, Math.abs(acc[y * W + x]! - ideal(x)));
    expect(worst).toBeLessThan(0.3);
  });
});
