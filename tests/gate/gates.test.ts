import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

// Each gate through the built CLI: a limit the run meets (exit 0) and one it misses (exit 1).
// 10 examples: 8 answered right, 1 wrong, 1 a server error => raw pass rate 8/9, error rate 1/10.

const examples = Array.from({ length: 10 }, (_, i) => `  - { vars: { q: "q${i}" }, expected: "a${i}" }`).join('\n');
const task = (extra = '', model = 'openai:gpt-4o-mini') => `
name: gates
prompts:
  - id: p
    user: "Question {{q}}."
providers:
  - ${model}
examples:
${examples}
checks:
  - type: equals
settings: { concurrency: 4, max_retries: 0, timeout_ms: 5000 }
${extra}`;

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({
    rules: [
      { match: 'Question q8.', reply: 'wrong' },
      { match: 'Question q9.', reply: 'x', fault: '500' },
      { match: /Question q(\d)\./, reply: (req) => `a${/q(\d)/.exec(req.lastUser)![1]}`, latencyMs: 40 },
    ],
  });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k', ANTHROPIC_BASE_URL: server.anthropicBaseUrl, ANTHROPIC_API_KEY: 'k' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function run(args: string[], taskText = task()) {
  const dir = await workdir({ 'task.yaml': taskText });
  const res = await runCli(['eval', 'task.yaml', '--no-cache', ...args], { env, cwd: dir });
  const json = args.includes('--json') ? JSON.parse(res.stdout) : null;
  return { ...res, json };
}

const gate = (json: any, name: string) => json.gates.checks.find((c: any) => c.name === name);

describe('gates', () => {
  it('no gates: exit 0 and no gates section', async () => {
    const res = await run(['--json']);
    expect(res.code).toBe(0);
    expect(res.json.gates).toBeUndefined();
  });

  it('min-quality passes and fails on the pass rate (no judge), and says so', async () => {
    const pass = await run(['--json', '--min-quality', '0.85']);
    expect(pass.code).toBe(0);
    expect(gate(pass.json, 'min-quality')).toMatchObject({ row: 'p × openai:gpt-4o-mini', limit: 0.85, pass: true, basis: 'raw', confidence: 'estimate' });
    expect(gate(pass.json, 'min-quality').actual).toBeCloseTo(8 / 9, 10);
    const fail = await run(['--min-quality', '0.95']);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/Gates FAILED/);
    expect(fail.stdout).toMatch(/min-quality[\s│|]+p × openai:gpt-4o-mini[\s│|]+≥ 95\.0%[\s│|]+88\.9%[\s│|]+FAIL/);
  });

  it('a flag overrides the task gate', async () => {
    const text = task('gates: { min_quality: 0.99 }');
    expect((await run([], text)).code).toBe(1);
    expect((await run(['--min-quality', '0.5'], text)).code).toBe(0);
  });

  it('max-error-rate counts errors over planned calls', async () => {
    const pass = await run(['--json', '--max-error-rate', '0.1']);
    expect(pass.code).toBe(0);
    expect(gate(pass.json, 'max-error-rate')).toMatchObject({ actual: 0.1, pass: true });
    const fail = await run(['--json', '--max-error-rate', '0.05']);
    expect(fail.code).toBe(1);
    expect(fail.json.gates).toMatchObject({ passed: false });
  });

  it('max-p95-ms', async () => {
    expect((await run(['--max-p95-ms', '600000'])).code).toBe(0);
    const fail = await run(['--json', '--max-p95-ms', '1']);
    expect(fail.code).toBe(1);
    expect(gate(fail.json, 'max-p95-ms').actual).toBeGreaterThanOrEqual(40);
  });

  it('max-cost is checked on the whole run', async () => {
    const pass = await run(['--json', '--max-cost', '1']);
    expect(pass.code).toBe(0);
    expect(gate(pass.json, 'max-cost')).toMatchObject({ row: 'whole run', pass: true });
    expect(gate(pass.json, 'max-cost').actual).toBeGreaterThan(0);
  });

  it('a gate on an unknown value fails with the reason, never a silent pass', async () => {
    const res = await run(['--json', '--max-cost', '100'], task('', 'openai:no-such-model-xyz'));
    expect(res.code).toBe(1);
    const c = gate(res.json, 'max-cost');
    expect(c).toMatchObject({ actual: null, pass: false, why: { code: 'unknown-cost', providers: ['openai:no-such-model-xyz'] } });
    const text = await run(['--max-cost', '100'], task('', 'openai:no-such-model-xyz'));
    expect(text.stdout).toMatch(/cost unknown \(unknown price: openai:no-such-model-xyz\)/);
  });

  it('bad gate values are usage errors (exit 2)', async () => {
    expect((await run(['--min-quality', '1.5'])).code).toBe(2);
    expect((await run(['--max-regression', '0.1'])).code).toBe(2); // needs --baseline
  });
});
