import { lastValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { blankCalibration } from '../../src/calibration/calibration-import.js';
import { PRIMARIES_BT709, rgbToXyzMatrix, WHITE_D65 } from '../../src/calibration/colour-spaces.js';
import { cctToWhitePoint, xyToCct } from '../../src/calibration/colour-temperature.js';
import { createFullGrayStage } from '../../src/calibration/fullgray-stage.js';
import { writeLedcal } from '../../src/calibration/ledcal-format.js';
import { mulMatVec } from '../../src/calibration/matrix3.js';
import { trimCalibration, whiteTrimGains } from '../../src/calibration/white-trim.js';
import { DisplayModeController } from '../../src/live/display-mode-controller.js';
import { readDisplayModeRequest, type DisplayMode } from '../../src/live/display-mode.js';
import { FramePool } from '../../src/pipeline/frame-pool.js';
import type { Frame } from '../../src/pipeline/frame.js';
import type { Logger } from '../../src/pipeline/logger.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import type { Stage } from '../../src/pipeline/stage.js';
import { parseTelemetryMessage, TelemetryError } from '../../src/thermal/sources/telemetry-message.js';
import { ZoneTemperatureBoard } from '../../src/thermal/sources/zone-board.js';
import { tmpDir } from '../helpers.js';

function recorder(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [], infos: string[] = [];
  return { warnings, infos, error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: (m) => infos.push(m), debug: () => undefined };
}

describe('display-mode control messages', () => {
  it('reads brightness and colour temperature, alone or together, named as in a profile', () => {
    expect(readDisplayModeRequest({ zone: 1, celsius: 30 })).toBeNull();
    expect(readDisplayModeRequest({ brightness: { mode: 'night', percent: 20 } })).toEqual({ brightnessMode: 'night', brightnessPercent: 20 });
    expect(readDisplayModeRequest({ targetCct: 5600 })).toEqual({ cct: 5600 });
    expect(readDisplayModeRequest({ brightness: { percent: 50 }, targetCct: 3200 })).toEqual({ brightnessPercent: 50, cct: 3200 });
  });

  it.each([
    [{ brightness: 20 }, /^brightness: expected \{"mode", "percent"\} but received 20$/],
    [{ brightness: {} }, /^brightness: expected "mode" and\/or "percent"/],
    [{ brightness: { percent: 0 } }, /^brightness\.percent: expected a number from 1 to 100 but received 0$/],
    [{ brightness: { percent: 101 } }, /brightness\.percent: .* received 101/],
    [{ brightness: { mode: '' } }, /^brightness\.mode: expected a name of 1 to 64 characters/],
    [{ targetCct: 1000 }, /^targetCct: expected a number of kelvin from 1500 to 25000 but received 1000$/],
    [{ targetCct: '6500' }, /^targetCct: .* received "6500"$/],
  ])('rejects %j naming the field and the range', (msg, reason) => {
    expect(() => parseTelemetryMessage(JSON.stringify(msg), 4)).toThrow(TelemetryError);
    expect(() => parseTelemetryMessage(JSON.stringify(msg), 4)).toThrow(reason);
  });

  it('rides the telemetry channel: control alone, or with readings; held until someone listens', () => {
    expect(parseTelemetryMessage('{"targetCct":5000}', 2)).toEqual({ readings: [], displayMode: { cct: 5000 } });
    expect(parseTelemetryMessage('{"zone":1,"celsius":40,"brightness":{"mode":"day"}}', 2)).toEqual({ readings: [{ zone: 1, celsius: 40 }], displayMode: { brightnessMode: 'day' } });
    expect(() => parseTelemetryMessage('{"zone":1}', 2)).toThrow(/celsius/);
    const board = new ZoneTemperatureBoard(2);
    board.applyMessage(parseTelemetryMessage('{"targetCct":5000}', 2), 0);
    board.applyMessage(parseTelemetryMessage('{"zone":0,"celsius":41}', 2), 0);
    const got: unknown[] = [];
    board.onDisplayModeRequest((r) => got.push(r));
    board.applyMessage(parseTelemetryMessage('{"brightness":{"percent":30}}', 2), 1);
    expect(got).toEqual([{ cct: 5000 }, { brightnessPercent: 30 }]);
    expect([board.celsius[0], board.displayModeRequests]).toEqual([41, 2]);
  });
});

describe('white trim (colour-temperature switch)', () => {
  const target = { primaries: PRIMARIES_BT709, white: WHITE_D65 };
  it('is exactly 1 at the calibrated white and moves white to the asked CCT, largest gain 1', () => {
    expect(whiteTrimGains(target, 6500, 6500)).toEqual([1, 1, 1]);
    const warm = whiteTrimGains(target, undefined, 3200);
    expect(warm[0]).toBe(1);
    expect(warm[2]).toBeLessThan(warm[1]);
    const xyz = mulMatVec(rgbToXyzMatrix({ name: 't', ...target }), warm);
    const want = cctToWhitePoint(3200);
    expect(xyz[0] / (xyz[0] + xyz[1] + xyz[2])).toBeCloseTo(want.x, 9);
    expect(xyz[1] / (xyz[0] + xyz[1] + xyz[2])).toBeCloseTo(want.y, 9);
    expect(xyToCct(want).cct).toBeCloseTo(3200, -1);
    // Relative to a profile's reference: 6500 → 6500 is identity even though D65 is not exactly on the 6500 K locus.
    const cool = whiteTrimGains(target, 6500, 9300);
    expect(cool[2]).toBe(1);
    expect(cool[0]).toBeLessThan(1);
  });

  it('scales the matrices\' columns (target RGB in), never stacking on the file\'s', () => {
    const cal = blankCalibration({ width: 8, height: 8, moduleWidth: 4, moduleHeight: 4 });
    const t = trimCalibration(cal, [1, 0.8, 0.5]);
    expect(Array.from(t.matrices.slice(0, 9))).toEqual([1, 0, 0, 0, Math.fround(0.8), 0, 0, 0, 0.5]);
    expect(Array.from(cal.matrices.slice(0, 9))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(trimCalibration(cal, [1, 1, 1])).toBe(cal);
  });
});

/** A stage that records which display-mode version processed each frame; preparation takes `prepMs`. */
function modeRecorder(name: string, prepMs: number, delayMs: number, seen: Map<string, number[]>): Stage {
  let applied = 0;
  const prepared = new Set<number>();
  seen.set(name, []);
  return {
    name,
    modes: ['only'],
    async prepareDisplayMode(m: DisplayMode) {
      await new Promise((r) => setTimeout(r, prepMs));
      prepared.add(m.version);
    },
    applyDisplayMode(m: DisplayMode) {
      if (!prepared.has(m.version)) throw new Error(`applied version ${m.version} before it was prepared`);
      applied = m.version;
    },
    async process(f: Frame) {
      await new Promise((r) => setTimeout(r, delayMs));
      seen.get(name)![f.seq] = applied;
      return f;
    },
  };
}

describe('live switch at a frame boundary', () => {
  it('every stage switches at the same frame, after all have prepared, with no frame dropped', async () => {
    const seen = new Map<string, number[]>();
    const stages = [modeRecorder('a', 30, 2, seen), modeRecorder('b', 5, 6, seen)];
    const log = recorder();
    const controller = new DisplayModeController({ initial: { brightnessMode: 'day', brightnessPercent: 100, cct: 6500, referenceCct: 6500 }, stages, log });
    const p = createPipeline({ stages, mode: 'live', fps: 10, displayMode: controller });
    const pool = new FramePool(2, 2, 'rgb24', 40);
    let requested: Promise<boolean> | null = null;
    const frames = (async function* () {
      for (let i = 0; i < 40; i++) {
        if (i === 5) requested = controller.request({ brightnessMode: 'night', brightnessPercent: 20 }, 'test');
        yield pool.frame(await pool.acquireBuffer(), i, i * 10);
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const out = await lastValueFrom(p.process(from(frames)).pipe(toArray()));
    expect(await requested!).toBe(true);
    expect(out.map((f) => f.seq)).toEqual([...Array(40).keys()]);
    const a = seen.get('a')!, b = seen.get('b')!;
    expect(a).toEqual(b); // the same frame boundary in both stages
    const first = a.indexOf(1);
    expect(first).toBeGreaterThan(5); // not before the slowest preparation finished
    expect(a.slice(0, first).every((v) => v === 0) && a.slice(first).every((v) => v === 1)).toBe(true);
    expect(log.infos.join('\n')).toMatch(/display mode → 'night' 20% brightness, 6500 K \(from test\), from the next frame/);
    expect(await controller.request({ brightnessPercent: 20 }, 'test')).toBe(false); // nothing changes
  });

  it('a stage that refuses a mode keeps the old one everywhere, and says why', async () => {
    const log = recorder();
    const applied: number[] = [];
    const ok: Stage = { name: 'ok', modes: ['x'], prepareDisplayMode: () => undefined, applyDisplayMode: (m) => applied.push(m.version), process: (f) => f };
    const refusing: Stage = { name: 'cal', modes: ['x'], prepareDisplayMode: () => { throw new Error('no headroom'); }, process: (f) => f };
    const c = new DisplayModeController({ initial: { brightnessMode: 'day', brightnessPercent: 100 }, stages: [ok, refusing], log });
    expect(await c.request({ cct: 5000 }, 'udp')).toBe(false);
    expect(c.current.version).toBe(0);
    expect(c.refused).toBe(1);
    expect(log.warnings[0]).toMatch(/display mode 'day' 100% brightness, 5000 K \(from udp\) was not applied, keeping 'day' 100% brightness, calibrated white: stage 'cal': no headroom/);
  });
});

describe('calibration stage: colour-temperature and brightness switch', () => {
  it('frames before the switch are untouched, frames after have the new white and dither', async () => {
    const dir = tmpDir();
    const file = `${dir}/wall.ledcal`;
    await writeLedcal(file, blankCalibration({ width: 16, height: 8, moduleWidth: 8, moduleHeight: 8 }));
    const log = recorder();
    const stage = await createFullGrayStage({ width: 16, height: 8, format: 'rgb24', calibrationFile: file, lut: null, dither: 'none', log, watch: false });
    const white = () => ({ data: Buffer.alloc(16 * 8 * 3, 200), width: 16, height: 8, format: 'rgb24' as const, seq: 0, ptsMs: 0, release: () => undefined });
    const before = (await stage.process(white())).data;
    const mode: DisplayMode = { version: 1, brightnessMode: 'tungsten', brightnessPercent: 100, cct: 3200, referenceCct: 6500, dither: 'ordered' };
    stage.prepareDisplayMode(mode);
    expect((await stage.process(white())).data.equals(before)).toBe(true); // prepared, not yet applied
    stage.applyDisplayMode(mode);
    const after = (await stage.process(white())).data;
    expect([after[0], after[1], after[2]]).toEqual([200, expect.any(Number), expect.any(Number)]);
    expect(after[2]!).toBeLessThan(after[1]!);
    expect(after[1]!).toBeLessThan(200);
    // Back to the calibrated CCT: the file's output exactly (trims never stack).
    const back: DisplayMode = { ...mode, version: 2, cct: 6500, dither: 'none' };
    stage.prepareDisplayMode(back);
    stage.applyDisplayMode(back);
    expect((await stage.process(white())).data.equals(before)).toBe(true);
    await stage.close();
  });
});
