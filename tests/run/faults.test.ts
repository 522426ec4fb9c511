import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { FAULT_KINDS, startWireServer, type FaultKind, type WireServer } from '../server/wire-server.mjs';

// Every call must end as a result or as an error row naming its cause: none lost, none counted
// twice, and per row passed + failed + errors = the planned calls.

const EXAMPLES = 15;
const task = (extra = '') => `
name: faults
prompts:
  - id: p
    user: "Say {{word}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
examples:
${Array.from({ length: EXAMPLES }, (_, i) => `  - vars: { word: w${i} }\n    expected: "echo: Say w${i}"`).join('\n')}
checks:
  - type: equals
settings: { concurrency: 8, timeout_ms: 700, max_retries: 2, repeat: 2${extra} }
`;
const PLANNED = EXAMPLES * 2 * 2;

/** What an error row must say for each kind of failure. */
const CAUSE: Record<FaultKind, RegExp> = {
  '429': /HTTP 429 rate limited \(after 2 retries\)/,
  '500': /HTTP 500 server error \(after 2 retries\)/,
  '503': /HTTP 503 server error \(after 2 retries\)/,
  '529': /HTTP 529 overloaded \(after 2 retries\)/,
  timeout: /timed out after 700 ms \(after 2 retries\)/,
  reset: /connection to .* failed \(after 2 retries\)/,
  truncated: /bad response: body is not valid JSON/,
  nonjson: /bad response: (body is not valid JSON|not a .*non-JSON body)/,
  empty: /bad response: empty completion/,
};
const ANY_CAUSE = new RegExp(
  Object.values(CAUSE)
    .map((r) => r.source)
    .join('|'),
);

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer({ latencyMs: 5 });
});
afterAll(() => server.close());
const env = () => ({
  OPENAI_BASE_URL: server.openaiBaseUrl,
  ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
  OPENAI_API_KEY: 'test-key',
  ANTHROPIC_API_KEY: 'test-key',
});

function checkAccounting(record: any): void {
  expect(record.complete).toBe(true);
  expect(record.results).toHaveLength(PLANNED);
  const ids = new Set(record.results.map((r: any) => `${r.prompt}|${r.provider}|${r.example}|${r.repeat}`));
  expect(ids.size).toBe(PLANNED);
  for (const row of record.summary) {
    expect(row.n).toBe(EXAMPLES * 2);
    expect(row.passed + row.failed + row.errors).toBe(row.n);
    const rs = record.results.filter((r: any) => r.provider === row.provider);
    expect(row.errors).toBe(rs.filter((r: any) => r.error !== null && r.output === null).length);
    expect(row.retries).toBe(rs.reduce((s: number, r: any) => s + r.retries, 0));
  }
  for (const r of record.results) {
    if (r.output === null) {
      expect(r.pass).toBeNull();
      expect(r.error).toMatch(ANY_CAUSE);
      expect(r.error).toContain(r.provider);
    } else {
      expect(r.error).toBeNull();
      expect(r.pass).toBe(true);
      expect(r.output).toBe(`echo: Say w${r.example}`);
    }
  }
}

describe('random faults at 25%', () => {
  it.each([1, 2, 3])('seed %i: every call is a result or a named error, and the counts add up', async (seed) => {
    server.reset();
    server.setOptions({ faults: { rate: 0.25, kinds: [...FAULT_KINDS], seed } });
    const dir = await workdir({ 'task.yaml': task() });
    const res = await runCli(['eval', 'task.yaml', '--json', '--no-cache'], { env: env(), cwd: dir });
    server.setOptions({ faults: { rate: 0, kinds: [] } });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    checkAccounting(record);
    expect(server.stats().faults).toBeGreaterThan(10);
    // Retried faults show up as retries; every attempt the server saw is accounted for.
    const attempts = record.results.reduce((s: number, r: any) => s + 1 + r.retries, 0);
    expect(attempts).toBe(server.stats().total);
  });
});

describe.each(FAULT_KINDS)('every attempt fails with %s', (kind) => {
  it('gives an error row per call naming the cause, with the retries counted', async () => {
    server.reset();
    server.setOptions({ rules: [{ match: 'Say w3', reply: 'x', fault: kind }] });
    const dir = await workdir({ 'task.yaml': task() });
    const res = await runCli(['eval', 'task.yaml', '--json', '--no-cache'], { env: env(), cwd: dir });
    server.setOptions({ rules: [] });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    checkAccounting(record);
    const failed = record.results.filter((r: any) => r.output === null);
    expect(failed.map((r: any) => r.example)).toEqual([3, 3, 3, 3]);
    for (const r of failed) expect(r.error).toMatch(CAUSE[kind]);
    const retried = ['429', '500', '503', '529', 'timeout', 'reset'].includes(kind);
    for (const r of failed) expect(r.retries).toBe(retried ? 2 : 0);
    for (const row of record.summary) expect(row.errors).toBe(2);
  });
});

it('faults on the first attempts are retried to a clean result, the retries counted', async () => {
  server.reset();
  server.setOptions({ failFirst: { count: 2, kind: '503' } });
  const dir = await workdir({ 'task.yaml': task() });
  const res = await runCli(['eval', 'task.yaml', '--json'], { env: env(), cwd: dir });
  server.setOptions({ failFirst: undefined });
  expect(res.code).toBe(0);
  const record = JSON.parse(res.stdout);
  checkAccounting(record);
  expect(record.results.every((r: any) => r.pass === true)).toBe(true);
  // Each distinct body (repeats share one) failed twice; those failures are the retries counted.
  const bodies = EXAMPLES * 2;
  expect(record.results.reduce((s: number, r: any) => s + r.retries, 0)).toBe(bodies * 2);
  expect(server.stats().total).toBe(PLANNED + bodies * 2);
});

describe('the fetch the SDKs are given', () => {
  it('decodes a compressed reply, names a refused connection, and aborts with an AbortError', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    const { createTransport } = await import('../../src/providers/transport.js');
    const srv = createServer((req, res) => {
      if (req.url === '/hang') return;
      res.writeHead(201, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-echo': req.headers['x-test'] ?? '' });
      res.end(gzipSync(JSON.stringify({ ok: true, method: req.method })));
    });
    await new Promise<void>((done) => srv.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
    const transport = createTransport({});
    try {
      const lean = transport.fetch;
      const res = await lean(`${base}/x`, { method: 'POST', body: '{}', headers: { 'x-test': 'yes' } });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-echo')).toBe('yes');
      expect(await res.json()).toEqual({ ok: true, method: 'POST' });

      // A port nothing listens on (port 1 is one fetch refuses to use at all).
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const closedPort = (closed.address() as { port: number }).port;
      await new Promise((done) => closed.close(done));
      const refused = await lean(`http://127.0.0.1:${closedPort}/x`).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TypeError);
      expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');

      const controller = new AbortController();
      const hung = lean(`${base}/hang`, { signal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 20);
      expect((await hung) as Error).toMatchObject({ name: 'AbortError' });
    } finally {
      await transport.close();
      srv.closeAllConnections();
      srv.close();
    }
  });
});
