/**
 * SR stage throughput per backend x model x input size x threads, with its peer measured in the same
 * run: the same model called directly on the same whole-frame tensor (onnxruntime-node's own
 * InferenceSession for ONNX Runtime, the backend's session for the others). The difference is the
 * stage's overhead (frame <-> tensor conversion, tiling, pool). Prints a table and writes
 * bench-output/inference.json.
 *
 *   node dist/benchmarks/inference/run.js [--sizes 480x270,960x540,1920x1080] [--threads 1,2]
 *       [--backends onnxruntime,openvino] [--models tiny16-x2,...] [--seconds 1.5]
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Backend, Tensor, TensorData } from '../../src/inference/backend.js';
import { defaultBackends } from '../../src/inference/select.js';
import { ModelRegistry } from '../../src/models/registry.js';
import { nativeInfo, planarLength, toPlanar } from '../../src/native/index.js';
import { FramePool } from '../../src/pipeline/frame-pool.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { buildModel, tinySrModel } from '../../test/support/onnx-builder.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'bench-output');
const REALESR = path.resolve(ROOT, '../shared/weights/realesr-general-x4v3/realesr-general-x4v3-fp16.onnx');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '480x270,960x540,1920x1080' },
    threads: { type: 'string', default: '1,2' },
    backends: { type: 'string' },
    models: { type: 'string' },
    seconds: { type: 'string', default: '1.2' },
  },
});
const SIZES = values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const THREADS = values.threads.split(',').map(Number);
const SECONDS = Number(values.seconds);

interface BenchModel {
  id: string;
  onnx: Buffer | string;
  scale: number;
  dtype: 'float32' | 'float16';
  macsPerInputPixel: number;
  receptiveField: number;
  tile: { size: number; overlap: number };
  /** Input sizes for this model (x4 models run on smaller inputs). */
  sizes: Array<[number, number]>;
  note: string;
}

/** MACs per input pixel of a chain of same-padded k x k convolutions (cin -> cout) at input resolution. */
const convMacs = (layers: Array<[number, number, number]>) => layers.reduce((a, [k, cin, cout]) => a + k * k * cin * cout, 0);

function nearestX2(): Buffer {
  const w = new Array<number>(36).fill(0);
  for (let c = 0; c < 3; c++) for (let k = 0; k < 4; k++) w[(c * 4 + k) * 3 + c] = 1;
  return buildModel({
    input: { name: 'input', dtype: 'float32', shape: [1, 3, 'h', 'w'] },
    output: { name: 'output', dtype: 'float32', shape: [1, 3, 'h2', 'w2'] },
    nodes: [
      { op: 'Conv', inputs: ['input', 'w'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
      { op: 'DepthToSpace', inputs: ['c'], outputs: ['output'], attrs: { blocksize: 2, mode: 'CRD' } },
    ],
    initializers: [{ name: 'w', dtype: 'float32', dims: [12, 3, 1, 1], data: w }],
  });
}

function benchModels(): BenchModel[] {
  const whole = { size: 4096, overlap: 8 };
  const tiny16 = tinySrModel({ scale: 2, features: 16, depth: 2, seed: 3 });
  const tinyMacs = convMacs([[3, 3, 16], [3, 16, 16], [3, 16, 12]]);
  const list: BenchModel[] = [
    { id: 'nearest-x2', onnx: nearestX2(), scale: 2, dtype: 'float32', macsPerInputPixel: 36, receptiveField: 1, tile: whole, sizes: SIZES, note: '1x1 conv + DepthToSpace: the stage overhead floor' },
    { id: 'tiny16-x2', onnx: tiny16, scale: 2, dtype: 'float32', macsPerInputPixel: tinyMacs, receptiveField: 7, tile: whole, sizes: SIZES, note: '3 convs, 16 features (SRVGG-like, random weights)' },
    { id: 'tiny16-x2-tiled', onnx: tiny16, scale: 2, dtype: 'float32', macsPerInputPixel: tinyMacs, receptiveField: 7, tile: { size: 512, overlap: 8 }, sizes: SIZES.filter(([w, h]) => w > 512 || h > 512), note: 'the same, in 512 px tiles with 8 px overlap' },
  ];
  if (fs.existsSync(REALESR)) {
    const macs = convMacs([[3, 3, 64], ...Array.from({ length: 32 }, () => [3, 64, 64] as [number, number, number]), [3, 64, 48]]);
    list.push({ id: 'realesr-general-x4v3', onnx: REALESR, scale: 4, dtype: 'float16', macsPerInputPixel: macs, receptiveField: 69, tile: { size: 4096, overlap: 72 }, sizes: [[240, 135], [480, 270]], note: 'Real-ESRGAN SRVGGNetCompact fp16 (../shared/weights), x4 on 1/4-size inputs' });
  }
  const only = values.models?.split(',');
  return only ? list.filter((m) => only.includes(m.id)) : list;
}

/** Writes each model with its card into a temporary models folder. */
function writeRegistry(models: BenchModel[]): { registry: ModelRegistry; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-bench-models-'));
  for (const m of models) {
    if (typeof m.onnx === 'string') fs.copyFileSync(m.onnx, path.join(dir, `${m.id}.onnx`));
    else fs.writeFileSync(path.join(dir, `${m.id}.onnx`), m.onnx);
    const tensor = (name: string) => ({ name, layout: 'NCHW', dtype: m.dtype, range: [0, 1], colour: 'rgb' });
    const io = m.id.startsWith('realesr') ? { input: tensor('data'), output: tensor('output') } : { input: tensor('input'), output: tensor('output') };
    fs.writeFileSync(path.join(dir, `${m.id}.json`), JSON.stringify({
      id: m.id, task: 'sr', scale: m.scale, family: m.id, tier: 'quality', ...io, tile: m.tile, receptiveField: m.receptiveField,
      params: 0, macsPerInputPixel: m.macsPerInputPixel, precision: m.dtype === 'float16' ? 'fp16' : 'fp32',
      provenance: { source: 'benchmarks/inference', licence: 'see PROVENANCE.md', notes: m.note },
    }));
  }
  return { registry: new ModelRegistry({ dirs: [dir] }), dir };
}

function frameData(w: number, h: number): Buffer {
  const b = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set([(x * 255) / w, (y * 255) / h, ((x ^ y) & 32) * 6], (y * w + x) * 3);
  return b;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Median ms of each contender, run alternately (so load from other processes on a shared machine
 * hits all of them alike): at least 3 rounds (2 when a round takes over a second), then rounds until
 * about SECONDS have passed (at most 30).
 */
async function timeInterleaved(contenders: Array<() => Promise<void>>): Promise<{ medians: number[]; runs: number }> {
  const times: number[][] = contenders.map(() => []);
  const start = performance.now();
  let rounds = 0;
  const minRounds = (): number => (rounds > 0 && (performance.now() - start) / rounds > 1000 ? 2 : 3);
  while (rounds < minRounds() || (performance.now() - start < SECONDS * 1000 && rounds < 30)) {
    for (let i = 0; i < contenders.length; i++) {
      const t0 = performance.now();
      await contenders[i]!();
      times[i]!.push(performance.now() - t0);
    }
    rounds++;
  }
  return { medians: times.map(median), runs: rounds };
}

type Ort = typeof import('onnxruntime-node');

/** The peer: one whole-frame run of the same model on the same tensor, without the stage. */
async function peerRunner(backend: Backend, file: string, threads: number): Promise<{ run: (t: Tensor) => Promise<void>; close: () => Promise<void> }> {
  if (backend.name === 'onnxruntime') {
    const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
    const s = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    return { run: async (t) => void (await s.run({ [s.inputNames[0]!]: new ort.Tensor(t.dtype, t.data, t.shape) })), close: () => s.release() };
  }
  const s = await backend.load(file, { threads });
  return { run: async (t) => void (await s.run(t)), close: () => s.close() };
}

interface Row {
  backend: string;
  model: string;
  input: string;
  output: string;
  threads: number;
  tiles: number;
  stageMsPerFrame: number;
  fps: number;
  gmacPerSecond: number;
  peerMsPerRun: number | null;
  overheadMs: number | null;
  runs: number;
}

async function main(): Promise<void> {
  const models = benchModels();
  const { registry, dir } = writeRegistry(models);
  const backends = defaultBackends().filter((b) => b.probe().available && (!values.backends || values.backends.split(',').includes(b.name)));
  const cpu = os.cpus()[0]?.model ?? 'cpu';
  const versions = Object.fromEntries(backends.map((b) => [b.name, b.probe().version]));
  const machine = `${cpu} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${backends.map((b) => `${b.name} ${b.probe().version}`).join(', ')}, native ${nativeInfo().isa}`;
  const loadBefore = os.loadavg()[0]!;
  process.stdout.write(`SR stage vs the model alone (median ms per frame); ${machine}; load average ${loadBefore.toFixed(2)}\n`);
  const rows: Row[] = [];
  const header = ['backend', 'model', 'input', 'output', 'thr', 'tiles', 'stage ms', 'fps', 'GMAC/s', 'peer ms', 'overhead ms'];
  process.stdout.write(header.join('\t') + '\n');
  try {
    for (const backend of backends) {
      for (const m of models) {
        for (const [w, h] of m.sizes) {
          for (const threads of THREADS) {
            const stage = await createSrStage({ width: w, height: h, format: 'rgb24', fps: 60, live: false, log: silentLogger }, { registry, model: m.id, backend, threads, ladder: false, poolCapacity: 2 });
            const rung = stage.modelRungs[0]!;
            const input = new FramePool(w, h, 'rgb24', 1);
            const data = frameData(w, h);
            const stageRun = async (): Promise<void> => {
              const buf = input.tryAcquireBuffer()!;
              data.copy(buf);
              const out = await stage.process(input.frame(buf, 0, 0));
              out.release();
            };
            // Peer: the same whole-frame tensor straight into the runtime (comparable only when the stage does not tile).
            let peer: Awaited<ReturnType<typeof peerRunner>> | null = null;
            let tensor: Tensor | null = null;
            if (!rung.tiled) {
              const tensorData: TensorData = toPlanar({ src: data, width: w, height: h, format: 'rgb24', dst: m.dtype === 'float16' ? new Uint16Array(planarLength(w, h)) : new Float32Array(planarLength(w, h)) });
              tensor = { data: tensorData, dtype: m.dtype, shape: [1, 3, h, w] };
              peer = await peerRunner(backend, path.join(dir, `${m.id}.onnx`), threads);
              await peer.run(tensor); // warm-up, as the stage's load does
            }
            const timed = await timeInterleaved(peer && tensor ? [stageRun, () => peer.run(tensor)] : [stageRun]);
            await stage.close();
            await peer?.close();
            const stageTime = { median: timed.medians[0]!, runs: timed.runs };
            const peerMs = timed.medians[1] ?? null;
            const ms = stageTime.median;
            const row: Row = {
              backend: backend.name, model: m.id, input: `${w}x${h}`, output: `${w * m.scale}x${h * m.scale}`, threads, tiles: rung.tileCount,
              stageMsPerFrame: +ms.toFixed(2), fps: +(1000 / ms).toFixed(2), gmacPerSecond: +((m.macsPerInputPixel * w * h) / (ms / 1000) / 1e9).toFixed(2),
              peerMsPerRun: peerMs === null ? null : +peerMs.toFixed(2), overheadMs: peerMs === null ? null : +(ms - peerMs).toFixed(2), runs: stageTime.runs,
            };
            rows.push(row);
            process.stdout.write([row.backend, row.model, row.input, row.output, row.threads, row.tiles, row.stageMsPerFrame, row.fps, row.gmacPerSecond, row.peerMsPerRun ?? '-', row.overheadMs ?? '-'].join('\t') + '\n');
          }
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // OpenVINO against ONNX Runtime on the same model, size and threads (both measured in this run).
  const ratios = rows.flatMap((r) => {
    if (r.backend !== 'openvino') return [];
    const ort = rows.find((o) => o.backend === 'onnxruntime' && o.model === r.model && o.input === r.input && o.threads === r.threads);
    return ort ? [{ model: r.model, input: r.input, threads: r.threads, openvinoFps: r.fps, onnxruntimeFps: ort.fps, openvinoOverOnnxruntime: +(r.fps / ort.fps).toFixed(2) }] : [];
  });
  if (ratios.length) {
    process.stdout.write('OpenVINO / ONNX Runtime (stage fps ratio, same run)\n');
    for (const q of ratios) process.stdout.write(`${q.model}  ${q.input}  t${q.threads}  ${q.openvinoFps} / ${q.onnxruntimeFps} fps = ${q.openvinoOverOnnxruntime}x\n`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  // Other processes on the machine skew every figure: the 1-minute load average is kept with them.
  const loadAverage = { before: +loadBefore.toFixed(2), after: +os.loadavg()[0]!.toFixed(2), cores: os.cpus().length };
  process.stdout.write(`load average before ${loadAverage.before}, after ${loadAverage.after} (${loadAverage.cores} cores)\n`);
  const doc = { benchmark: 'inference', date: new Date().toISOString(), machine, loadAverage, versions, secondsPerMeasurement: SECONDS, models: models.map(({ onnx: _onnx, ...m }) => m), rows, openvinoOverOnnxruntime: ratios };
  fs.writeFileSync(path.join(OUT, 'inference.json'), JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(OUT, 'inference.json'))}\n`);
}

await main();
