/**
 * WebAssembly SIMD kernels for the luma SR path's per-pixel work that the native addon has no kernel
 * for: BT.709 luma of planar RGB, and the luma swap `rgb += y - Y(rgb)` (sr-tensor.ts `lumaPlane`,
 * `replaceLuma`). Scalar TypeScript does these at ~2.7 ns per output pixel, which at 1920x1080 is a
 * third of a 60 fps frame; the SIMD versions are several times faster.
 *
 * Bit-identical to the TypeScript versions: the arithmetic runs in float64 lanes (f64x2) in the same
 * order as the TypeScript expression `y - (kr * r + kg * g + kb * b)`, and results are rounded to
 * float32 once, as a Float32Array store does. The module is emitted here as bytes (no build step, no
 * binary in the repository); planes live in the module's own memory so no copy is needed around a
 * call, and the native conversions read and write them through typed-array views.
 */
import { BT709 } from './sr-tensor.js';

// --- a minimal WebAssembly encoder -----------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (d: number) => [0x0c, d],
  brIf: (d: number) => [0x0d, d],
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32GeU: [0x4f],
  load: [0xfd, 0x00, 0x00, 0x00], // v128.load align=1 offset=0
  store: [0xfd, 0x0b, 0x00, 0x00], // v128.store align=1 offset=0
  shuffle: (lanes: number[]) => [0xfd, 0x0d, ...lanes],
  demote: [0xfd, ...uleb(94)], // f32x4.demote_f64x2_zero
  promote: [0xfd, ...uleb(95)], // f64x2.promote_low_f32x4
  add: [0xfd, ...uleb(240)], // f64x2.add
  sub: [0xfd, ...uleb(241)], // f64x2.sub
  mul: [0xfd, ...uleb(242)], // f64x2.mul
  f64x2Const: (v: number) => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setFloat64(0, v, true);
    dv.setFloat64(8, v, true);
    return [0xfd, 0x0c, ...b];
  },
};

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** f64x2 of the low (lanes 0, 1) or high (2, 3) floats of the v128 in local `v`. */
const half = (v: number, high: boolean): number[] => (high ? [...op.get(v), ...op.get(v), ...op.shuffle(HIGH), ...op.promote] : [...op.get(v), ...op.promote]);

/** ((kr * r + kg * g) + kb * b) on one half of locals r, g, b (TypeScript's evaluation order). */
function lumaHalf(r: number, g: number, b: number, high: boolean): number[] {
  const { kr, kg, kb } = BT709;
  return [
    ...op.f64x2Const(kr), ...half(r, high), ...op.mul,
    ...op.f64x2Const(kg), ...half(g, high), ...op.mul, ...op.add,
    ...op.f64x2Const(kb), ...half(b, high), ...op.mul, ...op.add,
  ];
}

/**
 * replaceLuma(r, g, b, y, end): for 4 floats at a time from byte address r (g, b, y alike) while
 * r < end: d = y - Y(r, g, b) in f64, then r, g, b += d rounded to f32.
 */
function replaceLumaBody(): { locals: number[][]; code: number[] } {
  const [R, G, B, Y, END] = [0, 1, 2, 3, 4];
  const [RV, GV, BV, YV, DLO, DHI] = [5, 6, 7, 8, 9, 10];
  const code: number[] = [...op.block, ...op.loop, ...op.get(R), ...op.get(END), ...op.i32GeU, ...op.brIf(1)];
  for (const [p, v] of [[R, RV], [G, GV], [B, BV], [Y, YV]] as const) code.push(...op.get(p), ...op.load, ...op.set(v));
  code.push(...half(YV, false), ...lumaHalf(RV, GV, BV, false), ...op.sub, ...op.set(DLO));
  code.push(...half(YV, true), ...lumaHalf(RV, GV, BV, true), ...op.sub, ...op.set(DHI));
  for (const [p, v] of [[R, RV], [G, GV], [B, BV]] as const) {
    code.push(...op.get(p));
    code.push(...half(v, false), ...op.get(DLO), ...op.add, ...op.demote);
    code.push(...half(v, true), ...op.get(DHI), ...op.add, ...op.demote);
    code.push(...op.shuffle(JOIN), ...op.store);
  }
  for (const p of [R, G, B, Y]) code.push(...op.get(p), ...op.i32Const(16), ...op.i32Add, ...op.set(p));
  code.push(...op.br(0), ...op.end, ...op.end);
  return { locals: [[6, V128]], code };
}

/** lumaPlane(r, g, b, y, end): y = Y(r, g, b) rounded to f32, 4 pixels at a time while r < end. */
function lumaPlaneBody(): { locals: number[][]; code: number[] } {
  const [R, G, B, Y, END] = [0, 1, 2, 3, 4];
  const [RV, GV, BV] = [5, 6, 7];
  const code: number[] = [...op.block, ...op.loop, ...op.get(R), ...op.get(END), ...op.i32GeU, ...op.brIf(1)];
  for (const [p, v] of [[R, RV], [G, GV], [B, BV]] as const) code.push(...op.get(p), ...op.load, ...op.set(v));
  code.push(...op.get(Y), ...lumaHalf(RV, GV, BV, false), ...op.demote, ...lumaHalf(RV, GV, BV, true), ...op.demote, ...op.shuffle(JOIN), ...op.store);
  for (const p of [R, G, B, Y]) code.push(...op.get(p), ...op.i32Const(16), ...op.i32Add, ...op.set(p));
  code.push(...op.br(0), ...op.end, ...op.end);
  return { locals: [[3, V128]], code };
}

function moduleBytes(): Uint8Array {
  const fnType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])];
  const bodies = [replaceLumaBody(), lumaPlaneBody()];
  const code = bodies.map(({ locals, code: c }) => {
    const body = [...vec(locals), ...c, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fnType])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0x00], [0x00]])),
    ...section(7, vec([[...name('replaceLuma'), 0x00, 0x00], [...name('lumaPlane'), 0x00, 0x01]])),
    ...section(10, vec(code)),
  ]);
}

// --- the kernels -----------------------------------------------------------------------------------

type Kernel = (r: number, g: number, b: number, y: number, end: number) => void;

/** The slice of the WebAssembly JS API used here (tsconfig's lib has no WebAssembly types). */
interface WasmModule {
  readonly __wasmModule: unique symbol;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

function wasmModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      if (!wasm) throw new Error('no WebAssembly');
      compiled = new wasm.Module(moduleBytes());
    } catch {
      compiled = null; // no WebAssembly SIMD here: callers use the TypeScript loops
    }
  }
  return compiled;
}

/** True when this runtime compiles the SIMD module (Node 16.4+ does). */
export function lumaSimdAvailable(): boolean {
  return wasmModule() !== null;
}

/**
 * Planar RGB and Y planes of one size in WebAssembly memory, with the two kernels. `rgb` (3 planes)
 * and `y` are ordinary Float32Array views the native conversions can read and write.
 */
export class LumaSimd {
  readonly rgb: Float32Array;
  readonly y: Float32Array;
  private readonly replace: Kernel;
  private readonly luma: Kernel;

  private constructor(readonly pixels: number, mod: WasmModule) {
    const bytes = 16 * pixels + 64;
    const memory = new wasm!.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
    const exports = new wasm!.Instance(mod, { env: { memory } }).exports;
    this.replace = exports.replaceLuma as Kernel;
    this.luma = exports.lumaPlane as Kernel;
    this.rgb = new Float32Array(memory.buffer, 0, 3 * pixels);
    this.y = new Float32Array(memory.buffer, 12 * pixels, pixels);
  }

  /** Null when WebAssembly SIMD is unavailable or the planes would not fit in 32-bit memory. */
  static create(pixels: number): LumaSimd | null {
    const mod = wasmModule();
    if (!mod || 16 * pixels > 2 ** 31) return null;
    return new LumaSimd(pixels, mod);
  }

  /** `replaceLuma(this.rgb, pixels, this.y)`, bit for bit. */
  replaceLuma(): void {
    const n = this.pixels;
    const m = n & ~3;
    this.replace(0, 4 * n, 8 * n, 12 * n, 4 * m);
    const { kr, kg, kb } = BT709;
    const rgb = this.rgb;
    const y = this.y;
    for (let i = m; i < n; i++) {
      const r = rgb[i]!;
      const g = rgb[n + i]!;
      const b = rgb[2 * n + i]!;
      const d = y[i]! - (kr * r + kg * g + kb * b);
      rgb[i] = r + d;
      rgb[n + i] = g + d;
      rgb[2 * n + i] = b + d;
    }
  }

  /** `lumaPlane(this.rgb, pixels, this.y)`, bit for bit. */
  lumaPlane(): void {
    const n = this.pixels;
    const m = n & ~3;
    this.luma(0, 4 * n, 8 * n, 12 * n, 4 * m);
    const { kr, kg, kb } = BT709;
    for (let i = m; i < n; i++) this.y[i] = kr * this.rgb[i]! + kg * this.rgb[n + i]! + kb * this.rgb[2 * n + i]!;
  }
}
