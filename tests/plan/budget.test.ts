import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

// Dry runs call nothing (the server's counter proves it); --max-cost refuses a run whose estimate
// is already over, and stops issuing calls once the spend reaches it.

const LONG = 'x'.repeat(400); // 100 output tokens by the server's rule
const examples = Array.from({ length: 20 }, (_, i) => `  - { vars: { q: "q${i}" }, expected: "${LONG}" }`).join('\n');
// $1000 per million output tokens: every reply costs 100 * 0.001 = $0.10; input is free.
const TASK = `
name: budget
prompts:
  - id: p
    user: "Question {{q}}."
providers:
  - id: pricey
    type: openai
    model: pricey-model
    price: { input_per_mtok: 0, output_per_mtok: 1000 }
    params: { max_tokens: 200 }
examples:
${examples}
checks:
  - type: equals
settings: { concurrency: 2, max_retries: 0, timeout_ms: 5000 }
`;
const PER_CALL = 0.1;

const JUDGED = `
name: judged
prompts:
  - id: p
    user: "Question {{q}}."
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
  - openai:no-such-model-xyz
examples:
  - vars: { q: a }
    labels: [{ output: "fine", verdict: pass }, { output: "bad", verdict: fail }]
  - vars: { q: b }
    labels: [{ output: "fine", verdict: pass }]
judge:
  candidates: [{ model: openai:gpt-4o }, { model: anthropic:claude-haiku-4-5 }]
  rubric: Pass if fine.
  samples: 3
settings: { repeat: 2 }
`;

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({ defaultReply: LONG, latencyMs: 20 });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k', ANTHROPIC_BASE_URL: server.anthropicBaseUrl, ANTHROPIC_API_KEY: 'k' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('--dry-run', () => {
  it('prints calls and a cost range, exits 0, and makes zero requests (no key needed)', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--dry-run', '--no-cache'], { env: { OPENAI_BASE_URL: server.openaiBaseUrl }, cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(server.stats().total).toBe(0);
    expect(res.stdout).toMatch(/Planned calls: 20\b/);
    // low: 20 calls x 1 token x $0.001; high: 20 x 200 tokens x $0.001
    expect(res.stdout).toContain('Estimated cost: $0.0200 – $4.0000');
    expect(res.stdout).toMatch(/no model was called/);
  });

  it('prints the estimate as JSON with --json, and nothing else', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--dry-run', '--json'], { env: { OPENAI_BASE_URL: server.openaiBaseUrl }, cwd: dir });
    expect(res.code).toBe(0);
    const estimate = JSON.parse(res.stdout);
    expect(estimate).toMatchObject({ dryRun: true, calls: { low: 20, high: 20 } });
    expect(estimate.costUsd.low).toBeCloseTo(0.02, 10);
    expect(estimate.costUsd.high).toBeCloseTo(4, 10);
    expect(server.stats().total).toBe(0);
  });

  it('bounds the output by max_completion_tokens when that is the limit written (reasoning models)', async () => {
    const dir = await workdir({ 'task.yaml': TASK.replace('params: { max_tokens: 200 }', 'params: { max_completion_tokens: 50 }') });
    const res = await runCli(['eval', 'task.yaml', '--dry-run', '--json'], { env: { OPENAI_BASE_URL: server.openaiBaseUrl }, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const estimate = JSON.parse(res.stdout);
    expect(estimate.rows[0].outputTokens).toEqual({ low: 20, high: 20 * 50 });
    expect(estimate.costUsd.high).toBeCloseTo(1, 10); // 20 calls x 50 tokens x $0.001
  });

  it('counts judge calls: calibration = candidates x labels x samples; unknown prices are unknown', async () => {
    const dir = await workdir({ 'task.yaml': JUDGED });
    const res = await runCli(['eval', 'task.yaml', '--dry-run'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(server.stats().total).toBe(0);
    // 3 rows x 2 examples x 2 repeats = 12 model calls; calibration 2 candidates x 3 labels x 3 samples = 18;
    // grading at most 12 x 3 = 36.
    expect(res.stdout).toMatch(/Planned calls: 30 – 66\b/);
    expect(res.stdout).toMatch(/Estimated cost: unknown \(at least \$/);
    expect(res.stdout).toMatch(/Unknown price: openai:no-such-model-xyz/);
    expect(res.stdout).toMatch(/approximation/);
    expect(res.stdout).toMatch(/max_tokens not set .* 1024/);
  });
});

describe('--max-cost', () => {
  it('refuses to start when the lower bound is already over (exit 1, zero requests)', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--max-cost', '0.01', '--no-cache'], { env, cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/not starting/);
    expect(server.stats().total).toBe(0);
  });

  it('stops issuing calls at the budget; spend <= budget + calls in flight; the record says why', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const budget = 0.35;
    const res = await runCli(['eval', 'task.yaml', '--max-cost', String(budget), '--no-cache', '--json'], { env, cwd: dir });
    expect(res.code).toBe(1);
    const record = JSON.parse(res.stdout);
    expect(record.complete).toBe(false);
    expect(record.stopReason).toMatchObject({ kind: 'budget', limitUsd: budget });
    const made = server.stats().total;
    expect(made).toBeLessThan(20);
    expect(made).toBeGreaterThanOrEqual(4); // 3 calls do not reach $0.35
    expect(record.costUsd.spentNow).toBeCloseTo(made * PER_CALL, 10);
    expect(record.costUsd.spentNow).toBeLessThanOrEqual(budget + 2 * PER_CALL + 1e-9); // concurrency 2
    const gate = record.gates.checks.find((c: { name: string }) => c.name === 'max-cost');
    expect(gate.pass).toBe(false);
    expect(gate.why).toMatchObject({ code: 'budget-stop', planned: 20 });
  });
});

describe('one budget for every paid request', () => {
  it("stops the judge's calibration calls too: no model under test is called once calibration spent the budget", async () => {
    // A pricey judge: every calibration call costs $0.10 (the server answers with 100 output tokens).
    const labels = Array.from(
      { length: 20 },
      (_, i) => `  - vars: { q: "q${i}" }\n    labels: [{ output: "o${i}", verdict: ${i % 2 ? 'pass' : 'fail'} }]`,
    ).join('\n');
    const task = `name: judged-budget\nprompt: "Question {{q}}."\nproviders: [openai:gpt-4o-mini]\nexamples:\n${labels}\njudge:\n  model: { type: openai, model: pricey-judge, price: { input_per_mtok: 0, output_per_mtok: 1000 } }\n  rubric: Pass if right.\nsettings: { concurrency: 2, max_retries: 0 }\n`;
    const dir = await workdir({ 'task.yaml': task });
    const res = await runCli(['eval', 'task.yaml', '--max-cost', '0.35', '--no-cache', '--json', '--yes'], { env, cwd: dir });
    const record = JSON.parse(res.stdout);
    expect(record.stopReason).toMatchObject({ kind: 'budget', limitUsd: 0.35 });
    const judgeCalls = server.requests.filter((r) => r.body.model === 'pricey-judge').length;
    expect(judgeCalls).toBeGreaterThanOrEqual(4);
    expect(judgeCalls).toBeLessThan(20);
    expect(record.costUsd.spentNow).toBeLessThanOrEqual(0.35 + 2 * PER_CALL + 1e-9); // concurrency 2
    expect(server.requests.filter((r) => r.body.model === 'gpt-4o-mini')).toHaveLength(0);
    expect(res.code).toBe(1);
  });
});
