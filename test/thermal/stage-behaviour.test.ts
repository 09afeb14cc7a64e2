/** Rate limiting, silent sensors, unknown LED types, headroom and the stage factory's flags. */
import { describe, expect, it } from 'vitest';
import { correctionMatrix, peakDrive, zoneCorrections } from '../../src/thermal/thermal-correction.js';
import { LED_TYPES, resolveLedType } from '../../src/thermal/led-model.js';
import type { TemperatureSource } from '../../src/thermal/sources/temperature-source.js';
import { ZoneTemperatureBoard } from '../../src/thermal/sources/zone-board.js';
import { createThermalStage } from '../../src/thermal/thermal-stage.js';
import { parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import { thermalStageFactory } from '../../src/stages/thermal-stage.js';
import { StageConfigError } from '../../src/stages/registry.js';
import { captureLog, makeFrame, manualClock, solidFrame } from './fixtures.js';

/** A source the test writes to directly. */
function manualSource(zones: number): TemperatureSource {
  const board = new ZoneTemperatureBoard(zones);
  return { description: 'test sensors', board, start: async () => undefined, close: async () => undefined };
}

function stageWith(source: TemperatureSource, clock: () => number, log = captureLog(), cols = 2, rows = 1) {
  return createThermalStage({ width: 32, height: 16, format: 'rgb24', fps: 10, grid: { cols, rows }, model: LED_TYPES['smd-rgb-2121']!, transfer: parseSignalTransfer('gamma:2.4'), source, log, clock, maxStepPerFrame: 0.005, silenceTimeoutMs: 10_000 });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe('thermal correction', () => {
  it('is the identity at 25 °C and restores white with headroom when red weakens', () => {
    const model = LED_TYPES['smd-rgb-2121']!;
    expect(correctionMatrix(model, 25)).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const c = zoneCorrections(model, [60], 'wall');
    expect(c.peakDrive).toBeGreaterThan(1.2); // red needs > 120 %
    expect(peakDrive(c.matrices[0]!)).toBeCloseTo(1, 12); // scaled to fit, nothing clips
    expect(c.headroomUsed).toBeCloseTo(1 - 1 / c.peakDrive, 12);
  });

  it("'wall' headroom dims every zone alike; 'zone' only the warm one", () => {
    const model = LED_TYPES['smd-rgb-2121']!;
    const wall = zoneCorrections(model, [60, 25], 'wall');
    const zone = zoneCorrections(model, [60, 25], 'zone');
    expect(wall.scales[0]).toBe(wall.scales[1]);
    expect(zone.scales[1]).toBe(1);
    expect(zone.scales[0]).toBeLessThan(1);
  });
});

describe('thermal stage: gains change at a bounded rate', () => {
  it('a 25 → 60 °C jump is followed in steps of at most 0.5 % per frame, no visible step', async () => {
    const clock = manualClock();
    const source = manualSource(2);
    const stage = stageWith(source, clock.now);
    const target = zoneCorrections(LED_TYPES['smd-rgb-2121']!, [60, 60], 'wall').matrices.flatMap((m) => m.flat());
    source.board.set(0, 60, clock.now());
    source.board.set(1, 60, clock.now());
    let prev = stage.status().gains;
    let frames = 0;
    let largest = 0;
    while (maxDiff(stage.status().gains, target) > 1e-6 && frames < 1000) {
      await stage.process(makeFrame(solidFrame(32, 16, 'rgb24', [255, 255, 255]), 32, 16, 'rgb24', frames, frames * 100));
      const now = stage.status().gains;
      largest = Math.max(largest, maxDiff(now, prev));
      prev = now;
      frames++;
      clock.advance(100);
      source.board.set(0, 60, clock.now());
      source.board.set(1, 60, clock.now());
    }
    console.log(`[thermal] 25 → 60 °C step: reached the target in ${frames} frames, largest change per frame ${largest.toFixed(5)}`);
    expect(largest).toBeLessThanOrEqual(0.005 + 1e-6);
    expect(frames).toBeGreaterThan(10);
    expect(frames).toBeLessThan(1000);
  });
});

describe('thermal stage: a silent sensor holds, then eases to nominal, and says so once', () => {
  it('holds the last reading for the timeout, warns once, eases back at the bounded rate', async () => {
    const clock = manualClock();
    const log = captureLog();
    const source = manualSource(2);
    const stage = stageWith(source, clock.now, log);
    const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1];
    const run = async (n: number) => {
      let largest = 0;
      for (let i = 0; i < n; i++) {
        const before = stage.status().gains;
        await stage.process(makeFrame(solidFrame(32, 16, 'rgb24', [200, 200, 200]), 32, 16, 'rgb24', 0, 0));
        largest = Math.max(largest, maxDiff(stage.status().gains, before));
        clock.advance(100);
      }
      return largest;
    };
    source.board.set(0, 50, clock.now());
    source.board.set(1, 50, clock.now());
    await run(95); // 9.5 s: inside the hold
    const held = stage.status();
    expect(held.silentZones).toEqual([]);
    expect(held.zoneCelsius).toEqual([50, 50]);
    expect(maxDiff(held.gains, identity)).toBeGreaterThan(0.1);
    expect(log.warnings().filter((w) => w.includes('easing to nominal'))).toHaveLength(0);
    const largest = await run(200); // past the timeout: ease back
    const eased = stage.status();
    expect(eased.silentZones).toEqual([0, 1]);
    expect(eased.zoneCelsius).toEqual([null, null]);
    expect(maxDiff(eased.gains, identity)).toBeLessThan(1e-6);
    expect(largest).toBeLessThanOrEqual(0.005 + 1e-6);
    const warns = log.warnings().filter((w) => w.includes('easing to nominal'));
    expect(warns).toHaveLength(1);
    expect(warns[0]).toContain('zone(s) 0, 1');
    // It comes back: said once, compensation resumes.
    source.board.set(0, 45, clock.now());
    await run(1);
    expect(log.lines.some((l) => l.level === 'info' && l.message.includes('zone 0 reporting again (45.0 °C)'))).toBe(true);
    expect(stage.status().silentZones).toEqual([1]);
  });

  it('no reading at all within the timeout: one warning, nominal gains', async () => {
    const clock = manualClock();
    const log = captureLog();
    const stage = stageWith(manualSource(2), clock.now, log);
    for (let i = 0; i < 150; i++) {
      await stage.process(makeFrame(solidFrame(32, 16, 'rgb24', [10, 20, 30]), 32, 16, 'rgb24', i, i * 100));
      clock.advance(100);
    }
    expect(log.warnings().filter((w) => w.includes('no temperature received from test sensors'))).toHaveLength(1);
    expect(stage.status().gains.slice(0, 9)).toEqual(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
  });
});

describe('LED types', () => {
  it('knows the documented families and aliases without a warning', () => {
    for (const name of ['smd-rgb-2121', 'cob', 'mini-led', 'generic', 'SMD-RGB-1515']) expect(resolveLedType(name).warning).toBeUndefined();
  });

  it('an unknown type gets the nearest documented family and a warning naming both', () => {
    const r = resolveLedType('gob-1010');
    expect(r.model.name).toBe('cob');
    expect(r.warning).toContain("'gob-1010'");
    expect(r.warning).toContain("'cob'");
    expect(resolveLedType('micro-led-p0.9').model.name).toBe('mini-led');
    const odd = resolveLedType('zzz');
    expect(odd.warning).toContain("'zzz'");
    expect(odd.warning).toContain(`'${odd.model.name}'`);
  });

  it('the factory logs the warning for --led-type', async () => {
    const log = captureLog();
    const stage = await thermalStageFactory.create({ width: 64, height: 32, format: 'rgb24', fps: 30, live: false, log }, { temperature: 'sim', 'led-type': 'gob-1010' });
    expect(log.warnings().some((w) => w.includes("'gob-1010'") && w.includes("'cob'"))).toBe(true);
    await stage.close?.();
  });
});

describe('thermal stage factory', () => {
  const ctx = { width: 64, height: 32, format: 'rgb24' as const, fps: 30, live: false, log: captureLog() };

  it('says what it needs without --temperature', () => {
    expect(thermalStageFactory.unavailableReason({})).toBe('needs --temperature FILE|udp://HOST:PORT|sim');
    expect(thermalStageFactory.unavailableReason({ temperature: 'sim' })).toBeNull();
    expect(thermalStageFactory.name).toBe('thermal');
  });

  it.each([
    [{ temperature: 'sim', 'thermal-zones': '0x3' }, "--thermal-zones: expected COLSxROWS with 1..1024 each (e.g. 8x4) but received '0x3'"],
    [{ temperature: 'sim', 'thermal-zones': '100x2' }, '--thermal-zones: 100x2 zones do not fit a 64x32 frame'],
    [{ temperature: 'sim:tau=0' }, '--temperature sim: tau must be more than 0 and at most 86400 s but received 0'],
    [{ temperature: 'sim:heat=3' }, "--temperature sim: expected key=value with key ambient, peak, tau or start (e.g. sim:ambient=25,peak=60,tau=120) but received 'heat=3'"],
    [{ temperature: 'udp://host' }, "--temperature: expected udp://HOST:PORT with a port from 0 to 65535 (e.g. udp://0.0.0.0:5005) but received 'udp://host'"],
    [{ temperature: '/no/such/temps.jsonl' }, "--temperature: no such file '/no/such/temps.jsonl'"],
    [{ temperature: 'sim', 'thermal-transfer': 'gamma:9' }, "--thermal-transfer: expected srgb, gamma:G (G from 1.0 to 4.0), pq or linear but received 'gamma:9'"],
    [{ temperature: 'sim', 'thermal-slew': 'fast' }, "--thermal-slew: expected a number from 0.01 to 100 percent per frame but received 'fast'"],
    [{ temperature: 'sim', 'thermal-headroom': 'clip' }, "--thermal-headroom: expected wall or zone but received 'clip'"],
    [{ temperature: 'sim', 'thermal-dither': 'fs' }, "--thermal-dither: expected ordered or none but received 'fs'"],
  ])('rejects %o', async (flags, message) => {
    const err = await Promise.resolve(thermalStageFactory.create(ctx, flags)).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StageConfigError);
    expect((err as Error).message).toBe(message);
  });

  it('builds a working stage from flags', async () => {
    const stage = await thermalStageFactory.create(ctx, { temperature: 'sim:ambient=30,peak=60,tau=10', 'thermal-zones': '4x2', 'led-type': 'smd-rgb-2121', 'thermal-transfer': 'srgb' });
    expect(stage.name).toBe('thermal');
    expect(stage.modes).toEqual(['per-pixel']);
    let px: Buffer = Buffer.alloc(3);
    for (let i = 0; i < 50; i++) px = (await stage.process(makeFrame(solidFrame(64, 32, 'rgb24', [255, 255, 255]), 64, 32, 'rgb24', i, i * 1000))).data.subarray(0, 3);
    expect(px[0]!).toBeGreaterThanOrEqual(245); // red near full drive (the margin keeps any input from clipping)
    expect(px[1]!).toBeLessThan(px[0]!); // green and blue lowered to match it
    expect(px[2]!).toBeLessThan(px[0]!);
    await stage.close?.();
  });
});
