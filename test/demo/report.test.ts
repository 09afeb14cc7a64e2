/**
 * The demo end to end (`--quick` size) and its report in a real headless browser: Debian's
 * `chromium` driven by playwright-core (no browser download). Skips the browser part, saying why,
 * when no chromium binary is found (set CHROMIUM_PATH to point at one).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUICK_DEMO } from '../../src/demo/config.js';
import type { DemoResults } from '../../src/demo/report.js';
import { runDemo } from '../../src/demo/run-demo.js';

function findChromium(): { path: string | null; reason: string } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'].filter((p): p is string => !!p);
  for (const p of candidates) if (fs.existsSync(p)) return { path: p, reason: '' };
  const which = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return { path: found, reason: '' };
  return { path: null, reason: `no chromium binary (looked at ${candidates.join(', ')} and PATH); install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH` };
}

const chromium = findChromium();
const METRICS = [
  'fps', 'fps-table', 'demo-seconds', 'psnr-gain', 'psnr-bicubic-rgb', 'psnr-sr-rgb', 'psnr-bicubic-y', 'psnr-sr-y',
  'lowgray-de-before', 'lowgray-de-after', 'board-cv-before', 'board-cv-after', 'thermal-de-before', 'thermal-de-after',
  'ramp-de-before', 'ramp-de-after', 'board-de-before', 'board-de-after', 'frame-de-before', 'frame-de-after',
  'sr-p50', 'sr-p95', 'calibration-p50', 'calibration-p95', 'thermal-p50', 'thermal-p95',
];
const IMAGES = ['mosaic.png', 'timing.png', 'quality.png', 'crop-lowgray.png', 'crop-mura.png', 'crop-motion.png'];

describe('npm run demo (--quick)', () => {
  let out = '';
  let results: DemoResults;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'ledpipe-demo-'));
    results = await runDemo({ config: QUICK_DEMO, outDir: out, write: () => undefined, progressBar: false });
  }, 180_000);

  it('writes the clip, images, charts and report, with measured improvements', () => {
    for (const f of ['processed.mkv', 'source.mp4', 'report.html', 'stats.jsonl', 'metrics.json', 'wall.ledcal', ...IMAGES]) {
      expect(fs.statSync(path.join(out, f)).size, f).toBeGreaterThan(0);
    }
    const frames = Math.round(QUICK_DEMO.seconds * QUICK_DEMO.fps);
    expect(results.summary.frames).toBe(frames);
    expect(results.summary.dropped).toBe(0);
    expect(Object.keys(results.summary.stages)).toEqual(['sr', 'calibration', 'thermal']);
    // Calibration and thermal compensation must improve what the simulated wall shows.
    expect(results.regions.board.after.meanDe).toBeLessThan(results.regions.board.before.meanDe / 3);
    expect(results.regions.ramp.after.meanDe).toBeLessThan(results.regions.ramp.before.meanDe / 2);
    for (const g of results.gray) expect(g.after.mean).toBeLessThan(1);
    expect(results.thermal.white.with).toBeLessThan(0.1);
    expect(Number.isFinite(results.psnr.srY)).toBe(true);
  });

  it.skipIf(!chromium.path)(`renders in headless chromium: every image loads, the numbers are there, the page is not blank${chromium.path ? '' : ` (skipped: ${chromium.reason})`}`, async () => {
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium.path!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(pathToFileURL(path.join(out, 'report.html')).href, { waitUntil: 'load' });
      const images = await page.$$eval('img', (els) => els.map((e) => ({ src: e.getAttribute('src'), complete: e.complete, width: e.naturalWidth, height: e.naturalHeight })));
      expect(images.map((i) => i.src).sort()).toEqual([...IMAGES].sort());
      for (const i of images) {
        expect(i.complete, i.src ?? '').toBe(true);
        expect(i.width, i.src ?? '').toBeGreaterThan(0);
        expect(i.height, i.src ?? '').toBeGreaterThan(0);
      }
      const metrics = await page.$$eval('[data-metric]', (els) => els.map((e) => ({ name: e.getAttribute('data-metric'), text: e.textContent ?? '' })));
      const byName = new Map(metrics.map((mm) => [mm.name, mm.text]));
      for (const name of METRICS) {
        const text = byName.get(name);
        expect(text, name).toBeDefined();
        expect(Number.isFinite(Number(text)), `${name} = '${text}'`).toBe(true);
      }
      expect(Number(byName.get('fps'))).toBeCloseTo(results.summary.fps, 1);
      const headings = await page.$$eval('h2', (els) => els.map((e) => e.textContent ?? ''));
      for (const h of ['low-gray colour cast', 'non-uniformity', 'motion blur']) expect(headings.some((t) => t.toLowerCase().includes(h)), h).toBe(true);

      const shot = await page.screenshot({ fullPage: true });
      fs.writeFileSync(path.join(out, 'report-screenshot.png'), shot);
      const img = await loadImage(shot);
      const canvas = createCanvas(img.width, img.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      let sum = 0, sumSq = 0, n = 0;
      const colours = new Set<number>();
      for (let i = 0; i < px.length; i += 4 * 7) {
        const y = 0.2126 * px[i]! + 0.7152 * px[i + 1]! + 0.0722 * px[i + 2]!;
        sum += y;
        sumSq += y * y;
        n++;
        colours.add((px[i]! >> 3) | ((px[i + 1]! >> 3) << 5) | ((px[i + 2]! >> 3) << 10));
      }
      const variance = sumSq / n - (sum / n) ** 2;
      expect(img.height).toBeGreaterThan(1500);
      expect(variance).toBeGreaterThan(200);
      expect(colours.size).toBeGreaterThan(100);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
