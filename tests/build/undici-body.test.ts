import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAssertsSource, lazyRequestBody } from '../../scripts/rewrites.mjs';

// scripts/bundle.mjs makes undici's request bodies of bytes make their web stream only when asked
// for (scripts/rewrites.mjs). Here a copy of undici with those two steps applied, loaded beside the
// installed one, must send and read every kind of body as the installed one does, through
// dispatchers that take the body's bytes (as transport.ts's do) and through ones that stream it.
const require = createRequire(import.meta.url);
const installedDir = dirname(require.resolve('undici/package.json'));
type Fetch = typeof fetch;
interface Undici {
  fetch: Fetch;
  Request: typeof Request;
  Response: typeof Response;
  FormData: typeof FormData;
  /** Its own dispatchers: undici's Agent streams a body to the socket; the wrapper takes its bytes (as transport.ts's do). */
  dispatchers: Array<{ dispatch: unknown; isMockActive?: true }>;
  close(): Promise<void>;
}
function load(dir: string): Undici {
  const Agent = require(join(dir, 'lib/dispatcher/agent.js')) as typeof import('undici').Agent;
  const agent = new Agent();
  return {
    fetch: require(join(dir, 'lib/web/fetch/index.js')).fetch,
    Request: require(join(dir, 'lib/web/fetch/request.js')).Request,
    Response: require(join(dir, 'lib/web/fetch/response.js')).Response,
    FormData: require(join(dir, 'lib/web/fetch/formdata.js')).FormData,
    dispatchers: [agent, { dispatch: agent.dispatch.bind(agent), isMockActive: true }],
    close: () => agent.close(),
  };
}

let copyDir = '';
let server: Server;
let base = '';
let installed: Undici;
let rewritten: Undici;

beforeAll(async () => {
  copyDir = await mkdtemp(join(tmpdir(), 'aijourney-undici-'));
  await cp(installedDir, copyDir, { recursive: true });
  for (const [file, step] of [
    ['lib/web/fetch/body.js', lazyRequestBody],
    ['lib/web/fetch/index.js', fetchAssertsSource],
  ] as const) {
    const path = join(copyDir, file);
    await writeFile(path, step.rewrite(await readFile(path, 'utf8')));
  }
  installed = load(installedDir);
  rewritten = load(copyDir);
  server = createServer((req, res) => {
    if (req.url === '/moved') {
      res.writeHead(307, { location: '/echo?after=307' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo = {
        method: req.method,
        url: req.url,
        type: req.headers['content-type'] ?? null,
        length: req.headers['content-length'] ?? null,
        body: Buffer.concat(chunks).toString('latin1'),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([installed?.close(), rewritten?.close()]);
  await new Promise((resolve) => server?.close(resolve));
  if (copyDir) await rm(copyDir, { recursive: true, force: true });
});

/** What the server saw of a POST of `body` to `path`, or what the fetch threw. */
async function sent(u: Undici, dispatcher: unknown, path: string, body: (u: Undici) => unknown): Promise<unknown> {
  try {
    const init = { method: 'POST', body: body(u), dispatcher, duplex: 'half' } as RequestInit;
    const res = await u.fetch(`${base}${path}`, init);
    // A multipart body's boundary is random.
    const echo = JSON.parse((await res.text()).replace(/formdata-undici-0\d{11}/g, 'formdata-undici-0<boundary>'));
    return { status: res.status, redirected: res.redirected, url: res.url.replace(base, ''), echo };
  } catch (err) {
    return `threw: ${(err as Error).message}`;
  }
}

const bodies: Record<string, (u: Undici) => unknown> = {
  string: () => 'héllo, wörld',
  empty: () => '',
  bytes: () => new TextEncoder().encode('bytes \u0000\u00ff'),
  'array buffer': () => new Uint8Array([1, 2, 3, 250]).buffer,
  'data view': () => new DataView(new Uint8Array([9, 8, 7]).buffer),
  'search params': () => new URLSearchParams({ a: '1', b: 'x y' }),
  blob: () => new Blob(['blob body'], { type: 'text/x-blob' }),
  'form data': (u) => {
    const form = new u.FormData();
    form.set('field', 'value');
    return form;
  },
  'async iterable': () =>
    (async function* () {
      yield new TextEncoder().encode('streamed ');
      yield new TextEncoder().encode('body');
    })(),
};

describe("undici's lazy request bodies (scripts/rewrites.mjs)", () => {
  for (const [name, body] of Object.entries(bodies)) {
    it(`sends a ${name} body as the installed undici does, redirected (307) or not, whichever way the dispatcher takes it`, async () => {
      for (const way of [0, 1]) {
        for (const path of ['/echo', '/moved']) {
          const expected = await sent(installed, installed.dispatchers[way], path, body);
          // A streamed body has no bytes to send again: fetch does not follow a 307 with it.
          if (name === 'async iterable' && path === '/moved') expect(expected).toBe('threw: fetch failed');
          else expect(expected).toMatchObject({ status: 200, redirected: path === '/moved' });
          expect(await sent(rewritten, rewritten.dispatchers[way], path, body)).toEqual(expected);
        }
      }
    });
  }

  it('reads, clones and re-wraps a Request or Response of bytes as the installed undici does', async () => {
    const story = async (u: Undici) => {
      const seen: unknown[] = [];
      const request = new u.Request(`${base}/echo`, { method: 'POST', body: 'request body' });
      seen.push(request.bodyUsed);
      const copy = request.clone();
      seen.push(await copy.text(), copy.bodyUsed, request.bodyUsed);
      const wrapped = new u.Request(request);
      seen.push(request.bodyUsed, await wrapped.arrayBuffer().then((b) => b.byteLength));
      const streamed = new u.Request(`${base}/echo`, { method: 'POST', body: new Uint8Array([104, 105]) });
      const reader = streamed.body!.getReader();
      const chunks: number[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(...r.value);
      seen.push(chunks, streamed.bodyUsed, await streamed.text().catch((err: Error) => `threw: ${err.name}`));
      const response = new u.Response('response body', { headers: { 'x-k': 'v' } });
      seen.push(await response.clone().text(), await response.text(), response.bodyUsed);
      return seen;
    };
    expect(await story(rewritten)).toEqual(await story(installed));
  });

  it('makes no stream for a body of bytes the dispatcher takes as bytes: one stream a call, the reply', async () => {
    const made = async (u: Undici) => {
      const Original = globalThis.ReadableStream;
      let count = 0;
      const Base = Original as unknown as new (...args: unknown[]) => object;
      globalThis.ReadableStream = class extends Base {
        constructor(...args: unknown[]) {
          super(...args);
          count++;
        }
      } as unknown as typeof ReadableStream;
      try {
        await sent(u, u.dispatchers[1], '/echo', bodies.string!);
      } finally {
        globalThis.ReadableStream = Original;
      }
      return count;
    };
    expect(await made(installed)).toBe(2);
    expect(await made(rewritten)).toBe(1);
  });
});
