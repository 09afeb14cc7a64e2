/** The demo's PNGs, drawn with @napi-rs/canvas: image crops, the mosaic, the timing and quality charts. */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Rect } from './clip.js';

export interface RgbImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export function crop(img: RgbImage, r: Rect): RgbImage {
  const x0 = Math.max(0, Math.min(r.x, img.width - 1)), y0 = Math.max(0, Math.min(r.y, img.height - 1));
  const w = Math.min(r.w, img.width - x0), h = Math.min(r.h, img.height - y0);
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) img.data.copy(out, y * w * 3, ((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3);
  return { data: out, width: w, height: h };
}

/** Horizontal box blur over `len` pixels: what an eye tracking motion sees on a 100 %-hold display. */
/** Repeats every row `k` times (a thin strip made tall enough to see). */
export function stretchRows(img: RgbImage, k: number): RgbImage {
  const out = Buffer.alloc(img.data.length * k);
  const row = img.width * 3;
  for (let y = 0; y < img.height * k; y++) img.data.copy(out, y * row, Math.floor(y / k) * row, Math.floor(y / k) * row + row);
  return { data: out, width: img.width, height: img.height * k };
}

export function holdBlur(img: RgbImage, len: number): RgbImage {
  const out = Buffer.alloc(img.data.length);
  const L = Math.max(1, Math.round(len));
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < L; k++) s += img.data[(y * img.width + Math.min(img.width - 1, Math.max(0, x - Math.floor(L / 2) + k))) * 3 + c]!;
        out[(y * img.width + x) * 3 + c] = Math.round(s / L);
      }
    }
  }
  return { data: out, width: img.width, height: img.height };
}

function drawImage(ctx: SKRSContext2D, img: RgbImage, x: number, y: number, scale: number): void {
  const tmp = createCanvas(img.width, img.height);
  const t = tmp.getContext('2d');
  const id = t.createImageData(img.width, img.height);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    id.data[j] = img.data[i]!;
    id.data[j + 1] = img.data[i + 1]!;
    id.data[j + 2] = img.data[i + 2]!;
    id.data[j + 3] = 255;
  }
  t.putImageData(id, 0, 0);
  ctx.imageSmoothingEnabled = scale < 1;
  ctx.drawImage(tmp, x, y, img.width * scale, img.height * scale);
}

export interface Panel {
  readonly title: string;
  readonly image: RgbImage;
}

/** Panels side by side in rows, each titled; every image of a row is scaled to `cellWidth`. */
export function mosaicPng(rows: readonly (readonly Panel[])[], cellWidth: number, heading: string): Buffer {
  const pad = 10, titleH = 20, headH = 30;
  const heights = rows.map((r) => Math.max(...r.map((p) => (p.image.height * cellWidth) / p.image.width)));
  const cols = Math.max(...rows.map((r) => r.length));
  const W = pad + cols * (cellWidth + pad);
  const H = headH + rows.reduce((s, _, i) => s + titleH + heights[i]! + pad, pad);
  const canvas = createCanvas(Math.round(W), Math.round(H));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#15171c';
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = '#f0f0f0';
  ctx.font = 'bold 16px sans-serif';
  ctx.fillText(heading, pad, 21);
  let y = headH + pad;
  rows.forEach((row, ri) => {
    row.forEach((p, ci) => {
      const x = pad + ci * (cellWidth + pad);
      ctx.fillStyle = '#d0d0d0';
      ctx.font = '12px sans-serif';
      let t = p.title;
      while (t.length > 4 && ctx.measureText(t).width > cellWidth) t = t.slice(0, -2);
      ctx.fillText(t === p.title ? t : `${t}…`, x, y + 14);
      drawImage(ctx, p.image, x, y + titleH, cellWidth / p.image.width);
    });
    y += titleH + heights[ri]! + pad;
  });
  return canvas.toBuffer('image/png');
}

export interface StageTiming {
  readonly name: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/** Horizontal bars: p50 and p95 per stage, the frame budget as a red line. */
export function timingChartPng(stages: readonly StageTiming[], budgetMs: number, title: string): Buffer {
  const W = 760, rowH = 54, top = 50, left = 120, right = 40;
  const H = top + stages.length * rowH + 50;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const max = Math.max(budgetMs * 1.15, ...stages.map((s) => s.p95Ms * 1.1));
  const sx = (v: number): number => left + ((W - left - right) * v) / max;
  ctx.fillStyle = '#111';
  ctx.font = 'bold 16px sans-serif';
  ctx.fillText(title, 12, 24);
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#555';
  ctx.fillText('ms per frame (light: p50, dark: p95)', 12, 42);
  stages.forEach((s, i) => {
    const y = top + i * rowH + 8;
    ctx.fillStyle = '#111';
    ctx.font = '14px sans-serif';
    ctx.fillText(s.name, 12, y + 22);
    ctx.fillStyle = '#90caf9';
    ctx.fillRect(left, y, sx(s.p50Ms) - left, 16);
    ctx.fillStyle = s.p95Ms > budgetMs ? '#c62828' : '#1565c0';
    ctx.fillRect(left, y + 18, sx(s.p95Ms) - left, 16);
    ctx.fillStyle = '#111';
    ctx.font = '12px sans-serif';
    ctx.fillText(`p50 ${s.p50Ms.toFixed(1)}`, sx(s.p50Ms) + 4, y + 12);
    ctx.fillText(`p95 ${s.p95Ms.toFixed(1)}`, sx(s.p95Ms) + 4, y + 30);
  });
  ctx.strokeStyle = '#d32f2f';
  ctx.lineWidth = 2;
  ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.moveTo(sx(budgetMs), top - 4);
  ctx.lineTo(sx(budgetMs), H - 34);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = '#d32f2f';
  ctx.fillText(`budget ${budgetMs.toFixed(1)} ms`, Math.min(sx(budgetMs) + 4, W - 110), H - 20);
  return canvas.toBuffer('image/png');
}

export interface QualityBar {
  readonly label: string;
  readonly before: number;
  readonly after: number;
}

/** Two panels: PSNR (higher is better) and ΔE2000 (lower is better), before vs after bars. */
export function qualityChartPng(psnrBars: readonly QualityBar[], deBars: readonly QualityBar[], labels: { before: string; after: string; psnrBefore: string; psnrAfter: string }): Buffer {
  const W = 900, H = 380;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const panel = (x0: number, w: number, title: string, bars: readonly QualityBar[], unit: string, lb: string, la: string, floor = 0): void => {
    ctx.fillStyle = '#111';
    ctx.font = 'bold 15px sans-serif';
    ctx.fillText(title, x0, 24);
    const top = 60, bottom = H - 70, max = (Math.max(...bars.flatMap((b) => [b.before, b.after])) - floor) * 1.15 || 1;
    const groupW = w / Math.max(bars.length, 1);
    const bw = Math.min(40, groupW / 3);
    bars.forEach((b, i) => {
      const gx = x0 + i * groupW + groupW / 2;
      const hb = ((bottom - top) * (b.before - floor)) / max, ha = ((bottom - top) * (b.after - floor)) / max;
      ctx.fillStyle = '#b0bec5';
      ctx.fillRect(gx - bw - 2, bottom - hb, bw, hb);
      ctx.fillStyle = '#2e7d32';
      ctx.fillRect(gx + 2, bottom - ha, bw, ha);
      ctx.fillStyle = '#111';
      ctx.font = '11px sans-serif';
      ctx.fillText(b.before.toFixed(unit === 'dB' ? 1 : 2), gx - bw - 2, bottom - hb - 4);
      ctx.fillText(b.after.toFixed(unit === 'dB' ? 1 : 2), gx + 2, bottom - ha - 4);
      ctx.font = '12px sans-serif';
      const tw = ctx.measureText(b.label).width;
      ctx.fillText(b.label, gx - tw / 2, bottom + 16);
    });
    if (floor > 0) {
      ctx.fillStyle = '#555';
      ctx.font = '11px sans-serif';
      ctx.fillText(`axis starts at ${floor} ${unit}`, x0, top - 20);
    }
    ctx.strokeStyle = '#444';
    ctx.beginPath();
    ctx.moveTo(x0, bottom);
    ctx.lineTo(x0 + w, bottom);
    ctx.stroke();
    ctx.fillStyle = '#b0bec5';
    ctx.fillRect(x0, H - 36, 12, 12);
    ctx.fillStyle = '#2e7d32';
    ctx.fillRect(x0, H - 18, 12, 12);
    ctx.fillStyle = '#111';
    ctx.font = '12px sans-serif';
    ctx.fillText(lb, x0 + 18, H - 26);
    ctx.fillText(la, x0 + 18, H - 8);
  };
  const lowest = Math.min(...psnrBars.flatMap((b) => [b.before, b.after]));
  panel(20, 300, 'PSNR vs the clean render (dB, higher is better)', psnrBars, 'dB', labels.psnrBefore, labels.psnrAfter, Math.max(0, Math.floor(lowest) - 2));
  panel(380, 500, 'ΔE2000 on the simulated wall (lower is better)', deBars, 'de', labels.before, labels.after);
  return canvas.toBuffer('image/png');
}
