/**
 * The full soak: 100,000 small frames (or --frames N) through every stage (SR x2 with the shipped
 * model, full-gray calibration, thermal with simulated heat), sampling RSS and heap. Prints the
 * verdict and writes bench-output/soak.json.
 *   node --expose-gc dist/benchmarks/soak/run.js [--frames N] [--stages all|lut]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { identityLut3d } from '../../src/calibration/lut-builders.js';
import { createLutStage } from '../../src/calibration/lut-stage.js';
import type { Stage } from '../../src/pipeline/stage.js';
import { soak } from '../../test/support/soak.js';
import { allStages } from '../../test/support/soak-stages.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({ options: { frames: { type: 'string', default: '100000' }, stages: { type: 'string', default: 'all' } } });
const frames = Number(values.frames);
if (values.stages !== 'all' && values.stages !== 'lut') throw new Error(`--stages: expected all or lut, got '${values.stages}'`);

// all: SR x2 → full-gray calibration → thermal (sim), 32x18 in, 64x36 out. lut: the LUT stage alone on 64x36 (content-tagged order check).
const W = values.stages === 'all' ? 32 : 64, H = values.stages === 'all' ? 18 : 36;
let stages: Stage[];
let cleanup = (): void => undefined;
if (values.stages === 'all') ({ stages, cleanup } = await allStages(W, H));
else {
  const lut = createLutStage({ lut: { title: null, lut1d: null, lut3d: identityLut3d(33) } });
  stages = [{ name: 'calibration', modes: lut.modes, setMode: (i) => lut.setMode(i), process: (f) => lut.process(f) }];
}

// Warm-up: a quarter of the run. With every stage on, V8 grows its young generation once, at ~20,000 frames
// here (RSS +7–8 MiB in one step, then flat; with --max-semi-space-size=1 or --min-semi-space-size=16 the step
// is gone and growth after 10,000 frames is 0.9 % / 0.2 %): a resize, not a leak, so the baseline starts after it.
const warmupFrames = Math.floor(frames / 4);
const r = await soak({ frames, width: W, height: H, stages, warmupFrames, samples: 100, contentTagged: values.stages !== 'all' });
const heapTotal = (at: 'first' | 'last') => (at === 'first' ? r.samples.find((x) => x.frame >= warmupFrames) : r.samples.at(-1))?.heapTotalMiB.toFixed(1);
cleanup();
const ok = r.lost === 0 && r.reordered === 0 && r.statsConsistent && r.rssGrowthPct < 5;
process.stdout.write(
  `soak ${r.frames} frames ${W}x${H}, stages ${stages.map((s) => s.name).join(',')}: ${r.fps.toFixed(0)} fps; lost ${r.lost}, reordered ${r.reordered}, stats ${r.statsConsistent ? 'consistent' : 'INCONSISTENT'}; ` +
    `RSS ${r.rssBaselineMiB.toFixed(1)} → ${r.rssEndMiB.toFixed(1)} MiB (${r.rssGrowthPct.toFixed(2)}% after warm-up), heap used ${r.heapBaselineMiB.toFixed(1)} → ${r.heapEndMiB.toFixed(1)} MiB, V8 heap committed ${heapTotal('first')} → ${heapTotal('last')} MiB (warm-up ${warmupFrames} frames) → ${ok ? 'PASS' : 'FAIL'}\n`,
);
fs.mkdirSync(path.join(ROOT, 'bench-output'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench-output', 'soak.json'), JSON.stringify({ ...r, stages: stages.map((s) => s.name), ok }, null, 2) + '\n');
process.exit(ok ? 0 : 1);
