/**
 * The real-time tier, end to end: the SR stage (rgb24 frame in, rgb24 frame out:
 * lumaSplit: RGB -> Y + chroma planes, the model, lumaMerge: chroma upsample + Y + pack) at 960x540 ->
 * 1920x1080 and 480x270 -> 960x540, per backend x model x threads, with its bare-model peer in the same
 * run (the backend's own session on the same whole-frame Y tensor with a caller-owned output, as the
 * stage runs it, timed alternately with the stage). Prints
 * fps and whether the stage meets the 60 fps target (16.7 ms per frame); writes
 * bench-output/inference-realtime.json.
 *
 *   node dist/benchmarks/inference/realtime.js [--models ID,...] [--onnx FILE.onnx,...]
 *       [--sizes 960x540,480x270] [--threads 2,1] [--backends openvino,onnxruntime] [--seconds 3]
 *
 * Models: by default every luma x2 model of the `models/` registry with tier realtime or balanced,
 * plus `floor-x2` (a 1x1 conv + DepthToSpace luma model: the stage overhead with a near-free model).
 * `--onnx` adds bare luma x2 files (whole frame, no tiling) under their file name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Backend, InferenceSession, Tensor } from '../../src/inference/backend.js';
import { defaultBackends } from '../../src/inference/select.js';
import { defaultModelRegistry, ModelRegistry } from '../../src/models/registry.js';
import { nativeInfo, resizeAsync } from '../../src/native/index.js';
import { FramePool } from '../../src/pipeline/frame-pool.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { buildModel } from '../../test/support/onnx-builder.js';

const OUT = path.join(process.cwd(), 'bench-output');
const TARGET_FPS = 60;

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    onnx: { type: 'string' },
    sizes: { type: 'string', default: '960x540,480x270' },
    threads: { type: 'string', default: '2,1' },
    backends: { type: 'string' },
    seconds: { type: 'string', default: '3' },
  },
});
const SIZES = values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const THREADS = values.threads.split(',').map(Number);
const SECONDS = Number(values.seconds);

/** Luma x2 with a 1x1 conv (1 -> 4, all ones) + DepthToSpace: nearest upscale, the overhead floor. */
function floorModel(): Buffer {
  return buildModel({
    input: { name: 'input', dtype: 'float32', shape: [1, 1, 'h', 'w'] },
    output: { name: 'output', dtype: 'float32', shape: [1, 1, 'h2', 'w2'] },
    nodes: [
      { op: 'Conv', inputs: ['input', 'w'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
      { op: 'DepthToSpace', inputs: ['c'], outputs: ['output'], attrs: { blocksize: 2, mode: 'CRD' } },
    ],
    initializers: [{ name: 'w', dtype: 'float32', dims: [4, 1, 1, 1], data: [1, 1, 1, 1] }],
  });
}

interface Entry {
  id: string;
  registry: ModelRegistry;
  file: string;
  macsPerInputPixel: number | null;
}

/** A temporary registry with bare luma x2 files (and the floor model), whole-frame cards. */
function extraModels(dir: string): Entry[] {
  const files: Array<{ id: string; src: Buffer | string; macs: number | null }> = [{ id: 'floor-x2', src: floorModel(), macs: 4 }];
  for (const f of values.onnx?.split(',').filter(Boolean) ?? []) files.push({ id: path.basename(f, '.onnx').toLowerCase().replace(/[^a-z0-9._-]/g, '-'), src: path.resolve(f), macs: null });
  const tensor = (name: string) => ({ name, layout: 'NCHW', dtype: 'float32', range: [0, 1], colour: 'luma' });
  for (const m of files) {
    const file = path.join(dir, `${m.id}.onnx`);
    if (typeof m.src === 'string') fs.copyFileSync(m.src, file);
    else fs.writeFileSync(file, m.src);
    fs.writeFileSync(path.join(dir, `${m.id}.json`), JSON.stringify({
      id: m.id, task: 'sr', scale: 2, family: m.id, tier: 'realtime', input: tensor('input'), output: tensor('output'),
      tile: { size: 8192, overlap: 16 }, receptiveField: 16, params: 0, macsPerInputPixel: m.macs ?? 0, precision: 'fp32',
      provenance: { source: 'benchmarks/inference/realtime.ts', licence: 'n/a', notes: 'benchmark only' },
    }));
  }
  const registry = new ModelRegistry({ dirs: [dir] });
  return files.map((m) => ({ id: m.id, registry, file: path.join(dir, `${m.id}.onnx`), macsPerInputPixel: m.macs }));
}

function shippedModels(): Entry[] {
  const registry = defaultModelRegistry();
  const wanted = values.models?.split(',');
  return registry
    .list()
    .filter((m) => (wanted ? wanted.includes(m.card.id) : m.card.scale === 2 && m.card.input.colour === 'luma' && (m.card.tier === 'realtime' || m.card.tier === 'balanced')))
    .map((m) => ({ id: m.card.id, registry, file: m.modelPath, macsPerInputPixel: m.card.macsPerInputPixel }));
}

function frameData(w: number, h: number): Buffer {
  // A picture with edges, gradients and text-like detail (the stage's cost does not depend on it).
  const b = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set([(x * 255) / w, (y * 255) / h, ((x ^ y) & 32) * 6], (y * w + x) * 3);
  return b;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median ms of each contender, run alternately for about SECONDS (at least 5 rounds, at most 400). */
async function timeInterleaved(contenders: Array<() => Promise<unknown>>): Promise<{ medians: number[]; runs: number }> {
  const times: number[][] = contenders.map(() => []);
  const start = performance.now();
  let rounds = 0;
  for (const c of contenders) await c(); // warm-up
  while (rounds < 5 || (performance.now() - start < SECONDS * 1000 && rounds < 400)) {
    for (let i = 0; i < contenders.length; i++) {
      const t0 = performance.now();
      await contenders[i]!();
      times[i]!.push(performance.now() - t0);
    }
    rounds++;
  }
  return { medians: times.map(median), runs: rounds };
}

interface Row {
  backend: string;
  model: string;
  input: string;
  output: string;
  threads: number;
  stageMsPerFrame: number;
  fps: number;
  meets60: boolean;
  peerMsPerRun: number;
  overheadMs: number;
  lanczosMs: number;
  gmacPerSecond: number | null;
  runs: number;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-realtime-'));
  const models = [...extraModels(dir), ...shippedModels()];
  const backends: Backend[] = defaultBackends().filter((b) => b.probe().available && (!values.backends || values.backends.split(',').includes(b.name)));
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, ${backends.map((b) => `${b.name} ${b.probe().version}`).join(', ')}, native ${nativeInfo().isa}`;
  const loadBefore = os.loadavg();
  process.stdout.write(`SR stage end to end (rgb24 in, rgb24 out) vs the bare model, median ms per frame; ${machine}\nload average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}\n`);
  process.stdout.write(['backend', 'model', 'input', 'thr', 'stage ms', 'fps', `>=${TARGET_FPS}`, 'model ms', 'overhead ms', 'lanczos ms', 'GMAC/s'].join('\t') + '\n');
  const rows: Row[] = [];
  try {
    for (const backend of backends) {
      for (const m of models) {
        for (const [w, h] of SIZES) {
          for (const threads of THREADS) {
            const stage = await createSrStage({ width: w, height: h, format: 'rgb24', fps: 60, live: false, log: silentLogger }, { registry: m.registry, model: m.id, backend, threads, ladder: false, poolCapacity: 2 });
            const rung = stage.modelRungs[0]!;
            if (rung.tiled) process.stdout.write(`note: ${m.id} runs in ${rung.tileCount} tiles at ${w}x${h}\n`);
            const input = new FramePool(w, h, 'rgb24', 1);
            const data = frameData(w, h);
            const stageRun = async (): Promise<void> => {
              const buf = input.tryAcquireBuffer()!;
              data.copy(buf);
              const out = await stage.process(input.frame(buf, 0, 0));
              out.release();
            };
            const session: InferenceSession = await backend.load(m.file, { threads });
            const y = new Float32Array(w * h);
            for (let i = 0; i < y.length; i++) y[i] = (data[3 * i]! * 0.2126 + data[3 * i + 1]! * 0.7152 + data[3 * i + 2]! * 0.0722) / 255;
            const tensor: Tensor = { data: y, dtype: 'float32', shape: [1, 1, h, w] };
            // The peer gets a caller-owned output too (as the stage passes one), so 'overhead' is the stage's own work.
            const yOut = new Float32Array(4 * w * h);
            const up = Buffer.alloc(w * h * 12);
            const lanczos = () => resizeAsync({ src: data, srcWidth: w, srcHeight: h, dst: up, dstWidth: 2 * w, dstHeight: 2 * h, format: 'rgb24', filter: 'lanczos3' });
            const timed = await timeInterleaved([stageRun, () => session.run(tensor, yOut), lanczos]);
            await stage.close();
            await session.close();
            const [ms, peer, lz] = timed.medians as [number, number, number];
            const row: Row = {
              backend: backend.name, model: m.id, input: `${w}x${h}`, output: `${2 * w}x${2 * h}`, threads,
              stageMsPerFrame: +ms.toFixed(2), fps: +(1000 / ms).toFixed(1), meets60: 1000 / ms >= TARGET_FPS,
              peerMsPerRun: +peer.toFixed(2), overheadMs: +(ms - peer).toFixed(2), lanczosMs: +lz.toFixed(2),
              gmacPerSecond: m.macsPerInputPixel ? +((m.macsPerInputPixel * w * h) / (peer / 1000) / 1e9).toFixed(2) : null, runs: timed.runs,
            };
            rows.push(row);
            process.stdout.write([row.backend, row.model, row.input, row.threads, row.stageMsPerFrame, row.fps, row.meets60 ? 'yes' : 'no', row.peerMsPerRun, row.overheadMs, row.lanczosMs, row.gmacPerSecond ?? '-'].join('\t') + '\n');
          }
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg();
  process.stdout.write(`load average after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores); 'model ms' is the bare model on the same Y tensor, 'lanczos ms' the native RGB Lanczos x2 alone\n`);
  fs.mkdirSync(OUT, { recursive: true });
  const doc = { benchmark: 'inference-realtime', date: new Date().toISOString(), machine, targetFps: TARGET_FPS, loadAverage: { before: loadBefore, after: loadAfter, cores: os.cpus().length }, secondsPerMeasurement: SECONDS, rows };
  fs.writeFileSync(path.join(OUT, 'inference-realtime.json'), JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(OUT, 'inference-realtime.json'))}\n`);
}

await main();
