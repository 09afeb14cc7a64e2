/**
 * Picture quality and speed of the x2 paths against their peers, in one run: bicubic and Lanczos-3
 * (native), every shipped x2 model through the SR stage, and the stock Real-ESRGAN compact model
 * (`realesr-general-x4v3`, ../shared/weights, run at x4 and brought to x2 with Lanczos as Real-ESRGAN's
 * `--outscale 2` does). Quality: PSNR-Y (BT.601 luma, 2-pixel border cropped) of HR images downscaled x2
 * (native bicubic, antialiased) and upscaled back: Set5 from ../shared/datasets when present, else
 * generated frames. This is the runtime's view (rgb24 in and out, the stage's own colour handling); the
 * published Set5 protocol (MATLAB bicubic, float Y) is training/evaluate.py's. Speed: ms per
 * 480x270 → 960x540 frame, first available backend. Writes bench-output/quality.json.
 *
 *   node dist/benchmarks/quality/run.js [--frames N]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodePng } from '../../src/calibration/png16.js';
import { selectBackend } from '../../src/inference/select.js';
import { defaultModelRegistry } from '../../src/models/registry.js';
import { resize } from '../../src/native/resize.js';
import { FramePool } from '../../src/pipeline/frame-pool.js';
import { silentLogger } from '../../src/pipeline/logger.js';
import { createSrStage } from '../../src/stages/sr-stage.js';
import { ffmpeg, loadAverage, machineDescription, median, round, ROOT, writeResult } from '../support/measure.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '12' } } });
const FRAMES = Number(values.frames);
const SET5 = path.resolve(ROOT, '../shared/datasets/Set5');
const REALESR = path.resolve(ROOT, '../shared/weights/realesr-general-x4v3/realesr-general-x4v3-fp16.onnx');

interface Image {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly rgb: Buffer;
}

/** Set5 (cropped to multiples of 4), or generated frames when ../shared is absent. */
function images(): { source: string; list: Image[] } {
  if (fs.existsSync(SET5)) {
    const list = fs.readdirSync(SET5).filter((f) => f.endsWith('.png')).sort().map((f) => {
      const png = decodePng(fs.readFileSync(path.join(SET5, f)), f);
      const w = png.width - (png.width % 4), h = png.height - (png.height % 4);
      const rgb = Buffer.alloc(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = png.data[(y * png.width + x) * png.channels + (png.channels === 3 ? c : 0)]!;
      return { name: f.replace(/\.png$/, ''), width: w, height: h, rgb };
    });
    return { source: 'Set5 (../shared/datasets)', list };
  }
  const list = ['testsrc2', 'smptehdbars', 'mandelbrot'].map((src) => {
    const r = spawnSync(ffmpeg(), ['-v', 'error', '-f', 'lavfi', '-i', `${src}=size=480x272`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    return { name: src, width: 480, height: 272, rgb: r.stdout };
  });
  return { source: 'generated (ffmpeg lavfi)', list };
}

function psnrY(a: Buffer, b: Buffer, w: number, h: number, border: number): number {
  let se = 0, n = 0;
  for (let y = border; y < h - border; y++) {
    for (let x = border; x < w - border; x++) {
      const i = (y * w + x) * 3;
      const ya = 16 + (65.481 * a[i]! + 128.553 * a[i + 1]! + 24.966 * a[i + 2]!) / 255;
      const yb = 16 + (65.481 * b[i]! + 128.553 * b[i + 1]! + 24.966 * b[i + 2]!) / 255;
      se += (ya - yb) ** 2;
      n++;
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}

function scaled(src: Buffer, w: number, h: number, dw: number, dh: number, filter: 'cubic' | 'lanczos3'): Buffer {
  return resize({ src, srcWidth: w, srcHeight: h, dst: Buffer.alloc(dw * dh * 3), dstWidth: dw, dstHeight: dh, format: 'rgb24', filter });
}

type Upscaler = { name: string; note: string; up(lr: Buffer, w: number, h: number): Promise<Buffer>; close(): Promise<void> };

/** An SR stage per input size (stages are built for one geometry), run on one frame. */
function stageUpscaler(name: string, note: string, model: string, scale: number): Upscaler {
  const backend = selectBackend();
  const stages = new Map<string, Awaited<ReturnType<typeof createSrStage>>>();
  return {
    name,
    note: `${note}, ${backend.name}`,
    async up(lr, w, h) {
      const key = `${w}x${h}`;
      let stage = stages.get(key);
      if (!stage) {
        stage = await createSrStage({ width: w, height: h, format: 'rgb24', fps: 60, live: false, log: silentLogger }, { model, backend, ladder: false, watch: false, poolCapacity: 1 });
        stages.set(key, stage);
      }
      const pool = new FramePool(w, h, 'rgb24', 1);
      const buf = pool.tryAcquireBuffer()!;
      lr.copy(buf);
      const out = await stage.process(pool.frame(buf, 0, 0));
      const rgb = Buffer.from(out.data);
      out.release();
      return scale === 2 ? rgb : scaled(rgb, w * scale, h * scale, w * 2, h * 2, 'lanczos3');
    },
    async close() {
      for (const s of stages.values()) await s.close();
    },
  };
}

async function main(): Promise<void> {
  const { source, list } = images();
  const upscalers: Upscaler[] = [
    { name: 'bicubic', note: 'native, one thread', up: async (lr, w, h) => scaled(lr, w, h, w * 2, h * 2, 'cubic'), close: async () => undefined },
    { name: 'lanczos3', note: 'native, one thread (the SR stage\'s last rung)', up: async (lr, w, h) => scaled(lr, w, h, w * 2, h * 2, 'lanczos3'), close: async () => undefined },
  ];
  for (const m of defaultModelRegistry().list().filter((m) => m.card.scale === 2 && m.card.task === 'sr')) {
    upscalers.push(stageUpscaler(m.card.id, `shipped, ${m.card.tier}, ${m.card.macsPerInputPixel} MAC/px`, m.card.id, 2));
  }
  if (fs.existsSync(REALESR)) upscalers.push(stageUpscaler('realesr-general-x4v3', 'stock Real-ESRGAN compact fp16, x4 then Lanczos to x2', REALESR, 4));
  const loadBefore = loadAverage();
  const speedFrame = scaled(list[0]!.rgb, list[0]!.width, list[0]!.height, 480, 270, 'cubic');
  const rows = [];
  for (const u of upscalers) {
    const psnrs: number[] = [];
    for (const img of list) {
      const lw = img.width / 2, lh = img.height / 2;
      const lr = scaled(img.rgb, img.width, img.height, lw, lh, 'cubic');
      psnrs.push(psnrY(await u.up(lr, lw, lh), img.rgb, img.width, img.height, 2));
    }
    await u.up(speedFrame, 480, 270); // warm-up at the speed size
    const times: number[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const t0 = performance.now();
      await u.up(speedFrame, 480, 270);
      times.push(performance.now() - t0);
    }
    await u.close();
    rows.push({ method: u.name, note: u.note, psnrY: round(psnrs.reduce((a, b) => a + b, 0) / psnrs.length, 2), perImage: Object.fromEntries(list.map((img, i) => [img.name, round(psnrs[i]!, 2)])), msPerFrame480x270: round(median(times), 2) });
  }
  const bicubic = rows[0]!.psnrY;
  const machine = machineDescription();
  process.stdout.write(`x2 quality and speed: ${source}, HR → native bicubic /2 → x2 → PSNR-Y vs HR (2 px border); ms per 480x270 → 960x540 frame, median of ${FRAMES}\n${machine}; load average before ${loadBefore}, after ${loadAverage()}\n`);
  process.stdout.write('method                                  PSNR-Y dB  vs bicubic  ms/frame  note\n');
  for (const r of rows) process.stdout.write(`${r.method.padEnd(38)} ${r.psnrY.toFixed(2).padStart(9)}  ${(r.psnrY - bicubic >= 0 ? '+' : '') + (r.psnrY - bicubic).toFixed(2).padStart(5)}  ${r.msPerFrame480x270.toFixed(2).padStart(8)}  ${r.note}\n`);
  writeResult('quality', { benchmark: 'quality', date: new Date().toISOString(), machine, source, loadAverage: { before: loadBefore, after: loadAverage() }, rows });
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
