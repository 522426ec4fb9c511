#!/usr/bin/env node
// `npm run build`, second step: bundle the CLI and the library into dist/bundle/ (bin/aijourney.js
// loads cli.js; package.json's main is index.js), so neither needs the devDependencies at run time.
// One file per lazily-imported command or SDK (code splitting keeps `import()` lazy), so start-up
// reads a few large files instead of resolving and compiling hundreds of small ones: about 40% of
// the time to the first model call. tsc still type-checks and emits dist/*.d.ts for the library's types.
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewritePlugins, stepResults } from './rewrites.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

/** The genai-prices version being bundled (its `exports` hide package.json; it sits beside dist/). */
const require = createRequire(import.meta.url);
const pricesVersion = JSON.parse(await readFile(join(dirname(require.resolve('@pydantic/genai-prices')), '..', 'package.json'), 'utf8')).version;

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/cli.ts`, `${root}src/index.ts`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // better-sqlite3's JavaScript is bundled (~4 ms less to load than its files from node_modules);
  // its native addon is loaded from node_modules by path (src/run/cache.ts), so the `bindings`
  // package that would look for it stays out.
  external: ['bindings'],
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __AIJOURNEY_PRICES_VERSION__: JSON.stringify(pricesVersion) },
  plugins: rewritePlugins(),
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __aijourneyRequire } from 'node:module'; const require = __aijourneyRequire(import.meta.url);" },
});
// Read by tests/bundle.test.ts, which fails unless every step was applied.
await writeFile(join(outdir, 'rewrites.json'), `${JSON.stringify(stepResults, null, 2)}\n`);
