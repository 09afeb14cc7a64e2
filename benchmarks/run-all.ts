/**
 * `npm run bench`: every benchmark under benchmarks/, one after another (they would disturb each
 * other's timings if run together), each printing its table and writing bench-output/<name>.json.
 * A benchmark that fails is reported and the rest still run; the exit code says whether all passed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderBenchCharts } from './charts.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ORDER = ['pipeline', 'resize', 'inference', 'quality', 'calibration', 'thermal', 'end-to-end', 'soak'];

const names = fs
  .readdirSync(HERE, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(HERE, d.name, 'run.js')))
  .map((d) => d.name)
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));

const failed: string[] = [];
for (const name of names) {
  process.stdout.write(`\n== ${name} ==\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(HERE, name, 'run.js')], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(`${name} (exit ${r.status ?? r.signal})`);
}
renderBenchCharts();
process.stdout.write(`\n${names.length - failed.length}/${names.length} benchmarks completed${failed.length ? `; failed: ${failed.join(', ')}` : ''}; results in bench-output/\n`);
process.exit(failed.length ? 1 : 0);
