import { resolveLedType } from '../thermal/led-model.js';
import { createTemperatureSource, parseTemperatureSpec, TEMPERATURE_USAGE } from '../thermal/sources/source-spec.js';
import { HEADROOM_POLICIES, type HeadroomPolicy } from '../thermal/thermal-correction.js';
import { createThermalStage } from '../thermal/thermal-stage.js';
import { DEFAULT_TRANSFER, parseSignalTransfer, THERMAL_DITHERS, type ThermalDither } from '../thermal/transfer-tables.js';
import { parseZoneGrid } from '../thermal/zone-grid.js';
import type { StageFactory, StageFlagValues } from './registry.js';
import { StageConfigError } from './registry.js';

function str(v: StageFlagValues, name: string, fallback: string): string {
  const x = v[name];
  return typeof x === 'string' ? x : fallback;
}

function num(v: StageFlagValues, name: string, fallback: number, min: number, max: number, unit: string): number {
  const x = v[name];
  if (x === undefined || x === true || x === false) return fallback;
  const n = Number(x);
  if (x.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new StageConfigError(`--${name}: expected a number from ${min} to ${max} ${unit} but received '${x}'`);
  return n;
}

/** Runs `fn`, turning its RangeError into the StageConfigError the CLI reports with exit 2. */
function flag<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new StageConfigError(err.message);
    throw err;
  }
}

/** Thermal compensation of LED drift (docs/THERMAL.md). */
export const thermalStageFactory: StageFactory = {
  name: 'thermal',
  description: 'thermal compensation of LED drift',
  flags: [
    { name: 'temperature', type: 'string', value: TEMPERATURE_USAGE, description: 'thermal: cabinet temperatures: JSON-lines file or FIFO, UDP datagrams, or sim[:ambient=25,peak=60,tau=120]' },
    { name: 'led-type', type: 'string', value: 'TYPE', description: 'thermal: LED family: smd-rgb-2121 (default), cob, mini-led' },
    { name: 'thermal-zones', type: 'string', value: 'COLSxROWS', description: 'thermal: cabinet grid over the frame, zones numbered row-major from 0 (default 1x1)' },
    { name: 'thermal-transfer', type: 'string', value: 'srgb|gamma:G|pq|linear', description: `thermal: signal transfer of the frames (default: the calibration's output curve when calibration runs before, else ${DEFAULT_TRANSFER})` },
    { name: 'thermal-slew', type: 'string', value: 'PCT', description: 'thermal: largest gain change per frame, percent (default 0.5)' },
    { name: 'thermal-timeout', type: 'string', value: 'S', description: 'thermal: a silent sensor is held this long, then eases to nominal (default 10)' },
    { name: 'thermal-dither', type: 'string', value: 'ordered|none', description: 'thermal: rounding after the gains: 4x4 ordered dither (default) or plain' },
    { name: 'thermal-headroom', type: 'string', value: 'wall|zone', description: 'thermal: dim the whole wall together (default) or each zone alone when red runs out of drive' },
  ],
  unavailableReason: (v) => (typeof v.temperature === 'string' ? null : `needs --temperature ${TEMPERATURE_USAGE}`),
  async create(ctx, v) {
    const spec = flag(() => parseTemperatureSpec(str(v, 'temperature', '')));
    const grid = flag(() => parseZoneGrid(str(v, 'thermal-zones', '1x1')));
    const [cw, ch] = ctx.region ? [ctx.region.canvasWidth, ctx.region.canvasHeight] : [ctx.width, ctx.height];
    if (grid.cols > cw || grid.rows > ch) throw new StageConfigError(`--thermal-zones: ${grid.cols}x${grid.rows} zones do not fit a ${cw}x${ch} ${ctx.region ? 'canvas' : 'frame'}`);
    // Default: the transfer the previous stage says its codes carry (a calibration's output curve), else DEFAULT_TRANSFER.
    const transfer = flag(() => parseSignalTransfer(str(v, 'thermal-transfer', ctx.signalTransfer ?? DEFAULT_TRANSFER)));
    const slewPct = num(v, 'thermal-slew', 0.5, 0.01, 100, 'percent per frame');
    const timeoutS = num(v, 'thermal-timeout', 10, 0.1, 86400, 'seconds');
    const headroom = str(v, 'thermal-headroom', 'wall');
    if (!HEADROOM_POLICIES.includes(headroom as HeadroomPolicy)) throw new StageConfigError(`--thermal-headroom: expected wall or zone but received '${headroom}'`);
    const dither = str(v, 'thermal-dither', 'ordered');
    if (!THERMAL_DITHERS.includes(dither as ThermalDither)) throw new StageConfigError(`--thermal-dither: expected ordered or none but received '${dither}'`);
    const led = resolveLedType(str(v, 'led-type', 'smd-rgb-2121'));
    if (led.warning) ctx.log.warn(`thermal: ${led.warning}`);
    const clock = () => performance.now();
    const source = createTemperatureSource(spec, grid.cols * grid.rows, ctx.log, clock);
    try {
      await source.start();
    } catch (err) {
      throw new StageConfigError(err instanceof Error ? err.message : String(err));
    }
    ctx.log.info(`thermal: ${led.model.name}, ${grid.cols}x${grid.rows} zones, ${transfer.name}, temperatures from ${source.description}`);
    return createThermalStage({
      width: ctx.width, height: ctx.height, format: ctx.format, fps: ctx.fps, grid, model: led.model, transfer, source,
      maxStepPerFrame: slewPct / 100, silenceTimeoutMs: timeoutS * 1000, headroom: headroom as HeadroomPolicy, dither: dither as ThermalDither, log: ctx.log, clock,
      ...(ctx.region ? { region: ctx.region } : {}),
    });
  },
};
