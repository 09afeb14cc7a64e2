/**
 * The native thermal kernel against the float64 reference (src/thermal/reference-kernel.ts):
 * every ISA path within 1 code of it (the contract), and bit-equal to the scalar path (same float
 * operations in the same order).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nativeInfo, setNativeIsa, thermalApply, thermalApplyAsync } from '../../src/native/index.js';
import { thermalReference } from '../../src/thermal/reference-kernel.js';
import { buildThermalTables, parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import type { ZoneGrid } from '../../src/thermal/zone-grid.js';
import { nativeAvailable, randomZones, rng, skipNote } from './fixtures.js';
import { maxAbsDiff, randomRgb24, randomRgb48 } from '../native/fixtures.js';

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
        it(`${format} ${tf}${tf === 'srgb' ? ' (ordered dither)' : ''} ${label} zones: every path ≤ 1 code from the reference, bit-equal to scalar`, () => {
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
          for (const [isa, out] of results) expect(Buffer.from(out.buffer).equals(Buffer.from(scalar.buffer)), `${isa} bit-equal to scalar`).toBe(true);
        });
      }
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
