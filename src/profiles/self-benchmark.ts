/**
 * The short self-benchmark behind one-click selection: when no time is cached for a model at the
 * content's size on this machine, run the real SR stage on a few synthetic frames and cache the
 * median. Facts, not guesses: the card's figures come from another machine.
 */
import { FramePool } from '../pipeline/frame-pool.js';
import { silentLogger, type Logger } from '../pipeline/logger.js';
import { srStageFactory } from '../stages/sr-stage.js';
import { cachedStageTimes, recordStageTimes, stageTimesFile } from './profile-facts.js';
import type { ModelCandidate, StageTimeTable } from './resolve-profile.js';

const RUNS = 3;

/** Median ms per frame of the SR stage with `modelId` at `width`x`height` (one warm-up frame first). */
export async function measureSrStage(modelId: string, width: number, height: number): Promise<number> {
  const stage = await srStageFactory().create({ width, height, format: 'rgb24', fps: 60, live: false, log: silentLogger }, { model: modelId });
  const pool = new FramePool(width, height, 'rgb24', 2);
  const times: number[] = [];
  try {
    for (let i = 0; i <= RUNS; i++) {
      const frame = pool.frame(pool.tryAcquireBuffer()!, i, 0);
      // Content matters little to a convolution's time, but keep it non-constant.
      for (let j = 0; j < frame.data.length; j += 97) frame.data[j] = (j * 31 + i) & 0xff;
      const t0 = performance.now();
      const out = await stage.process(frame);
      const ms = performance.now() - t0;
      out.release();
      if (i > 0) times.push(ms);
    }
  } finally {
    await stage.close?.();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * The cached table, completed for `content` by measuring every candidate whose card does not already
 * rule it out (estimated over 5x the budget) and that has no cached time. Measurements are cached.
 */
export async function ensureStageTimes(models: readonly ModelCandidate[], content: { width: number; height: number }, fps: number, log: Logger = silentLogger, file = stageTimesFile()): Promise<StageTimeTable> {
  const table = cachedStageTimes(file);
  const budget = 1000 / fps;
  const measured: Record<string, number> = {};
  for (const m of models) {
    const key = `${m.id}@${content.width}x${content.height}`;
    if (table.has(key)) continue;
    const card = m.speed[0];
    if (card && (card.msPerFrame * content.width * content.height) / (card.width * card.height) > 5 * budget) continue;
    try {
      measured[key] = await measureSrStage(m.id, content.width, content.height);
      log.info(`self-benchmark: ${m.id} at ${content.width}x${content.height}: ${measured[key]!.toFixed(1)} ms per frame (cached in ${file})`);
    } catch (err) {
      log.warn(`self-benchmark: ${m.id} could not run here: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (Object.keys(measured).length === 0) return table;
  recordStageTimes(measured, file);
  return cachedStageTimes(file);
}
