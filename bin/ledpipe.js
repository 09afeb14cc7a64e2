#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled TypeScript (npm install runs `prepare`, which builds dist/).
import('../dist/src/cli/main.js').then(
  async ({ main }) => {
    const code = await main(process.argv.slice(2));
    process.exit(code);
  },
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
      process.stderr.write('ledpipe: dist/ is missing; run `npm install` (or `npm run build`) in the ledpipe folder first\n');
      process.exit(1);
    }
    throw err;
  },
);
