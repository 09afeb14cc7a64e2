import { seededRandom } from '../../src/util/seeded-random.js';
import { floatToHalf as toHalfBits, halfToFloat as fromHalfBits } from '../../src/util/half-float.js';
/**
 * A minimal ONNX ModelProto encoder for tests: tiny image models built in the test, no Python.
 *
 *   const model = buildModel({
 *     input: { name: 'x', dtype: 'float32', shape: [1, 3, 'H', 'W'] },
 *     output: { name: 'y', dtype: 'float32', shape: [1, 3, 'H2', 'W2'] },
 *     nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } }],
 *     initializers: [{ name: 'w', dtype: 'float32', dims: [3, 3, 3, 3], data: weights }, ...],
 *   });
 *   fs.writeFileSync(file, model);
 *
 * ir_version 8, opset 17 (default domain) unless given. Tensor data is stored as raw_data
 * (little-endian); float16 initializers take float values (rounded to nearest even) or a Uint16Array
 * of half bit patterns. A string or null dimension is dynamic (dim_param; null leaves it unnamed).
 * Attributes: an integer number is INT, a non-integer FLOAT, a string STRING, a number[] INTS (all
 * integers) or FLOATS; use `floatAttr` / `floatsAttr` for whole-number floats.
 * Field numbers follow onnx/onnx.proto.
 */

export type OnnxDType = 'float32' | 'float16' | 'uint8' | 'int8' | 'int32' | 'int64';

const DATA_TYPE: Record<OnnxDType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 };

export interface ValueSpec {
  readonly name: string;
  readonly dtype: OnnxDType;
  /** A number is fixed; a string is a named dynamic dimension (dim_param); null is an unnamed one. */
  readonly shape: ReadonlyArray<number | string | null>;
}

export interface FloatAttr { readonly float: number }
export interface FloatsAttr { readonly floats: readonly number[] }
export type AttrValue = number | string | readonly number[] | FloatAttr | FloatsAttr;

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

export interface InitializerSpec {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly number[];
  /** Values; for float16 either floats (converted) or a Uint16Array of half bits. */
  readonly data: ArrayLike<number> | Uint16Array;
}

export interface ModelSpec {
  readonly input: ValueSpec;
  readonly output: ValueSpec;
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly InitializerSpec[];
  /** Default 17. */
  readonly opset?: number;
  /** Default 8. */
  readonly irVersion?: number;
  readonly graphName?: string;
}

export const floatAttr = (value: number): FloatAttr => ({ float: value });
export const floatsAttr = (values: readonly number[]): FloatsAttr => ({ floats: values });

/** Encodes the model as ONNX protobuf bytes. */
export function buildModel(spec: ModelSpec): Buffer {
  const graph = new Writer();
  for (const node of spec.nodes) graph.message(1, encodeNode(node));
  graph.string(2, spec.graphName ?? 'ledpipe_test');
  for (const init of spec.initializers ?? []) graph.message(5, encodeTensor(init));
  graph.message(11, encodeValueInfo(spec.input));
  graph.message(12, encodeValueInfo(spec.output));

  const opset = new Writer().string(1, '').varint(2, spec.opset ?? 17);
  const model = new Writer()
    .varint(1, spec.irVersion ?? 8)
    .string(2, 'ledpipe-test-onnx-builder')
    .string(3, '1')
    .message(7, graph)
    .message(8, opset);
  return model.finish();
}

// ---- layers: the few building blocks image models need -------------------------------------------

export { seededRandom } from '../../src/util/seeded-random.js';

export interface ConvLayer {
  readonly node: NodeSpec;
  readonly initializers: InitializerSpec[];
}

/**
 * A same-padded k×k Conv with bias and random weights of scale ~1/sqrt(fan-in) (so activations stay
 * near unit size through a few layers). Initializers are `${name}.w` and `${name}.b`.
 */
export function convLayer(opts: {
  name: string; input: string; output: string; inChannels: number; outChannels: number;
  kernel?: number; dtype?: 'float32' | 'float16'; random: () => number;
}): ConvLayer {
  const k = opts.kernel ?? 3;
  const dtype = opts.dtype ?? 'float32';
  const fanIn = opts.inChannels * k * k;
  const scale = 1 / Math.sqrt(fanIn);
  const w = Array.from({ length: opts.outChannels * fanIn }, () => (opts.random() * 2 - 1) * scale);
  const b = Array.from({ length: opts.outChannels }, () => (opts.random() * 2 - 1) * 0.1);
  const p = (k - 1) >> 1;
  return {
    node: {
      op: 'Conv', name: opts.name, inputs: [opts.input, `${opts.name}.w`, `${opts.name}.b`], outputs: [opts.output],
      attrs: { kernel_shape: [k, k], pads: [p, p, p, p], strides: [1, 1] },
    },
    initializers: [
      { name: `${opts.name}.w`, dtype, dims: [opts.outChannels, opts.inChannels, k, k], data: w },
      { name: `${opts.name}.b`, dtype, dims: [opts.outChannels], data: b },
    ],
  };
}

/**
 * A tiny SRVGGNet-like super-resolution model: conv → PReLU → (conv → PReLU)×(depth-1) → conv to
 * 3·scale² channels → DepthToSpace(scale) → + nearest upsample of the input (Resize), all in `dtype`.
 * Input [1,3,H,W], output [1,3,H*scale,W*scale], H/W dynamic.
 */
export function tinySrModel(opts: { scale?: number; features?: number; depth?: number; dtype?: 'float32' | 'float16'; seed?: number } = {}): Buffer {
  const scale = opts.scale ?? 2;
  const features = opts.features ?? 8;
  const depth = opts.depth ?? 2;
  const dtype = opts.dtype ?? 'float32';
  const random = seededRandom(opts.seed ?? 1);
  const nodes: NodeSpec[] = [];
  const inits: InitializerSpec[] = [];
  let prev = 'input';
  let channels = 3;
  for (let i = 0; i < depth; i++) {
    const conv = convLayer({ name: `body${i}`, input: prev, output: `body${i}.conv`, inChannels: channels, outChannels: features, dtype, random });
    nodes.push(conv.node, { op: 'PRelu', inputs: [`body${i}.conv`, `body${i}.slope`], outputs: [`body${i}.act`] });
    inits.push(...conv.initializers, { name: `body${i}.slope`, dtype, dims: [features, 1, 1], data: Array.from({ length: features }, () => 0.25 * random()) });
    prev = `body${i}.act`;
    channels = features;
  }
  const last = convLayer({ name: 'tail', input: prev, output: 'tail.conv', inChannels: channels, outChannels: 3 * scale * scale, dtype, random });
  nodes.push(last.node);
  inits.push(...last.initializers, { name: 'up.scales', dtype: 'float32', dims: [4], data: [1, 1, scale, scale] });
  nodes.push(
    { op: 'DepthToSpace', inputs: ['tail.conv'], outputs: ['shuffled'], attrs: { blocksize: scale, mode: 'CRD' } },
    { op: 'Resize', inputs: ['input', '', 'up.scales'], outputs: ['base'], attrs: { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' } },
    { op: 'Add', inputs: ['shuffled', 'base'], outputs: ['output'] },
  );
  return buildModel({
    input: { name: 'input', dtype, shape: [1, 3, 'height', 'width'] },
    output: { name: 'output', dtype, shape: [1, 3, 'out_height', 'out_width'] },
    nodes,
    initializers: inits,
  });
}

// ---- half precision ------------------------------------------------------------------------------

export { floatToHalf as toHalfBits, halfToFloat as fromHalfBits } from '../../src/util/half-float.js';

/** Floats → a Uint16Array of half bits. */
export function toHalfArray(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]!);
  return out;
}

/** Half bits → Float32Array. */
export function fromHalfArray(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
  return out;
}

// ---- protobuf encoding -----------------------------------------------------------------------------

function encodeNode(node: NodeSpec): Writer {
  const w = new Writer();
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, node.name ?? `${node.op}_${node.outputs[0] ?? ''}`);
  w.string(4, node.op);
  for (const [name, value] of Object.entries(node.attrs ?? {})) w.message(5, encodeAttr(name, value));
  if (node.domain) w.string(7, node.domain);
  return w;
}

function encodeAttr(name: string, value: AttrValue): Writer {
  const w = new Writer().string(1, name);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return w.varint(3, value).varint(20, 2);
    return w.float(2, value).varint(20, 1);
  }
  if (typeof value === 'string') return w.bytes(4, Buffer.from(value, 'utf8')).varint(20, 3);
  if ('float' in value) return w.float(2, value.float).varint(20, 1);
  const list = 'floats' in value ? value.floats : value;
  if ('floats' in value || !list.every(Number.isInteger)) {
    for (const f of list) w.float(7, f);
    return w.varint(20, 6);
  }
  for (const i of list) w.varint(8, i);
  return w.varint(20, 7);
}

function encodeTensor(t: InitializerSpec): Writer {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) {
    throw new RangeError(`initializer ${t.name}: dims [${t.dims.join(', ')}] hold ${count} values but data has ${t.data.length}`);
  }
  const w = new Writer();
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, DATA_TYPE[t.dtype]);
  w.string(8, t.name);
  w.bytes(9, rawData(t.dtype, t.data));
  return w;
}

function rawData(dtype: OnnxDType, data: ArrayLike<number>): Buffer {
  const n = data.length;
  switch (dtype) {
    case 'float32': return bufferOf(Float32Array.from(data));
    case 'float16': return bufferOf(data instanceof Uint16Array ? data : toHalfArray(data));
    case 'uint8': return bufferOf(Uint8Array.from(data));
    case 'int8': return bufferOf(Int8Array.from(data));
    case 'int32': return bufferOf(Int32Array.from(data));
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(data[i]!);
      return bufferOf(out);
    }
  }
}

function bufferOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function encodeValueInfo(v: ValueSpec): Writer {
  const shape = new Writer();
  for (const d of v.shape) {
    const dim = new Writer();
    if (typeof d === 'number') dim.varint(1, d);
    else if (typeof d === 'string') dim.string(2, d);
    shape.message(1, dim);
  }
  const tensor = new Writer().varint(1, DATA_TYPE[v.dtype]).message(2, shape);
  const type = new Writer().message(1, tensor);
  return new Writer().string(1, v.name).message(2, type);
}

/** Protobuf wire format: varint (0), 32-bit (5) and length-delimited (2) fields. */
class Writer {
  private readonly parts: Buffer[] = [];

  varint(field: number, value: number): this {
    this.tag(field, 0);
    this.rawVarint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, value: Buffer): this {
    this.tag(field, 2);
    this.rawVarint(BigInt(value.length));
    this.parts.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, value: Writer): this {
    return this.bytes(field, value.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(BigInt((field << 3) | wireType));
  }

  private rawVarint(v: bigint): void {
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    this.parts.push(Buffer.from(out));
  }
}
