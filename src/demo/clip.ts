/**
 * The demo's test clip: an LED-wall sports picture rendered at the wall's size (the clean "truth"),
 * then reduced to the low-resolution source a real feed would be. ffmpeg's lavfi sources give the
 * pitch colour and a living crowd texture (`life`); @napi-rs/canvas draws the broadcast graphics on
 * top: a score bar, a scrolling ticker, skin-tone swatches, a flat sponsor board, a low-gray ramp and
 * a fast ball over a panning pitch.
 */
import { spawn } from 'node:child_process';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { DemoConfig } from './config.js';

/** Where the picture's test areas are, in wall pixels (for crops and region metrics). */
export interface ClipLayout {
  readonly ramp: Rect;
  readonly board: Rect;
  readonly skin: Rect;
  readonly scoreBar: Rect;
  readonly ticker: Rect;
  /** The ball's centre per frame. */
  ballAt(frame: number): { x: number; y: number };
  readonly ballRadius: number;
  /** Ball speed in wall pixels per frame. */
  readonly ballSpeed: number;
  readonly panSpeed: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface RenderedClip {
  readonly source: string;
  readonly frames: number;
  readonly layout: ClipLayout;
  /** Clean wall-size rgb24 frames, kept for the quality measurements, by frame index. */
  readonly clean: Map<number, Buffer>;
}

export function clipLayout(c: DemoConfig): ClipLayout {
  const W = c.wall.width, H = c.wall.height;
  const u = W / 960;
  const R = (x: number, y: number, w: number, h: number): Rect => ({ x: Math.round(x), y: Math.round(y), w: Math.round(w), h: Math.round(h) });
  const tickerH = 34 * u;
  const rampH = 30 * u;
  const ballRadius = 9 * u;
  const ballSpeed = 26 * u;
  const top = H * 0.24;
  return {
    scoreBar: R(24 * u, 20 * u, 420 * u, 44 * u),
    ticker: R(0, H - tickerH, W, tickerH),
    ramp: R(0, H - tickerH - rampH, W, rampH),
    board: R(W * 0.56, top + 14 * u, W * 0.4, 70 * u),
    skin: R(24 * u, top + 14 * u, 200 * u, 70 * u),
    ballRadius,
    ballSpeed,
    panSpeed: 6 * u,
    ballAt(frame: number) {
      // Back and forth across the pitch, bouncing off the sides.
      const span = W - 4 * ballRadius;
      const d = (frame * ballSpeed) % (2 * span);
      const x = 2 * ballRadius + (d < span ? d : 2 * span - d);
      const y = top + (H - tickerH - rampH - top) * (0.62 + 0.18 * Math.sin(frame / 5));
      return { x, y };
    },
  };
}

function drawFrame(ctx: SKRSContext2D, c: DemoConfig, L: ClipLayout, i: number): void {
  const W = c.wall.width, H = c.wall.height, u = W / 960;
  const top = H * 0.24;
  // Pitch stripes, panning (the camera follows play): the lavfi crowd strip stays above them.
  const stripe = 80 * u;
  const off = (i * L.panSpeed) % (2 * stripe);
  for (let x = -2 * stripe; x < W + 2 * stripe; x += 2 * stripe) {
    ctx.fillStyle = 'rgba(255,255,255,0.07)';
    ctx.fillRect(x - off, top, stripe, H - top);
  }
  ctx.strokeStyle = 'rgba(245,245,245,0.9)';
  ctx.lineWidth = Math.max(1, 2 * u);
  ctx.beginPath();
  const cx = W / 2 - off * 2;
  ctx.moveTo(cx, top);
  ctx.lineTo(cx, H);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(cx, top + (H - top) * 0.55, 60 * u, 0, Math.PI * 2);
  ctx.stroke();

  // Sponsor board: a flat mid gray (non-uniformity shows on flat fields).
  const b = L.board;
  ctx.fillStyle = 'rgb(128,128,128)';
  ctx.fillRect(b.x, b.y, b.w, b.h);
  ctx.fillStyle = 'rgb(150,150,150)';
  ctx.font = `bold ${Math.round(14 * u)}px sans-serif`;
  ctx.fillText('SPONSOR', b.x + 8 * u, b.y + b.h - 8 * u);

  // Skin tones: four swatches (light to deep) with a soft face-like highlight.
  const s = L.skin;
  const tones = ['#f1c9a5', '#e0ac86', '#c68642', '#8d5524'];
  tones.forEach((t, k) => {
    const x = s.x + (k * s.w) / 4;
    ctx.fillStyle = t;
    ctx.fillRect(x, s.y, s.w / 4, s.h);
    const g = ctx.createRadialGradient(x + s.w / 8, s.y + s.h * 0.4, 2, x + s.w / 8, s.y + s.h * 0.4, s.h * 0.5);
    g.addColorStop(0, 'rgba(255,255,255,0.18)');
    g.addColorStop(1, 'rgba(255,255,255,0)');
    ctx.fillStyle = g;
    ctx.fillRect(x, s.y, s.w / 4, s.h);
  });

  // The ball, fast: 26 px per frame at 960 wide.
  const p = L.ballAt(i);
  ctx.fillStyle = '#fafafa';
  ctx.beginPath();
  ctx.arc(p.x, p.y, L.ballRadius, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#222';
  ctx.beginPath();
  ctx.arc(p.x + L.ballRadius * 0.3, p.y - L.ballRadius * 0.2, L.ballRadius * 0.35, 0, Math.PI * 2);
  ctx.fill();

  // Score bar.
  const sb = L.scoreBar;
  ctx.fillStyle = 'rgba(10,20,60,0.92)';
  ctx.fillRect(sb.x, sb.y, sb.w, sb.h);
  ctx.fillStyle = '#d32f2f';
  ctx.fillRect(sb.x, sb.y, 8 * u, sb.h);
  ctx.fillStyle = '#1e88e5';
  ctx.fillRect(sb.x + sb.w * 0.5, sb.y, 8 * u, sb.h);
  ctx.fillStyle = '#ffffff';
  ctx.font = `bold ${Math.round(24 * u)}px sans-serif`;
  ctx.fillText('HOME 2', sb.x + 18 * u, sb.y + sb.h * 0.7);
  ctx.fillText('1 AWAY', sb.x + sb.w * 0.5 + 18 * u, sb.y + sb.h * 0.7);
  const secs = 67 * 60 + 12 + Math.floor(i / c.fps);
  ctx.fillStyle = '#ffd54f';
  ctx.fillText(`${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`, sb.x + sb.w * 0.8, sb.y + sb.h * 0.7);

  // Low-gray ramp: codes 0..40 of 255 (0 to ~2% linear light at gamma 2.4), where casts live.
  const r = L.ramp;
  const g = ctx.createLinearGradient(r.x, 0, r.x + r.w, 0);
  g.addColorStop(0, 'rgb(0,0,0)');
  g.addColorStop(1, 'rgb(40,40,40)');
  ctx.fillStyle = g;
  ctx.fillRect(r.x, r.y, r.w, r.h);

  // Ticker: white text scrolling left over a dark strip.
  const t = L.ticker;
  ctx.fillStyle = '#0b0b0b';
  ctx.fillRect(t.x, t.y, t.w, t.h);
  ctx.fillStyle = '#c62828';
  ctx.fillRect(t.x, t.y, 90 * u, t.h);
  ctx.fillStyle = '#ffffff';
  ctx.font = `bold ${Math.round(16 * u)}px sans-serif`;
  ctx.fillText('LIVE', t.x + 22 * u, t.y + t.h * 0.68);
  ctx.font = `${Math.round(18 * u)}px sans-serif`;
  const text = 'GOAL! 66\u2032 Okafor heads in from the corner  \u2022  Next: semi-final draw at 21:30  \u2022  Attendance 48,212  \u2022  ';
  const tx = t.x + 100 * u + W - ((i * 5 * u) % (W * 2));
  ctx.save();
  ctx.beginPath();
  ctx.rect(t.x + 92 * u, t.y, t.w, t.h);
  ctx.clip();
  ctx.fillText(text + text, tx, t.y + t.h * 0.68);
  ctx.restore();
}

/**
 * Renders the clip: lavfi background frames in, canvas graphics on top, wall-size RGB out to an
 * ffmpeg that reduces it to the source size (area filter) and encodes H.264 4:2:0 as a feed would be.
 */
export async function renderClip(c: DemoConfig, ffmpeg: string, source: string, keep: readonly number[], onProgress: (done: number, total: number) => void): Promise<RenderedClip> {
  const W = c.wall.width, H = c.wall.height;
  const frames = Math.round(c.seconds * c.fps);
  const crowdH = Math.round(H * 0.24);
  const graph =
    `color=c=0x1f6b2a:s=${W}x${H}:r=${c.fps}:d=${c.seconds}[bg];` +
    `life=s=${W}x${crowdH}:r=${c.fps}:mold=10:ratio=0.3:life_color=0xd8a080:death_color=0x2a2a38:mold_color=0x604050:seed=7[crowd];` +
    '[bg][crowd]overlay=0:0:shortest=1,format=rgba';
  const bg = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', graph, '-frames:v', String(frames), '-f', 'rawvideo', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const enc = spawn(
    ffmpeg,
    ['-hide_banner', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(c.fps), '-i', '-',
      '-vf', `scale=${c.source.width}:${c.source.height}:flags=area`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-pix_fmt', 'yuv420p', '-y', source],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let errText = '';
  bg.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  enc.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const encDone = new Promise<number>((resolve) => enc.on('close', (code) => resolve(code ?? 1)));
  enc.stdin.on('error', () => undefined);

  const layout = clipLayout(c);
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  const clean = new Map<number, Buffer>();
  const frameBytes = W * H * 4;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of bg.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= frameBytes && index < frames) {
      const rgba = pending.subarray(0, frameBytes);
      pending = pending.subarray(frameBytes);
      const img = ctx.createImageData(W, H);
      img.data.set(rgba);
      ctx.putImageData(img, 0, 0);
      drawFrame(ctx, c, layout, index);
      const out = ctx.getImageData(0, 0, W, H).data;
      const rgb = Buffer.allocUnsafe(W * H * 3);
      for (let p = 0, q = 0; p < out.length; p += 4, q += 3) {
        rgb[q] = out[p]!;
        rgb[q + 1] = out[p + 1]!;
        rgb[q + 2] = out[p + 2]!;
      }
      if (keep.includes(index)) clean.set(index, rgb);
      if (!enc.stdin.write(rgb)) await new Promise((r) => enc.stdin.once('drain', r));
      index++;
      onProgress(index, frames);
    }
  }
  enc.stdin.end();
  const code = await encDone;
  if (code !== 0 || index !== frames) throw new Error(`cannot render the demo clip (${index}/${frames} frames): ${errText.trim() || `ffmpeg exit ${code}`}`);
  return { source, frames, layout, clean };
}
