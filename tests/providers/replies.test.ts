import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, tokenCount, type WireServer } from '../server/wire-server.mjs';

// Reply shapes real servers send, through the real SDKs and CLI: content parts, refusals, empty
// replies cut at the token limit, replies without usage.

const TASK = `name: replies
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
settings: { concurrency: 1, max_retries: 0, timeout_ms: 5000 }
`;

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer();
  env = {
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    OPENAI_API_KEY: 'sk-test-replies',
    ANTHROPIC_API_KEY: 'sk-ant-test-replies',
  };
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.setOptions({ shape: undefined, rules: [] });
});

async function evalTask(flags: string[] = []) {
  const dir = await workdir({ 'task.yaml': TASK });
  const res = await runCli(['eval', 'task.yaml', '--no-cache', '--no-color', '--runs-dir', 'runs', ...flags], { env, cwd: dir });
  const [file] = await readdir(join(dir, 'runs'));
  return { ...res, record: JSON.parse(await readFile(join(dir, 'runs', file!), 'utf8')) };
}

describe('reply shapes', () => {
  it('content as an array of parts: the text parts are joined, thinking is not part of the answer', async () => {
    server.setOptions({ shape: 'parts' });
    const { code, record } = await evalTask();
    expect(code).toBe(0);
    expect(record.results.map((r: any) => r.output)).toEqual([
      'echo: Say one',
      'echo: Say two',
      'echo: Say three',
      'echo: Say one',
      'echo: Say two',
      'echo: Say three',
    ]);
    expect(record.results.every((r: any) => r.pass === true)).toBe(true);
  });

  it("a refusal is its own outcome: the provider's reason kept, neither pass nor fail, its tokens billed", async () => {
    server.setOptions({ rules: [{ match: 'Say two', reply: 'I cannot help with that request.', shape: 'refusal' }] });
    const { code, record, stdout } = await evalTask();
    expect(code).toBe(0);
    const refusals = record.results.filter((r: any) => r.refusal !== undefined);
    expect(refusals).toHaveLength(2);
    for (const r of refusals) {
      expect(r).toMatchObject({
        output: null,
        pass: null,
        refusal: 'I cannot help with that request.',
        usage: { outputTokens: tokenCount('I cannot help with that request.') },
      });
      expect(r.error).toBe(`${r.provider}: refused: I cannot help with that request.`);
      expect(r.costUsd).toBeGreaterThan(0);
    }
    expect(record.summary.map((s: any) => [s.passed, s.errors, s.refusals])).toEqual([
      [2, 1, 1],
      [2, 1, 1],
    ]);
    expect(stdout).toContain('refused: I cannot help with that request.');
  });

  it('an empty reply cut at the token limit is an error row with its usage and cost, charged to the budget', async () => {
    const reply = 'x'.repeat(4000); // 1,000 output tokens billed, no text returned
    server.setOptions({ rules: [{ match: 'Say', reply, shape: 'length' }] });
    const first = await evalTask();
    expect(first.code).toBe(3); // every call failed
    for (const r of first.record.results) {
      expect(r).toMatchObject({ output: null, pass: null, usage: { outputTokens: 1000 } });
      expect(r.error).toMatch(/: empty reply cut at the token limit \((finish_reason=length|stop_reason=max_tokens), 1000 output tokens\): raise max_tokens$/);
      expect(r.costUsd).toBeGreaterThan(0);
    }
    const total = first.record.results.reduce((s: number, r: any) => s + r.costUsd, 0);
    expect(first.record.costUsd.models).toBeCloseTo(total, 12);
    expect(first.record.costUsd.spentNow).toBeCloseTo(total, 12);

    // A budget of two calls' worth stops the run after they are spent (one call at a time).
    const perCall = Math.max(...first.record.results.map((r: any) => r.costUsd));
    server.reset();
    const capped = await evalTask(['--max-cost', String(perCall * 2)]);
    expect(capped.record.complete).toBe(false);
    expect(capped.record.stopReason).toMatchObject({ kind: 'budget' });
    expect(server.stats().total).toBeLessThan(6);
  });

  it('a reply without usage costs "unknown", never $0', async () => {
    server.setOptions({ shape: 'no-usage' });
    const { code, record, stdout } = await evalTask();
    expect(code).toBe(0);
    expect(record.results.every((r: any) => r.pass === true && r.usage === null && r.costUsd === null)).toBe(true);
    expect(record.summary.map((s: any) => s.costUsd.total)).toEqual([null, null]);
    expect(record.costUsd.models).toBeNull();
    expect(stdout).toMatch(/Cost: .*unknown/);
    expect(stdout).not.toMatch(/\$0(?![.\d])/);
  });
});
