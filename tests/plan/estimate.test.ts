import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// An absurd plan is refused before it is paid for: every multiplier has a bound in the schema
// (the invalid corpus holds one file per bound), and a plan over the default ceilings (10,000
// calls, an estimated $10) does not start without --yes (or, for cost, a budget): exit 2 with the
// dry-run estimate, and not one request reaches the server.

let server: WireServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startWireServer();
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const examples = (n: number) => Array.from({ length: n }, (_, i) => `  - vars: { q: "q${i}" }`).join('\n');

/** 101 examples x 100 repeats = 10,100 calls, all free. */
const MANY_CALLS = `
name: many-calls
prompt: "Q {{q}}"
providers:
  - { id: free, type: openai, model: m, price: { input_per_mtok: 0, output_per_mtok: 0 } }
examples:
${examples(101)}
checks: [{ type: max-length, value: 1000 }]
settings: { repeat: 100 }
`;

/** One call whose reply may cost up to $100 (1000 tokens at $100,000 per million). */
const DEAR = `
name: dear
prompt: "Q {{q}}"
providers:
  - { id: dear, type: openai, model: m, price: { input_per_mtok: 0, output_per_mtok: 100000 }, params: { max_tokens: 1000 } }
examples:
${examples(1)}
checks: [{ type: max-length, value: 1000 }]
`;

describe('default ceilings', () => {
  it('over 10,000 calls: exit 2 with the estimate, zero requests', async () => {
    const dir = await workdir({ 'task.yaml': MANY_CALLS });
    const res = await runCli(['eval', 'task.yaml', '--no-cache'], { cwd: dir, env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/Planned calls: 10100\./);
    expect(res.stderr).toMatch(
      /aijourney: the plan makes up to 10,100 calls, over the default ceiling of 10,000: not starting \(check it with --dry-run; to run it anyway, pass --yes\)\n$/,
    );
    expect(res.stdout).toBe('');
    expect(server.stats().total).toBe(0);
  });

  it('a budget does not lift the call ceiling; --yes does', async () => {
    const dir = await workdir({ 'task.yaml': MANY_CALLS });
    expect((await runCli(['eval', 'task.yaml', '--no-cache', '--max-cost', '5'], { cwd: dir, env })).code).toBe(2);
    expect(server.stats().total).toBe(0);
    // With --yes it starts: a server that rejects the key stops it at the first calls (exit 3).
    server.setOptions({ apiKey: 'another-key' });
    try {
      const res = await runCli(['eval', 'task.yaml', '--no-cache', '--yes', '-j', '2'], { cwd: dir, env });
      expect(res.code).toBe(3);
      expect(server.stats().total).toBeGreaterThan(0);
      expect(server.stats().total).toBeLessThanOrEqual(2);
    } finally {
      server.setOptions({ apiKey: undefined });
    }
  });

  it('an estimated cost over $10: exit 2, zero requests; --max-cost or --yes lets it start', async () => {
    const dir = await workdir({ 'task.yaml': DEAR });
    const refused = await runCli(['eval', 'task.yaml', '--no-cache', '--json'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/Estimated cost: \$0\.\d+ – \$100\.00\./);
    expect(refused.stderr).toMatch(
      /an estimated cost of up to \$100\.00, over the default ceiling of \$10\.00: not starting .*--max-cost USD .* or pass --yes\)\n$/,
    );
    expect(server.stats().total).toBe(0);
    expect((await runCli(['eval', 'task.yaml', '--no-cache', '--max-cost', '200'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['eval', 'task.yaml', '--no-cache', '--yes'], { cwd: dir, env })).code).toBe(0);
    expect(server.stats().total).toBe(2);
  });

  it('the task file budget (gates.max_cost_usd) replaces the cost ceiling too', async () => {
    const dir = await workdir({ 'task.yaml': `${DEAR}gates: { max_cost_usd: 500 }\n` });
    expect((await runCli(['eval', 'task.yaml', '--no-cache'], { cwd: dir, env })).code).toBe(0);
  });

  it('--dry-run shows a plan over the ceilings and exits 0', async () => {
    const dir = await workdir({ 'task.yaml': MANY_CALLS });
    const res = await runCli(['eval', 'task.yaml', '--dry-run'], { cwd: dir, env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Planned calls: 10100\./);
  });
});

describe('bounds in the schema', () => {
  it.each([
    ['judge.samples', 'judge: { model: openai:gpt-4o, rubric: ok, samples: 26 }', 'judge.samples: must be <= 25, got 26'],
    ['settings.timeout_ms', 'settings: { timeout_ms: 2147483648 }', 'settings.timeout_ms: must be <= 2147483647, got 2147483648'],
    ['settings.repeat', 'settings: { repeat: 101 }', 'settings.repeat: must be <= 100, got 101'],
    [
      'params.stream',
      'judge: { model: { type: openai, model: gpt-4o, params: { stream: true } }, rubric: ok }',
      'judge.model.params.stream: streaming is not supported',
    ],
  ])('%s', async (_field, yaml, message) => {
    const dir = await workdir({ 'task.yaml': `${DEAR}${yaml}\n` });
    const res = await runCli(['eval', 'task.yaml'], { cwd: dir, env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.stats().total).toBe(0);
  });
});
