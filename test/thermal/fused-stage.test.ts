/**
 * Calibration → thermal fused into one pass through the pipeline (src/stages/fusion.ts): the same
 * gains frame by frame as the two stages run apart (slew, hold), output within 1 code of the
 * two-pass chain except near black, honest status and logs, fallback to the thermal kernel for a
 * calibration that cannot take it (output transfer, a 3D LUT after a hot reload), and back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFullGrayStage } from '../../src/calibration/fullgray-stage.js';
import { writeLedcal, type Calibration } from '../../src/calibration/ledcal-format.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import type { Stage } from '../../src/pipeline/stage.js';
import { fuseStages } from '../../src/stages/fusion.js';
import { LED_TYPES } from '../../src/thermal/led-model.js';
import type { TemperatureSource } from '../../src/thermal/sources/temperature-source.js';
import { ZoneTemperatureBoard } from '../../src/thermal/sources/zone-board.js';
import { createThermalStage, type ThermalStage } from '../../src/thermal/thermal-stage.js';
import { parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import { gradingLut, makeCalibration, nativeCalAvailable, nativeSkipNote, randomFrame } from '../calibration/fixtures.js';
import { captureLog, makeFrame, manualClock } from './fixtures.js';
import { firstValueFrom, from, toArray } from 'rxjs';

const W = 96, H = 48;
const dir = mkdtempSync(join(tmpdir(), 'ledpipe-fused-'));

function manualSource(zones: number): TemperatureSource {
  const board = new ZoneTemperatureBoard(zones);
  return { description: 'test sensors', board, start: async () => undefined, close: async () => undefined };
}

function calibration(extra: Partial<Calibration> = {}, dither: 'ordered' | 'none' = 'ordered'): Calibration {
  const c = makeCalibration({ width: W, height: H, moduleWidth: 32, moduleHeight: 16, output: { curve: 'gamma', gamma: 2.4 }, seed: 21 });
  return { ...c, output: { ...c.output, dither }, ...extra };
}

async function chain(file: string, fuse: boolean, transfer = 'gamma:2.4', thermalDither: 'ordered' | 'none' = 'ordered') {
  const log = captureLog();
  const clock = manualClock();
  const source = manualSource(4);
  const cal = await createFullGrayStage({ width: W, height: H, format: 'rgb24', calibrationFile: file, lut: null, log, watch: false });
  const thermal = createThermalStage({ width: W, height: H, format: 'rgb24', fps: 10, grid: { cols: 2, rows: 2 }, model: LED_TYPES['smd-rgb-2121']!, transfer: parseSignalTransfer(transfer), dither: thermalDither, source, log, clock: clock.now, maxStepPerFrame: 0.02, silenceTimeoutMs: 10_000 });
  const stages: Stage[] = [cal, thermal];
  if (fuse) fuseStages(stages, log, {});
  return { log, clock, source, cal, thermal, stages };
}

let nextSeq = 0;

/**
 * Runs `n` frames through the two stages one frame after the other (so the gains each frame used
 * can be read between frames); sensors at 30/45/55/65 °C, zone 3 silent after the first 5 frames.
 */
async function run(c: Awaited<ReturnType<typeof chain>>, n: number): Promise<{ frames: Buffer[]; gains: Float32Array[] }> {
  const temps = [30, 45, 55, 65];
  const frames: Buffer[] = [], gains: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const seq = nextSeq++;
    c.clock.advance(100);
    for (let z = 0; z < 4; z++) if (i < 5 || z !== 3) c.source.board.set(z, temps[z]!, c.clock.now());
    let f = makeFrame(randomFrame(W, H, 'rgb24', 100 + i), W, H, 'rgb24', seq, seq * 100);
    for (const s of c.stages) f = await s.process(f);
    frames.push(f.data);
    gains.push(c.thermal.status().gains);
  }
  return { frames, gains };
}

describe(`calibration + thermal fused in the pipeline${nativeSkipNote}`, () => {
  for (const dither of ['none', 'ordered'] as const) {
    it.skipIf(!nativeCalAvailable)(`same gains frame by frame as the stages apart; output close to the two-pass chain (dither ${dither}); honest status`, async () => {
      // Apart, the calibration's output is rounded (and dithered) to 8 bits before thermal rounds
      // (and dithers) again: up to 1 code each way, more near black where the thermal matrix's
      // negative cross terms meet gamma 2.4's steep encode. Fused rounds once.
      const file = join(dir, `fused-${dither}.ledcal`);
      await writeLedcal(file, calibration({}, dither));
      const apart = await chain(file, false, 'gamma:2.4', dither);
      const fused = await chain(file, true, 'gamma:2.4', dither);
      const a = await run(apart, 8);
      const f = await run(fused, 8);
      const allowed = dither === 'none' ? 1 : 2;
      for (let i = 0; i < 8; i++) {
        expect(Array.from(f.gains[i]!), `frame ${i} gains`).toEqual(Array.from(a.gains[i]!));
        let big = 0, sum = 0;
        for (let j = 0; j < f.frames[i]!.length; j++) {
          const d = Math.abs(f.frames[i]![j]! - a.frames[i]![j]!);
          sum += d;
          if (d > allowed) big++;
        }
        expect(big / f.frames[i]!.length, `frame ${i}: share of samples more than ${allowed} code(s) apart (${big})`).toBeLessThan(0.002);
        expect(sum / f.frames[i]!.length).toBeLessThan(dither === 'none' ? 0.3 : 0.6);
      }
      const st = fused.thermal.status();
      expect(st.fusedInto).toBe('calibration');
      expect(st.fusedFrames).toBe(8);
      expect(st.frames).toBe(8);
      expect(apart.thermal.status().fusedInto).toBeNull();
      expect(fused.log.lines.some((l) => /runs fused into the calibration pass/.test(l.message))).toBe(true);
      await Promise.all([...apart.stages, ...fused.stages].map((s) => s.close?.()));
    });
  }

  it.skipIf(!nativeCalAvailable)('through the pipeline (stages overlapping frames): every frame fused, thermal time ~0', async () => {
    const file = join(dir, 'pipeline.ledcal');
    await writeLedcal(file, calibration());
    const c = await chain(file, true);
    const frames = Array.from({ length: 6 }, (_, i) => makeFrame(randomFrame(W, H, 'rgb24', i), W, H, 'rgb24', i, i * 100));
    c.source.board.set(0, 50, c.clock.now());
    const pipeline = createPipeline({ stages: c.stages, fps: 10, mode: 'offline' });
    const out = await firstValueFrom(pipeline.process(from(frames)).pipe(toArray()));
    expect(out.length).toBe(6);
    expect(c.thermal.status().fusedFrames).toBe(6);
    await Promise.all(c.stages.map((s) => s.close?.()));
  });

  it.skipIf(!nativeCalAvailable)('a different output transfer is not fused: the thermal kernel runs, and the log says why', async () => {
    const file = join(dir, 'mismatch.ledcal');
    await writeLedcal(file, calibration());
    const c = await chain(file, true, 'gamma:2.2');
    await run(c, 3);
    const st = (c.thermal as ThermalStage).status();
    expect(st.fusedInto).toBeNull();
    expect(st.fusedFrames).toBe(0);
    expect(st.frames).toBe(3);
    expect(c.log.lines.some((l) => /not fused .*output is gamma 2\.4 but --thermal-transfer is gamma:2\.2/.test(l.message))).toBe(true);
    await Promise.all(c.stages.map((s) => s.close?.()));
  });

  it.skipIf(!nativeCalAvailable)('hot reload to a calibration with a 3D LUT falls back to the thermal kernel, and a reload back fuses again', async () => {
    const file = join(dir, 'reload.ledcal');
    await writeLedcal(file, calibration());
    const c = await chain(file, true);
    await run(c, 2);
    expect(c.thermal.status().fusedFrames).toBe(2);
    const lut = gradingLut(9);
    await writeLedcal(file, calibration({ lut: { source: 'embedded', cube: lut } }));
    expect(await c.cal.reload(), c.cal.reloadStats.lastError ?? '').toBe(true);
    await run(c, 2);
    expect(c.thermal.status().fusedFrames).toBe(2);
    expect(c.thermal.status().frames).toBe(4);
    expect(c.log.lines.some((l) => /3D LUT after its encode/.test(l.message))).toBe(true);
    await writeLedcal(file, calibration());
    expect(await c.cal.reload()).toBe(true);
    await run(c, 2);
    expect(c.thermal.status().fusedFrames).toBe(4);
    expect(c.thermal.status().fusedInto).toBe('calibration');
    await Promise.all(c.stages.map((s) => s.close?.()));
  });
});
