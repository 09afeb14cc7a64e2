/**
 * The long-run harness (issue #7): many small frames through real stages in-process, sampling RSS
 * and heap, checking that no frame is lost or reordered and that the stats add up.
 * Used by test/soak.test.ts (reduced count) and benchmarks/soak/run.ts (the full 100,000 frames).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Observable, lastValueFrom, tap } from 'rxjs';
import { FramePool } from '../../src/pipeline/frame-pool.js';
import type { Frame } from '../../src/pipeline/frame.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import type { Stage } from '../../src/pipeline/stage.js';

export interface SoakOptions {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly stages: readonly Stage[];
  /** Frames before the baseline memory sample (JIT, pools and caches settle). */
  readonly warmupFrames: number;
  readonly samples?: number;
  /**
   * Check order by the number each frame carries in its first bytes (default true). Stages that change
   * the content (SR, calibration, thermal) overwrite it: order and loss are then checked by `seq`.
   */
  readonly contentTagged?: boolean;
}

export interface SoakResult {
  readonly frames: number;
  readonly lost: number;
  readonly reordered: number;
  readonly rssBaselineMiB: number;
  readonly rssEndMiB: number;
  readonly rssGrowthPct: number;
  readonly heapBaselineMiB: number;
  readonly heapEndMiB: number;
  readonly heapGrowthPct: number;
  readonly statsConsistent: boolean;
  readonly fps: number;
  readonly samples: ReadonlyArray<{ frame: number; rssMiB: number; heapMiB: number; heapTotalMiB: number }>;
}

const MiB = 1024 * 1024;

/** A full collection before each memory sample, so garbage between collections is not read as growth. */
function fullGc(): () => void {
  if (typeof global.gc === 'function') return global.gc as () => void;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Frame `seq` carries its own number in its first 4 bytes, so the sink can check order. */
function source(o: SoakOptions, pool: FramePool): Observable<Frame> {
  return new Observable<Frame>((sub) => {
    let seq = 0;
    let stopped = false;
    const pump = (): void => {
      while (!stopped && seq < o.frames) {
        const buf = pool.tryAcquireBuffer();
        if (!buf) return pool.onceAvailable(() => setImmediate(pump));
        buf.fill(seq & 0xff);
        buf.writeUInt32LE(seq, 0);
        sub.next(pool.frame(buf, seq, seq * 16.67));
        seq++;
      }
      if (seq >= o.frames) sub.complete();
    };
    setImmediate(pump);
    return () => {
      stopped = true;
    };
  });
}

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const pool = new FramePool(o.width, o.height, 'rgb24', 4);
  const pipeline = createPipeline({ stages: o.stages, fps: 60, mode: 'offline' });
  const every = Math.max(1, Math.floor(o.frames / (o.samples ?? 50)));
  const samples: Array<{ frame: number; rssMiB: number; heapMiB: number; heapTotalMiB: number }> = [];
  let expected = 0;
  let lost = 0;
  let reordered = 0;
  const gc = fullGc();
  const t0 = performance.now();
  await lastValueFrom(
    pipeline.process(source(o, pool)).pipe(
      tap((f) => {
        const seq = o.contentTagged === false ? f.seq : f.data.readUInt32LE(0);
        if (seq !== f.seq) reordered++;
        if (seq > expected) lost += seq - expected;
        else if (seq < expected) reordered++;
        expected = seq + 1;
        f.release();
        if (f.seq % every === 0) {
          gc();
          const m = process.memoryUsage();
          samples.push({ frame: f.seq, rssMiB: m.rss / MiB, heapMiB: m.heapUsed / MiB, heapTotalMiB: m.heapTotal / MiB });
        }
      }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  // Growth after warm-up: the mean of the last fifth of the samples against the first fifth after
  // warm-up. Means over several collections, so allocator noise does not read as a trend.
  const after = samples.filter((x) => x.frame >= o.warmupFrames);
  const fifth = Math.max(1, Math.floor(after.length / 5));
  const base = { rss: mean(after.slice(0, fifth).map((x) => x.rssMiB)) * MiB, heap: mean(after.slice(0, fifth).map((x) => x.heapMiB)) * MiB };
  const end = { rss: mean(after.slice(-fifth).map((x) => x.rssMiB)) * MiB, heapUsed: mean(after.slice(-fifth).map((x) => x.heapMiB)) * MiB };
  const s = pipeline.stats.snapshot('summary');
  const statsConsistent = s.frames === o.frames && s.framesIn === o.frames && s.dropped === 0 && Object.values(s.stages).every((st) => st.frames === o.frames);
  lost += o.frames - expected;
  return {
    frames: s.frames,
    lost,
    reordered,
    rssBaselineMiB: base.rss / MiB,
    rssEndMiB: end.rss / MiB,
    rssGrowthPct: ((end.rss - base.rss) / base.rss) * 100,
    heapBaselineMiB: base.heap / MiB,
    heapEndMiB: end.heapUsed / MiB,
    heapGrowthPct: ((end.heapUsed - base.heap) / base.heap) * 100,
    statsConsistent,
    fps: o.frames / seconds,
    samples,
  };
}
