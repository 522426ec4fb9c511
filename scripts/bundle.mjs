#!/usr/bin/env node
// `npm run build`, second step: bundle the CLI into dist/bundle/ (what bin/aijourney.js loads).
// One file per lazily-imported command or SDK (code splitting keeps `import()` lazy), so start-up
// reads a few large files instead of resolving and compiling hundreds of small ones: about 40% of
// the time to the first model call. tsc still type-checks and emits dist/ for the library API.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/cli.ts`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // A native addon: loaded from node_modules at run time, and only when the cache is on.
  external: ['better-sqlite3'],
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __aijourneyRequire } from 'node:module'; const require = __aijourneyRequire(import.meta.url);" },
});
