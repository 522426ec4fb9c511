#!/usr/bin/env node
// `npm run build`, second step: bundle the CLI and the library into dist/bundle/ (bin/aijourney.js
// loads cli.js; package.json's main is index.js), so neither needs the devDependencies at run time.
// One file per lazily-imported command or SDK (code splitting keeps `import()` lazy), so start-up
// reads a few large files instead of resolving and compiling hundreds of small ones: about 40% of
// the time to the first model call. tsc still type-checks and emits dist/*.d.ts for the library's types.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

/** The genai-prices version being bundled (its `exports` hide package.json; it sits beside dist/). */
const require = createRequire(import.meta.url);
const pricesVersion = JSON.parse(await readFile(join(dirname(require.resolve('@pydantic/genai-prices')), '..', 'package.json'), 'utf8')).version;

/**
 * The end of the array or object literal that opens at `text[start]`, for data literals only: a
 * comment, regular expression or substitution (`${}`) ends the scan with an error.
 */
function literalEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; text[i] !== c; i++) {
        if (text[i] === '\\') i++;
        else if (c === '`' && text.startsWith('${', i)) throw new Error(`the literal holds a substitution at offset ${i}`);
      }
    } else if (c === '/') {
      throw new Error(`the literal holds a comment or regular expression at offset ${i}`);
    } else if (c === '[' || c === '{' || c === '(') {
      depth++;
    } else if ((c === ']' || c === '}' || c === ')') && --depth === 0) {
      return i + 1;
    }
  }
  throw new Error('the literal does not end');
}

/**
 * A build step that rewrites one dependency's file for speed, keeping what it does: `rewrite` returns
 * the new text, or throws saying why it cannot (the file changed shape). Then the build warns and
 * bundles the file as it is (slower, same behaviour), and tests/bundle.test.ts fails until the step
 * is looked at.
 */
function checkedRewrite(name, filter, rewrite) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        try {
          return { contents: rewrite(text), loader: 'js' };
        } catch (err) {
          console.warn(`scripts/bundle.mjs: ${name} left ${args.path} as it is: ${err.message}`);
          return undefined;
        }
      });
    },
  };
}

/**
 * genai-prices opens its module with its price data as one 480 KB object literal. V8 runs a
 * literal that size about twice as slowly as `JSON.parse` of the same data: ~30 M instructions,
 * ~5-10 ms, before the first request of every eval. Bundled, the literal becomes `JSON.parse` of
 * its JSON once the two are checked deep-equal here.
 */
const pricesDataAsJson = checkedRewrite('genai-prices-data-as-json', /[\\/]@pydantic[\\/]genai-prices[\\/]dist[\\/]index\.js$/, (text) => {
  const start = /^const \w+ = (?=\[)/.exec(text)?.[0].length;
  if (start === undefined) throw new Error('the module no longer opens with `const <name> = [`');
  const end = literalEnd(text, start);
  const value = new Function(`return (${text.slice(start, end)});`)();
  // Apostrophes as \u0027: esbuild then quotes the string with ' rather than as a template
  // literal (its choice for a string full of "), which V8 scans ~3 ms slower at this size.
  const json = JSON.stringify(value).replaceAll("'", '\\u0027');
  if (!isDeepStrictEqual(JSON.parse(json), value)) throw new Error('the literal holds values JSON cannot carry');
  return `${text.slice(0, start)}JSON.parse(${JSON.stringify(json)})${text.slice(end)}`;
});

/**
 * undici's HTTP/2 client requires `node:http2` as it loads, for ten constants, in every eval (and
 * `node:tls` with it, which an http:// target does not otherwise need): ~6 M instructions to the
 * first request, ~5 ms timed alone on Node 20, though aijourney speaks HTTP/1.1 (undici's default;
 * nothing sets allowH2). Bundled, the constants are written out (checked against `node:http2`
 * here) and the module is required at the first HTTP/2 connection.
 */
const lazyHttp2 = checkedRewrite('undici-lazy-http2', /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/, (text) => {
  const block =
    /let http2\ntry \{\n {2}http2 = require\('node:http2'\)\n\} catch \{\n(?: {2}\/\/.*\n)* {2}http2 = \{ constants: \{\} \}\n\}\n\nconst \{\n {2}constants: \{\n([\s\w,]+)\n {2}\}\n\} = http2\n/;
  const match = block.exec(text);
  if (!match) throw new Error('its require of node:http2 and the constants taken from it changed');
  const names = match[1].split(',').map((name) => name.trim());
  const { constants } = require('node:http2');
  const unknown = names.filter((name) => !['string', 'number'].includes(typeof constants[name]));
  if (unknown.length > 0) throw new Error(`node:http2 has no constant ${unknown.join(', ')}`);
  const rest = text.slice(0, match.index) + text.slice(match.index + match[0].length);
  if ((rest.match(/\bhttp2\s*[.[]/g) ?? []).join() !== 'http2.') throw new Error('it uses node:http2 for more than http2.connect');
  const lazy = [
    'let http2Module',
    "const http2 = { connect: (...args) => (http2Module ??= require('node:http2')).connect(...args) }",
    `const ${names.map((name) => `${name} = ${JSON.stringify(constants[name])}`).join(', ')}`,
    '',
  ].join('\n');
  return text.slice(0, match.index) + lazy + text.slice(match.index + match[0].length);
});

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
  plugins: [pricesDataAsJson, lazyHttp2],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __aijourneyRequire } from 'node:module'; const require = __aijourneyRequire(import.meta.url);" },
});
