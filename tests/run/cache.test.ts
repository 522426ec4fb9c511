import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_FILE, openSqliteCache } from '../../src/run/cache.js';
import { cacheKey, callModel, type CachedCompletion } from '../../src/run/call.js';
import type { CompletionRequest, ModelClient } from '../../src/providers/types.js';
import type { ProviderSpec } from '../../src/task/types.js';
import { ROOT, runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

const entry = (text: string): CachedCompletion => ({ text, usage: { inputTokens: 3, outputTokens: 5 }, latencyMs: 123 });

function warnings(): { warn: (m: string) => void; seen: string[] } {
  const seen: string[] = [];
  return { warn: (m) => seen.push(m), seen };
}

describe('sqlite response cache', () => {
  it('stores and replays output, usage, tool input and latency', async () => {
    const dir = await workdir();
    const w = warnings();
    const cache = await openSqliteCache(join(dir, 'c'), w);
    cache.set('k1', { ...entry('hello'), toolInput: { verdict: 'pass' } });
    cache.set('k2', { text: 'no usage', usage: null, latencyMs: 7 });
    expect(cache.get('k1')).toEqual({ ...entry('hello'), toolInput: { verdict: 'pass' } });
    expect(cache.get('k2')).toEqual({ text: 'no usage', usage: null, latencyMs: 7 });
    expect(cache.get('missing')).toBeUndefined();
    cache.close();
    const again = await openSqliteCache(join(dir, 'c'), w);
    expect(again.get('k1')?.text).toBe('hello');
    again.close();
    expect(w.seen).toEqual([]);
  });

  it('a corrupt database warns once and runs uncached', async () => {
    const dir = await workdir();
    await mkdir(join(dir, 'c'));
    await writeFile(join(dir, 'c', CACHE_FILE), 'this is not a database '.repeat(500));
    const w = warnings();
    const cache = await openSqliteCache(join(dir, 'c'), w);
    expect(cache.enabled).toBe(false);
    cache.set('k', entry('x'));
    expect(cache.get('k')).toBeUndefined();
    cache.close();
    expect(w.seen).toHaveLength(1);
    expect(w.seen[0]).toMatch(/running without the cache/);
  });

  it('an unusable directory warns once and runs uncached', async () => {
    const dir = await workdir({ 'a-file': 'x' });
    const w = warnings();
    const cache = await openSqliteCache(join(dir, 'a-file', 'cache'), w);
    expect(cache.enabled).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', entry('x'));
    expect(w.seen).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only cache warns once on the first write', async () => {
    const dir = await workdir();
    const c = join(dir, 'c');
    (await openSqliteCache(c, warnings())).close();
    await chmod(join(c, CACHE_FILE), 0o444);
    await chmod(c, 0o555);
    const w = warnings();
    const cache = await openSqliteCache(c, w);
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    expect(w.seen).toHaveLength(1);
    await chmod(c, 0o755);
  });

  it('two processes writing at once lose nothing and leave a sound database', async () => {
    const dir = await workdir();
    const c = join(dir, 'shared');
    const script = `
      const { openSqliteCache } = await import(${JSON.stringify(join(ROOT, 'dist/run/cache.js'))});
      const cache = await openSqliteCache(process.argv[1], { warn: (m) => { console.error(m); process.exitCode = 1; } });
      for (let i = 0; i < 400; i++) {
        cache.set(process.argv[2] + i, { text: 'v' + i, usage: null, latencyMs: i });
        if (i % 50 === 0) cache.get(process.argv[2] + (i - 1));
      }
      if (!cache.enabled) process.exitCode = 1;
      cache.close();`;
    const run = (prefix: string) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, c, prefix], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => done({ code, stderr }));
      });
    const results = await Promise.all([run('a'), run('b'), run('c')]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    const cache = await openSqliteCache(c, warnings());
    for (const prefix of ['a', 'b', 'c']) {
      for (let i = 0; i < 400; i += 37) expect(cache.get(prefix + i)?.text).toBe(`v${i}`);
    }
    cache.close();
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(join(c, CACHE_FILE), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) AS n FROM responses').get()).toEqual({ n: 1200 });
    db.close();
  });
});

describe('cache key', () => {
  const spec: ProviderSpec = { id: 'openai:m', type: 'openai', model: 'm', params: { temperature: 0 } } as ProviderSpec;
  const client = (over: Partial<ProviderSpec> = {}, baseUrl?: string): ModelClient => ({
    spec: { ...spec, ...over },
    ...(baseUrl ? { baseUrl } : {}),
    complete: async () => ({ text: 'live', usage: { inputTokens: 1, outputTokens: 1 } }),
  });
  const request: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0 } };

  it('changes with everything that changes an answer', () => {
    const base = cacheKey(client(), request, 0);
    const variants = [
      cacheKey(client({ type: 'anthropic' }), request, 0),
      cacheKey(client({}, 'http://other/v1'), request, 0),
      cacheKey(client({ model: 'm2' }), request, 0),
      cacheKey(client({ params: { temperature: 1 } }), request, 0),
      cacheKey(client(), { ...request, params: { temperature: 0.5 } }, 0),
      cacheKey(client(), { ...request, messages: [{ role: 'user', content: 'hello' }] }, 0),
      cacheKey(client(), { ...request, structured: { name: 'n', description: 'd', schema: {} } }, 0),
      cacheKey(client(), request, 1),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    expect(cacheKey(client(), { ...request }, 0)).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replays a hit with its original latency and cost, spending nothing; errors are not stored', async () => {
    const dir = await workdir();
    const cache = await openSqliteCache(join(dir, 'c'), warnings());
    let t = 0;
    const spent: number[] = [];
    const ctx = { cache, now: () => (t += 40), onSpend: (usd: number) => spent.push(usd) };
    const priced = client({ price: { inputPerMtok: 1_000_000, outputPerMtok: 1_000_000 } } as Partial<ProviderSpec>);
    const first = await callModel(priced, request, 0, ctx);
    const second = await callModel(priced, request, 0, ctx);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, latencyMs: first.latencyMs, costUsd: first.costUsd, retries: 0 });
    expect(second.completion?.text).toBe('live');
    expect(spent).toEqual([first.costUsd]);

    const failing: ModelClient = { ...priced, complete: async () => Promise.reject(Object.assign(new Error('boom'), { attempts: 3 })) };
    const bad = await callModel(failing, request, 5, ctx);
    expect(bad).toMatchObject({ completion: null, retries: 2 });
    expect(cache.get(cacheKey(failing, request, 5))).toBeUndefined();
    cache.close();
  });
});

describe('cache through the CLI', () => {
  let server: WireServer;
  const TASK = `
name: cached
prompts:
  - id: p
    user: "Say {{word}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
examples:
  - vars: { word: alpha }
    expected: "echo: Say alpha"
    labels:
      - { output: "echo: Say alpha", verdict: pass }
      - { output: "nope", verdict: fail }
  - vars: { word: beta }
    expected: "echo: Say beta"
judge:
  model: openai:gpt-4o
  rubric: Pass if it echoes.
settings: { concurrency: 4, repeat: 3 }
`;
  beforeAll(async () => {
    // Every model reply is unique (a counter), so no two judge requests are alike.
    let n = 0;
    server = await startWireServer({
      latencyMs: 30,
      rules: [{ match: /<output_to_grade>\n(echo: Say \w+( #\d+)?)\n<\/output_to_grade>\s*$/, reply: JSON.stringify({ verdict: 'pass', reason: 'echoes' }) }],
      defaultReply: (req) => (req.system.includes('impartial grader') ? JSON.stringify({ verdict: 'fail', reason: 'no' }) : `echo: ${req.lastUser} #${n++}`),
    });
  });
  afterAll(() => server.close());
  const env = () => ({
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    OPENAI_API_KEY: 'test-key',
    ANTHROPIC_API_KEY: 'test-key',
  });

  it('a re-run replays every call, judge included, with original latency and cost and spends 0', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    server.reset();
    const first = await runCli(['eval', 'task.yaml', '--json'], { env: env(), cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const made = server.stats().total;
    // 2 providers x 2 examples x 3 repeats, each judged once, plus 2 calibration calls
    expect(made).toBe(12 + 12 + 2);
    const a = JSON.parse(first.stdout);
    expect(a.results.every((r: any) => r.cached === false && r.judge?.verdict === 'pass')).toBe(true);

    server.reset();
    const second = await runCli(['eval', 'task.yaml', '--json'], { env: env(), cwd: dir });
    expect(second.code).toBe(0);
    expect(server.stats().total).toBe(0);
    const b = JSON.parse(second.stdout);
    expect(b.results.every((r: any) => r.cached === true)).toBe(true);
    expect(b.results.map((r: any) => [r.latencyMs, r.costUsd, r.output, r.judge.verdict])).toEqual(
      a.results.map((r: any) => [r.latencyMs, r.costUsd, r.output, r.judge.verdict]),
    );
    expect(b.costUsd.total).toBe(a.costUsd.total);
    expect(a.costUsd.spentNow).toBeGreaterThan(0);
    expect(b.costUsd.spentNow).toBe(0);
    expect(b.summary.map((row: any) => row.cached)).toEqual([6, 6]);
  });

  it('--no-cache calls again and --cache-dir moves the store', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    server.reset();
    await runCli(['eval', 'task.yaml', '--json', '--cache-dir', 'elsewhere'], { env: env(), cwd: dir });
    expect(await readdir(join(dir, 'elsewhere'))).toContain(CACHE_FILE);
    expect(await readdir(join(dir, '.aijourney'))).not.toContain('cache');
    server.reset();
    const uncached = await runCli(['eval', 'task.yaml', '--json', '--cache-dir', 'elsewhere', '--no-cache'], { env: env(), cwd: dir });
    expect(uncached.code).toBe(0);
    expect(server.stats().total).toBe(26);
    server.reset();
    const replay = await runCli(['eval', 'task.yaml', '--json', '--cache-dir', 'elsewhere'], { env: env(), cwd: dir });
    expect(replay.code).toBe(0);
    expect(server.stats().total).toBe(0);
  });

  it('a corrupt cache file does not stop the run', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    await mkdir(join(dir, 'c'));
    await writeFile(join(dir, 'c', CACHE_FILE), Buffer.alloc(8192, 7));
    const res = await runCli(['eval', 'task.yaml', '--json', '--cache-dir', 'c'], { env: env(), cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/warning: response cache .* running without the cache/);
    expect(JSON.parse(res.stdout).results).toHaveLength(12);
  });
});
