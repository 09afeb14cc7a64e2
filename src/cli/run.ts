import fs from 'node:fs';
import path from 'node:path';
import { concatMap, from, type Subscription } from 'rxjs';
import { locateFfmpeg } from '../io/ffmpeg-locate.js';
import { FileSink, OutputClosedError, RawFdSink, StreamSink, type FrameSink } from '../io/sinks.js';
import { LeftoverBytesError, openDecoder, openRawSource, type FrameSource } from '../io/sources.js';
import { FfmpegError } from '../io/ffmpeg-process.js';
import { isImagePattern, encodingFor } from '../io/ffmpeg-args.js';
import type { Frame } from '../pipeline/frame.js';
import { createPipeline, type Pipeline } from '../pipeline/pipeline.js';
import type { Stage } from '../pipeline/stage.js';
import { fuseStages } from '../stages/fusion.js';
import { defaultStageNames, resolveStageFactories, StageConfigError, stageFlags, type StageFactory, type StageFlagValues } from '../stages/registry.js';
import { applyProfile } from '../profiles/apply-profile.js';
import { loadProfile } from '../profiles/library.js';
import { modelCandidates } from '../profiles/profile-facts.js';
import { ensureStageTimes } from '../profiles/self-benchmark.js';
import { ProfileError, type ScreenProfile } from '../profiles/screen-profile.js';
import { formatOverrunPolicySpec, parseOverrunPolicySpec, type OverrunPolicy, type OverrunPolicySpec } from '../pipeline/overrun-policy.js';
import { formatDecision } from './profile-command.js';
import { UsageError, type RunOptions } from './args.js';
import type { Logger } from './log.js';
import { describeSummary, ProgressBar, StatsWriter } from './reporting.js';

export interface RunEnvironment {
  readonly log: Logger;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  /** Registers a handler for SIGINT/SIGTERM; returns an unregister function. */
  readonly onSignal: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** After SIGINT/SIGTERM the frames in flight did not drain in time (the output stopped reading). */
export class ShutdownTimeoutError extends Error {
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    timeoutMs: number,
  ) {
    super(`${signal}: frames in flight did not drain within ${(timeoutMs / 1000).toFixed(1)} s (is the output still being read?); abandoning them`);
    this.name = 'ShutdownTimeoutError';
  }
}

/** Runs one job from the command line; resolves with the process exit code. */
export async function runJob(o: RunOptions, env: RunEnvironment): Promise<number> {
  const { log } = env;
  const rawStdin = o.size !== null;
  const input = rawStdin ? '-' : (o.input ?? (env.stdinIsTTY ? null : '-'));
  if (input === null) throw new UsageError('-i: no input; give -i FILE|URL, or pipe a stream into stdin (e.g. ffmpeg ... -f nut - | ledpipe)');
  if (input === '-' && env.stdinIsTTY) throw new UsageError('-i -: stdin is a terminal; pipe a stream into ledpipe or give -i FILE');
  if (o.output === null && env.stdoutIsTTY && o.outputFormat === null) {
    throw new UsageError('-o: stdout is a terminal; give -o FILE, or pipe the output (e.g. | ffplay -), or force --output-format');
  }
  if (o.output !== null) checkOutputPath(o.output);
  let profile: ScreenProfile | null = null;
  if (o.profile !== null) {
    try {
      profile = loadProfile(o.profile);
    } catch (err) {
      if (err instanceof ProfileError) throw new UsageError(`--profile: ${err.message}`);
      throw err;
    }
  }
  // Without a profile the stage list is known now, so bad flags fail before ffmpeg starts.
  let plan = profile ? null : planStages(o.stages, o.stageFlags, o.onOverrun);

  const live = o.realtime ?? input === '-';
  const isLocalFile = input !== '-' && !/^[a-z][a-z0-9+.-]*:/i.test(input);
  const needsFfmpeg = !rawStdin || o.output !== null || (o.outputFormat ?? 'nut') !== 'raw';
  const ffmpeg = needsFfmpeg ? locateFfmpeg().path : '';

  const source: FrameSource = rawStdin
    ? openRawSource(process.stdin, { width: o.size!.width, height: o.size!.height, format: o.pixFmt, fps: o.fps!, capacity: o.maxInFlight, label: 'stdin' })
    : await openDecoder(ffmpeg, { input, format: o.pixFmt, capacity: o.maxInFlight, nativeRate: live && isLocalFile, ...(o.fps !== null ? { fps: o.fps } : {}) });
  const info = source.info;
  const fps = o.fps ?? info.fps ?? 60;
  log.debug(`input ${info.description}: ${info.width}x${info.height} ${info.format}, ${info.fps ?? 'unknown'} fps${info.expectedFrames ? `, ~${info.expectedFrames} frames` : ''}`);
  if (info.fps === null && o.fps === null) log.info('the input does not state a frame rate; budgeting for 60 fps (set --fps to change)');

  let stageFlagValues = o.stageFlags;
  let onOverrun = o.onOverrun;
  if (profile) {
    const applied = applyProfile({
      profile,
      content: { width: info.width, height: info.height },
      fps,
      models: modelCandidates(),
      stageTimes: await ensureStageTimes(modelCandidates(), { width: info.width, height: info.height }, fps, log),
      explicit: o.stageFlags,
      declaredFlags: new Set(stageFlags().map((f) => f.name)),
      onOverrunGiven: o.onOverrunGiven ? formatOverrunPolicySpec(o.onOverrun) : null,
      streamBits: info.format === 'rgb24' ? 8 : 16,
    });
    log.info(formatDecision(applied.decision).trimEnd());
    stageFlagValues = applied.flags;
    if (applied.onOverrun) onOverrun = parseOverrunPolicySpec(applied.onOverrun);
    try {
      plan = planStages(o.stages, stageFlagValues, onOverrun, true);
    } catch (err) {
      source.stop();
      throw err;
    }
    onOverrun = plan.onOverrun;
  }
  const factories = plan!.factories;
  const stages: Stage[] = [];
  try {
    for (const f of factories) stages.push(await f.create({ width: info.width, height: info.height, format: info.format, fps, live, log }, stageFlagValues));
  } catch (err) {
    source.stop();
    for (const s of stages) await s.close?.();
    if (err instanceof StageConfigError) throw new UsageError(err.message);
    throw err;
  }
  fuseStages(stages, log);
  const pipeline: Pipeline = createPipeline({ stages, fps, mode: live ? 'live' : 'offline', onOverrun });
  log.info(
    `${info.width}x${info.height} ${info.format} from ${input === '-' ? 'stdin' : input}: ${pipeline.mode} mode, stages ${stages.map((s) => s.name).join(' → ') || 'none (pass-through)'}, ` +
      `budget ${pipeline.budgetMs.toFixed(2)} ms per stage`,
  );
  pipeline.events.subscribe((e) => {
    if (e.kind === 'stage-error') log.warn(`stage '${e.stage}' failed on frame ${e.seq}, frame passed through unprocessed: ${e.error.message}`);
    else log.info(`stage '${e.stage}' ${e.kind} at frame ${e.seq}: now '${e.mode}'`);
  });

  let statsWriter: StatsWriter | null = null;
  try {
    statsWriter = o.stats === null ? null : new StatsWriter(o.stats, pipeline.stats, o.statsIntervalMs);
  } catch (err) {
    source.stop();
    throw new UsageError((err as Error).message);
  }
  const progress = o.progress && info.expectedFrames ? new ProgressBar(info.expectedFrames, pipeline.stats) : null;
  if (o.progress && !progress) log.info('--progress: the input length is not known, no progress bar');

  let sink: FrameSink | null = null;
  const sinkFor = (frame: Frame): FrameSink => {
    if (sink) return sink;
    const raw = { width: frame.width, height: frame.height, pixFmt: frame.format, fps };
    if (o.output !== null) sink = new FileSink(ffmpeg, raw, o.output);
    else if ((o.outputFormat ?? 'nut') === 'raw') sink = new RawFdSink(1);
    else sink = new StreamSink(ffmpeg, raw, o.outputFormat === 'y4m' ? 'y4m' : 'nut');
    log.debug(`output: ${sink.description}`);
    return sink;
  };

  let signalled: 'SIGINT' | 'SIGTERM' | null = null;
  let subscription: Subscription | null = null;
  const outcome = await new Promise<{ error: unknown | null }>((resolve) => {
    const unregister = env.onSignal((sig) => {
      if (signalled) {
        // Second signal: stop waiting for frames in flight.
        subscription?.unsubscribe();
        resolve({ error: new Error(`interrupted twice by ${sig}`) });
        return;
      }
      signalled = sig;
      log.info(`${sig}: stopping input, finishing frames in flight`);
      source.stop();
      // A consumer that has stopped reading would keep frames in flight forever: bound the wait.
      const timer = setTimeout(() => {
        subscription?.unsubscribe();
        resolve({ error: new ShutdownTimeoutError(sig, o.shutdownTimeoutMs) });
      }, o.shutdownTimeoutMs);
      timer.unref();
    });
    subscription = pipeline
      .process(source.frames)
      .pipe(concatMap((frame) => from(sinkFor(frame).write(frame))))
      .subscribe({
        next: () => progress?.update(),
        error: (error: unknown) => {
          unregister();
          resolve({ error });
        },
        complete: () => {
          unregister();
          resolve({ error: null });
        },
      });
  });
  progress?.finish();
  const { error } = outcome;
  const frames = pipeline.stats.framesOut;

  if (error instanceof OutputClosedError) {
    // `| head -c N` and friends: the reader has what it wanted.
    source.stop();
    await (sink as FrameSink | null)?.abort();
    await pipeline.close();
    finishStats(statsWriter, pipeline, log, 'output-closed');
    log.debug('stdout closed by its reader; stopping');
    return 0;
  }
  if (error instanceof ShutdownTimeoutError) {
    // The output is stalled: finishing it would block again. Drop it (a file's temp name is removed).
    source.stop();
    await (sink as FrameSink | null)?.abort();
    await pipeline.close();
    finishStats(statsWriter, pipeline, log, 'signal');
    log.error(error.message);
    return SIGNAL_EXIT[error.signal];
  }
  // Whole frames that came before an input failure are still delivered in a valid file.
  const inputFailure = error !== null && isInputError(error);
  let exitCode = signalled ? SIGNAL_EXIT[signalled as 'SIGINT' | 'SIGTERM'] : 0;
  const activeSink = sink as FrameSink | null;
  if (error === null || inputFailure || signalled) {
    if (activeSink) {
      try {
        await activeSink.end();
      } catch (endError) {
        if (!(endError instanceof OutputClosedError)) {
          log.error((endError as Error).message);
          exitCode = exitCode || 1;
        }
      }
    } else if (o.output !== null && error === null) {
      log.error(`the input produced no frames; ${o.output} was not written`);
      exitCode = exitCode || 1;
    }
    if (o.output !== null && frames > 1 && encodingFor(o.output, info.format).image && !isImagePattern(o.output)) {
      log.warn(`${o.output} is a single image and holds the last of ${frames} frames; use a pattern such as frame%04d.png to keep every frame`);
    }
  } else {
    source.stop();
    await activeSink?.abort();
  }
  await pipeline.close();
  const summary = finishStats(statsWriter, pipeline, log, error ? 'error' : signalled ? 'signal' : 'done');
  if (error !== null) {
    log.error(error instanceof Error ? error.message : String(error));
    if (inputFailure && frames > 0) log.error(`the output holds the ${frames} complete frames processed before the failure`);
    exitCode = exitCode || 1;
  }
  log.debug(`summary: ${JSON.stringify(summary)}`);
  return exitCode;
}

/**
 * The stages to build and the overrun spec that goes with them. A profile's policy may name stages
 * that are not running; those entries are dropped (`lenient`), while a user's are an error.
 */
function planStages(names: readonly string[] | null, flags: StageFlagValues, onOverrun: OverrunPolicySpec, lenient = false): { factories: StageFactory[]; onOverrun: OverrunPolicySpec } {
  const stageNames = names ?? defaultStageNames(flags);
  let factories: StageFactory[];
  try {
    factories = resolveStageFactories(stageNames, flags);
  } catch (err) {
    if (err instanceof StageConfigError) throw new UsageError(err.message);
    throw err;
  }
  const perStage: Record<string, OverrunPolicy> = {};
  for (const [name, policy] of Object.entries(onOverrun.perStage)) {
    if (stageNames.includes(name)) perStage[name] = policy;
    else if (!lenient) throw new UsageError(`--on-overrun: names stage '${name}', which is not in --stages (${stageNames.join(', ') || 'none'})`);
  }
  return { factories, onOverrun: { defaultPolicy: onOverrun.defaultPolicy, perStage } };
}

function isInputError(error: unknown): boolean {
  return (error instanceof FfmpegError && error.side === 'input') || error instanceof LeftoverBytesError;
}

function finishStats(writer: StatsWriter | null, pipeline: Pipeline, log: Logger, ended: string) {
  pipeline.stats.finish();
  const summary = writer ? writer.finish({ ended }) : pipeline.stats.snapshot('summary');
  log.info(describeSummary(summary));
  return summary;
}

function checkOutputPath(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let st;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new UsageError(`-o: folder '${dir}' does not exist`);
  }
  if (!st.isDirectory()) throw new UsageError(`-o: '${dir}' is not a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`-o: folder '${dir}' is not writable`);
  }
}
