#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled ahead of time into dist/bundle/ (npm run build).
import { setFlagsFromString } from 'node:v8';

// When collecting is cheap, V8 lets the old generation grow to ~4x what survived the last full GC
// before the next. An eval's garbage is per call and dies young but not young enough (replies in
// flight), so that factor made peak memory grow far faster than the work (50,000 calls: 668 MiB);
// 1.6x keeps it in proportion (424 MiB; 2x: 470) at no CPU cost we could measure (bench/RESULTS.md).
setFlagsFromString('--heap-growing-percent=60');

import('../dist/bundle/cli.js').then(
  (cli) => cli.main(process.argv),
  (err) => {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/bundle/cli.js')) throw err;
    process.stderr.write('aijourney: not built yet: run `npm run build` in the aijourney checkout first\n');
    process.exit(3);
  },
);
