#!/usr/bin/env node
// `npm run build`, second step: bundle the CLI and the library into dist/bundle/ (bin/aijourney.js
// loads cli.js; package.json's main is index.js), so neither needs the devDependencies at run time.
// One file per lazily-imported command or SDK (code splitting keeps `import()` lazy), so start-up
// reads a few large files instead of resolving and compiling hundreds of small ones: about 40% of
// the time to the first model call. tsc still type-checks and emits dist/*.d.ts for the library's types.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

/**
 * undici's cookie helpers (which aijourney does not use) brand-check their argument against
 * undici's Headers and Node's global one, reading `globalThis.Headers` as the module loads. That
 * read makes Node load its own copy of undici, ~25 ms on Node 20 and 24, in every process that
 * loads ours. Bundled, they check against undici's Headers only, which is the global one in the
 * command line (src/providers/transport.ts, useUndiciGlobals). The build fails if undici changes
 * the line, so a new undici is looked at rather than silently slower.
 */
const cookiesOwnHeaders = {
  name: 'undici-cookies-own-headers',
  setup(build) {
    build.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]web[\\/]cookies[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const line = '[Headers, globalThis.Headers].filter(Boolean)';
      if (!text.includes(line)) throw new Error(`${args.path} no longer has ${line}: see cookiesOwnHeaders in scripts/bundle.mjs`);
      return { contents: text.replace(line, '[Headers]'), loader: 'js' };
    });
  },
};
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/cli.ts`, `${root}src/index.ts`],
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
  plugins: [cookiesOwnHeaders],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __aijourneyRequire } from 'node:module'; const require = __aijourneyRequire(import.meta.url);" },
});
