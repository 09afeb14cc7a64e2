import type { CanvasRegion } from '../pipeline/canvas-region.js';
import type { PixelFormat } from '../pipeline/frame.js';
import type { Logger } from '../pipeline/logger.js';
import type { FrameGeometry, Stage } from '../pipeline/stage.js';
import { calibrationStageFactory } from './calibration-stage.js';
import { fuseStages } from './fusion.js';
import { srStageFactory } from './sr-stage.js';
import { thermalStageFactory } from './thermal-stage.js';

/** What a stage needs to know about the stream it joins. */
export interface StageContext {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly fps: number;
  /** Live mode: a stage that fails should fall back (say so once) rather than stop the show. */
  readonly live: boolean;
  /** The transfer of the code values arriving, when an earlier stage states it (see Stage.signalTransfer). */
  readonly signalTransfer?: string;
  readonly log: Logger;
  /** --region: the frames are this window of the wall's canvas (docs/SCALING.md). */
  readonly region?: CanvasRegion;
}

/** A command-line flag a stage owns, e.g. --lut FILE.cube. The CLI parses; the stage validates. */
export interface StageFlag {
  /** Without the leading dashes. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder for --help, e.g. 'FILE.cube'. */
  readonly value?: string;
  readonly description: string;
}

export type StageFlagValues = Readonly<Record<string, string | boolean | undefined>>;

export interface StageFactory {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly StageFlag[];
  /** Null when the stage can run with these flags, else why not (e.g. "needs --lut FILE.cube"). */
  unavailableReason(values: StageFlagValues): string | null;
  create(ctx: StageContext, values: StageFlagValues): Promise<Stage> | Stage;
}

/** A stage flag with a bad value, or a stage that cannot run: the CLI exits 2 with this message. */
export class StageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageConfigError';
  }
}

/** The stages `--stages` can name, in their canonical order. */
const FACTORIES: StageFactory[] = [
  srStageFactory(),
  calibrationStageFactory,
  thermalStageFactory,
];

export function stageFactories(): readonly StageFactory[] {
  return FACTORIES;
}

/** Every flag any stage owns (for the CLI parser and --help). */
export function stageFlags(): StageFlag[] {
  return FACTORIES.flatMap((f) => f.flags);
}

/** The default `--stages` list: every stage that can run with these flags, in canonical order. */
export function defaultStageNames(values: StageFlagValues): string[] {
  return FACTORIES.filter((f) => f.unavailableReason(values) === null).map((f) => f.name);
}

/**
 * Creates the stages in order, each for the frames it will receive: a stage that changes the geometry
 * (SR x2) declares `output`, and the stages after it are built for that size; a calibration stage
 * directly followed by a thermal stage is linked to run both in one pass (src/stages/fusion.ts). If one
 * fails, the ones already created are closed before the error propagates.
 */
export async function createStages(factories: readonly StageFactory[], ctx: StageContext, values: StageFlagValues): Promise<Stage[]> {
  const stages: Stage[] = [];
  let geometry: FrameGeometry = { width: ctx.width, height: ctx.height, format: ctx.format };
  let signalTransfer = ctx.signalTransfer;
  try {
    for (const f of factories) {
      const stage = await f.create({ ...ctx, ...geometry, ...(signalTransfer ? { signalTransfer } : {}) }, values);
      stages.push(stage);
      geometry = stage.output ?? geometry;
      signalTransfer = stage.signalTransfer ?? signalTransfer;
    }
  } catch (err) {
    for (const s of stages) await s.close?.();
    throw err;
  }
  fuseStages(stages, ctx.log);
  return stages;
}

/** The geometry of the frames leaving the last stage (the input's when no stage changes it). */
export function outputGeometry(stages: readonly Stage[], input: FrameGeometry): FrameGeometry {
  return stages.reduce<FrameGeometry>((g, s) => s.output ?? g, input);
}

/** Resolves names to factories, with errors that name the stage and the choices. */
export function resolveStageFactories(names: readonly string[], values: StageFlagValues): StageFactory[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const f = FACTORIES.find((x) => x.name === name);
    if (!f) throw new StageConfigError(`--stages: unknown stage '${name}'; known stages: ${FACTORIES.map((x) => x.name).join(', ')}, or none`);
    if (seen.has(name)) throw new StageConfigError(`--stages: stage '${name}' is listed twice`);
    seen.add(name);
    const why = f.unavailableReason(values);
    if (why) throw new StageConfigError(`--stages: stage '${name}' ${why}`);
    return f;
  });
}
