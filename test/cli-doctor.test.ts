import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('ledpipe doctor', () => {
  it('reports ffmpeg, the native build and each stage, as JSON', async () => {
    const r = await runCli(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as { ok: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(report.ok).toBe(true);
    const names = report.checks.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['ffmpeg', 'native addon', 'backend onnxruntime', 'stage sr']));
    expect(report.checks.find((c) => c.name === 'ffmpeg')!.detail).toMatch(/ffmpeg version/);
    for (const c of report.checks) expect(c.detail.length).toBeGreaterThan(0);
  });

  it('says why when LEDPIPE_FFMPEG points nowhere, and a run fails naming it', async () => {
    const r = await runCli(['doctor'], { env: { LEDPIPE_FFMPEG: '/nonexistent/ffmpeg' } });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toMatch(/no\s+ffmpeg\s+LEDPIPE_FFMPEG=\/nonexistent\/ffmpeg: \/nonexistent\/ffmpeg does not exist/);
    const run = await runCli(['-i', 'x.mp4', '--output-format', 'raw'], { env: { LEDPIPE_FFMPEG: '/nonexistent/ffmpeg' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no usable ffmpeg found/);
  });

  it('backends --json lists tensorrt, openvino, onnxruntime in selection order, with reasons', async () => {
    const r = await runCli(['backends', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout.toString()) as Array<{ name: string; available: boolean; reason?: string; version: string | null }>;
    expect(list.map((b) => b.name)).toEqual(['tensorrt', 'openvino', 'onnxruntime']);
    expect(list[2]).toMatchObject({ name: 'onnxruntime', available: true });
    for (const b of list) if (!b.available) expect(b.reason).toMatch(/\w{10,}/);
    const tensorrt = list[0]!;
    if (!tensorrt.available) expect(tensorrt.reason).toMatch(/TensorRT/);
  });

  it('--help and --version go to stdout', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout.toString()).toMatch(/--on-overrun/);
    const v = await runCli(['--version']);
    expect(v.stdout.toString()).toMatch(/^ledpipe \d+\.\d+\.\d+/);
  });
});
