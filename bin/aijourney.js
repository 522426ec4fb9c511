#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled ahead of time into dist/bundle/ (npm run build).
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code for the bundle between runs (in os.tmpdir(), checked against
// each file's contents; NODE_DISABLE_COMPILE_CACHE=1 turns it off): about a fifth of the time to the
// first model call. Node 20 has no such cache and compiles the bundle on every run.
module.enableCompileCache?.();

import('../dist/bundle/cli.js').then(
  (cli) => cli.main(process.argv),
  (err) => {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/bundle/cli.js')) throw err;
    process.stderr.write('aijourney: not built yet: run `npm run build` in the aijourney checkout first\n');
    process.exit(3);
  },
);
