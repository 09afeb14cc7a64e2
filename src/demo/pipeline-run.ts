/**
 * The demo's pipeline run through the library API: decoder → SR → calibration → thermal → FFV1 file,
 * with the screen profile applied as `ledpipe --profile` does. Not runJob: runJob creates every stage
 * at the input's size, so a stage after an x2 SR (calibration, thermal) would be built for the feed's
 * geometry instead of the wall's and refuse a wall-size calibration. Here each stage is created at
 * the size of the frames it will see.
 */
import { concatMap, from } from 'rxjs';
import { formatDecision } from '../cli/profile-command.js';
import { describeSummary, ProgressBar, StatsWriter } from '../cli/reporting.js';
import type { Logger } from '../cli/log.js';
import { FileSink, type FrameSink } from '../io/sinks.js';
import { openDecoder } from '../io/sources.js';
import type { Frame } from '../pipeline/frame.js';
import { createPipeline } from '../pipeline/pipeline.js';
import type { Stage } from '../pipeline/stage.js';
import { applyProfile } from '../profiles/apply-profile.js';
import { loadProfile } from '../profiles/library.js';
import { modelCandidates } from '../profiles/profile-facts.js';
import { ensureStageTimes } from '../profiles/self-benchmark.js';
import { fuseStages } from '../stages/fusion.js';
import { resolveStageFactories, stageFlags, type StageFlagValues } from '../stages/registry.js';

export interface PipelineRunOptions {
  readonly ffmpeg: string;
  readonly input: string;
  readonly output: string;
  readonly profile: string;
  readonly stageFlags: StageFlagValues;
  readonly stats: string;
  readonly scale: number;
  readonly progress: boolean;
  readonly log: Logger;
}

export async function runPipeline(o: PipelineRunOptions): Promise<void> {
  const { log } = o;
  const source = await openDecoder(o.ffmpeg, { input: o.input, format: 'rgb48le', capacity: 4, nativeRate: false });
  const info = source.info;
  const fps = info.fps ?? 60;
  let stages: Stage[] = [];
  try {
    const content = { width: info.width, height: info.height };
    const applied = applyProfile({
      profile: loadProfile(o.profile),
      content,
      fps,
      models: modelCandidates(),
      stageTimes: await ensureStageTimes(modelCandidates(), content, fps, log),
      explicit: o.stageFlags,
      declaredFlags: new Set(stageFlags().map((f) => f.name)),
      onOverrunGiven: null,
      streamBits: 16,
    });
    log.info(formatDecision(applied.decision).trimEnd());
    const [sr, ...rest] = resolveStageFactories(['sr', 'calibration', 'thermal'], applied.flags);
    const ctx = { format: 'rgb48le' as const, fps, live: false, log };
    stages.push(await sr!.create({ ...ctx, width: info.width, height: info.height }, applied.flags));
    for (const f of rest) stages.push(await f.create({ ...ctx, width: info.width * o.scale, height: info.height * o.scale }, applied.flags));
    fuseStages(stages, log);
    const pipeline = createPipeline({ stages, fps, mode: 'offline', onOverrun: applied.onOverrun ?? 'degrade' });
    stages = [];
    log.info(`${info.width}x${info.height} → ${info.width * o.scale}x${info.height * o.scale} rgb48le: stages sr → calibration → thermal, budget ${pipeline.budgetMs.toFixed(2)} ms per stage`);
    const writer = new StatsWriter(o.stats, pipeline.stats, 1000);
    const progress = o.progress && info.expectedFrames ? new ProgressBar(info.expectedFrames, pipeline.stats) : null;
    let sink: FrameSink | null = null;
    const sinkFor = (frame: Frame): FrameSink => (sink ??= new FileSink(o.ffmpeg, { width: frame.width, height: frame.height, pixFmt: frame.format, fps }, o.output));
    const error = await new Promise<unknown>((resolve) => {
      pipeline
        .process(source.frames)
        .pipe(concatMap((frame) => from(sinkFor(frame).write(frame))))
        .subscribe({ next: () => progress?.update(), error: resolve, complete: () => resolve(null) });
    });
    progress?.finish();
    const active = sink as FrameSink | null;
    if (error === null && active) await active.end();
    else {
      source.stop();
      await active?.abort();
    }
    await pipeline.close();
    pipeline.stats.finish();
    log.info(describeSummary(writer.finish({ ended: error ? 'error' : 'done' })));
    if (error !== null) throw error instanceof Error ? error : new Error(String(error));
    if (!active) throw new Error(`${o.input}: no frames`);
  } catch (err) {
    source.stop();
    for (const s of stages) await s.close?.();
    throw err;
  }
}
