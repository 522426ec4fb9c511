// The build steps of scripts/bundle.mjs that rewrite a dependency's file for speed, each checked
// (tests/bundle.test.ts and tests/build/rewrites.test.ts).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);

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

/** Replaces `from` with `to` in `text`, where `from` occurs exactly once; else throws `why`. */
function replaceOnce(text, from, to, why) {
  if (text.split(from).length !== 2) throw new Error(why);
  return text.replace(from, () => to);
}

/** What each rewrite step did, written to dist/bundle/rewrites.json: "applied", or why not. */
export const stepResults = {};

/**
 * Build steps that rewrite one dependency's file for speed, keeping what it does, applied in turn:
 * each `rewrite` returns the new text, or throws saying why it cannot (the file changed shape).
 * Then the build warns and goes on without that step (slower, same behaviour), and
 * tests/bundle.test.ts fails until the step is looked at.
 */
function checkedRewrites(filter, steps) {
  for (const { name } of steps) stepResults[name] = 'not run: no bundled file matched';
  return {
    name: steps.map((step) => step.name).join('+'),
    setup(build) {
      build.onLoad({ filter }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        let changed = false;
        for (const { name, rewrite } of steps) {
          try {
            text = rewrite(text);
            changed = true;
            stepResults[name] = 'applied';
          } catch (err) {
            stepResults[name] = `left ${args.path} as it is: ${err.message}`;
            console.warn(`scripts/bundle.mjs: ${name} left ${args.path} as it is: ${err.message}`);
          }
        }
        return changed ? { contents: text, loader: 'js' } : undefined;
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
export const pricesDataAsJson = {
  name: 'genai-prices-data-as-json',
  rewrite(text) {
    const start = /^const \w+ = (?=\[)/.exec(text)?.[0].length;
    if (start === undefined) throw new Error('the module no longer opens with `const <name> = [`');
    const end = literalEnd(text, start);
    const value = new Function(`return (${text.slice(start, end)});`)();
    // Apostrophes as \u0027: esbuild then quotes the string with ' rather than as a template
    // literal (its choice for a string full of "), which V8 scans ~3 ms slower at this size.
    const json = JSON.stringify(value).replaceAll("'", '\\u0027');
    if (!isDeepStrictEqual(JSON.parse(json), value)) throw new Error('the literal holds values JSON cannot carry');
    return `${text.slice(0, start)}JSON.parse(${JSON.stringify(json)})${text.slice(end)}`;
  },
};

/**
 * genai-prices builds its table of every unit's ancestors as the module loads: each of its ~60
 * units against every other (~3,600 comparisons of cold code, 3-8 ms before the first request),
 * though a run asks for the ancestors of its models' few price keys. Bundled, a unit's ancestors
 * are computed the first time they are asked for, by the same expression (the units are fixed by
 * then: the constructor is the only code that writes them). The text is this version's, exactly.
 */
export const pricesLazyAncestors = {
  name: 'genai-prices-lazy-ancestors',
  rewrite(text) {
    const eager = [
      '    for (const [a, i] of this.#e)',
      '      this.#o.set(',
      '        a,',
      '        new Set(',
      '          [...this.#e.values()].filter((o) => o !== i && $(o, i)).map((o) => o.usageKey)',
      '        )',
      '      ), a !== "requests" && this.#t.add(a);',
      '  }',
      '  ancestorUsageKeys(t) {',
      '    const a = this.#o.get(t);',
      '',
    ].join('\n');
    const lazy = [
      '    for (const a of this.#e.keys()) a !== "requests" && this.#t.add(a);',
      '  }',
      '  ancestorUsageKeys(t) {',
      '    const i = this.#e.get(t);',
      '    if (i && !this.#o.has(t))',
      '      this.#o.set(t, new Set([...this.#e.values()].filter((o) => o !== i && $(o, i)).map((o) => o.usageKey)));',
      '    const a = this.#o.get(t);',
      '',
    ].join('\n');
    const rewritten = replaceOnce(text, eager, lazy, "its unit registry's constructor and ancestorUsageKeys changed");
    // The table and the units are written nowhere else (the constructor's first line creates them).
    if (text.split('this.#o.').length !== 3 || text.split('this.#e.set(').length !== 2) throw new Error('its unit registry is written elsewhere too');
    return rewritten;
  },
};

/**
 * undici's HTTP/2 client requires `node:http2` as it loads, for ten constants, in every eval (and
 * `node:tls` with it, which an http:// target does not otherwise need): ~6 M instructions to the
 * first request, ~5 ms timed alone on Node 20, though aijourney speaks HTTP/1.1 (undici's default;
 * nothing sets allowH2). Bundled, the constants are written out (checked against `node:http2`
 * here) and the module is required at the first HTTP/2 connection.
 */
export const lazyHttp2 = {
  name: 'undici-lazy-http2',
  rewrite(text) {
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
  },
};

/**
 * undici's fetch gives every request body a web ReadableStream as it builds the Request, and tees
 * it into two more when it copies the request to be able to follow a redirect: three streams a
 * call, none of them read, since our dispatchers take the body's bytes (transport.ts). Bundled, a
 * body of bytes (a string, buffer or URLSearchParams: its `source`) makes its stream when something
 * first asks for it, by extractBody's own steps for bytes, and is copied as another such body while
 * no one has: whoever reads gets the same bytes (a 307/308 redirect re-extracts the body from its
 * source, as before). 1,000 calls take ~0.3-0.4 G instructions less (~5%); Node 20 makes every
 * web stream transferable to workers, which is most of a stream's cost.
 * tests/build/undici-body.test.ts sends every kind of body both ways beside the installed undici.
 */
export const lazyRequestBody = {
  name: 'undici-lazy-request-body',
  rewrite(text) {
    const opening =
      '  } else {\n    // 4. Otherwise, set stream to a new ReadableStream object, and set\n    //    up stream with byte reading support.\n    stream = new ReadableStream({';
    text = replaceOnce(
      text,
      opening,
      `  } else if (typeof object === 'string' || webidl.is.URLSearchParams(object) || webidl.is.BufferSource(object)) {\n    // (aijourney's build) source is these bytes: the stream is made when first asked for (bytesBody).\n${opening}`,
      "extractBody's creation of the stream changed",
    );
    text = replaceOnce(
      text,
      '  assert(webidl.is.ReadableStream(stream))\n',
      '  assert(stream === null || webidl.is.ReadableStream(stream))\n',
      "extractBody's assertion of the stream changed",
    );
    text = replaceOnce(
      text,
      '  const body = { stream, source, length }\n',
      '  const body = stream === null ? bytesBody(source, length) : { stream, source, length }\n',
      "extractBody's body changed",
    );
    const cloneOpening = 'function cloneBody (body) {\n';
    text = replaceOnce(
      text,
      cloneOpening,
      [
        "// (aijourney's build) A body of bytes whose stream is made when first asked for, by the steps of",
        '// extractBody for a byte sequence (18, 19).',
        'class BytesBody {',
        '  #stream = null',
        '  constructor (source, length) {',
        '    this.source = source',
        '    this.length = length',
        '  }',
        '  get stream () {',
        '    const source = this.source',
        '    const stream = (this.#stream ??= new ReadableStream({',
        '      async pull (controller) {',
        '        if (source.length && !isErrored(stream)) {',
        "          controller.enqueue(typeof source === 'string' ? textEncoder.encode(source) : new Uint8Array(source))",
        '        }',
        '        queueMicrotask(() => readableStreamClose(controller))',
        '      },',
        "      type: 'bytes'",
        '    }))',
        '    return stream',
        '  }',
        '  set stream (value) {',
        '    this.#stream = value',
        '  }',
        '  get unread () {',
        '    return this.#stream === null',
        '  }',
        '}',
        'const bytesBody = (source, length) => new BytesBody(source, length)',
        '',
        cloneOpening,
        "  // (aijourney's build) Unread, it is copied as another body of the same bytes.",
        '  if (body instanceof BytesBody && body.unread) return bytesBody(body.source, body.length)',
        '',
      ].join('\n'),
      'cloneBody changed',
    );
    return text;
  },
};

/**
 * undici's fetch asserts a request's body has been extracted by asking for its stream, which would
 * make the stream lazyRequestBody defers; a body with a source has been extracted too.
 */
export const fetchAssertsSource = {
  name: 'undici-fetch-asserts-source',
  rewrite(text) {
    return replaceOnce(
      text,
      '  assert(!request.body || request.body.stream)\n',
      '  assert(!request.body || request.body.source != null || request.body.stream)\n',
      "fetching's assertion of the request body changed",
    );
  },
};

/** The esbuild plugins of the steps, one per file. */
export const rewritePlugins = () => [
  checkedRewrites(/[\\/]@pydantic[\\/]genai-prices[\\/]dist[\\/]index\.js$/, [pricesDataAsJson, pricesLazyAncestors]),
  checkedRewrites(/[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/, [lazyHttp2]),
  checkedRewrites(/[\\/]undici[\\/]lib[\\/]web[\\/]fetch[\\/]body\.js$/, [lazyRequestBody]),
  checkedRewrites(/[\\/]undici[\\/]lib[\\/]web[\\/]fetch[\\/]index\.js$/, [fetchAssertsSource]),
];
