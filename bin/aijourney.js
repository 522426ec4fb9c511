#!/usr/bin/env node
// Thin launcher: the CLI is compiled ahead of time into dist/bundle/ (npm run build), with the
// unbundled tsc output as a fallback.
import('../dist/bundle/cli.js')
  .catch((err) => (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bundle/cli.js') ? import('../dist/cli.js') : Promise.reject(err)))
  .then((cli) => cli.main(process.argv));
