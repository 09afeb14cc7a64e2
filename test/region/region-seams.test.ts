/**
 * The seam claim of docs/SCALING.md: N instances, each driving one window of the wall with
 * --region, stitch to exactly the bytes one instance produces for the whole canvas (calibration
 * matrices, gains, seams, temporal dither, thermal zones interpolated across window edges).
 */
import fs from 'node:fs';
import path from 'node:path';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLedcal, type Calibration } from '../../src/calibration/ledcal-format.js';
import { bytesPerPixel, createPipeline, type Frame, type PixelFormat, type Stage } from '../../src/index.js';
import { nativeInfo, nativeStatus, setNativeIsa, type NativeIsa } from '../../src/native/index.js';
import { thermalApply, thermalKernelAvailable } from '../../src/native/thermal.js';
import { placeRegion, type CanvasRegion, type RegionSpec } from '../../src/pipeline/canvas-region.js';
import { createStages, resolveStageFactories, type StageFlagValues } from '../../src/stages/registry.js';
import { ThermalStage } from '../../src/thermal/thermal-stage.js';
import { thermalReference } from '../../src/thermal/reference-kernel.js';
import { buildThermalTables, parseSignalTransfer } from '../../src/thermal/transfer-tables.js';
import { makeCalibration, nativeCalAvailable, randomFrame } from '../calibration/fixtures.js';
import { captureLog, randomZones, rng } from '../thermal/fixtures.js';
import { tmpDir } from '../helpers.js';

/** 120x72 canvas of 16x16 modules: the last module column is 8 px wide, the last row 8 px tall. */
const CANVAS = { width: 120, height: 72 };
const ZONES = { cols: 7, rows: 3 }; // centres at non-dyadic positions (120/7), crossing every window edge

/** Windows that tile the canvas, each starting and ending on module boundaries or the canvas edge. */
const SPLITS: Record<string, RegionSpec[]> = {
  '2x2': [
    { x: 0, y: 0, width: 64, height: 32 }, { x: 64, y: 0, width: 56, height: 32 },
    { x: 0, y: 32, width: 64, height: 40 }, { x: 64, y: 32, width: 56, height: 40 },
  ],
  '4x1 uneven': [
    { x: 0, y: 0, width: 16, height: 72 }, { x: 16, y: 0, width: 48, height: 72 },
    { x: 64, y: 0, width: 48, height: 72 }, { x: 112, y: 0, width: 8, height: 72 },
  ],
  '1x3': [{ x: 0, y: 0, width: 120, height: 16 }, { x: 0, y: 16, width: 120, height: 32 }, { x: 0, y: 48, width: 120, height: 24 }],
};

function crop(buf: Buffer, canvasWidth: number, r: RegionSpec, bpp: number): Buffer {
  const out = Buffer.alloc(r.width * r.height * bpp);
  for (let y = 0; y < r.height; y++) buf.copy(out, y * r.width * bpp, ((r.y + y) * canvasWidth + r.x) * bpp, ((r.y + y) * canvasWidth + r.x + r.width) * bpp);
  return out;
}

function paste(dst: Buffer, canvasWidth: number, r: RegionSpec, src: Buffer, bpp: number): void {
  for (let y = 0; y < r.height; y++) src.copy(dst, ((r.y + y) * canvasWidth + r.x) * bpp, y * r.width * bpp, (y + 1) * r.width * bpp);
}

/** First differing pixel, for a readable failure. */
function firstDiff(a: Buffer, b: Buffer, width: number, bpp: number): string {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `pixel (${Math.floor(i / bpp) % width}, ${Math.floor(i / bpp / width)})`;
  return 'none';
}

const ISAS: NativeIsa[] = nativeStatus().available ? nativeInfo().supportedIsas : [];

describe.skipIf(!thermalKernelAvailable())('thermal kernel on a window of the canvas', () => {
  const initialIsa = nativeStatus().available ? nativeInfo().isa : undefined;
  afterAll(() => {
    if (initialIsa) setNativeIsa(initialIsa);
  });
  for (const isa of ISAS) {
    for (const format of ['rgb24', 'rgb48le'] as const) {
      for (const transfer of ['gamma:2.4', 'srgb', 'pq']) {
        it(`${isa} ${format} ${transfer}: windows equal the canvas bytes, and the reference within 1 code`, () => {
          setNativeIsa(isa);
          const bpp = bytesPerPixel(format);
          const tables = buildThermalTables(parseSignalTransfer(transfer), format, 'ordered');
          const zones = randomZones(ZONES.cols * ZONES.rows, rng(7));
          const frame = randomFrame(CANVAS.width, CANVAS.height, format, 11);
          const whole = Buffer.from(frame);
          thermalApply({ data: whole, width: CANVAS.width, height: CANVAS.height, format, zones, ...ZONES, tables });
          for (const [name, split] of Object.entries(SPLITS)) {
            const stitched = Buffer.alloc(whole.length);
            for (const r of split) {
              const part = crop(frame, CANVAS.width, r, bpp);
              thermalApply({ data: part, width: r.width, height: r.height, format, zones, ...ZONES, tables, canvas: { x: r.x, y: r.y, ...CANVAS } });
              // The JavaScript fallback honours the window the same way (within 1 code, as on a whole frame).
              const ref = crop(frame, CANVAS.width, r, bpp);
              const view = format === 'rgb24' ? new Uint8Array(ref.buffer, ref.byteOffset, ref.length) : new Uint16Array(ref.buffer, ref.byteOffset, ref.length / 2);
              thermalReference({ data: view, width: r.width, height: r.height, format, zones, grid: ZONES, transfer: parseSignalTransfer(transfer), dither: tables.dither, canvas: { x: r.x, y: r.y, ...CANVAS } });
              const got = format === 'rgb24' ? new Uint8Array(part.buffer, part.byteOffset, part.length) : new Uint16Array(part.buffer, part.byteOffset, part.length / 2);
              let worst = 0;
              for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - view[i]!));
              expect(worst, `${name} ${JSON.stringify(r)} vs reference`).toBeLessThanOrEqual(1);
              paste(stitched, CANVAS.width, r, part, bpp);
            }
            expect(stitched.equals(whole), `${name}: first difference at ${firstDiff(stitched, whole, CANVAS.width, bpp)}`).toBe(true);
          }
        });
      }
    }
  }
});

// ---- The pipeline: the stage factories the CLI uses, driven through the library API ----

interface Setup {
  readonly calFile: string;
  readonly tempFile: string;
}

/** fused: thermal takes the calibration's output transfer and runs in its pass; else a different transfer keeps them apart. */
function flags(s: Setup, fused: boolean): StageFlagValues {
  return { calibration: s.calFile, temperature: s.tempFile, 'thermal-zones': `${ZONES.cols}x${ZONES.rows}`, 'thermal-timeout': '86400', 'thermal-headroom': 'wall', ...(fused ? {} : { 'thermal-transfer': 'gamma:2.4' }) };
}

async function runInstance(s: Setup, fused: boolean, format: PixelFormat, frames: Buffer[], width: number, height: number, region?: CanvasRegion): Promise<Buffer[]> {
  const log = captureLog();
  const ctx = { width, height, format, fps: 25, live: false, log, ...(region ? { region } : {}) };
  const values = flags(s, fused);
  // As the CLI builds them (createStages links calibration → thermal when they can share a pass).
  const stages: Stage[] = await createStages(resolveStageFactories(['calibration', 'thermal'], values), ctx, values);
  try {
    const pipeline = createPipeline({ stages, fps: 25, mode: 'offline' });
    const input = frames.map((data, seq): Frame => ({ data: Buffer.from(data), width, height, format, seq, ptsMs: seq * 40, release: () => undefined }));
    const out = await lastValueFrom(pipeline.process(from(input)).pipe(map((f) => Buffer.from(f.data)), toArray()));
    expect((stages[1] as ThermalStage).fusedInto).toBe(fused ? 'calibration' : null);
    return out;
  } finally {
    for (const st of stages) await st.close?.();
  }
}

describe.skipIf(!nativeCalAvailable || !thermalKernelAvailable())('calibration → thermal pipeline: N windows stitch to the whole canvas exactly', () => {
  let dir: string;
  const setups: Record<string, Setup> = {};
  beforeAll(async () => {
    dir = tmpDir('ledpipe-region-');
    // Zone temperatures from one shared file (what every instance reads: docs/SCALING.md).
    const r = rng(3);
    const tempFile = path.join(dir, 'temps.jsonl');
    fs.writeFileSync(tempFile, `${JSON.stringify({ zones: Array.from({ length: ZONES.cols * ZONES.rows }, () => Math.round(25 + 45 * r())) })}\n`);
    for (const [name, dither, bitDepth] of [['temporal', 'temporal', 8], ['ordered-10bit', 'ordered', 10]] as const) {
      const base = makeCalibration({ ...CANVAS, moduleWidth: 16, moduleHeight: 16, gain: 'u16', seams: true, seed: 5 });
      const cal: Calibration = { ...base, output: { ...base.output, dither, bitDepth } };
      const calFile = path.join(dir, `${name}.ledcal`);
      await writeLedcal(calFile, cal);
      setups[name] = { calFile, tempFile };
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [setupName, format, fused] of [['temporal', 'rgb24', true], ['temporal', 'rgb24', false], ['ordered-10bit', 'rgb48le', true], ['ordered-10bit', 'rgb48le', false]] as const) {
    it(`${format}, ${setupName} dither, thermal ${fused ? 'fused into calibration' : 'separate'}: 2x2, 4x1 and 1x3 windows reproduce the single instance byte for byte`, async () => {
      const s = setups[setupName]!;
      const bpp = bytesPerPixel(format);
      const frames = [0, 1, 2, 3].map((i) => randomFrame(CANVAS.width, CANVAS.height, format, 100 + i));
      const whole = await runInstance(s, fused, format, frames, CANVAS.width, CANVAS.height);
      // The stages did something: the output is not the input.
      expect(whole[0]!.equals(frames[0]!)).toBe(false);
      for (const [name, split] of Object.entries(SPLITS)) {
        const stitched = frames.map(() => Buffer.alloc(CANVAS.width * CANVAS.height * bpp));
        for (const spec of split) {
          const region = placeRegion(spec, CANVAS);
          const out = await runInstance(s, fused, format, frames.map((f) => crop(f, CANVAS.width, spec, bpp)), spec.width, spec.height, region);
          out.forEach((b, i) => paste(stitched[i]!, CANVAS.width, spec, b, bpp));
        }
        stitched.forEach((b, i) => expect(b.equals(whole[i]!), `${name}, frame ${i}: first difference at ${firstDiff(b, whole[i]!, CANVAS.width, bpp)}`).toBe(true));
      }
    });
  }
});
