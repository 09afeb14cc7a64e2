import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createPipeline, StageError } from '../src/pipeline/pipeline.js';
import { FramePool } from '../src/pipeline/frame-pool.js';
import type { Frame } from '../src/pipeline/frame.js';
import type { Stage } from '../src/pipeline/stage.js';
import { parseOverrunPolicySpec } from '../src/pipeline/overrun-policy.js';
import { LatencyHistogram } from '../src/pipeline/latency-histogram.js';

function frames(n: number, pool = new FramePool(4, 2, 'rgb24', n)): Frame[] {
  return Array.from({ length: n }, (_, i) => {
    const f = pool.frame(pool.tryAcquireBuffer()!, i, i * 16.67);
    f.data.fill(i & 0xff);
    return f;
  });
}

/** A fake clock: scripted stages advance it, so policy tests do not depend on machine load. */
const clock = { t: 0, now: () => clock.t };

/** A stage whose time per frame is scripted by frame number and current mode. */
function scriptedStage(name: string, modes: string[], msFor: (seq: number, mode: number) => number, log: number[] = []): Stage & { mode: number } {
  const stage = {
    name,
    modes,
    mode: 0,
    setMode(i: number) {
      stage.mode = i;
    },
    process(frame: Frame) {
      log.push(stage.mode);
      clock.t += msFor(frame.seq, stage.mode);
      return frame;
    },
  };
  return stage;
}

describe('createPipeline', () => {
  it('keeps order with asynchronous stages of random latency', async () => {
    const jitter: Stage = {
      name: 'jitter',
      modes: ['only'],
      process: (f) => new Promise((r) => setTimeout(() => r(f), Math.random() * 5)),
    };
    // fps 1: a 1 s budget, so a loaded machine's late timers are not counted as overruns.
    const p = createPipeline({ stages: [jitter, { name: 'sync', modes: ['only'], process: (f) => f }], fps: 1 });
    const out = await lastValueFrom(p.process(from(frames(40))).pipe(toArray()));
    expect(out.map((f) => f.seq)).toEqual([...Array(40).keys()]);
    const s = p.stats.snapshot('summary');
    expect(s).toMatchObject({ type: 'summary', frames: 40, framesIn: 40, dropped: 0 });
    expect(Object.keys(s.stages)).toEqual(['jitter', 'sync']);
    expect(s.stages.jitter).toMatchObject({ frames: 40, overruns: 0 });
    expect(s.stages.jitter!.p95Ms).toBeGreaterThan(0);
  });

  it('offline: counts overruns and processes every frame', async () => {
    const slow = scriptedStage('slow', ['a', 'b'], (seq) => (seq % 2 ? 12 : 0));
    const p = createPipeline({ clock: clock.now, stages: [slow], fps: 100, mode: 'offline', onOverrun: 'drop' });
    const out = await lastValueFrom(p.process(from(frames(10))).pipe(toArray()));
    expect(out).toHaveLength(10);
    expect(p.stats.snapshot('summary').stages.slow).toMatchObject({ frames: 10, overruns: 5, dropped: 0 });
    expect(slow.mode).toBe(0);
  });

  it('live degrade: steps down on overrun and back up after quiet frames, with back-off', async () => {
    // Budget 10 ms. Mode 0 costs 15 ms for frames 0..4 and 50..54 (load spikes), else 2 ms; mode 1 costs 1 ms.
    const log: number[] = [];
    const stage = scriptedStage('sr', ['quality', 'fast'], (seq, mode) => (mode === 1 ? 1 : (seq < 5 || (seq >= 12 && seq < 14)) ? 15 : 2), log);
    const p = createPipeline({ clock: clock.now, stages: [stage], fps: 100, mode: 'live', onOverrun: 'sr=degrade', tuning: { stepUpAfterFrames: 5 } });
    const events: string[] = [];
    p.events.subscribe((e) => events.push(`${e.kind}@${e.seq}`));
    await lastValueFrom(p.process(from(frames(30))).pipe(toArray()));
    // Frame 0 overruns -> degrade; 5 quiet frames at 'fast' -> restore at frame 5; frame 6 (quality) is fine, etc.
    expect(events[0]).toBe('degrade@0');
    expect(events[1]).toBe('restore@5');
    expect(log[0]).toBe(0);
    expect(log[1]).toBe(1);
    // The spike at 12 degrades again; the step up that follows waits longer than 5 frames only if it fails.
    expect(events).toContain('degrade@12');
    expect(p.stats.snapshot('summary').stages.sr!.degradeEvents).toBe(events.filter((e) => e.startsWith('degrade')).length);
  });

  it('live drop: skips frames to pay back the time owed', async () => {
    const stage = scriptedStage('slow', ['only'], (seq) => (seq === 0 ? 35 : 1));
    const p = createPipeline({ clock: clock.now, stages: [stage], fps: 100, mode: 'live', onOverrun: 'drop' });
    const out = await lastValueFrom(p.process(from(frames(10))).pipe(toArray()));
    // 25 ms over a 10 ms budget -> two frames skipped.
    expect(out.map((f) => f.seq)).toEqual([0, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.stats.snapshot('summary')).toMatchObject({ frames: 8, framesIn: 10, dropped: 2 });
  });

  it('live bypass: passes frames through unprocessed, then probes the stage again', async () => {
    const log: number[] = [];
    const stage = scriptedStage('cal', ['only'], (seq) => (seq === 0 ? 15 : 1), log);
    const p = createPipeline({ clock: clock.now, stages: [stage], fps: 100, mode: 'live', onOverrun: 'bypass', tuning: { bypassFrames: 3 } });
    const out = await lastValueFrom(p.process(from(frames(8))).pipe(toArray()));
    expect(out).toHaveLength(8);
    expect(log).toHaveLength(5); // frames 1..3 bypassed
    expect(p.stats.snapshot('summary').stages.cal!.bypassed).toBe(3);
  });

  it('live fail: stops with an error naming stage, frame and time', async () => {
    const stage = scriptedStage('thermal', ['only'], (seq) => (seq === 2 ? 15 : 0));
    const p = createPipeline({ clock: clock.now, stages: [stage], fps: 100, mode: 'live', onOverrun: 'fail' });
    await expect(lastValueFrom(p.process(from(frames(5))))).rejects.toThrow(/stage 'thermal' took .* ms on frame 2, over its 10.00 ms budget/);
  });

  it('a throwing stage: offline stops naming the stage and frame; live passes the frame through', async () => {
    const bad: Stage = {
      name: 'flaky',
      modes: ['only'],
      process: (f) => {
        if (f.seq === 3) throw new Error('boom');
        return f;
      },
    };
    const offline = createPipeline({ stages: [bad] });
    await expect(lastValueFrom(offline.process(from(frames(6))))).rejects.toThrow(StageError);
    await expect(lastValueFrom(createPipeline({ stages: [bad] }).process(from(frames(6))))).rejects.toThrow("stage 'flaky' failed on frame 3: boom");
    const live = createPipeline({ stages: [bad], mode: 'live' });
    const errors: number[] = [];
    live.events.subscribe((e) => e.kind === 'stage-error' && errors.push(e.seq));
    const out = await lastValueFrom(live.process(from(frames(6))).pipe(toArray()));
    expect(out.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(errors).toEqual([3]);
    expect(live.stats.snapshot('summary').stages.flaky!.errors).toBe(1);
  });

  it('a stage that changes the size: live failures and bypasses go through its passThrough, never at the old size', async () => {
    const big = new FramePool(8, 4, 'rgb24', 8);
    const upscale = (f: Frame): Frame => {
      const out = big.frame(big.tryAcquireBuffer()!, f.seq, f.ptsMs);
      out.data.fill(f.data[0]!);
      f.release();
      return out;
    };
    const sr: Stage = {
      name: 'sr',
      modes: ['model'],
      output: { width: 8, height: 4, format: 'rgb24' },
      process: (f) => {
        if (f.seq === 2) throw new Error('model failed');
        clock.t += f.seq >= 4 ? 20 : 0;
        return upscale(f);
      },
      passThrough: (f) => {
        if (f.seq === 5) throw new Error('fallback failed too');
        return upscale(f);
      },
    };
    const seen: Array<[number, number]> = [];
    const after: Stage = { name: 'cal', modes: ['only'], process: (f) => (seen.push([f.seq, f.width]), f) };
    const p = createPipeline({ clock: clock.now, stages: [sr, after], fps: 100, mode: 'live', onOverrun: 'sr=bypass', tuning: { bypassFrames: 2 } });
    const errors: number[] = [];
    p.events.subscribe((e) => e.kind === 'stage-error' && errors.push(e.seq));
    const out = await lastValueFrom(p.process(from(frames(8))).pipe(toArray()));
    // 2: model failed → passThrough; 4 overran → 5, 6 bypassed (5's passThrough fails: dropped); 7 probes again.
    expect(out.map((f) => [f.seq, f.width])).toEqual([[0, 8], [1, 8], [2, 8], [3, 8], [4, 8], [6, 8], [7, 8]]);
    expect(seen.every(([, w]) => w === 8)).toBe(true);
    expect(errors).toEqual([2, 5]);
    expect(p.stats.snapshot('summary')).toMatchObject({ dropped: 1, stages: { sr: { errors: 2, bypassed: 2 } } });
  });

  it('rejects a policy for a stage that is not in the list, and duplicate stages', () => {
    expect(() => createPipeline({ stages: [], onOverrun: 'sr=drop' })).toThrow(/names stage 'sr', which is not in the stage list/);
    const s: Stage = { name: 'x', modes: [], process: (f) => f };
    expect(() => createPipeline({ stages: [s, s] })).toThrow(/appears twice/);
  });

  it('closes every stage once when the stream ends', async () => {
    let closed = 0;
    const s: Stage = { name: 'x', modes: [], process: (f) => f, close: () => void closed++ };
    const p = createPipeline({ stages: [s] });
    await firstValueFrom(p.process(from(frames(1))));
    await p.close();
    expect(closed).toBe(1);
  });
});

describe('parseOverrunPolicySpec', () => {
  it('parses a default and per-stage policies', () => {
    expect(parseOverrunPolicySpec('bypass')).toEqual({ defaultPolicy: 'bypass', perStage: {} });
    expect(parseOverrunPolicySpec('sr=degrade, calibration=bypass,drop')).toEqual({ defaultPolicy: 'drop', perStage: { sr: 'degrade', calibration: 'bypass' } });
  });
  it.each([
    ['', /empty entry/],
    ['sr=', /unknown policy ''/],
    ['=drop', /missing stage name/],
    ['skip', /unknown policy 'skip'; expected one of drop, degrade, bypass, fail/],
  ])('rejects %j', (text, message) => {
    expect(() => parseOverrunPolicySpec(text)).toThrow(message);
  });
});

describe('FramePool', () => {
  it('bounds frames in flight and reuses buffers', async () => {
    const pool = new FramePool(2, 2, 'rgb48le', 2);
    expect(pool.frameBytes).toBe(24);
    const a = pool.tryAcquireBuffer()!;
    const b = pool.tryAcquireBuffer()!;
    expect(pool.tryAcquireBuffer()).toBeNull();
    const waiting = pool.acquireBuffer();
    const f = pool.frame(a, 0, 0);
    f.release();
    f.release(); // idempotent
    expect(await waiting).toBe(a);
    pool.releaseBuffer(b);
    expect(pool.inUse).toBe(1);
  });
});

describe('LatencyHistogram', () => {
  it('quantiles are within 1% of the exact order statistics', () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.05 + (i % 997) * 0.031);
    for (const v of values) h.record(v);
    const sorted = [...values].sort((x, y) => x - y);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThan(0.012);
    }
    expect(h.max).toBeCloseTo(Math.max(...values), 6);
    expect(h.count).toBe(10_000);
  });
});
