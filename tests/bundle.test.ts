import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runBuilt, runProcess, workdir } from './helpers/cli.js';
import { startWireServer, type WireServer } from './server/wire-server.mjs';

// The rest of the suite runs the CLI in-process; these few run what users install: the built
// bundle behind bin/aijourney.js, as a process of its own, with its exit codes.
let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({ defaultReply: (req) => /Say (\w+)/.exec(req.lastUser)?.[1] ?? '' });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' };
});
afterAll(() => server.close());

const TASK = `name: bundle
prompts: ["Say {{word}}"]
providers: [openai:gpt-4o-mini]
examples:
  - { vars: { word: yes }, expected: "yes" }
  - { vars: { word: no }, expected: "no" }
checks: [{ type: equals }]
`;

const BUNDLE = join(ROOT, 'dist/bundle');

/** The text of a bundle file and of every file it imports statically, as Node loads them with it. */
async function staticClosure(entry: string): Promise<string> {
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await readFile(join(BUNDLE, file), 'utf8');
    for (const m of text.matchAll(/from"\.\/([\w-]+\.js)"/g)) await visit(m[1]!);
  };
  await visit(entry);
  return (await Promise.all([...seen].map((f) => readFile(join(BUNDLE, f), 'utf8')))).join('\n');
}

describe('the built bundle', () => {
  it('starts without the HTTP stack: what cli.js imports statically is the command line (undici came in once through the secret masking)', async () => {
    const loaded = await staticClosure('cli.js');
    // esbuild keeps the paths of CommonJS modules in the bundle: undici's and commander's.
    expect(loaded).not.toContain('node_modules/undici/');
    expect(loaded).toContain('node_modules/commander/');
  });

  it("an eval's modules leave out what it does not use: zod's other locales, ajv, undici's mocks, WebSocket and request API", async () => {
    const cli = await readFile(join(BUNDLE, 'cli.js'), 'utf8');
    const loaded = await staticClosure(/import\("\.\/(eval-[\w-]+\.js)"\)/.exec(cli)![1]!);
    expect(loaded).toContain('Invalid input: expected'); // zod's English messages, which the task schema's errors fall back on
    expect(loaded).not.toContain('erwartet'); // its German ones: `import { z } from 'zod'` bundles every locale (~440 KB)
    expect(loaded).not.toContain('node_modules/ajv/'); // loaded for a task with a JSON Schema only (score/json.ts)
    expect(loaded).toContain('node_modules/undici/lib/web/fetch/');
    expect(loaded).not.toContain('node_modules/undici/lib/mock/');
    expect(loaded).not.toContain('node_modules/undici/lib/web/websocket/');
    expect(loaded).toContain('node_modules/undici/lib/api/api-connect.js'); // ProxyAgent's tunnels
    expect(loaded).not.toContain('node_modules/undici/lib/api/api-request.js'); // fetch dispatches directly
  });

  it("holds genai-prices' data as a string for JSON.parse, not as a 480 KB object literal (scripts/bundle.mjs)", async () => {
    const files = (await readdir(BUNDLE)).filter((f) => f.endsWith('.js'));
    const texts = await Promise.all(files.map((f) => readFile(join(BUNDLE, f), 'utf8')));
    const prices = texts.filter((t) => t.includes('https://www.anthropic.com/pricing'));
    expect(prices).toHaveLength(1);
    expect(prices[0]).toContain(`JSON.parse('[{"id":"anthropic","name":"Anthropic",`);
    expect(prices[0]).not.toContain('{id:"anthropic"');
  });

  it('applied every rewrite step of scripts/rewrites.mjs (a step whose file changed shape is skipped with a warning)', async () => {
    const steps = JSON.parse(await readFile(join(BUNDLE, 'rewrites.json'), 'utf8'));
    expect(steps).toEqual({
      'genai-prices-data-as-json': 'applied',
      'genai-prices-lazy-ancestors': 'applied',
      'undici-lazy-http2': 'applied',
      'undici-lazy-request-body': 'applied',
      'undici-fetch-asserts-source': 'applied',
    });
  });

  it('prices every OpenAI and Anthropic model as the installed genai-prices does, its data and unit registry rewritten', async () => {
    const file = (await readdir(BUNDLE)).find((f) => /^prices-\w+\.js$/.test(f));
    const bundled = (await import(join(BUNDLE, file!))) as typeof import('../src/cost/prices.js');
    const installed = await import('../src/cost/prices.js');
    const rows = installed.listModels().filter((row) => row.provider === 'openai' || row.provider === 'anthropic');
    expect(rows.length).toBeGreaterThan(50);
    expect(bundled.listModels()).toEqual(installed.listModels());
    // Cache reads and writes bring in more of the units and their ancestors (each price key's are checked).
    const usage = { inputTokens: 12_345, outputTokens: 678, cacheReadTokens: 2_000, cacheWriteTokens: 300 };
    const costs = (prices: typeof installed) =>
      rows.map((row) => prices.callCost({ id: `${row.provider}:${row.model}`, type: row.provider as 'openai', model: row.model, params: {} }, usage));
    const expected = costs(installed);
    expect(expected.filter((usd) => usd !== null).length).toBeGreaterThan(50);
    expect(costs(bundled)).toEqual(expected);
  });

  it('prints its version (the package.json one)', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const res = await runBuilt(['--version']);
    expect(res).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(BIN).toMatch(/bin\/aijourney\.js$/);
  });

  it('validates a shipped example (exit 0)', async () => {
    const res = await runBuilt(['validate', 'examples/factual-qa.yaml']);
    expect(res.code, res.stderr).toBe(0);
  });

  it('runs an eval: exit 0, 1 when a gate fails, 2 on bad input before any call', async () => {
    const dir = await workdir({ 'task.yaml': TASK, 'bad.yaml': TASK.replace('checks:', 'chekcs:') });
    const ok = await runBuilt(['eval', 'task.yaml', '--json', '--no-cache'], { env, cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).summary[0].quality).toMatchObject({ rate: 1 });
    const gated = await runBuilt(['eval', 'task.yaml', '--max-p95-ms', '0'], { env, cwd: dir });
    expect(gated.code).toBe(1);
    server.reset();
    const bad = await runBuilt(['eval', 'bad.yaml'], { env, cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^aijourney: bad\.yaml:\d+:\d+: /);
    expect(server.requests).toHaveLength(0);
  });

  it('caches through the bundled better-sqlite3: a second run replays every call, with no warning', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    server.reset();
    const first = await runBuilt(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    const again = await runBuilt(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(again.stdout).results.map((r: { cached: boolean }) => r.cached)).toEqual([true, true]);
    expect(first.stderr + again.stderr).not.toContain('response cache');
  });

  it("an eval loads one HTTP stack: Node's own copy of undici is never loaded (the SDKs' Headers and FormData are undici's), nor node:http2", async () => {
    const dir = await workdir({
      'task.yaml': TASK,
      // Node loads its bundled undici the first time anything touches the global Headers, Response, FormData or fetch.
      'stacks.cjs': `process.on('exit', () => process.stderr.write('node undici loaded: ' + process.moduleLoadList.some((m) => m.includes('internal/deps/undici')) + ', http2 loaded: ' + process.moduleLoadList.includes('NativeModule http2') + '\\n'));`,
    });
    const res = await runProcess(process.execPath, ['-r', './stacks.cjs', BIN, 'eval', 'task.yaml', '--no-cache'], { env, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    // undici's HTTP/2 client requires node:http2 as it loads, unless scripts/bundle.mjs made that lazy (lazyHttp2).
    expect(res.stderr).toContain('node undici loaded: false, http2 loaded: false');
  });
});
