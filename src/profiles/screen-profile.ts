/**
 * A screen profile: what an operator knows about the wall (docs/PROFILES.md). Validation names the
 * file, the field and the allowed range: `wall.json: peakNits: expected 1 to 20000, got 0`.
 */
export const GAMUTS = ['bt709', 'display-p3', 'dci-p3', 'bt2020', 'native'] as const;
export type Gamut = (typeof GAMUTS)[number];
export const ENVIRONMENTS = ['indoor', 'outdoor', 'stage'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface ScreenProfile {
  readonly name: string;
  readonly description?: string;
  readonly environment: Environment;
  /** Centre-to-centre LED distance, mm. */
  readonly pixelPitchMm: number;
  /** The whole wall, in pixels. */
  readonly resolution: { readonly width: number; readonly height: number };
  /** Pixels per module, and modules per cabinet (a cabinet is one thermal zone). */
  readonly module: { readonly width: number; readonly height: number };
  readonly cabinet: { readonly modulesX: number; readonly modulesY: number };
  readonly driverIc: { readonly family: string; readonly grayscaleBits?: number; readonly scan?: number };
  /** LED package (e.g. 'SMD1515', 'COB') and type for the thermal model ('smd-rgb', 'cob', 'mini-led'). */
  readonly led: { readonly package: string; readonly type: string };
  readonly peakNits: number;
  /** The brightness mode running now, as a percentage of peak. */
  readonly brightness: { readonly mode: string; readonly percent: number };
  readonly targetCct: number;
  readonly targetGamut: Gamut;
  readonly refreshHz: number;
  readonly viewingDistanceM: number;
}

export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${source}: ${field}: ${detail}`);
    this.name = 'ProfileError';
  }
}

type Json = Record<string, unknown>;

/** A value for an error message: short, and never a stack overflow on deeply nested JSON. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

class Reader {
  constructor(
    private readonly source: string,
    private readonly obj: Json,
    private readonly prefix = '',
  ) {}

  private field(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  fail(name: string, detail: string): never {
    throw new ProfileError(this.source, this.field(name), detail);
  }

  number(name: string, min: number, max: number, opts: { integer?: boolean; optional?: boolean; exclusiveMin?: boolean } = {}): number {
    const v = this.obj[name];
    if (v === undefined && opts.optional) return NaN;
    const range = `${opts.exclusiveMin ? `more than ${min}` : min} to ${max}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(name, `expected a number ${range}, got ${describe(v)}`);
    if ((opts.exclusiveMin ? v <= min : v < min) || v > max || (opts.integer && !Number.isInteger(v))) {
      this.fail(name, `expected ${opts.integer ? 'an integer' : 'a number'} ${range}, got ${v}`);
    }
    return v;
  }

  string(name: string, opts: { optional?: boolean; oneOf?: readonly string[] } = {}): string {
    const v = this.obj[name];
    if (v === undefined && opts.optional) return '';
    if (typeof v !== 'string' || v.trim() === '') this.fail(name, `expected ${opts.oneOf ? `one of ${opts.oneOf.join(', ')}` : 'a non-empty string'}, got ${describe(v)}`);
    if (opts.oneOf && !opts.oneOf.includes(v)) this.fail(name, `expected one of ${opts.oneOf.join(', ')}, got '${v.length > 60 ? `${v.slice(0, 60)}…` : v}'`);
    return v;
  }

  object(name: string): Reader {
    const v = this.obj[name];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(name, `expected an object, got ${describe(v)}`);
    return new Reader(this.source, v as Json, this.field(name));
  }
}

/** Validates a parsed JSON value as a profile; `source` names it in errors (a file or 'flags'). */
export function validateProfile(value: unknown, source: string): ScreenProfile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProfileError(source, '(root)', 'expected a JSON object');
  const r = new Reader(source, value as Json);
  const res = r.object('resolution');
  const mod = r.object('module');
  const cab = r.object('cabinet');
  const ic = r.object('driverIc');
  const led = r.object('led');
  const br = r.object('brightness');
  const description = r.string('description', { optional: true });
  const icBits = ic.number('grayscaleBits', 8, 22, { integer: true, optional: true });
  const icScan = ic.number('scan', 1, 64, { integer: true, optional: true });
  return {
    name: r.string('name'),
    ...(description ? { description } : {}),
    environment: r.string('environment', { oneOf: ENVIRONMENTS }) as Environment,
    pixelPitchMm: r.number('pixelPitchMm', 0, 100, { exclusiveMin: true }),
    resolution: { width: res.number('width', 8, 65536, { integer: true }), height: res.number('height', 8, 65536, { integer: true }) },
    module: { width: mod.number('width', 4, 1024, { integer: true }), height: mod.number('height', 4, 1024, { integer: true }) },
    cabinet: { modulesX: cab.number('modulesX', 1, 64, { integer: true }), modulesY: cab.number('modulesY', 1, 64, { integer: true }) },
    driverIc: { family: ic.string('family'), ...(Number.isNaN(icBits) ? {} : { grayscaleBits: icBits }), ...(Number.isNaN(icScan) ? {} : { scan: icScan }) },
    led: { package: led.string('package'), type: led.string('type') },
    peakNits: r.number('peakNits', 1, 20000),
    brightness: { mode: br.string('mode'), percent: br.number('percent', 1, 100) },
    targetCct: r.number('targetCct', 1500, 25000),
    targetGamut: r.string('targetGamut', { oneOf: GAMUTS }) as Gamut,
    refreshHz: r.number('refreshHz', 24, 15360),
    viewingDistanceM: r.number('viewingDistanceM', 0, 1000, { exclusiveMin: true }),
  };
}
