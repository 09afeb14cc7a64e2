import { spawnSync } from 'node:child_process';
import { describe, it, expect, afterAll } from 'vitest';
import {
  blendTile, nativeInfo, nativeStatus, planarLength, resize, setNativeIsa, toInterleaved, toPlanar,
  type NativeIsa, type PlanarArray,
} from '../../src/native/index.js';
import { maxAbsDiff, nativeAvailable, randomRgb24, randomRgb48, rng, skipNote } from './fixtures.js';

/** Runs `fn` on every ISA path this CPU has; returns results keyed by path. */
function onEveryPath<T>(fn: () => T): Map<NativeIsa, T> {
  const out = new Map<NativeIsa, T>();
  for (const isa of nativeInfo().supportedIsas) {
    setNativeIsa(isa);
    out.set(isa, fn());
  }
  return out;
}

/** Tolerance: the paths perform the same float operations in the same order, so we expect
 *  bit equality; the contract promised to callers is 1 LSB, which is what is asserted. */
function expectAgree(results: Map<NativeIsa, ArrayLike<number>>, lsb: number): void {
  const scalar = results.get('scalar')!;
  for (const [isa, r] of results) {
    expect(maxAbsDiff(r, scalar), `${isa} vs scalar`).toBeLessThanOrEqual(lsb);
  }
}

function expectBitEqual(results: Map<NativeIsa, ArrayBufferView>): void {
  const scalar = results.get('scalar')!;
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  for (const [isa, r] of results) expect(bytes(r).equals(bytes(scalar)), `${isa} bit-equal to scalar`).toBe(true);
}

describe.skipIf(!nativeAvailable)(`native ISA paths agree with scalar${skipNote}`, () => {
  const initial = nativeAvailable ? nativeInfo().isa : 'scalar';
  afterAll(() => {
    if (nativeAvailable) setNativeIsa(initial);
  });

  it('reports the paths this CPU supports', () => {
    const info = nativeInfo();
    expect(info.built).toBe(true);
    expect(info.supportedIsas[0]).toBe('scalar');
    expect(info.supportedIsas).toContain(info.bestIsa);
    console.log(`[native] paths tested: ${info.supportedIsas.join(', ')}; cpu: ${info.cpuFeatures.join(' ')}; ${info.compiler}`);
  });

  // 61 x 17 = 1037 pixels: not a multiple of 8 or 16.
  const W = 61;
  const H = 17;

  for (const format of ['rgb24', 'rgb48le'] as const) {
    for (const plane of ['f32', 'f16'] as const) {
      it(`${format} <-> ${plane}`, () => {
        const src = format === 'rgb24' ? randomRgb24(W, H, 11) : randomRgb48(W, H, 12);
        const make = (): PlanarArray => (plane === 'f32' ? new Float32Array(planarLength(W, H)) : new Uint16Array(planarLength(W, H)));
        const planar = onEveryPath(() => toPlanar({ src, width: W, height: H, format, dst: make() }));
        expectBitEqual(planar);
        if (plane === 'f32') expectAgree(planar as Map<NativeIsa, Float32Array>, 0);

        // Back from arbitrary floats, out-of-range and NaN included.
        const r = rng(13);
        const floats = new Float32Array(planarLength(W, H)).map(() => r() * 1.4 - 0.2);
        floats[5] = NaN;
        floats[6] = Infinity;
        const source: PlanarArray = plane === 'f32' ? floats : toPlanar({ src, width: W, height: H, format, dst: new Uint16Array(planarLength(W, H)) });
        const back = onEveryPath(() =>
          toInterleaved({ src: source, width: W, height: H, format, dst: format === 'rgb24' ? new Uint8Array(src.length) : new Uint16Array(src.length) }),
        );
        expectAgree(back, 1);
        expectBitEqual(back);
      });
    }
  }

  it('every 16-bit code -> f16 (subnormal halves included), every half bit pattern -> integers', () => {
    const codes = Uint16Array.from({ length: 3 * 65536 }, (_, i) => i % 65536);
    const halves = onEveryPath(() => toPlanar({ src: codes, width: 256, height: 256, format: 'rgb48le', dst: new Uint16Array(codes.length) }));
    expectBitEqual(halves);
    // All 65536 half bit patterns: zeros, subnormals, normals, Inf, NaN, negatives.
    for (const format of ['rgb24', 'rgb48le'] as const) {
      const back = onEveryPath(() =>
        toInterleaved({ src: codes, width: 256, height: 256, format, dst: format === 'rgb24' ? new Uint8Array(codes.length) : new Uint16Array(codes.length) }),
      );
      expectBitEqual(back);
    }
  });

  for (const filter of ['lanczos3', 'cubic'] as const) {
    for (const [sw, sh, dw, dh] of [[45, 31, 97, 70], [97, 70, 41, 29], [64, 36, 64, 36]] as const) {
      it(`resize ${filter} ${sw}x${sh} -> ${dw}x${dh}`, () => {
        for (const format of ['rgb24', 'rgb48le'] as const) {
          const src = format === 'rgb24' ? randomRgb24(sw, sh, 21) : randomRgb48(sw, sh, 22);
          const out = onEveryPath(() =>
            resize({ src, srcWidth: sw, srcHeight: sh, dst: format === 'rgb24' ? new Uint8Array(dw * dh * 3) : new Uint16Array(dw * dh * 3), dstWidth: dw, dstHeight: dh, format, filter }),
          );
          expectAgree(out, 1);
          expectBitEqual(out);
        }
      });
    }
  }

  it('tile blend', () => {
    const w = 53;
    const h = 29;
    const r = rng(31);
    const tiles = [0, 1, 2].map(() => new Float32Array(3 * 30 * 20).map(() => r()));
    const out = onEveryPath(() => {
      const o = new Float32Array(3 * w * h);
      const weight = new Float32Array(w * h);
      tiles.forEach((tile, i) => blendTile({ out: o, weight, width: w, height: h, channels: 3, tile, tileWidth: 30, tileHeight: 20, x: i * 12 - 3, y: i * 5, feather: { left: 7, right: 5, top: 3, bottom: 4 } }));
      return o;
    });
    expectBitEqual(out);
  });

  it('LEDPIPE_NATIVE_ISA chooses the path at load, and an unknown value is reported', () => {
    const probe = (isa: string): { isa: string; requestedIsa?: string; requestHonoured?: boolean } => {
      const r = spawnSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(nativeStatus().path)}).info()))`], {
        env: { ...process.env, LEDPIPE_NATIVE_ISA: isa },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { isa: string };
    };
    expect(probe('scalar').isa).toBe('scalar');
    const bogus = probe('sse9');
    expect(bogus.requestedIsa).toBe('sse9');
    expect(bogus.requestHonoured).toBe(false);
    expect(bogus.isa).toBe(nativeInfo().bestIsa);
    if (nativeInfo().supportedIsas.includes('avx2')) expect(probe('avx2').isa).toBe('avx2');
  });

  it('setNativeIsa rejects unknown paths by name', () => {
    expect(() => setNativeIsa('neon' as NativeIsa)).toThrow("Expected one of 'scalar', 'avx2', 'avx512' for isa but received 'neon' of type string");
  });
});
