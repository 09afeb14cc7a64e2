/**
 * The demo end to end: a simulated wall and its calibration (`calibrate synth` / `solve`), a rendered
 * LED test clip reduced to a low-resolution feed, the whole pipeline through runJob with a screen
 * profile (SR → full-gray calibration → thermal with the simulation; library API, see pipeline-run.ts), then measurements on the
 * simulated wall and the report (demo-output/report.html).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { evaluateCalibration } from '../calibration/calibration-evaluate.js';
import { readLedcal } from '../calibration/ledcal-format.js';
import { readMeasurement } from '../calibration/measurement-file.js';
import { simulateScreen, type ScreenProfile } from '../calibration/screen-model.js';
import { runCalibrateCommand } from '../cli/calibrate-command.js';
import { createLogger, type Logger } from '../cli/log.js';
import { locateFfmpeg } from '../io/ffmpeg-locate.js';
import type { Frame } from '../pipeline/frame.js';
import { stageFactories } from '../stages/registry.js';
import { crop, holdBlur, stretchRows, mosaicPng, qualityChartPng, timingChartPng, type Panel, type RgbImage } from './charts.js';
import { renderClip, type Rect } from './clip.js';
import { demoProfile, type DemoConfig } from './config.js';
import { driveFromCodes, emitFrame, gamma24, linear, matchLuminance, psnr, regionStats, targetFrame, thermalDrift, to8bit, toSrgb, whiteXyz, type RegionStats } from './display.js';
import { runPipeline } from './pipeline-run.js';
import { writeReport, type DemoResults } from './report.js';

export interface DemoOptions {
  readonly config: DemoConfig;
  readonly outDir: string;
  /** Progress lines (stderr by default). */
  readonly write?: (text: string) => void;
  /** Show runJob's progress bar. */
  readonly progressBar?: boolean;
}

function ffmpegRaw(ffmpeg: string, args: string[]): Buffer {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', ...args], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** Frames `indices` of `file` as raw `pixFmt`, optionally scaled. */
function decodeFrames(ffmpeg: string, file: string, indices: readonly number[], pixFmt: 'rgb24' | 'rgb48le', width: number, height: number, scale?: string): Buffer[] {
  const select = `select='${indices.map((i) => `eq(n\\,${i})`).join('+')}'`;
  const vf = scale ? `${select},${scale}` : select;
  const raw = ffmpegRaw(ffmpeg, ['-i', file, '-vf', vf, '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-']);
  const size = width * height * (pixFmt === 'rgb24' ? 3 : 6);
  if (raw.length !== size * indices.length) throw new Error(`${file}: expected ${indices.length} frames of ${width}x${height}, got ${raw.length} bytes`);
  return indices.map((_, k) => raw.subarray(k * size, (k + 1) * size));
}

export async function runDemo(o: DemoOptions): Promise<DemoResults> {
  const c = o.config;
  const write = o.write ?? ((t: string) => process.stderr.write(t));
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  let stepStart = t0;
  const step = (name: string): void => {
    write(`demo [${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${name}\n`);
    stepStart = performance.now();
  };
  const done = (key: string): void => {
    timings[key] = (performance.now() - stepStart) / 1000;
  };
  const log: Logger = createLogger('info', write);
  const out = o.outDir;
  fs.mkdirSync(out, { recursive: true });
  const ffmpeg = locateFfmpeg().path;
  const W = c.wall.width, H = c.wall.height;
  const frames = Math.round(c.seconds * c.fps);

  // 1. The screen: simulated at the wall size, measured, and solved (the product's own commands).
  const profileFile = path.join(out, 'demo-wall.json');
  fs.writeFileSync(profileFile, JSON.stringify(demoProfile(c), null, 2) + '\n');
  const meas = path.join(out, 'wall.ledmeas'), ledcal = path.join(out, 'wall.ledcal');
  step(`simulating a ${W}x${H} LED wall (${c.module.width}x${c.module.height} modules: mura, seams, low-gray cast) and measuring it: ledpipe calibrate synth`);
  const calWrite = (t: string): void => write(`  ${t}`);
  let code = await runCalibrateCommand(['synth', '-o', meas, '--size', `${W}x${H}`, '--module', `${c.module.width}x${c.module.height}`, '--seed', '1'], log, calWrite);
  if (code !== 0) throw new Error(`calibrate synth failed (exit ${code})`);
  done('synth');
  step('solving the full-gray calibration: ledpipe calibrate solve --input gamma:2.4 --output linear --bit-depth 16 (the longest step)');
  code = await runCalibrateCommand(['solve', meas, '-o', ledcal, '--input', 'gamma:2.4', '--output', 'linear', '--bit-depth', '16', '--dither', 'ordered'], log, calWrite);
  if (code !== 0) throw new Error(`calibrate solve failed (exit ${code})`);
  done('solve');

  // 2. The clip.
  const source = path.join(out, 'source.mp4');
  const samples = [...new Set([Math.floor(frames * 0.5), Math.floor(frames * 0.75), frames - 2])].sort((a, b) => a - b);
  const shownIndex = samples[samples.length - 1]!;
  step(`rendering ${frames} frames of a ${W}x${H} sports picture (lavfi pitch + crowd, canvas score bar, ticker, skin tones, low-gray ramp, fast ball), reduced to a ${c.source.width}x${c.source.height} H.264 feed`);
  let lastPct = -1;
  const clip = await renderClip(c, ffmpeg, source, samples, (i, n) => {
    const pct = Math.floor((100 * i) / n / 25) * 25;
    if (pct !== lastPct) {
      lastPct = pct;
      write(`  rendered ${i}/${n} frames\n`);
    }
  });
  done('render');

  // 3. The pipeline, through the CLI's own job runner, with the screen profile.
  const processed = path.join(out, 'processed.mkv');
  const statsFile = path.join(out, 'stats.jsonl');
  const temperature = `sim:ambient=25,peak=60,tau=120,start=${c.startCelsius}`;
  const stageFlags = { model: c.model, calibration: ledcal, temperature, 'thermal-transfer': 'linear' };
  step(`running ledpipe: --profile ${path.basename(profileFile)} --model ${c.model} --calibration wall.ledcal --temperature ${temperature} --thermal-transfer linear --pix-fmt rgb48le`);
  await runPipeline({ ffmpeg, input: source, output: processed, profile: profileFile, stageFlags, stats: statsFile, scale: 2, progress: o.progressBar ?? true, log });
  done('pipeline');
  const summaryLine = fs.readFileSync(statsFile, 'utf8').trim().split('\n').pop()!;
  const summary = JSON.parse(summaryLine) as {
    frames: number;
    fps: number;
    dropped: number;
    budgetMs: number;
    elapsedMs: number;
    stages: Record<string, { p50Ms: number; p95Ms: number; meanMs: number; overruns: number; frames: number; mode: string }>;
  };

  // 4. Quality: SR alone vs bicubic against the clean render, on the same decoded frames.
  step(`measuring: SR alone vs bicubic on frames ${samples.join(', ')} against the clean ${W}x${H} render`);
  const srcFrames = decodeFrames(ffmpeg, source, samples, 'rgb48le', c.source.width, c.source.height);
  const bicubic = decodeFrames(ffmpeg, source, samples, 'rgb24', W, H, `scale=${W}:${H}:flags=bicubic`);
  const srFactory = stageFactories().find((f) => f.name === 'sr')!;
  const sr = await srFactory.create({ width: c.source.width, height: c.source.height, format: 'rgb48le', fps: c.fps, live: false, log }, { model: c.model, scale: '2' });
  const srOut: Buffer[] = [];
  for (const [k, data] of srcFrames.entries()) {
    const f: Frame = { data: Buffer.from(data), width: c.source.width, height: c.source.height, format: 'rgb48le', seq: samples[k]!, ptsMs: (samples[k]! * 1000) / c.fps, release: () => undefined };
    const r = await sr.process(f);
    srOut.push(Buffer.from(r.data));
    r.release();
  }
  await sr.close?.();
  const psnrRows = samples.map((idx, k) => {
    const clean = clip.clean.get(idx)!;
    const s8 = to8bit(srOut[k]!);
    return { frame: idx, bicubicRgb: psnr(bicubic[k]!, clean), srRgb: psnr(s8, clean), bicubicY: psnr(bicubic[k]!, clean, true), srY: psnr(s8, clean, true) };
  });
  const avg = (f: (r: (typeof psnrRows)[number]) => number): number => psnrRows.reduce((s, r) => s + f(r), 0) / psnrRows.length;
  done('psnr');

  // 5. The simulated wall: what it shows before (no calibration, no thermal correction) and after.
  step(`measuring on the simulated wall at ${c.startCelsius} °C: ΔE2000 of what it shows vs the BT.709/D65 target (frame ${shownIndex} and gray fields)`);
  const measurement = await readMeasurement(meas);
  const screen = simulateScreen(measurement.header.profile as ScreenProfile);
  const cal = await readLedcal(ledcal);
  const peak = (cal.target.peakNits ?? screen.profile.peakNits) / screen.profile.peakNits;
  const kShown = samples.indexOf(shownIndex);
  const processedFrame = decodeFrames(ffmpeg, processed, [shownIndex], 'rgb48le', W, H)[0]!;
  const srDrive = driveFromCodes(srOut[kShown]!, 'rgb48le', gamma24);
  const target = targetFrame(srDrive, peak);
  const T = c.startCelsius;
  const shownSrOnly = matchLuminance(emitFrame(screen, srDrive, T), target);
  const shownAfter = matchLuminance(emitFrame(screen, driveFromCodes(processedFrame, 'rgb48le', linear), T), target);
  const bicDrive = driveFromCodes(bicubic[kShown]!, 'rgb24', gamma24);
  const bicTarget = targetFrame(bicDrive, peak);
  const shownBicubic = matchLuminance(emitFrame(screen, bicDrive, T), bicTarget);
  const cleanTarget = targetFrame(driveFromCodes(clip.clean.get(shownIndex)!, 'rgb24', gamma24), peak);
  const white = whiteXyz(peak);
  const L = clip.layout;
  const whole: Rect = { x: 0, y: 0, w: W, h: H };
  const region = (shown: Float32Array, r: Rect, neutral: boolean): RegionStats => regionStats(shown, target, W, r, white, neutral, neutral ? peak * 1e-4 : 1e-5);
  const regions = {
    ramp: { before: region(shownSrOnly, L.ramp, true), after: region(shownAfter, L.ramp, true) },
    board: { before: region(shownSrOnly, L.board, true), after: region(shownAfter, L.board, true) },
    skin: { before: region(shownSrOnly, L.skin, false), after: region(shownAfter, L.skin, false) },
    frame: { before: region(shownSrOnly, whole, false), after: region(shownAfter, whole, false) },
  };
  const grayLevels = [0.002, 0.005, 0.0126, 0.05, 0.283, 1];
  const gray = evaluateCalibration(screen, cal, { levels: grayLevels });
  const thermal = thermalDrift(T);
  done('wall');

  // 6. Images, charts, report.
  step('drawing the mosaic, crops and charts; writing report.html');
  const img = (data: Buffer, w = W, h = H): RgbImage => ({ data, width: w, height: h });
  const beforeImg = img(toSrgb(shownBicubic, peak)), afterImg = img(toSrgb(shownAfter, peak)), targetImg = img(toSrgb(cleanTarget, peak));
  const rampCrop: Rect = { x: 0, y: L.ramp.y + 2, w: W, h: L.ramp.h - 4 };
  const exposure = 25;
  const rampPanel = (xyz: Float32Array): RgbImage => stretchRows(crop(img(toSrgb(xyz, peak, exposure)), rampCrop), 4);
  const lowGrayPanels: Panel[] = [
    { title: `before (exposure ×${exposure})`, image: rampPanel(shownSrOnly) },
    { title: `after (exposure ×${exposure})`, image: rampPanel(shownAfter) },
    { title: `target (exposure ×${exposure})`, image: rampPanel(target) },
  ];
  const boardR: Rect = { x: L.board.x, y: L.board.y, w: L.board.w, h: Math.round(L.board.h * 0.7) };
  const muraPanels: Panel[] = [
    { title: 'before (contrast ×4)', image: crop(img(toSrgb(shownSrOnly, peak, 1, 4)), boardR) },
    { title: 'after (contrast ×4)', image: crop(img(toSrgb(shownAfter, peak, 1, 4)), boardR) },
    { title: 'target (contrast ×4)', image: crop(img(toSrgb(target, peak, 1, 4)), boardR) },
  ];
  const ball = L.ballAt(shownIndex);
  const mw = Math.round(L.ballRadius * 14), mh = Math.round(L.ballRadius * 8);
  const motionR: Rect = { x: Math.max(0, Math.min(W - mw, Math.round(ball.x - mw / 2))), y: Math.max(0, Math.min(H - mh, Math.round(ball.y - mh / 2))), w: mw, h: mh };
  const srImg = img(to8bit(srOut[kShown]!));
  const motionPanels: Panel[] = [
    { title: 'feed, bicubic ×2', image: crop(img(bicubic[kShown]!), motionR) },
    { title: 'ledpipe SR ×2', image: crop(srImg, motionR) },
    { title: `seen, 100 % hold (${L.ballSpeed.toFixed(0)} px/frame)`, image: holdBlur(crop(srImg, motionR), L.ballSpeed) },
  ];
  const cell = c.quick ? 240 : 320;
  fs.writeFileSync(path.join(out, 'crop-lowgray.png'), mosaicPng([lowGrayPanels], cell, 'Low-gray ramp on the simulated wall'));
  fs.writeFileSync(path.join(out, 'crop-mura.png'), mosaicPng([muraPanels], cell, 'Flat mid-gray: mura and module seams'));
  fs.writeFileSync(path.join(out, 'crop-motion.png'), mosaicPng([motionPanels], cell, 'Fast ball: motion'));
  fs.writeFileSync(
    path.join(out, 'mosaic.png'),
    mosaicPng(
      [
        [
          { title: `before: bicubic, raw wall, ${T} °C`, image: beforeImg },
          { title: 'after: ledpipe, same wall', image: afterImg },
          { title: 'target: clean, ideal wall', image: targetImg },
        ],
        lowGrayPanels,
        muraPanels,
        motionPanels,
      ],
      cell,
      `ledpipe demo: frame ${shownIndex}, ${W}x${H} wall (simulated), before / after / target`,
    ),
  );
  const stageOrder = ['sr', 'calibration', 'thermal'].filter((s) => summary.stages[s]);
  fs.writeFileSync(
    path.join(out, 'timing.png'),
    timingChartPng(
      stageOrder.map((s) => ({ name: s, p50Ms: summary.stages[s]!.p50Ms, p95Ms: summary.stages[s]!.p95Ms })),
      summary.budgetMs,
      `Per-stage time, ${c.source.width}x${c.source.height} → ${W}x${H} at ${c.fps} fps (budget ${summary.budgetMs.toFixed(1)} ms per stage)`,
    ),
  );
  const lowGray = gray.filter((g) => g.level <= 0.0126);
  const highGray = gray.filter((g) => g.level >= 0.05);
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);
  fs.writeFileSync(
    path.join(out, 'quality.png'),
    qualityChartPng(
      [
        { label: 'RGB', before: avg((r) => r.bicubicRgb), after: avg((r) => r.srRgb) },
        { label: 'luma', before: avg((r) => r.bicubicY), after: avg((r) => r.srY) },
      ],
      [
        { label: 'ramp (frame)', before: regions.ramp.before.meanDe, after: regions.ramp.after.meanDe },
        { label: 'board (frame)', before: regions.board.before.meanDe, after: regions.board.after.meanDe },
        { label: 'whole frame', before: regions.frame.before.meanDe, after: regions.frame.after.meanDe },
        { label: 'low-gray fields', before: mean(lowGray.map((g) => g.before.mean)), after: mean(lowGray.map((g) => g.after.mean)) },
        { label: 'high-gray fields', before: mean(highGray.map((g) => g.before.mean)), after: mean(highGray.map((g) => g.after.mean)) },
        { label: `white ${T} °C (model)`, before: thermal.white.without, after: thermal.white.with },
      ],
      { before: 'before (no calibration / thermal correction)', after: 'after (ledpipe)', psnrBefore: 'bicubic ×2', psnrAfter: `SR ×2 (${c.model})` },
    ),
  );
  const results: DemoResults = {
    config: c,
    frames,
    samples,
    shownIndex,
    summary,
    psnr: { rows: psnrRows, bicubicRgb: avg((r) => r.bicubicRgb), srRgb: avg((r) => r.srRgb), bicubicY: avg((r) => r.bicubicY), srY: avg((r) => r.srY) },
    regions,
    gray,
    thermal,
    peakNits: cal.target.peakNits ?? 0,
    ballSpeed: L.ballSpeed,
    panSpeed: L.panSpeed,
    timings,
    wallSeconds: 0,
  };
  results.wallSeconds = (performance.now() - t0) / 1000;
  writeReport(out, results);
  fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify({ ...results, config: c }, null, 2) + '\n');
  step(`done in ${results.wallSeconds.toFixed(1)} s: ${path.join(out, 'report.html')}`);
  return results;
}
