/**
 * `npm run demo`: the main job on built-in defaults, offline and without arguments. Simulates an
 * uncalibrated LED wall and solves its calibration, renders an LED test clip and reduces it to a
 * low-resolution feed, runs SR → full-gray calibration → thermal compensation with a screen profile,
 * and writes the processed clip, images, charts and report.html to demo-output/ (docs/DEMO.md).
 *
 *   node dist/src/cli/demo.js [--quick] [--out DIR]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULL_DEMO, QUICK_DEMO } from '../demo/config.js';
import { runDemo } from '../demo/run-demo.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function main(argv: string[]): Promise<number> {
  let quick = false;
  let out = path.join(ROOT, 'demo-output');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--out' && argv[i + 1]) out = path.resolve(argv[++i]!);
    else {
      process.stderr.write(`ledpipe demo: unknown argument '${a}'; usage: demo [--quick] [--out DIR]\n`);
      return 2;
    }
  }
  await runDemo({ config: quick ? QUICK_DEMO : FULL_DEMO, outDir: out, progressBar: true });
  process.stderr.write(`open ${path.relative(process.cwd(), path.join(out, 'report.html')) || 'report.html'} in a browser\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`ledpipe demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
