#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled ahead of time into dist/bundle/ (npm run build).
import('../dist/bundle/cli.js').then(
  (cli) => cli.main(process.argv),
  (err) => {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/bundle/cli.js')) throw err;
    process.stderr.write('aijourney: not built yet: run `npm run build` in the aijourney checkout first\n');
    process.exit(3);
  },
);
