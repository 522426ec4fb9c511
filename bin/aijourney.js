#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled ahead of time into dist/bundle/ (npm run build).
import('../dist/bundle/cli.js').then((cli) => cli.main(process.argv));
