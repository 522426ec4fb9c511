#!/usr/bin/env node
// Thin launcher: the CLI is compiled ahead of time into dist/.
import('../dist/cli.js').then((cli) => cli.main(process.argv));
