import { execFileSync, spawnSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { readFile, readdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerSecrets } from '../../src/providers/credentials.js';
import { proxyFor, proxySettings } from '../../src/providers/proxy-env.js';
import { runBuilt, runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// The HTTP stack the SDKs use (src/providers/transport.ts), through the real CLI: a forward proxy
// that must see every request, redirects, keep-alive, TLS through a CONNECT tunnel.

interface Proxy {
  url: string;
  /** `POST http://host/path` for proxied requests, `CONNECT host:port` for tunnels. */
  seen: string[];
  /** Proxy-Authorization headers received. */
  auth: string[];
  close(): Promise<void>;
}

/** A forward proxy on 127.0.0.1: absolute-form requests for http:// targets, CONNECT tunnels for https://. */
async function startProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const auth: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.headers['proxy-authorization']) auth.push(req.headers['proxy-authorization']);
    const { 'proxy-authorization': _a, 'proxy-connection': _c, ...headers } = req.headers;
    const upstream = http.request(req.url!, { method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    auth,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const TASK = `name: transport
prompt: "Say {{w}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
examples:
  - { vars: { w: one }, expected: "echo: Say one" }
  - { vars: { w: two }, expected: "echo: Say two" }
  - { vars: { w: three }, expected: "echo: Say three" }
checks:
  - type: equals
settings: { concurrency: 2, max_retries: 0, timeout_ms: 5000 }
`;

let server: WireServer;
let proxy: Proxy;
const keys = { OPENAI_API_KEY: 'sk-test-transport', ANTHROPIC_API_KEY: 'sk-ant-test-transport' };

beforeAll(async () => {
  server = await startWireServer();
  proxy = await startProxy();
});
afterAll(async () => {
  await server.close();
  await proxy.close();
});
beforeEach(() => {
  server.reset();
  server.setOptions({ apiKey: undefined, redirectOrigin: undefined });
  proxy.seen.length = 0;
  proxy.auth.length = 0;
});

async function evalTask(env: Record<string, string>, task = TASK, run = runCli) {
  const dir = await workdir({ 'task.yaml': task });
  const res = await run(['eval', 'task.yaml', '--no-cache', '--runs-dir', 'runs'], { env, cwd: dir });
  const runs = await readdir(join(dir, 'runs')).catch(() => []);
  const record = runs.length ? JSON.parse(await readFile(join(dir, 'runs', runs[0]!), 'utf8')) : null;
  return { ...res, record };
}

const wire = () => ({ OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_BASE_URL: server.anthropicBaseUrl, ...keys });

describe('behind a proxy', () => {
  it('HTTP_PROXY: the proxy sees every request, as an absolute-form request', async () => {
    const res = await evalTask({ ...wire(), HTTP_PROXY: proxy.url });
    expect(res.code, res.stderr).toBe(0);
    expect(server.stats().total).toBe(6);
    expect(proxy.seen).toHaveLength(6);
    expect(proxy.seen.filter((s) => s === `POST ${server.url}/v1/chat/completions`)).toHaveLength(3);
    expect(proxy.seen.filter((s) => s === `POST ${server.url}/v1/messages`)).toHaveLength(3);
  });

  it('lowercase http_proxy wins; NO_PROXY sends matching hosts direct; HTTPS_PROXY is not used for http:// URLs', async () => {
    expect((await evalTask({ ...wire(), http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' })).code).toBe(0);
    expect(proxy.seen).toHaveLength(6);
    const bypasses: Array<Record<string, string>> = [{ NO_PROXY: '127.0.0.1' }, { no_proxy: 'localhost,127.0.0.1' }, { NO_PROXY: '*' }];
    for (const bypass of bypasses) {
      proxy.seen.length = 0;
      expect((await evalTask({ ...wire(), HTTP_PROXY: proxy.url, ...bypass })).code).toBe(0);
      expect(proxy.seen, JSON.stringify(bypass)).toEqual([]);
    }
    expect((await evalTask({ ...wire(), HTTPS_PROXY: proxy.url })).code).toBe(0);
    expect(proxy.seen).toEqual([]);
  });

  it('proxy credentials are sent to the proxy, listed as secrets, and written nowhere', async () => {
    const withAuth = proxy.url.replace('http://', 'http://alice:pr0xy-s3cret@');
    const res = await evalTask({ ...wire(), HTTP_PROXY: withAuth });
    expect(res.code, res.stderr).toBe(0);
    expect(new Set(proxy.auth)).toEqual(new Set([`Basic ${Buffer.from('alice:pr0xy-s3cret').toString('base64')}`]));
    expect(providerSecrets({ id: 'x', type: 'openai', model: 'm', params: {} }, { HTTP_PROXY: withAuth })).toContain('pr0xy-s3cret');
    expect(`${res.stdout}${res.stderr}${JSON.stringify(res.record)}`).not.toContain('pr0xy-s3cret');
  });

  it('a proxy that is down: one line per call naming the proxy, without its credentials', async () => {
    const dead = await new Promise<number>((done) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => done(port));
      });
    });
    const res = await evalTask({ ...wire(), HTTP_PROXY: `http://bob:hunter2@127.0.0.1:${dead}` });
    expect(res.code).toBe(3);
    expect(res.record.results[0].error).toMatch(new RegExp(`connection to ${server.openaiBaseUrl} through the proxy http://127\\.0\\.0\\.1:${dead} failed`));
    expect(`${res.stdout}${res.stderr}${JSON.stringify(res.record)}`).not.toContain('hunter2');
  });

  it('reads proxies the way curl does', () => {
    const s = proxySettings({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', HTTP_PROXY: 'http://c:3', NO_PROXY: '.internal.example, api.local:8443' });
    expect(s).toEqual({ http: 'http://c:3', https: 'http://a:1', noProxy: '.internal.example, api.local:8443' });
    expect(proxySettings({ ALL_PROXY: 'http://d:4' })).toEqual({ http: 'http://d:4', https: 'http://d:4', noProxy: null });
    expect(proxyFor('https://api.openai.com/v1', s)).toBe('http://a:1');
    expect(proxyFor('https://llm.internal.example/v1', s)).toBeNull();
    expect(proxyFor('https://api.local:8443/v1', s)).toBeNull();
    expect(proxyFor('https://api.local/v1', s)).toBe('http://a:1');
    expect(proxyFor('http://127.0.0.1:11434/v1', s)).toBe('http://c:3');
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('HTTPS', () => {
  it('through HTTPS_PROXY: a CONNECT tunnel, TLS to the server trusted with NODE_EXTRA_CA_CERTS', async () => {
    const dir = await workdir();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const secure = await startWireServer({ tls: { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) } });
    try {
      const env = {
        OPENAI_BASE_URL: secure.openaiBaseUrl,
        ANTHROPIC_BASE_URL: secure.anthropicBaseUrl,
        ...keys,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
      };
      // NODE_EXTRA_CA_CERTS is read when a process starts: this one runs the built bundle.
      const res = await evalTask(env, TASK, runBuilt);
      expect(res.code, res.stderr).toBe(0);
      expect(secure.stats().total).toBe(6);
      const tunnels = proxy.seen.filter((s) => s === `CONNECT 127.0.0.1:${secure.port}`);
      expect(tunnels.length).toBe(proxy.seen.length);
      // Every connection the server accepted came through a tunnel, and keep-alive reused them.
      expect(secure.stats().connections).toBe(tunnels.length);
      expect(tunnels.length).toBeLessThanOrEqual(4);
    } finally {
      await secure.close();
    }
  });
});

describe('redirects and connections', () => {
  it('307 and 308 are followed with the same method and body, on the same origin with the key', async () => {
    server.setOptions({ apiKey: keys.OPENAI_API_KEY });
    for (const status of [307, 308]) {
      server.reset();
      const env = {
        ...keys,
        ANTHROPIC_API_KEY: keys.OPENAI_API_KEY,
        OPENAI_BASE_URL: `${server.url}/redirect/${status}/v1`,
        ANTHROPIC_BASE_URL: `${server.url}/redirect/${status}`,
      };
      const res = await evalTask(env);
      expect(res.code, res.stderr).toBe(0);
      expect(server.stats()).toMatchObject({ redirects: 6, total: 6 });
      expect(server.requests.every((r) => r.body.messages?.[0]?.content?.startsWith('Say '))).toBe(true);
    }
  });

  it('a redirect to another origin is followed; fetch drops the Authorization header there, as the standard says', async () => {
    const other = await startWireServer({ apiKey: keys.OPENAI_API_KEY });
    server.setOptions({ redirectOrigin: other.url });
    try {
      const task = TASK.replace('  - anthropic:claude-haiku-4-5\n', '').replace(
        '  - openai:gpt-4o-mini',
        `  - { type: openai, model: m, base_url: "${server.url}/redirect/307/v1", api_key_env: OPENAI_API_KEY }`,
      );
      const res = await evalTask(keys, task);
      // The right key was sent to the first origin; the second never gets it, so it answers 401.
      expect(res.code).toBe(3);
      expect(res.stderr).toContain('authentication failed');
      expect(server.stats().redirects).toBeGreaterThan(0);
      expect(other.requests.length).toBeGreaterThan(0);
      expect(other.requests.every((r) => r.status === 401)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('keep-alive: 12 calls at concurrency 2 go over a few reused connections', async () => {
    const task = `${TASK.replace('settings: { concurrency: 2', 'settings: { repeat: 2, concurrency: 2')}`;
    const res = await evalTask(wire(), task);
    expect(res.code, res.stderr).toBe(0);
    expect(server.stats().total).toBe(12);
    // A socket returns to the pool a moment after its reply is read, so a call may open one more.
    expect(server.stats().connections).toBeLessThanOrEqual(4);
  });
});

describe('replies that arrive together', () => {
  it('each next request is written before the following reply is handed over', async () => {
    const { createTransport } = await import('../../src/providers/transport.js');
    const events: string[] = [];
    const held: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        events.push(`received ${body}`);
        if (body.endsWith("'")) return void res.end('next');
        held.push(res);
        // All three replies in one tick: the client reads them in one poll phase.
        if (held.length === 3) for (const r of held) r.end('first');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const transport = createTransport({});
    try {
      await Promise.all(
        ['a', 'b', 'c'].map(async (id) => {
          const reply = await transport.fetch(url, { method: 'POST', body: id });
          events.push(`handed ${id}: ${await reply.text()}`);
          const next = await transport.fetch(url, { method: 'POST', body: `${id}'` });
          await next.text();
        }),
      );
    } finally {
      await transport.close();
      await new Promise((resolve) => server.close(resolve));
    }
    const handed = events.filter((e) => e.startsWith('handed'));
    expect(handed).toEqual(['handed a: first', 'handed b: first', 'handed c: first']);
    // Handed over all in one go, the three next requests would all be written after the third reply.
    const at = (e: string) => events.indexOf(e);
    expect(at("received a'")).toBeLessThan(at('handed b: first'));
    expect(at("received b'")).toBeLessThan(at('handed c: first'));
  });
});

describe('request bodies', () => {
  it("undici's fetch hands the dispatcher a body's bytes, not a stream to read them from, with and without an attempt log", async () => {
    const { createTransport } = await import('../../src/providers/transport.js');
    const { ATTEMPT_LOG } = await import('../../src/providers/attempts.js');
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const bodies: unknown[] = [];
    const onCreate = (message: unknown) => void bodies.push((message as { request: { body: unknown } }).request.body);
    diagnostics.subscribe('undici:request:create', onCreate);
    const transport = createTransport({});
    try {
      const log = { attempts: 1 };
      for (const init of [
        { method: 'POST', body: '{"a":"é"}' },
        { method: 'POST', body: '{"b":2}', [ATTEMPT_LOG]: log },
      ]) {
        const reply = await transport.fetch(url, init);
        expect(await reply.text()).toBe('ok');
      }
      expect(log).toMatchObject({ sentMs: expect.any(Number), repliedMs: expect.any(Number) });
    } finally {
      diagnostics.unsubscribe('undici:request:create', onCreate);
      await transport.close();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(received).toEqual(['{"a":"é"}', '{"b":2}']);
    expect(bodies.map((body) => (Buffer.isBuffer(body) ? body.toString() : typeof body))).toEqual(['{"a":"é"}', '{"b":2}']);
  });
});
