import { describe, expect, it } from 'vitest';
import { identityLut3d } from '../src/calibration/lut-builders.js';
import { createLutStage } from '../src/calibration/lut-stage.js';
import type { Stage } from '../src/pipeline/stage.js';
import { nativeStatus } from '../src/native/index.js';
import { soak } from './support/soak.js';
import { allStages } from './support/soak-stages.js';

// CI runs a reduced count; `node dist/benchmarks/soak/run.js` runs the full 100,000 frames.
describe('soak (reduced)', () => {
  it('20,000 small frames through real stages: no loss, no reordering, bounded memory, consistent stats', async () => {
    const lut = createLutStage({ lut: { title: null, lut1d: null, lut3d: identityLut3d(17) } });
    const calibration: Stage = { name: 'calibration', modes: lut.modes, setMode: (i) => lut.setMode(i), process: (f) => lut.process(f) };
    const asyncStage: Stage = { name: 'async', modes: ['only'], process: (f) => Promise.resolve(f) };
    const r = await soak({ frames: 20_000, width: 32, height: 18, stages: [calibration, asyncStage], warmupFrames: 2_000 });
    console.log(`soak: ${r.frames} frames at ${r.fps.toFixed(0)} fps; RSS ${r.rssBaselineMiB.toFixed(1)} → ${r.rssEndMiB.toFixed(1)} MiB (${r.rssGrowthPct.toFixed(2)}%), heap ${r.heapBaselineMiB.toFixed(1)} → ${r.heapEndMiB.toFixed(1)} MiB`);
    expect(r.frames).toBe(20_000);
    expect(r.lost).toBe(0);
    expect(r.reordered).toBe(0);
    expect(r.statsConsistent).toBe(true);
    expect(r.rssGrowthPct).toBeLessThan(5);
  });

  // SR x2 (shipped model, ONNX Runtime) → full-gray calibration → thermal (simulated heat), as the CLI builds them.
  it.skipIf(!nativeStatus().available)('3,000 frames with every stage on: no loss, no reordering, bounded memory, consistent stats', async () => {
    const { stages, cleanup } = await allStages(32, 18);
    try {
      const r = await soak({ frames: 3_000, width: 32, height: 18, stages, warmupFrames: 1_000, contentTagged: false });
      console.log(`soak (all stages): ${r.frames} frames at ${r.fps.toFixed(0)} fps; RSS ${r.rssBaselineMiB.toFixed(1)} → ${r.rssEndMiB.toFixed(1)} MiB (${r.rssGrowthPct.toFixed(2)}%)`);
      expect([r.frames, r.lost, r.reordered, r.statsConsistent]).toEqual([3_000, 0, 0, true]);
      expect(r.rssGrowthPct).toBeLessThan(5);
    } finally {
      cleanup();
    }
  }, 120_000);
});
