/**
 * Calibration stage benchmark: ms per frame at 1920x1080 and 3840x2160 (rgb24; rgb48le with 16-bit
 * output at 1080p), one thread. First, issue 4's budget: calibration alone (full rung), thermal
 * alone (its kernel, 8x4 zones 30 → 60 °C, the calibration's output transfer, ordered dither), the
 * two one after the other, and thermal fused into the calibration pass (the stage with a thermal
 * stage attached, as the pipeline runs them), on every ISA path the CPU has, all interleaved frame
 * by frame, against the target (≤ 4 ms at 1080p, ≤ 16 ms at 2160p together). Then each rung of the
 * full-gray ladder (with and without a 33³ LUT) per ISA path (scalar at 1080p only), the LUT-only
 * stage native vs the TypeScript LutStage, and, in the same run on the same frames and .cube,
 * ffmpeg's lut3d (tetrahedral, one thread). Rows report the median and the minimum. Prints a table
 * and writes bench-output/calibration.json.
 *
 *   node dist/benchmarks/calibration/run.js [--frames N] [--quick] [--budget-only]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SOLVE_ANCHORS } from '../../src/calibration/calibration-solve.js';
import { writeCubeFile, type CubeLut } from '../../src/calibration/cube-lut.js';
import { createFullGrayStage, type FullGrayStage } from '../../src/calibration/fullgray-stage.js';
import { moduleGrid, writeLedcal, type Calibration } from '../../src/calibration/ledcal-format.js';
import { lut3dFromFunction } from '../../src/calibration/lut-builders.js';
import { createLutStage } from '../../src/calibration/lut-stage.js';
import { PRIMARIES_BT709, WHITE_D65 } from '../../src/calibration/colour-spaces.js';
import { locateFfmpeg } from '../../src/io/ffmpeg-locate.js';
import { nativeInfo, nativeStatus, setNativeIsa, thermalApply } from '../../src/native/index.js';
import { resolveLedType } from '../../src/thermal/led-model.js';
import { zoneCorrections } from '../../src/thermal/thermal-correction.js';
import { buildThermalTables, parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import type { Frame, PixelFormat } from '../../src/pipeline/frame.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { seededRandom as rng } from '../../src/util/seeded-random.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const OUT = path.join(ROOT, 'bench-output');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const FRAMES = Number(argv[argv.indexOf('--frames') + 1]) || (QUICK ? 5 : 15);
const BUDGET_ONLY = argv.includes('--budget-only');
/** Issue 4: calibration + thermal together, one core. */
const TARGET_MS: Record<string, number> = { '1920x1080': 4, '3840x2160': 16 };


/** Video-like content: smooth colour gradients with ±6-code noise (what the LUT stage docs use). */
function gradientFrame(w: number, h: number, seed: number): Buffer {
  const r = rng(seed);
  const b = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 3 * (y * w + x);
      const base = [(255 * x) / w, (255 * y) / h, 127 + 120 * Math.sin((x + y) / 97)];
      for (let c = 0; c < 3; c++) b[i + c] = Math.max(0, Math.min(255, Math.round(base[c]! + (r() - 0.5) * 12)));
    }
  }
  return b;
}

function randomFrame(w: number, h: number, seed: number): Buffer {
  const r = rng(seed);
  const b = Buffer.alloc(w * h * 3);
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** A 1080p/2160p wall of 128x64-pixel modules, 10 anchors, u8 gains, seams. */
function wallCalibration(w: number, h: number): Calibration {
  const module = { width: 128, height: 64 };
  const r = rng(7);
  const grid = moduleGrid({ width: w, height: h, module });
  const K = DEFAULT_SOLVE_ANCHORS.length;
  const matrices = new Float32Array(grid.rows * grid.cols * K * 9);
  for (let i = 0; i < matrices.length; i++) matrices[i] = i % 9 === 0 || i % 9 === 4 || i % 9 === 8 ? 0.7 + 0.2 * r() : 0.05 * (r() - 0.5);
  const data = new Uint8Array(3 * w * h);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
  const seams = new Float32Array(grid.rows * grid.cols * 4).map(() => 0.95 + 0.1 * r());
  return {
    width: w, height: h, module, anchors: [...DEFAULT_SOLVE_ANCHORS],
    input: { curve: 'gamma', gamma: 2.4 },
    output: { transfer: { curve: 'gamma', gamma: 2.2 }, bitDepth: 8, dither: 'ordered' },
    target: { primaries: { red: PRIMARIES_BT709.red, green: PRIMARIES_BT709.green, blue: PRIMARIES_BT709.blue }, white: WHITE_D65, peakNits: null },
    matrices, matrixType: 'f16', gain: { type: 'u8', scale: [0.4 / 255, 0.4 / 255, 0.4 / 255], offset: [0.7, 0.7, 0.7], data }, seams, lut: null,
  };
}

const grade: CubeLut = {
  title: 'bench grade',
  lut1d: null,
  lut3d: lut3dFromFunction(33, ([r, g, b]) => {
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const s = (v: number): number => Math.min(1, Math.max(0, y + 1.15 * (v - y)));
    return [s(r) ** 1.05, s(0.95 * g + 0.05 * b), s(b) ** 0.97];
  }),
};

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** rgb48le frames of the same content (code * 257). */
function to48(b: Buffer): Buffer {
  const o = Buffer.alloc(2 * b.length);
  for (let i = 0; i < b.length; i++) o.writeUInt16LE(b[i]! * 257, 2 * i);
  return o;
}

let lastMin = 0;

async function timeStage(process: (f: Frame) => Promise<Frame> | Frame, frames: Buffer[], w: number, h: number, n = FRAMES, format: PixelFormat = 'rgb24'): Promise<number> {
  const work = frames.map((f) => Buffer.from(f));
  const times: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const data = work[i % work.length]!;
    frames[i % frames.length]!.copy(data);
    const f: Frame = { data, width: w, height: h, format, seq: i, ptsMs: i * 40, release: () => undefined };
    const t0 = performance.now();
    await process(f);
    if (i >= 2) times.push(performance.now() - t0);
  }
  lastMin = Math.min(...times);
  return median(times);
}

/** Each rung on each ISA path, the paths interleaved frame by frame: median and minimum per path. */
async function timeRungs(stage: FullGrayStage, frames: Buffer[], w: number, h: number, isas: readonly string[], format: PixelFormat): Promise<{ mode: string; isa: string; ms: number; min: number }[]> {
  const out: { mode: string; isa: string; ms: number; min: number }[] = [];
  const before = nativeInfo().isa;
  try {
    for (let m = 0; m < stage.modes.length; m++) {
      stage.setMode(m);
      const times: Record<string, number[]> = {};
      const work = Buffer.from(frames[0]!);
      for (let i = 0; i < FRAMES + 1; i++) {
        for (const isa of isas) {
          setNativeIsa(isa as 'scalar' | 'avx2' | 'avx512');
          frames[i % frames.length]!.copy(work);
          const f: Frame = { data: work, width: w, height: h, format, seq: i, ptsMs: i * 40, release: () => undefined };
          const t0 = performance.now();
          stage.processSync(f);
          if (i >= 1) (times[isa] ??= []).push(performance.now() - t0);
        }
      }
      for (const isa of isas) out.push({ mode: stage.modes[m]!, isa, ms: median(times[isa]!), min: Math.min(...times[isa]!) });
    }
  } finally {
    setNativeIsa(before);
  }
  stage.setMode(0);
  return out;
}

/** ffmpeg lut3d on the same frames: wall time of `lut3d` minus the same pipeline with `null`, per frame. */
async function ffmpegPerFrame(ffmpeg: string, cube: string | null, frames: Buffer[], w: number, h: number, n: number): Promise<number> {
  const args = ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-filter_threads', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', '25', '-i', '-', '-vf', cube ? `lut3d=file=${cube}:interp=tetrahedral` : 'null', '-f', 'null', '-'];
  const t0 = performance.now();
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`ffmpeg exited ${code}: ${err}`)))));
  for (let i = 0; i < n; i++) {
    if (!child.stdin.write(frames[i % frames.length]!)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  return (await done) / n;
}

/** 8x4 zones from 30 °C (left) to 60 °C (right), smd-rgb-2121, wall headroom: the thermal benchmark's gains. */
function thermalZones(cols: number, rows: number): Float32Array {
  const model = resolveLedType('smd-rgb-2121').model;
  const temps = Array.from({ length: cols * rows }, (_, z) => 30 + (30 * (z % cols)) / Math.max(1, cols - 1));
  return Float32Array.from(zoneCorrections(model, temps, 'wall').matrices.flatMap((m) => m.flat()));
}

interface BudgetRow {
  size: string;
  content: string;
  isa: string;
  calibration: number;
  thermal: number;
  separate: number;
  fused: number;
  calibrationMin: number;
  thermalMin: number;
  fusedMin: number;
  /** Medians of the CPU time of each call (process.cpuUsage): robust to a loaded machine's waits for a core. */
  cpu: { calibration: number; thermal: number; fused: number };
}

/** Runs `fn`, returning [wall ms, CPU ms]. */
function timed(fn: () => void): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000];
}

/**
 * Calibration alone, thermal alone, both one after the other, and fused, on each ISA path, the
 * cases and paths interleaved frame by frame (a shared machine's load hits them alike). "separate"
 * is the per-frame sum of the first two (same frame index). Thermal decodes/encodes with the
 * calibration's output transfer (gamma 2.2 here), which is what lets the pipeline fuse them.
 */
async function timeBudget(file: string, frames: Buffer[], w: number, h: number, content: string, isas: readonly string[]): Promise<BudgetRow[]> {
  const cols = 8, rows = 4;
  const zones = thermalZones(cols, rows);
  const tables = buildThermalTables(parseSignalTransfer('gamma:2.2'), 'rgb24', 'ordered');
  const alone = await createFullGrayStage({ width: w, height: h, format: 'rgb24', calibrationFile: file, lut: null, log: silentLogger, watch: false });
  const fused = await createFullGrayStage({ width: w, height: h, format: 'rgb24', calibrationFile: file, lut: null, log: silentLogger, watch: false });
  // The pipeline's wiring (src/stages/fusion.ts) with fixed gains: the kernel's cost, not the thermal stage's bookkeeping.
  fused.attachThermal({ transfer: { name: 'gamma:2.2' }, dither: 'ordered', takeFusedGains: () => ({ zones, cols, rows }), fusedGainsNotApplied: () => undefined });
  if (fused.fusionBlocker() !== null) throw new Error(`benchmark calibration cannot fuse: ${fused.fusionBlocker()}`);
  const n = w === 1920 ? FRAMES * 2 : FRAMES;
  const t: Record<string, { cal: number[]; th: number[]; fused: number[]; cpu: [number[], number[], number[]] }> = {};
  const before = nativeInfo().isa;
  const work = Buffer.from(frames[0]!);
  const f = (i: number): Frame => ({ data: work, width: w, height: h, format: 'rgb24', seq: i, ptsMs: i * 40, release: () => undefined });
  try {
    for (let i = 0; i < n + 1; i++) {
      for (const isa of isas) {
        setNativeIsa(isa as 'scalar' | 'avx2' | 'avx512');
        const rec = (t[isa] ??= { cal: [], th: [], fused: [], cpu: [[], [], []] });
        const src = frames[i % frames.length]!;
        src.copy(work);
        const cal = timed(() => alone.processSync(f(i)));
        src.copy(work);
        const th = timed(() => thermalApply({ data: work, width: w, height: h, format: 'rgb24', zones, cols, rows, tables }));
        src.copy(work);
        const fu = timed(() => fused.processSync(f(i)));
        if (i >= 1) {
          rec.cal.push(cal[0]);
          rec.th.push(th[0]);
          rec.fused.push(fu[0]);
          rec.cpu[0].push(cal[1]);
          rec.cpu[1].push(th[1]);
          rec.cpu[2].push(fu[1]);
        }
      }
    }
  } finally {
    setNativeIsa(before);
    await alone.close();
    await fused.close();
  }
  return isas.map((isa) => {
    const r = t[isa]!;
    const sep = r.cal.map((c, i) => c + r.th[i]!);
    return {
      size: `${w}x${h}`, content, isa, calibration: median(r.cal), thermal: median(r.th), separate: median(sep), fused: median(r.fused),
      calibrationMin: Math.min(...r.cal), thermalMin: Math.min(...r.th), fusedMin: Math.min(...r.fused),
      cpu: { calibration: median(r.cpu[0]), thermal: median(r.cpu[1]), fused: median(r.cpu[2]) },
    };
  });
}

interface Row {
  size: string;
  content: string;
  case: string;
  /** ISA path of native rows (the default path where not stated). */
  isa?: string;
  ms: number;
  min?: number;
}

async function main(): Promise<void> {
  const loadStart = os.loadavg();
  const status = nativeStatus();
  if (!status.available) {
    console.error(`calibration benchmark: the native addon is not available (${status.reason}); build it with node scripts/build-native.mjs`);
    process.exitCode = 1;
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ledpipe-calbench-'));
  const cubeFile = path.join(tmp, 'grade.cube');
  await writeCubeFile(cubeFile, grade);
  const rows: Row[] = [];
  const sizes: [number, number][] = QUICK ? [[1920, 1080]] : [[1920, 1080], [3840, 2160]];
  let ffmpeg: string | null = null;
  try {
    ffmpeg = locateFfmpeg().path;
  } catch {
    ffmpeg = null;
  }
  const ratios: Record<string, number> = {};
  const budget: BudgetRow[] = [];
  for (const [w, h] of sizes) {
    const size = `${w}x${h}`;
    const contents: [string, Buffer[]][] = [['gradient', [gradientFrame(w, h, 1), gradientFrame(w, h, 2)]]];
    if (w === 1920) contents.push(['random', [randomFrame(w, h, 1), randomFrame(w, h, 2)]]);
    const file = path.join(tmp, `wall-${size}.ledcal`);
    await writeLedcal(file, wallCalibration(w, h));
    const allIsas = nativeInfo().supportedIsas;
    const isas = w === 1920 ? allIsas : allIsas.filter((i) => i !== 'scalar');
    for (const [content, frames] of contents) budget.push(...(await timeBudget(file, frames, w, h, content, isas.filter((i) => i !== 'scalar'))));
    if (BUDGET_ONLY) continue;
    for (const [content, frames] of contents) {
      for (const withLut of [false, true]) {
        const stage: FullGrayStage = await createFullGrayStage({ width: w, height: h, format: 'rgb24', calibrationFile: file, lut: withLut ? grade : null, log: silentLogger, watch: false });
        for (const r of await timeRungs(stage, frames, w, h, isas, 'rgb24')) {
          rows.push({ size, content, case: `calibration ${r.mode}${withLut ? ' + LUT 33³' : ''}`, isa: r.isa, ms: r.ms, min: r.min });
        }
        if (!withLut) rows.push({ size, content, case: 'calibration full, async (libuv pool)', ms: await timeStage((f) => stage.process(f), frames, w, h), min: lastMin });
        await stage.close();
        if (w === 3840 && !withLut) {
          const two = await createFullGrayStage({ width: w, height: h, format: 'rgb24', calibrationFile: file, lut: null, log: silentLogger, watch: false, threads: 2 });
          rows.push({ size, content, case: 'calibration full, 2 threads', ms: await timeStage((f) => two.processSync(f), frames, w, h), min: lastMin });
          await two.close();
        }
      }
      if (w === 1920 && content === 'gradient') {
        // rgb48le in, 16-bit drive out (the calibrate-solve round trip's configuration).
        const frames48 = frames.map(to48);
        const deep = await createFullGrayStage({ width: w, height: h, format: 'rgb48le', calibrationFile: file, lut: null, bitDepth: 16, log: silentLogger, watch: false });
        for (const r of await timeRungs(deep, frames48, w, h, isas, 'rgb48le')) rows.push({ size, content: 'gradient rgb48le', case: `calibration ${r.mode}, 16-bit out`, isa: r.isa, ms: r.ms, min: r.min });
        await deep.close();
      }
      const lutStage = await createFullGrayStage({ width: w, height: h, format: 'rgb24', calibrationFile: null, lut: grade, log: silentLogger, watch: false });
      for (const r of await timeRungs(lutStage, frames, w, h, isas, 'rgb24')) rows.push({ size, content, case: 'LUT 33³ only, native', isa: r.isa, ms: r.ms, min: r.min });
      const lutNative = await timeStage((f) => lutStage.processSync(f), frames, w, h);
      rows.push({ size, content, case: 'LUT 33³ only, native (default path, ratio base)', ms: lutNative, min: lastMin });
      await lutStage.close();
      const js = createLutStage({ lut: grade });
      const lutJs = await timeStage((f) => js.process(f), frames, w, h, Math.max(3, Math.floor(FRAMES / 3)));
      rows.push({ size, content, case: 'LUT 33³ only, TypeScript LutStage', ms: lutJs });
      if (ffmpeg) {
        const n = Math.max(10, FRAMES * 2);
        const withLut = await ffmpegPerFrame(ffmpeg, cubeFile, frames, w, h, n);
        const base = await ffmpegPerFrame(ffmpeg, null, frames, w, h, n);
        const net = Math.max(withLut - base, 0.001);
        rows.push({ size, content, case: 'ffmpeg lut3d tetrahedral (1 thread, net of rawvideo I/O)', ms: net });
        rows.push({ size, content, case: 'ffmpeg rawvideo in -> null (I/O baseline subtracted above)', ms: base });
        ratios[`${size} ${content}`] = net / lutNative;
      }
    }
  }
  const info = nativeInfo();
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage: os.loadavg(), node: process.version, os: `${os.type()} ${os.release()}`, isa: info.isa, compiler: info.compiler, ffmpeg };
  console.log(`calibration benchmark — ${machine.cpu}, ${machine.cores} cores (load at start ${loadStart.map((v) => v.toFixed(1)).join(' ')}, at end ${machine.loadAverage.map((v) => v.toFixed(1)).join(' ')}), node ${machine.node}, default isa ${machine.isa}; median (min) of ${FRAMES} frames, one thread unless stated`);
  console.log('\nIssue 4 budget: calibration (full rung) + thermal (8x4 zones), rgb24, one core; ms per frame: wall median (min) / CPU-time median');
  console.log('| size | content | isa | calibration alone | thermal alone | separate (sum, wall) | fused | target | met (fused CPU median) |\n|---|---|---|---|---|---|---|---|---|');
  for (const b of budget) {
    const target = TARGET_MS[b.size]!;
    const cell = (wall: number, min: number, cpu: number): string => `${wall.toFixed(2)} (${min.toFixed(2)}) / ${cpu.toFixed(2)}`;
    console.log(`| ${b.size} | ${b.content} | ${b.isa} | ${cell(b.calibration, b.calibrationMin, b.cpu.calibration)} | ${cell(b.thermal, b.thermalMin, b.cpu.thermal)} | ${b.separate.toFixed(2)} | ${cell(b.fused, b.fusedMin, b.cpu.fused)} | ≤ ${target} | ${b.cpu.fused <= target ? 'yes' : 'no'} |`);
  }
  console.log('');
  console.log('| size | content | case | isa | ms/frame median | min |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.size} | ${r.content} | ${r.case} | ${r.isa ?? ''} | ${r.ms.toFixed(2)} | ${r.min !== undefined ? r.min.toFixed(2) : ''} |`);
  for (const [k, v] of Object.entries(ratios)) console.log(`ffmpeg lut3d / native LUT, ${k}: ${v.toFixed(1)}x`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'calibration.json'), JSON.stringify({ date: new Date().toISOString(), machine, loadStart, frames: FRAMES, budget, rows, ffmpegOverNativeLut: ratios }, null, 2));
  console.log(`wrote ${path.join(OUT, 'calibration.json')}`);
}

await main();
