import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

const TASK = (providers: string[]) => `
name: auth
prompts:
  - id: p
    user: "Say {{word}}"
providers:
${providers.map((p) => `  - ${p}`).join('\n')}
examples:
${Array.from({ length: 20 }, (_, i) => `  - vars: { word: w${i} }\n    expected: "echo: Say w${i}"`).join('\n')}
checks:
  - type: equals
settings: { concurrency: 2, max_retries: 3 }
`;

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer({ latencyMs: 20, apiKey: 'the-right-key' });
});
afterAll(() => server.close());

describe('a rejected key', () => {
  it.each([
    ['anthropic:claude-haiku-4-5', 'ANTHROPIC_API_KEY', { OPENAI_API_KEY: 'the-right-key', ANTHROPIC_API_KEY: 'a-wrong-key' }],
    ['openai:gpt-4o-mini', 'OPENAI_API_KEY', { OPENAI_API_KEY: 'a-wrong-key', ANTHROPIC_API_KEY: 'the-right-key' }],
  ])('%s: stops at once with exit 3 and one line naming %s; the partial record is saved', async (provider, keyEnv, keys) => {
    server.reset();
    const dir = await workdir({ 'task.yaml': TASK(['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5']) });
    const env = { OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_BASE_URL: server.anthropicBaseUrl, ...keys };
    const res = await runCli(['eval', 'task.yaml', '--no-color'], { env, cwd: dir });
    expect(res.code).toBe(3);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^aijourney: authentication failed for ${provider}: the key in ${keyEnv} was rejected \\(HTTP 401\\)`));
    expect(res.stderr).not.toContain('a-wrong-key');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    // A 401 is not retried, and no further call starts after it.
    const rejected = server.requests.filter((r) => r.status === 401);
    expect(rejected.every((r) => r.attempt === 1)).toBe(true);
    expect(rejected.length).toBeLessThanOrEqual(2);
    expect(server.stats().total).toBeLessThan(40 + 2);

    const runs = join(dir, '.aijourney/runs');
    const [file] = await readdir(runs);
    const record = JSON.parse(await readFile(join(runs, file!), 'utf8'));
    expect(record.complete).toBe(false);
    expect(record.stopReason).toMatchObject({ kind: 'fatal', message: expect.stringContaining(`the key in ${keyEnv} was rejected`) });
    expect(record.results.length).toBeLessThan(40);
    expect(record.results.every((r: any) => r.provider !== provider)).toBe(true);
    for (const row of record.summary) expect(row.passed + row.failed + row.errors).toBeLessThanOrEqual(row.n);
  });

  it('a key that is missing fails before any call, naming the variable', async () => {
    server.reset();
    const dir = await workdir({ 'task.yaml': TASK(['anthropic:claude-haiku-4-5']) });
    const res = await runCli(['eval', 'task.yaml'], { env: { ANTHROPIC_BASE_URL: server.anthropicBaseUrl }, cwd: dir });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/missing API key: set ANTHROPIC_API_KEY/);
    expect(server.stats().total).toBe(0);
  });
});
