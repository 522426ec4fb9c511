import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

// The built CLI as a child process against the local wire server: every number in the run record
// is checked against values computed here from the server's token rule and the public prices.

const TASK = `
name: cli-basic
prompts:
  - id: p1
    user: "Q: {{q}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
examples:
  - { vars: { q: alpha }, expected: ALPHA }
  - { vars: { q: beta }, expected: BETA }
  - { vars: { q: gamma }, expected: GAMMA }
  - { vars: { q: delta }, expected: DELTA }
checks:
  - type: equals
settings: { concurrency: 4, max_retries: 0, timeout_ms: 5000 }
`;

// Public list prices, USD per million tokens (input, output).
const PRICE = { 'openai:gpt-4o-mini': [0.15, 0.6], 'anthropic:claude-haiku-4-5': [1, 5] } as const;
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({
    rules: [
      { match: 'Q: alpha', reply: 'alpha' },
      { match: 'Q: beta', reply: ' Beta\n' },
      { match: 'Q: gamma', reply: 'wrong' },
      { match: 'Q: delta', reply: 'x', fault: '500' },
    ],
  });
  env = {
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    OPENAI_API_KEY: 'test-openai-key',
    ANTHROPIC_API_KEY: 'test-anthropic-key',
  };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('aijourney eval', () => {
  it('runs every call, scores, prices and summarizes them', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.schema).toBe('aijourney.run/2');
    expect(record.task).toEqual({ name: 'cli-basic', file: 'task.yaml' });
    expect(record.results).toHaveLength(8);
    expect(record.complete).toBe(true);

    // One request per call (max_retries 0: the 500 is not retried), split by protocol.
    expect(server.stats()).toMatchObject({ total: 8, openai: 4, anthropic: 4 });

    for (const row of record.summary) {
      expect(row).toMatchObject({ prompt: 'p1', n: 4, passed: 2, failed: 1, errors: 1 });
      // scipy.stats.binomtest(2, 3).proportion_ci(method='wilson')
      expect(row.quality.rate).toBeCloseTo(2 / 3, 12);
      expect(row.quality.low).toBeCloseTo(0.20765960080204782, 12);
      expect(row.quality.high).toBeCloseTo(0.9385080552796038, 12);
      const [inP, outP] = PRICE[row.provider as keyof typeof PRICE];
      const answered = record.results.filter((r: any) => r.provider === row.provider && r.output !== null);
      const expected = answered.reduce((sum: number, r: any) => {
        const q = ['alpha', 'beta', 'gamma'][r.example]!;
        const reply = { alpha: 'alpha', beta: ' Beta\n', gamma: 'wrong' }[q]!;
        expect(r.usage).toEqual({ inputTokens: tokens(`Q: ${q}`), outputTokens: tokens(reply) });
        return sum + (tokens(`Q: ${q}`) * inP + tokens(reply) * outP) / 1e6;
      }, 0);
      expect(row.costUsd.total).toBeCloseTo(expected, 15);
      expect(row.costUsd.per1kCalls).toBeCloseTo((expected / 3) * 1000, 12);
      const lat = record.results.filter((r: any) => r.provider === row.provider).map((r: any) => r.latencyMs);
      expect(row.latencyMs.max).toBe(Math.max(...lat));
    }
    const gamma = record.results.find((r: any) => r.example === 2);
    expect(gamma.pass).toBe(false);
    expect(gamma.checks[0]).toMatchObject({ type: 'equals', pass: false });
    expect(gamma.checks[0].reason).toContain('GAMMA');
    const delta = record.results.find((r: any) => r.example === 3);
    expect(delta).toMatchObject({ pass: null, output: null, checks: [], judge: null });
    expect(delta.error).toMatch(/500/);
    expect(record.judgeCostUsd).toBeNull();

    // The same record is saved under .aijourney/runs.
    const saved = await readdir(join(dir, '.aijourney/runs'));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/-cli-basic\.json$/);
    expect(JSON.parse(await readFile(join(dir, '.aijourney/runs', saved[0]!), 'utf8')).results).toHaveLength(8);
  });

  it('prints tables without colour when not a TTY, and writes -o', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '-o', 'out/run.json'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toMatch(/\u001b\[/);
    expect(res.stdout).toContain('quality [95% CI]');
    expect(res.stdout).toMatch(/openai:gpt-4o-mini .* 4 .* 2 .* 1 .* 67% \[21%, 94%\]/);
    expect(res.stdout).toContain('Failing calls');
    expect(res.stdout).toContain('equals: expected "GAMMA", got "wrong"');
    expect(res.stdout).toMatch(/Prices: @pydantic\/genai-prices \d+\.\d+\.\d+ \(data of \d{4}-\d{2}-\d{2}\)/);
    const written = JSON.parse(await readFile(join(dir, 'out/run.json'), 'utf8'));
    expect(written.summary).toHaveLength(2);
  });

  it('fails with exit 3 and one line naming the variable when a key is missing, before any call', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const { ANTHROPIC_API_KEY: _drop, ...noAnthropic } = env;
    const res = await runCli(['eval', 'task.yaml'], { env: noAnthropic, cwd: dir });
    expect(res.code).toBe(3);
    expect(res.stderr.split('\n')[0]).toBe('aijourney: missing API key: set ANTHROPIC_API_KEY (used by provider "anthropic:claude-haiku-4-5")');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(server.stats().total).toBe(0);
  });

  it('rejects a broken task with exit 2 and file:line:col for every problem, before any call', async () => {
    const dir = await workdir({ 'task.yaml': TASK.replace('concurrency: 4, max_retries: 0', 'concurrency: 0, max_retries: -1') });
    const res = await runCli(['eval', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^aijourney: task\.yaml:16:\d+: settings\.concurrency: /);
    expect(lines[1]).toMatch(/^task\.yaml:16:\d+: settings\.max_retries: /);
    expect(server.stats().total).toBe(0);
  });

  it('rejects an undefined template variable with its line', async () => {
    const dir = await workdir({ 'task.yaml': TASK.replace('user: "Q: {{q}}"', 'user: "Q: {{question}}"') });
    const res = await runCli(['eval', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^aijourney: task\.yaml:5:\d+: prompts\.0\.user: .*question/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(server.stats().total).toBe(0);
  });

  it('validate checks without calling a model', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['validate', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('1 prompt(s) x 2 provider(s) x 4 example(s) x 1 repeat(s) = 8 calls');
    expect(server.stats().total).toBe(0);
  });

  it('sends params through the SDK and repeats each call', async () => {
    const task = TASK.replace('  - anthropic:claude-haiku-4-5\n', '')
      .replace('  - openai:gpt-4o-mini', '  - { id: mini, type: openai, model: gpt-4o-mini, params: { temperature: 0.2, seed: 7 } }')
      .replace('concurrency: 4', 'concurrency: 4, repeat: 3');
    const dir = await workdir({ 'task.yaml': task });
    const res = await runCli(['eval', 'task.yaml', '--json', '-j', '2'], { env, cwd: dir });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.results).toHaveLength(12);
    expect(record.summary[0]).toMatchObject({ provider: 'mini', n: 12, passed: 6, failed: 3, errors: 3 });
    expect(server.requests.every((r) => r.body.temperature === 0.2 && r.body.seed === 7 && r.body.model === 'gpt-4o-mini')).toBe(true);
  });
});
