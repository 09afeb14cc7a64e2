import { describe, it, expect } from 'vitest';
import { toInterleaved, toPlanar, planarLength } from '../../src/native/index.js';
import { halfToNumber, nativeAvailable, quantizeUnit, randomRgb24, randomRgb48, skipNote } from './fixtures.js';

describe.skipIf(!nativeAvailable)(`native conversion: interleaved <-> planar${skipNote}`, () => {
  // 37 x 23: odd sizes exercise the SIMD tails.
  const W = 37;
  const H = 23;

  it('rgb24 -> f32 is x / 255 in float32, planar R, G, B', () => {
    const src = randomRgb24(W, H, 1);
    const dst = toPlanar({ src, width: W, height: H, format: 'rgb24', dst: new Float32Array(planarLength(W, H)) });
    const n = W * H;
    const k = Math.fround(1 / 255);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) expect(dst[c * n + i]).toBe(Math.fround(src[i * 3 + c]! * k));
    }
  });

  it('round-trips every 8-bit code through f32 and f16 exactly', () => {
    const src = new Uint8Array(256 * 3);
    for (let i = 0; i < src.length; i++) src[i] = i % 256;
    for (const dst of [new Float32Array(256 * 3), new Uint16Array(256 * 3)]) {
      toPlanar({ src, width: 256, height: 1, format: 'rgb24', dst });
      const back = toInterleaved({ src: dst, width: 256, height: 1, format: 'rgb24', dst: new Uint8Array(256 * 3) });
      expect(Array.from(back)).toEqual(Array.from(src));
    }
  });

  it('round-trips random rgb24 and rgb48le frames through f32 exactly', () => {
    const u8 = randomRgb24(W, H, 2);
    const f8 = toPlanar({ src: u8, width: W, height: H, format: 'rgb24', dst: new Float32Array(planarLength(W, H)) });
    expect(Buffer.compare(toInterleaved({ src: f8, width: W, height: H, format: 'rgb24', dst: Buffer.alloc(u8.length) }), Buffer.from(u8))).toBe(0);

    const u16 = randomRgb48(W, H, 3);
    const f16 = toPlanar({ src: u16, width: W, height: H, format: 'rgb48le', dst: new Float32Array(planarLength(W, H)) });
    const back = toInterleaved({ src: f16, width: W, height: H, format: 'rgb48le', dst: new Uint16Array(u16.length) });
    expect(Array.from(back)).toEqual(Array.from(u16));
  });

  it('round-trips every 16-bit code through f32 exactly', () => {
    const src = new Uint16Array(65536 * 3);
    for (let i = 0; i < src.length; i++) src[i] = i % 65536;
    const planar = toPlanar({ src, width: 256, height: 256, format: 'rgb48le', dst: new Float32Array(src.length) });
    const back = toInterleaved({ src: planar, width: 256, height: 256, format: 'rgb48le', dst: new Uint16Array(src.length) });
    expect(Array.from(back)).toEqual(Array.from(src));
  });

  it('rgb48le -> f16 keeps 11 significant bits: round trip within 16 codes (65535 * 2^-12)', () => {
    const src = randomRgb48(W, H, 4);
    const half = toPlanar({ src, width: W, height: H, format: 'rgb48le', dst: new Uint16Array(planarLength(W, H)) });
    const back = toInterleaved({ src: half, width: W, height: H, format: 'rgb48le', dst: new Uint16Array(src.length) });
    let worst = 0;
    for (let i = 0; i < src.length; i++) worst = Math.max(worst, Math.abs(back[i]! - src[i]!));
    expect(worst).toBeLessThanOrEqual(16);
    expect(worst).toBeGreaterThan(0);
  });

  it('f16 planes hold the nearest half of x / 255', () => {
    const src = randomRgb24(W, H, 5);
    const half = toPlanar({ src, width: W, height: H, format: 'rgb24', dst: new Uint16Array(planarLength(W, H)) });
    const n = W * H;
    for (let i = 0; i < n; i++) {
      const v = src[i * 3]! / 255;
      const h = halfToNumber(half[i]!);
      // Nearest: the error is at most half a unit in the last place of the half.
      const ulp = v === 0 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(v)) - 10);
      expect(Math.abs(h - v)).toBeLessThanOrEqual(ulp / 2 + 1e-12);
    }
    expect(half[0] === 0 || half[0]! > 0).toBe(true);
  });

  it('clamps and rounds out-of-range floats (NaN -> 0, half-up rounding)', () => {
    const values = [-1, -0, NaN, 0.5 / 255, 0.49 / 255, 1.5 / 255, 0.999, 1, 1.5, Infinity, -Infinity, 254.5 / 255];
    const n = values.length;
    const planar = new Float32Array(3 * n);
    planar.set(values, 0);
    planar.set(values, n);
    planar.set(values, 2 * n);
    for (const [format, maxv] of [['rgb24', 255], ['rgb48le', 65535]] as const) {
      const out = toInterleaved({ src: planar, width: n, height: 1, format, dst: format === 'rgb24' ? new Uint8Array(3 * n) : new Uint16Array(3 * n) });
      const expected = values.map((v) => quantizeUnit(v, maxv));
      expect(Array.from({ length: n }, (_, i) => out[i * 3])).toEqual(expected);
    }
  });

  it('accepts a Buffer holding rgb48le (byte-addressed, unaligned) frames', () => {
    const u16 = randomRgb48(5, 3, 6);
    const bytes = Buffer.alloc(u16.byteLength + 1);
    Buffer.from(u16.buffer).copy(bytes, 1);
    const frame = bytes.subarray(1);
    const planar = toPlanar({ src: frame, width: 5, height: 3, format: 'rgb48le', dst: new Float32Array(45) });
    expect(planar[0]).toBe(Math.fround(u16[0]! * Math.fround(1 / 65535)));
  });

  it('rejects bad arguments with the argument named', () => {
    const src = new Uint8Array(12);
    expect(() => toPlanar({ src, width: 2, height: 2, format: 'rgb24', dst: new Float32Array(11) })).toThrow(
      'Expected at least 12 elements for dst but received 11',
    );
    expect(() => toPlanar({ src, width: 3, height: 2, format: 'rgb24', dst: new Float32Array(18) })).toThrow(
      'Expected at least 18 bytes for src but received 12',
    );
    expect(() => toPlanar({ src, width: 0, height: 2, format: 'rgb24', dst: new Float32Array(12) })).toThrow(
      'Expected integer between 1 and 32768 for width but received 0 of type number',
    );
    expect(() => toPlanar({ src, width: 2, height: 2, format: 'yuv420p' as 'rgb24', dst: new Float32Array(12) })).toThrow(
      "Expected 'rgb24' or 'rgb48le' for format but received 'yuv420p' of type string",
    );
    expect(() => toPlanar({ src, width: 2, height: 2, format: 'rgb24', dst: new Float64Array(12) as unknown as Float32Array })).toThrow(
      'Expected Float32Array (f32) or Uint16Array (f16 bits) for dst but received Float64Array of 96 bytes',
    );
    const shared = new Float32Array(24);
    expect(() => toInterleaved({ src: shared, width: 2, height: 2, format: 'rgb24', dst: new Uint8Array(shared.buffer, 0, 12) })).toThrow(
      'Expected src and dst not to overlap',
    );
  });
});

describe.skipIf(!nativeAvailable)('shared-memory frames', () => {
  it('kernels accept Buffers over a SharedArrayBuffer (the threaded reader’s frame slots)', async () => {
    const src = Buffer.from(new SharedArrayBuffer(4 * 2 * 3));
    for (let i = 0; i < src.length; i++) src[i] = i * 10;
    const dst = toPlanar({ src, width: 4, height: 2, format: 'rgb24', dst: new Float32Array(planarLength(4, 2)) });
    expect(dst[0]).toBeCloseTo(0, 6);
    expect(dst[1]).toBeCloseTo(30 / 255, 6);
    const back = Buffer.from(new SharedArrayBuffer(src.length));
    toInterleaved({ src: dst, width: 4, height: 2, format: 'rgb24', dst: back });
    expect(back.equals(src)).toBe(true);
  });
});
