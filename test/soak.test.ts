import { describe, expect, it } from 'vitest';
import { identityLut3d } from '../src/calibration/lut-builders.js';
import { createLutStage } from '../src/calibration/lut-stage.js';
import type { Stage } from '../src/pipeline/stage.js';
import { soak } from './support/soak.js';

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
});
