import type { PixelFormat } from '../pipeline/frame.js';
import type { Stage } from '../pipeline/stage.js';

/** What a stage needs to know about the stream it joins. */
export interface StageContext {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly fps: number;
}

export interface StageFactory {
  readonly name: string;
  readonly description: string;
  /** Null when the stage can be built here, else the reason it cannot. */
  unavailableReason(): string | null;
  create(ctx: StageContext): Promise<Stage> | Stage;
}

export class UnknownStageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownStageError';
  }
}

/**
 * The stages `--stages` can name, in their canonical order. A stage whose implementation has not
 * landed says so instead of pretending to run.
 */
const FACTORIES: StageFactory[] = [
  notYetBuilt('sr', 'AI super-resolution / denoise (ONNX model)', 'issue #3: native core and the SR stage'),
  notYetBuilt('calibration', 'full-gray calibration, 3D LUT and dithering', 'issue #4: LED calibration stages'),
  notYetBuilt('thermal', 'thermal compensation of LED drift', 'issue #4: LED calibration stages'),
];

function notYetBuilt(name: string, description: string, where: string): StageFactory {
  return {
    name,
    description,
    unavailableReason: () => `not available in this build yet (${where})`,
    create: () => {
      throw new UnknownStageError(`stage '${name}' is not available in this build yet (${where})`);
    },
  };
}

export function stageFactories(): readonly StageFactory[] {
  return FACTORIES;
}

/** The default `--stages` list: every stage that can run here, in canonical order. */
export function defaultStageNames(): string[] {
  return FACTORIES.filter((f) => f.unavailableReason() === null).map((f) => f.name);
}

/** Resolves names to factories, with errors that name the stage and the choices. */
export function resolveStageFactories(names: readonly string[]): StageFactory[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const f = FACTORIES.find((x) => x.name === name);
    if (!f) throw new UnknownStageError(`--stages: unknown stage '${name}'; known stages: ${FACTORIES.map((x) => x.name).join(', ')}, or none`);
    if (seen.has(name)) throw new UnknownStageError(`--stages: stage '${name}' is listed twice`);
    seen.add(name);
    const why = f.unavailableReason();
    if (why) throw new UnknownStageError(`--stages: stage '${name}' is ${why}`);
    return f;
  });
}
