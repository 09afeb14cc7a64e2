/**
 * Thermal compensation kernel: ms per frame on one core, 1080p and 2160p, rgb24 and rgb48le, per
 * ISA path and per mode, with the JavaScript fallback as its peer in the same run (1080p rgb24).
 * The ISA paths are interleaved frame by frame (a shared machine's load hits them alike); each row
 * gives the minimum and the median over its frames, and the load average is recorded before and
 * after. Prints a table and writes bench-output/thermal.json (machine, Node and compiler recorded).
 *
 *   npm run build && node dist/benchmarks/thermal/run.js [--repeats N] [--zones 8x4] [--transfer gamma:2.4]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nativeInfo, nativeStatus, setNativeIsa, thermalApply, type NativeIsa } from '../../src/native/index.js';
import type { PixelFormat } from '../../src/pipeline/frame.js';
import { resolveLedType } from '../../src/thermal/led-model.js';
import { thermalReference } from '../../src/thermal/reference-kernel.js';
import { THERMAL_MODES } from '../../src/thermal/thermal-stage.js';
import { zoneCorrections } from '../../src/thermal/thermal-correction.js';
import { buildThermalTables, parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import { parseZoneGrid } from '../../src/thermal/zone-grid.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'bench-output');
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '30' }, zones: { type: 'string', default: '8x4' }, transfer: { type: 'string', default: 'gamma:2.4' } } });
const repeats = Number(values.repeats);
const grid = parseZoneGrid(values.zones!);
const transfer = parseSignalTransfer(values.transfer!);

/** A picture-like frame: gradients and waves, every code range visited. */
function frame(width: number, height: number, format: PixelFormat): Buffer {
  const maxv = format === 'rgb24' ? 255 : 65535;
  const b = Buffer.alloc(width * height * (format === 'rgb24' ? 3 : 6));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = [0.5 + 0.5 * Math.sin(x / 37) * Math.cos(y / 23), x / (width - 1), y / (height - 1)];
      for (let c = 0; c < 3; c++) {
        const code = Math.round(v[c]! * maxv);
        if (format === 'rgb24') b[(y * width + x) * 3 + c] = code;
        else b.writeUInt16LE(code, (y * width + x) * 6 + c * 2);
      }
    }
  }
  return b;
}

/** Zones from 30 °C at the left to 60 °C at the right (smd-rgb-2121), wall headroom. */
function zoneGains(): Float32Array {
  const model = resolveLedType('smd-rgb-2121').model;
  const temps = Array.from({ length: grid.cols * grid.rows }, (_, z) => 30 + (30 * (z % grid.cols)) / Math.max(1, grid.cols - 1));
  const c = zoneCorrections(model, temps, 'wall');
  return Float32Array.from(c.matrices.flatMap((m) => m.flat()));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row { mode: string; path: string; format: PixelFormat; resolution: string; minMs: number; medianMs: number; frames: number }

const status = nativeStatus();
if (!status.available) {
  console.error(`native addon unavailable: ${status.reason}`);
  process.exit(1);
}
const info = nativeInfo();
const isas = info.supportedIsas as NativeIsa[];
const zones = zoneGains();
const rows: Row[] = [];
const loadBefore = os.loadavg();
const sizes: [string, number, number][] = [['1080p', 1920, 1080], ['2160p', 3840, 2160]];
for (const mode of THERMAL_MODES) {
  for (const format of ['rgb24', 'rgb48le'] as const) {
    const tables = buildThermalTables(transfer, format, 'ordered');
    for (const [label, w, h] of sizes) {
      const src = frame(w, h, format);
      const data = Buffer.from(src);
      const n = label === '2160p' ? Math.max(5, Math.floor(repeats / 3)) : repeats;
      const times = new Map<NativeIsa, number[]>(isas.map((isa) => [isa, []]));
      // One warm-up frame per path, then the paths in turn, frame by frame; the frame is restored
      // before each (untimed), so every path compensates the same picture.
      for (let i = -1; i < n; i++) {
        for (const isa of isas) {
          setNativeIsa(isa);
          src.copy(data);
          const t0 = performance.now();
          thermalApply({ data, width: w, height: h, format, zones, cols: grid.cols, rows: grid.rows, tables });
          const ms = performance.now() - t0;
          if (i >= 0) times.get(isa)!.push(ms);
        }
      }
      for (const isa of isas) {
        const t = times.get(isa)!;
        rows.push({ mode, path: isa, format, resolution: label, minMs: Math.min(...t), medianMs: median(t), frames: n });
      }
    }
  }
}
setNativeIsa(info.bestIsa);
{
  const src = frame(1920, 1080, 'rgb24');
  const tables = buildThermalTables(transfer, 'rgb24', 'ordered');
  const t: number[] = [];
  for (let i = 0; i < 3; i++) {
    const data = new Uint8Array(src);
    const t0 = performance.now();
    thermalReference({ data, width: 1920, height: 1080, format: 'rgb24', zones, grid, transfer, decodeTable: tables.decode, dither: tables.dither });
    t.push(performance.now() - t0);
  }
  rows.push({ mode: 'per-pixel', path: 'javascript fallback', format: 'rgb24', resolution: '1080p', minMs: Math.min(...t), medianMs: median(t), frames: 3 });
}
const loadAfter = os.loadavg();

const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, os: `${os.type()} ${os.release()}`, node: process.version, compiler: info.compiler, isa: info.bestIsa };
const load = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' ');
console.log(`thermal kernel, one thread, ms per frame (min and median over the frames, paths interleaved), ${grid.cols}x${grid.rows} zones, ${transfer.name}, ordered dither`);
console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.compiler}; load average ${load(loadBefore)} before, ${load(loadAfter)} after`);
console.log('mode       path                 format   res       min ms  median ms');
for (const r of rows) console.log(`${r.mode.padEnd(10)} ${r.path.padEnd(20)} ${r.format.padEnd(8)} ${r.resolution.padEnd(7)} ${r.minMs.toFixed(2).padStart(8)} ${r.medianMs.toFixed(2).padStart(10)}`);
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'thermal.json'), JSON.stringify({ date: new Date().toISOString(), machine, loadAverage: { before: loadBefore, after: loadAfter }, zones: `${grid.cols}x${grid.rows}`, transfer: transfer.name, rows }, null, 2) + '\n');
console.log(`wrote ${path.join(OUT, 'thermal.json')}`);
