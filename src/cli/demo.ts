/**
 * `npm run demo`: the main job on built-in defaults, offline and without arguments. Generates an
 * LED-style test clip with ffmpeg, runs it through every stage this build has, and leaves the
 * processed clip and the stats in demo-output/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateFfmpeg } from '../io/ffmpeg-locate.js';
import { parseOverrunPolicySpec } from '../pipeline/overrun-policy.js';
import { defaultStageNames, stageFactories } from '../stages/registry.js';
import { createLogger } from './log.js';
import { runJob } from './run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'demo-output');

async function demo(): Promise<number> {
  const log = createLogger('info');
  fs.mkdirSync(OUT, { recursive: true });
  const ffmpeg = locateFfmpeg().path;
  const source = path.join(OUT, 'source.mp4');
  log.info(`generating a 4 s 1080p60 test clip (moving test pattern, gradients, low-gray ramp) → ${path.relative(ROOT, source)}`);
  // A moving pattern with text over a smooth low-gray ramp: what shows banding and colour casts on a wall.
  const graph = [
    'testsrc2=size=1920x1080:rate=60:duration=4[pattern]',
    'gradients=size=1920x1080:rate=60:duration=4:c0=0x000000:c1=0x202020:x0=0:y0=0:x1=1919:y1=0[ramp]',
    '[pattern][ramp]blend=all_mode=average',
  ].join(';');
  let r = spawnSync(ffmpeg, ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', graph, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-y', source]);
  if (r.status !== 0) {
    // Older ffmpeg builds lack the gradients source: the plain pattern still exercises the pipeline.
    r = spawnSync(ffmpeg, ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=60:duration=4', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-y', source]);
    if (r.status !== 0) throw new Error(`cannot generate the demo clip: ${r.stderr.toString()}`);
  }
  const stages = defaultStageNames({});
  for (const f of stageFactories()) {
    const why = f.unavailableReason({});
    if (why) log.info(`stage ${f.name} (${f.description}) is ${why}; the demo runs without it`);
  }
  const output = path.join(OUT, 'processed.mkv');
  const stats = path.join(OUT, 'stats.jsonl');
  const code = await runJob(
    {
      input: source,
      output,
      outputFormat: null,
      size: null,
      pixFmt: 'rgb24',
      fps: null,
      stages,
      realtime: false,
      onOverrun: parseOverrunPolicySpec('degrade'),
      onOverrunGiven: false,
      profile: null,
      maxInFlight: 4,
      shutdownTimeoutMs: 5000,
      stats,
      statsIntervalMs: 1000,
      progress: true,
      logLevel: 'info',
      stageFlags: {},
    },
    { log, stdinIsTTY: true, stdoutIsTTY: true, onSignal: () => () => undefined },
  );
  if (code === 0) log.info(`done: ${path.relative(ROOT, output)} (FFV1, lossless) and ${path.relative(ROOT, stats)} (per-stage timings; see docs/STATS.md)`);
  return code;
}

demo().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`ledpipe demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
