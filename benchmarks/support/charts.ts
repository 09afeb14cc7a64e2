/** Bar charts of benchmark results (PNG, @napi-rs/canvas): ledpipe next to its peer, per case. */
import { createCanvas } from '@napi-rs/canvas';

export interface Bar {
  readonly name: string;
  readonly value: number;
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

export interface BarChart {
  readonly title: string;
  readonly subtitle: string;
  /** Axis unit, e.g. 'fps' or 'ms per frame'. */
  readonly unit: string;
  readonly groups: readonly BarGroup[];
  /** A reference line (the 60 fps target, the 16.7 ms budget). */
  readonly line?: { readonly value: number; readonly label: string };
}

const COLOURS = ['#1565c0', '#9e9e9e', '#ef6c00', '#2e7d32', '#6a1b9a', '#00838f'];

/** Horizontal grouped bars, one colour per series name, value labels at the bar ends. */
export function barChartPng(c: BarChart): Buffer {
  const series = [...new Set(c.groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const barH = 14, gap = 10, labelW = 290, W = 980, right = 90, top = 58;
  const groupH = series.length * (barH + 2) + gap;
  const H = top + c.groups.length * groupH + 30 + 18 * Math.ceil(series.length / 3);
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const max = Math.max(c.line?.value ?? 0, ...c.groups.flatMap((g) => g.bars.map((b) => b.value))) * 1.08 || 1;
  const sx = (v: number): number => labelW + ((W - labelW - right) * Math.max(0, v)) / max;
  ctx.fillStyle = '#111';
  ctx.font = 'bold 16px sans-serif';
  ctx.fillText(c.title, 12, 22);
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#555';
  ctx.fillText(`${c.subtitle} (${c.unit})`, 12, 40);
  c.groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    ctx.fillStyle = '#111';
    ctx.font = '12px sans-serif';
    ctx.fillText(g.label.length > 44 ? `${g.label.slice(0, 43)}…` : g.label, 12, y0 + groupH / 2);
    g.bars.forEach((b) => {
      const y = y0 + series.indexOf(b.name) * (barH + 2);
      ctx.fillStyle = COLOURS[series.indexOf(b.name) % COLOURS.length]!;
      ctx.fillRect(labelW, y, sx(b.value) - labelW, barH);
      ctx.fillStyle = '#111';
      ctx.font = '11px sans-serif';
      ctx.fillText(b.value >= 100 ? b.value.toFixed(0) : b.value.toFixed(2), sx(b.value) + 4, y + barH - 3);
    });
  });
  if (c.line) {
    ctx.strokeStyle = '#d32f2f';
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(sx(c.line.value), top - 6);
    ctx.lineTo(sx(c.line.value), top + c.groups.length * groupH);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#d32f2f';
    ctx.font = '11px sans-serif';
    ctx.fillText(c.line.label, Math.min(sx(c.line.value) + 4, W - 120), top - 8);
  }
  const ly = top + c.groups.length * groupH + 14;
  series.forEach((s, i) => {
    const x = 12 + (i % 3) * 320, y = ly + Math.floor(i / 3) * 18;
    ctx.fillStyle = COLOURS[i % COLOURS.length]!;
    ctx.fillRect(x, y - 10, 12, 12);
    ctx.fillStyle = '#111';
    ctx.font = '12px sans-serif';
    ctx.fillText(s, x + 18, y);
  });
  return canvas.toBuffer('image/png');
}
