/**
 * PNG charts of the benchmark results in bench-output/*.json (run by `npm run bench` after the
 * benchmarks; alone: `node dist/benchmarks/charts.js`). A result file that is missing or has another
 * shape is skipped with a line saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { barChartPng, type BarChart, type BarGroup } from './support/charts.js';
import { OUT } from './support/measure.js';

type Json = Record<string, unknown>;
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const rowsOf = (doc: Json): Json[] => (Array.isArray(doc.rows) ? (doc.rows as Json[]) : []);
const bars = (pairs: Array<[string, unknown]>) => pairs.flatMap(([name, v]) => (num(v) === null ? [] : [{ name, value: num(v)! }]));

const CHARTS: Record<string, (doc: Json) => BarChart | null> = {
  pipeline: (d) => ({
    title: 'Pass-through: decode to RGB24, raw out',
    subtitle: `${String(d.machine ?? '')}`.slice(0, 110),
    unit: 'fps, higher is better',
    groups: rowsOf(d).map((r) => ({ label: String(r.case), bars: bars([['ffmpeg alone', r.ffmpegAloneFps], ['ffmpeg | cat', r.ffmpegPipeCatFps], ['ledpipe --stages none', r.ledpipeFps]]) })),
  }),
  resize: (d) => ({
    title: 'Non-AI upscale: native vs ffmpeg scale (one thread)',
    subtitle: `${String(d.machine ?? '')}`.slice(0, 110),
    unit: 'ms per frame, lower is better',
    groups: rowsOf(d).map((r) => ({ label: String(r.case), bars: bars([['ffmpeg scale (swscale)', r.ffmpegScaleMsPerFrame], ['ledpipe native', r.nativeMsPerFrame]]) })),
  }),
  'inference-realtime': (d) => ({
    title: 'SR stage end to end vs the bare model',
    subtitle: `${String(d.machine ?? '')}`.slice(0, 110),
    unit: 'fps, higher is better',
    groups: rowsOf(d).map((r) => ({
      label: `${String(r.backend)} ${String(r.model).replace(/^ledpipe-sr-/, '')} ${String(r.input)} t${String(r.threads)}`,
      bars: bars([['bare model', num(r.peerMsPerRun) ? 1000 / num(r.peerMsPerRun)! : null], ['SR stage (rgb24 in/out)', r.fps]]),
    })),
    line: { value: 60, label: '60 fps target' },
  }),
  inference: (d) => ({
    title: 'SR stage vs onnxruntime-node / backend session directly',
    subtitle: `${String(d.machine ?? '')}`.slice(0, 110),
    unit: 'fps, higher is better',
    groups: rowsOf(d).map((r) => ({
      label: `${String(r.backend)} ${String(r.model)} ${String(r.input)} t${String(r.threads)}`,
      bars: bars([['bare session', num(r.peerMsPerRun) ? 1000 / num(r.peerMsPerRun)! : null], ['SR stage', r.fps]]),
    })),
  }),
  calibration: (d) => {
    // Issue 4's budget table: calibration alone, thermal alone, and the two fused, per ISA path.
    const budget = Array.isArray(d.budget) ? (d.budget as Json[]) : [];
    return {
      title: 'Calibration + thermal, one core (issue 4 budget: 4 ms at 1080p, 16 ms at 2160p)',
      subtitle: String((d.machine as Json | undefined)?.cpu ?? ''),
      unit: 'ms per frame, lower is better',
      groups: budget.map((r) => ({
        label: `${String(r.size)} ${String(r.content)} ${String(r.isa)}`,
        bars: bars([['calibration + thermal, separate', r.separate], ['fused (one pass)', r.fused], ['calibration alone', r.calibration]]),
      })),
      line: { value: 4, label: '4 ms (1080p target)' },
    };
  },
  quality: (d) => ({
    title: `x2 quality: PSNR-Y on ${String(d.source ?? '')}`,
    subtitle: 'HR → bicubic /2 → x2 → PSNR-Y vs HR',
    unit: 'dB, higher is better',
    groups: rowsOf(d).map((r) => ({ label: String(r.method).replace(/^ledpipe-sr-/, ''), bars: bars([['PSNR-Y', r.psnrY]]) })),
  }),
  'end-to-end': (d) => {
    const stages = (d.stages ?? {}) as Record<string, Json>;
    const groups: BarGroup[] = [
      { label: 'whole job (fps)', bars: bars([['ffmpeg scale=lanczos,lut3d (non-AI)', d.ffmpegLanczosLut3dFps], ['ledpipe SR + calibration + thermal', d.ledpipeFps]]) },
      ...Object.entries(stages).map(([name, s]) => ({ label: `${name} (ms per frame)`, bars: bars([['p50', s.p50Ms], ['p95', s.p95Ms]]) })),
    ];
    return { title: 'End to end: 960x540 feed → 1920x1080 wall', subtitle: String(d.job ?? ''), unit: 'fps for the job; ms for stages', groups, line: { value: 1000 / 60, label: '16.7 ms stage budget' } };
  },
};

export function renderBenchCharts(dir = OUT, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): string[] {
  const written: string[] = [];
  for (const [name, chart] of Object.entries(CHARTS)) {
    const file = path.join(dir, `${name}.json`);
    if (!fs.existsSync(file)) continue;
    let spec: BarChart | null = null;
    try {
      spec = chart(JSON.parse(fs.readFileSync(file, 'utf8')) as Json);
    } catch (err) {
      log(`chart ${name}: skipped, ${file} is not readable: ${(err as Error).message}`);
      continue;
    }
    if (!spec || spec.groups.every((g) => g.bars.length === 0)) {
      log(`chart ${name}: skipped, ${file} has no rows this chart knows`);
      continue;
    }
    const png = path.join(dir, `${name}.png`);
    fs.writeFileSync(`${png}.tmp`, barChartPng(spec));
    fs.renameSync(`${png}.tmp`, png);
    written.push(png);
  }
  log(`charts: ${written.map((f) => path.basename(f)).join(', ') || 'none'} in ${dir}`);
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) renderBenchCharts();
