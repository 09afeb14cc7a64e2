import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { decodeRef, ffmpeg, FFMPEG, makeClip, runCli, tmpDir } from './helpers.js';

// Pass-through with every stage off must be bit-exact to ffmpeg's own decode to RGB.
describe('ledpipe --stages none is bit-exact to ffmpeg decoding to RGB', () => {
  let dir: string;
  let h264: string;
  let deep: string;
  beforeAll(() => {
    dir = tmpDir();
    h264 = makeClip(path.join(dir, 'clip.mp4'), 'testsrc2=size=320x180:rate=30', 24, ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    // 16-bit source: lossless FFV1 of a noisy 16-bit gradient, so every LSB matters.
    deep = makeClip(path.join(dir, 'deep.mkv'), 'testsrc2=size=160x90:rate=25,format=rgb48le,noise=alls=20:allf=t', 10, ['-c:v', 'ffv1', '-pix_fmt', 'gbrp16le']);
  });

  it.each([
    ['rgb24', 'clip'],
    ['rgb48le', 'clip'],
    ['rgb48le', 'deep'],
  ] as const)('raw output, %s, %s', async (pixFmt, which) => {
    const file = which === 'clip' ? h264 : deep;
    const r = await runCli(['-i', file, '--stages', 'none', '--pix-fmt', pixFmt, '--output-format', 'raw']);
    expect(r.code, r.stderr).toBe(0);
    const ref = decodeRef(file, pixFmt);
    expect(r.stdout.length).toBe(ref.length);
    expect(r.stdout.equals(ref)).toBe(true);
  });

  it.each(['rgb24', 'rgb48le'] as const)('NUT on stdout by default (stdout is a pipe), %s', async (pixFmt) => {
    const r = await runCli(['-i', deep, '--stages', 'none', '--pix-fmt', pixFmt]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.subarray(0, 8).toString('latin1')).toBe('nut/mult');
    const nut = path.join(dir, `out-${pixFmt}.nut`);
    fs.writeFileSync(nut, r.stdout);
    // The stream carries rawvideo in the internal format: lossless, self-describing.
    const probe = ffmpegProbe(nut);
    expect(probe).toMatch(new RegExp(`rawvideo.*${pixFmt}, 160x90`));
    expect(decodeRef(nut, pixFmt).equals(decodeRef(deep, pixFmt))).toBe(true);
  });

  it('stdin to stdout: a NUT stream in, a NUT stream out', async () => {
    const nutIn = ffmpeg(['-i', h264, '-c:v', 'rawvideo', '-pix_fmt', 'rgb24', '-f', 'nut', '-']);
    const r = await runCli(['--stages', 'none'], { input: nutIn });
    expect(r.code, r.stderr).toBe(0);
    const out = path.join(dir, 'stdio.nut');
    fs.writeFileSync(out, r.stdout);
    expect(decodeRef(out, 'rgb24').equals(decodeRef(h264, 'rgb24'))).toBe(true);
    expect(r.stderr).toMatch(/live mode/);
  });

  it('headerless raw RGB on stdin with --size/--pix-fmt/--fps, raw out', async () => {
    const raw = decodeRef(deep, 'rgb48le');
    const r = await runCli(['--size', '160x90', '--pix-fmt', 'rgb48le', '--fps', '25', '--output-format', 'raw', '--stages', 'none'], { input: raw });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(raw)).toBe(true);
  });

  it('y4m on stdout', async () => {
    const r = await runCli(['-i', h264, '--output-format', 'y4m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.subarray(0, 10).toString('latin1')).toBe('YUV4MPEG2 ');
    expect(r.stdout.toString('latin1', 0, 60)).toMatch(/W320 H180 F30:1/);
  });

  it.each([
    ['rgb24', 'png'],
    ['rgb48le', 'png'],
    ['rgb24', 'tif'],
  ] as const)('image in, image out (%s %s)', async (pixFmt, ext) => {
    const img = path.join(dir, `in-${pixFmt}.${ext}`);
    ffmpeg(['-i', deep, '-frames:v', '1', '-pix_fmt', pixFmt === 'rgb24' ? 'rgb24' : 'rgb48be', '-y', img]);
    const out = path.join(dir, `out-${pixFmt}.${ext}`);
    const r = await runCli(['-i', img, '-o', out, '--pix-fmt', pixFmt]);
    expect(r.code, r.stderr).toBe(0);
    expect(decodeRef(out, pixFmt).equals(decodeRef(img, pixFmt))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.ledpipe-'))).toEqual([]);
  });

  it.each(['mkv', 'nut'])('file out, lossless %s holds every frame exactly', async (ext) => {
    const out = path.join(dir, `clip-out.${ext}`);
    const r = await runCli(['-i', h264, '-o', out, '--stats', path.join(dir, `stats-${ext}.jsonl`)]);
    expect(r.code, r.stderr).toBe(0);
    expect(decodeRef(out, 'rgb24').equals(decodeRef(h264, 'rgb24'))).toBe(true);
    const lines = fs.readFileSync(path.join(dir, `stats-${ext}.jsonl`), 'utf8').trim().split('\n');
    const summary = JSON.parse(lines.at(-1)!) as { type: string; frames: number; dropped: number; fps: number; stages: object };
    expect(summary).toMatchObject({ type: 'summary', frames: 24, dropped: 0 });
    expect(summary.fps).toBeGreaterThan(0);
  });

  it('mp4 out through libx264 decodes to the right geometry and frame count', async () => {
    const out = path.join(dir, 'clip-out.mp4');
    const r = await runCli(['-i', h264, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(decodeRef(out, 'rgb24').length).toBe(24 * 320 * 180 * 3);
  });
});

function ffmpegProbe(file: string): string {
  // `ffmpeg -i file` with no output prints the stream list (and exits 1): that is the probe.
  return spawnSync(FFMPEG, ['-hide_banner', '-i', file], { encoding: 'utf8' }).stderr;
}
