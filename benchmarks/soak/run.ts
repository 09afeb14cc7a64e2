/**
 * The full soak: 100,000 small frames (or --frames N) through every stage that runs without
 * outside input, sampling RSS and heap. Prints the verdict and writes bench-output/soak.json.
 *   node --expose-gc dist/benchmarks/soak/run.js [--frames N]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { identityLut3d } from '../../src/calibration/lut-builders.js';
import { createLutStage } from '../../src/calibration/lut-stage.js';
import type { Stage } from '../../src/pipeline/stage.js';
import { soak } from '../../test/support/soak.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({ options: { frames: { type: 'string', default: '100000' } } });
const frames = Number(values.frames);

const lut = createLutStage({ lut: { title: null, lut1d: null, lut3d: identityLut3d(33) } });
const stages: Stage[] = [{ name: 'calibration', modes: lut.modes, setMode: (i) => lut.setMode(i), process: (f) => lut.process(f) }];

const r = await soak({ frames, width: 64, height: 36, stages, warmupFrames: Math.min(10_000, Math.floor(frames / 10)), samples: 100 });
const ok = r.lost === 0 && r.reordered === 0 && r.statsConsistent && r.rssGrowthPct < 5;
process.stdout.write(
  `soak ${r.frames} frames 64x36, stages ${stages.map((s) => s.name).join(',')}: ${r.fps.toFixed(0)} fps; lost ${r.lost}, reordered ${r.reordered}, stats ${r.statsConsistent ? 'consistent' : 'INCONSISTENT'}; ` +
    `RSS ${r.rssBaselineMiB.toFixed(1)} → ${r.rssEndMiB.toFixed(1)} MiB (${r.rssGrowthPct.toFixed(2)}% after warm-up), heap ${r.heapBaselineMiB.toFixed(1)} → ${r.heapEndMiB.toFixed(1)} MiB → ${ok ? 'PASS' : 'FAIL'}\n`,
);
fs.mkdirSync(path.join(ROOT, 'bench-output'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench-output', 'soak.json'), JSON.stringify({ ...r, stages: stages.map((s) => s.name), ok }, null, 2) + '\n');
process.exit(ok ? 0 : 1);
