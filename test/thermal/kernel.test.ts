/**
 * The native thermal kernel against the float64 reference (src/thermal/reference-kernel.ts):
 * every ISA path within 1 code of it (the contract). The SIMD paths follow the scalar path's
 * float operations bit for bit wherever they use the tables (AVX2 always for rgb48le and for
 * rgb24 transfers other than power laws / linear). Elsewhere they evaluate polynomials fitted
 * to the tables (AVX2: rgb24 encode; AVX-512: rgb24 encode, rgb48le encode and decode; within
 * 0.05 code, AVX-512 with fused multiply-adds): within 1 code of scalar, on a small share of
 * samples (where the value plus the threshold lands within that error of an integer), and no
 * further from the reference than scalar is.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nativeInfo, setNativeIsa, thermalApply, thermalApplyAsync } from '../../src/native/index.js';
import { thermalReference } from '../../src/thermal/reference-kernel.js';
import { buildThermalTables, parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import type { ZoneGrid } from '../../src/thermal/zone-grid.js';
import { nativeAvailable, randomZones, rng, skipNote } from './fixtures.js';
import { maxAbsDiff, randomRgb24, randomRgb48 } from '../native/fixtures.js';

/** Fraction of samples that differ. */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n / a.length;
}

/** Whether `isa` must match the scalar path bit for bit for this format. */
const bitExact = (isa: string, format: string): boolean => isa === 'scalar' || (isa === 'avx2' && format === 'rgb48le');
/** Largest share of samples a fitted-polynomial path may differ from scalar on (u16: the table's own lerp error is ~0.1 code). */
const maxDiffering = (format: string): number => (format === 'rgb24' ? 0.02 : 0.08);

/** Mean |a - b| over the samples. */
function meanErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe.skipIf(!nativeAvailable)(`thermal kernel vs float64 reference${skipNote}`, () => {
  const initial = nativeAvailable ? nativeInfo().isa : 'scalar';
  afterAll(() => {
    if (nativeAvailable) setNativeIsa(initial);
  });

  // 61 x 23: not a multiple of 8, zones that do not divide the frame evenly.
  const W = 61, H = 23;
  const cases: [string, ZoneGrid][] = [['1x1', { cols: 1, rows: 1 }], ['4x3', { cols: 4, rows: 3 }], ['7x5', { cols: 7, rows: 5 }]];

  for (const format of ['rgb24', 'rgb48le'] as const) {
    for (const tf of ['gamma:2.4', 'srgb', 'pq', 'linear', 'gamma:2.2']) {
      for (const [label, grid] of cases) {
        it(`${format} ${tf}${tf === 'srgb' ? ' (ordered dither)' : ''} ${label} zones: every path ≤ 1 code from the reference and from scalar${format === 'rgb48le' ? ' (avx2 bit-equal)' : ''}`, () => {
          const transfer = parseSignalTransfer(tf);
          const tables = buildThermalTables(transfer, format, tf === 'srgb' ? 'ordered' : 'none');
          const zones = randomZones(grid.cols * grid.rows, rng(7 + grid.cols));
          const src = format === 'rgb24' ? randomRgb24(W, H, 3) : randomRgb48(W, H, 4);
          const ref = src.slice();
          thermalReference({ data: ref, width: W, height: H, format, zones, grid, transfer, dither: tables.dither });
          const results = new Map<string, Uint8Array | Uint16Array>();
          for (const isa of nativeInfo().supportedIsas) {
            setNativeIsa(isa);
            const out = src.slice();
            thermalApply({ data: out, width: W, height: H, format, zones, cols: grid.cols, rows: grid.rows, tables });
            results.set(isa, out);
            expect(maxAbsDiff(out, ref), `${isa} vs reference`).toBeLessThanOrEqual(1);
          }
          const scalar = results.get('scalar')!;
          for (const [isa, out] of results) {
            if (bitExact(isa, format)) {
              expect(Buffer.from(out.buffer).equals(Buffer.from(scalar.buffer)), `${isa} bit-equal to scalar`).toBe(true);
            } else {
              expect(maxAbsDiff(out, scalar), `${isa} vs scalar`).toBeLessThanOrEqual(1);
              expect(differing(out, scalar), `${isa}: share of samples differing from scalar`).toBeLessThan(maxDiffering(format));
              expect(meanErr(out, ref), `${isa}: mean error vs reference`).toBeLessThanOrEqual(meanErr(scalar, ref) + 0.01);
            }
          }
        });
      }
    }
  }

  // 1100 x 5: 16-pixel blocks, 64-pixel decode steps and 512-pixel chunks with tails; every
  // rgb24 code on every channel, smooth gains (the stage's case) and the test's steep ones.
  for (const format of ['rgb24', 'rgb48le'] as const) {
    for (const tf of ['gamma:2.4', 'gamma:2.2', 'srgb', 'pq', 'linear']) {
      it(`${format} ${tf}, 1100x5, ${format === 'rgb24' ? 'every code' : 'low codes and a spread'}, ordered dither: every path ≤ 1 code from the reference and from scalar`, () => {
        const w = 1100, h = 5;
        const transfer = parseSignalTransfer(tf);
        const tables = buildThermalTables(transfer, format, 'ordered');
        const grid = { cols: 3, rows: 2 };
        const zones = randomZones(6, rng(11));
        const maxv = format === 'rgb24' ? 255 : 65535;
        const src = format === 'rgb24' ? new Uint8Array(w * h * 3) : new Uint16Array(w * h * 3);
        for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) src[i * 3 + c] = (i * (c + 1) * (format === 'rgb24' ? 37 : 7919) + c * 85) & maxv;
        for (let i = 0; i < 256; i++) src[i * 3] = i;
        for (let i = 0; i < 512; i++) src[i * 3 + 1] = maxv - i;
        const ref = src.slice();
        thermalReference({ data: ref, width: w, height: h, format, zones, grid, transfer, dither: tables.dither });
        const results = new Map<string, Uint8Array | Uint16Array>();
        for (const isa of nativeInfo().supportedIsas) {
          setNativeIsa(isa);
          // AVX-512 also as on CPUs without VBMI (gather decode, sample-order kernel).
          for (const noVbmi of isa === 'avx512' && format === 'rgb24' ? [false, true] : [false]) {
            if (noVbmi) process.env.LEDPIPE_THERMAL_NO_VBMI = '1';
            const out = src.slice();
            try {
              thermalApply({ data: out, width: w, height: h, format, zones, cols: grid.cols, rows: grid.rows, tables });
            } finally {
              delete process.env.LEDPIPE_THERMAL_NO_VBMI;
            }
            const name = noVbmi ? `${isa} without VBMI` : isa;
            results.set(name, out);
            expect(maxAbsDiff(out, ref), `${name} vs reference`).toBeLessThanOrEqual(1);
          }
        }
        const scalar = results.get('scalar')!;
        for (const [isa, out] of results) {
          expect(maxAbsDiff(out, scalar), `${isa} vs scalar`).toBeLessThanOrEqual(bitExact(isa, format) ? 0 : 1);
          expect(differing(out, scalar), `${isa}: share of samples differing from scalar`).toBeLessThan(maxDiffering(format));
          expect(meanErr(out, ref), `${isa}: mean error vs reference`).toBeLessThanOrEqual(meanErr(scalar, ref) + 0.01);
        }
      });
    }
  }

  it('identity gains leave every code unchanged (u8 and u16 gamma 2.4)', () => {
    for (const format of ['rgb24', 'rgb48le'] as const) {
      const transfer = parseSignalTransfer('gamma:2.4');
      const tables = buildThermalTables(transfer, format);
      const zones = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      const src = format === 'rgb24' ? randomRgb24(W, H, 5) : randomRgb48(W, H, 6);
      for (const isa of nativeInfo().supportedIsas) {
        setNativeIsa(isa);
        const out = src.slice();
        thermalApply({ data: out, width: W, height: H, format, zones, cols: 1, rows: 1, tables });
        expect(maxAbsDiff(out, src), `${format} ${isa}`).toBeLessThanOrEqual(format === 'rgb24' ? 0 : 1);
      }
    }
  });

  it('identity gains leave all 256 rgb24 codes unchanged on every path, every transfer (the cubic encode included)', () => {
    const w = 256, h = 4;
    const src = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) src[i * 3 + c] = (i + c * 91) & 255;
    const zones = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    for (const tf of ['gamma:2.4', 'gamma:2.2', 'srgb', 'pq', 'linear']) {
      for (const dither of ['none', 'ordered'] as const) {
        const tables = buildThermalTables(parseSignalTransfer(tf), 'rgb24', dither);
        for (const isa of nativeInfo().supportedIsas) {
          setNativeIsa(isa);
          const out = src.slice();
          thermalApply({ data: out, width: w, height: h, format: 'rgb24', zones, cols: 1, rows: 1, tables });
          expect(maxAbsDiff(out, src), `${tf} ${dither} ${isa}`).toBeLessThanOrEqual(dither === 'none' ? 0 : 1);
        }
      }
    }
  });

  it('async equals sync', async () => {
    const transfer = parseSignalTransfer('srgb');
    const tables = buildThermalTables(transfer, 'rgb24');
    const zones = randomZones(6, rng(9));
    const src = randomRgb24(W, H, 8);
    const a = src.slice(), b = src.slice();
    thermalApply({ data: a, width: W, height: H, format: 'rgb24', zones, cols: 3, rows: 2, tables });
    await thermalApplyAsync({ data: b, width: W, height: H, format: 'rgb24', zones, cols: 3, rows: 2, tables });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('rejects short buffers with a message naming the argument', () => {
    const tables = buildThermalTables(parseSignalTransfer('srgb'), 'rgb24');
    expect(() => thermalApply({ data: new Uint8Array(10), width: W, height: H, format: 'rgb24', zones: new Float32Array(9), cols: 1, rows: 1, tables }))
      .toThrow(`Expected at least ${W * H * 3} bytes for data but received 10`);
    expect(() => thermalApply({ data: new Uint8Array(W * H * 3), width: W, height: H, format: 'rgb24', zones: new Float32Array(9), cols: 2, rows: 1, tables }))
      .toThrow('Expected at least 18 elements for zones but received 9');
  });
});
