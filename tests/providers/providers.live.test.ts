import { describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';

// Against the real APIs; skipped unless the keys are set. Costs a fraction of a cent.
const task = (provider: string, judge: string) => `
name: live-smoke
prompt: "What is 2 + 2? Answer with the number only."
providers: [${provider}]
examples:
  - vars: {}
    expected: "4"
    labels:
      - { output: "4", verdict: pass }
      - { output: "5", verdict: fail }
checks: [{ type: equals }]
judge: { model: ${judge}, rubric: Pass if the answer is the number 4. }
settings: { concurrency: 2, max_retries: 2, timeout_ms: 30000 }
`;

const keys = (names: string[]) => Object.fromEntries(names.map((n) => [n, process.env[n] ?? '']));

describe.skipIf(!process.env.OPENAI_API_KEY)('live: OpenAI', () => {
  it('runs, prices and judges a real call', async () => {
    const dir = await workdir({ 'task.yaml': task('openai:gpt-4o-mini', 'openai:gpt-4o-mini') });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env: keys(['OPENAI_API_KEY']), cwd: dir });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.results[0].output.trim()).toBe('4');
    expect(record.results[0].costUsd).toBeGreaterThan(0);
    expect(record.judge.candidates[0].n).toBe(2);
  });
});

describe.skipIf(!process.env.ANTHROPIC_API_KEY)('live: Anthropic', () => {
  it('runs, prices and judges a real call', async () => {
    const dir = await workdir({ 'task.yaml': task('anthropic:claude-haiku-4-5', 'anthropic:claude-haiku-4-5') });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env: keys(['ANTHROPIC_API_KEY']), cwd: dir });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.results[0].output.trim()).toMatch(/^4\.?$/);
    expect(record.results[0].costUsd).toBeGreaterThan(0);
    expect(record.judge.candidates[0].n).toBe(2);
  });
});
