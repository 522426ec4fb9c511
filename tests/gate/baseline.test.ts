import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

// A saved run, then the same task again after the "model" changed: a big drop on 30 examples is
// significant and fails --max-regression; a small wobble on 10 examples is reported as too few to tell.

const task = (n: number) => `
name: baseline
prompts:
  - id: p
    user: "Question {{q}}."
providers:
  - openai:gpt-4o-mini
examples:
${Array.from({ length: n }, (_, i) => `  - { vars: { q: "q${i}" }, expected: "a${i}" }`).join('\n')}
checks:
  - type: equals
settings: { concurrency: 4, max_retries: 0 }
`;

/** Replies right, except for the question numbers in `wrong`. */
const answer = (wrong: Set<number>) => (req: { lastUser: string }) => {
  const i = Number(/q(\d+)\./.exec(req.lastUser)![1]);
  return wrong.has(i) ? 'nope' : `a${i}`;
};

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({ defaultReply: answer(new Set()) });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function twoRuns(n: number, wrongNow: number[], args: string[]) {
  const dir = await workdir({ 'task.yaml': task(n) });
  server.setOptions({ defaultReply: answer(new Set()) });
  const base = await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'base.json'], { env, cwd: dir });
  expect(base.code).toBe(0);
  server.setOptions({ defaultReply: answer(new Set(wrongNow)) });
  const now = await runCli(['eval', 'task.yaml', '--no-cache', '--baseline', 'base.json', '-o', 'now.json', ...args], { env, cwd: dir });
  return { dir, now };
}

describe('--baseline', () => {
  it('a significant regression fails --max-regression (exit 1)', async () => {
    const wrong = Array.from({ length: 12 }, (_, i) => i * 2); // 12 of 30 now fail: b=12, c=0, p=2^-11
    const { now } = await twoRuns(30, wrong, ['--max-regression', '0.05', '--json']);
    expect(now.code).toBe(1);
    const record = JSON.parse(now.stdout);
    const row = record.baseline.rows[0];
    expect(row).toMatchObject({ status: 'paired', examples: 30, worse: 12, better: 0, canTell: true });
    expect(row.quality.diff).toBeCloseTo(-0.4, 10);
    expect(row.pValue).toBeCloseTo(2 ** -11, 12); // exact two-sided binomial: 2 * 0.5^12
    expect(row.costRatio).not.toBeNull();
    const gate = record.gates.checks.find((c: { name: string }) => c.name === 'max-regression');
    expect(gate).toMatchObject({ pass: false, limit: 0.05, why: { code: 'significant-drop', worse: 12, better: 0 } });
    expect(gate.actual).toBeCloseTo(0.4, 10);
  });

  it('a wobble on few examples is not flagged: it says it cannot tell, and the gate is inconclusive', async () => {
    const { now } = await twoRuns(10, [3, 7], ['--max-regression', '0.05']); // 2 worse, 0 better: p=0.5
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/too few examples to tell apart: need >= 6 differing examples \(2 differ\)/);
    expect(now.stdout).toMatch(/max-regression .* inconclusive .* inconclusive: the drop is not significant \(p=0\.50\); too few examples to tell/);
    expect(now.stdout).toMatch(/Gates passed \(1 inconclusive/);
    expect(now.stdout).toMatch(/Compared with base\.json/);
  });

  it('without --max-regression the comparison is reported but never fails', async () => {
    const { now } = await twoRuns(
      30,
      Array.from({ length: 12 }, (_, i) => i),
      [],
    );
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/worse \(p<0\.001\)/);
  });
});

describe('aijourney compare', () => {
  it('prints the same comparison for two saved runs (exit 0); a non-record is exit 2', async () => {
    const { dir } = await twoRuns(10, [1], []);
    const res = await runCli(['compare', 'base.json', 'now.json', '--json'], { env, cwd: dir });
    expect(res.code).toBe(0);
    const cmp = JSON.parse(res.stdout);
    expect(cmp.rows[0]).toMatchObject({ examples: 10, worse: 1, better: 0 });
    expect(cmp.rows[0].pValue).toBeCloseTo(1, 10);
    const text = await runCli(['compare', 'base.json', 'now.json'], { env, cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/worse .* better/);
    await writeFile(join(dir, 'junk.json'), '{"hello": 1}');
    const bad = await runCli(['compare', 'base.json', 'junk.json'], { env, cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an aijourney run record/);
  });

  it('reports examples and rows missing on one side instead of pairing them', async () => {
    const dirA = await workdir({ 'task.yaml': task(6) });
    server.setOptions({ defaultReply: answer(new Set()) });
    expect((await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'a.json'], { env, cwd: dirA })).code).toBe(0);
    await writeFile(join(dirA, 'task.yaml'), task(8).replace('  - openai:gpt-4o-mini', '  - openai:gpt-4o-mini\n  - openai:gpt-4o'));
    expect((await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'b.json'], { env, cwd: dirA })).code).toBe(0);
    const res = await runCli(['compare', 'a.json', 'b.json', '--json'], { env, cwd: dirA });
    const cmp = JSON.parse(res.stdout);
    expect(cmp.notes.join('\n')).toMatch(/examples differ: 6 shared, 2 only in this run, 0 only in the baseline/);
    expect(cmp.rows[0]).toMatchObject({ status: 'paired', examples: 6, unpaired: { onlyRun: 2, onlyBaseline: 0 } });
    expect(cmp.rows[1]).toMatchObject({ provider: 'openai:gpt-4o', status: 'missing-in-baseline' });
  });
});

describe('--max-regression on a sample too small to show the drop', () => {
  it('passes as inconclusive and says how many examples it would take', async () => {
    const { now } = await twoRuns(10, [], ['--max-regression', '0.05', '--json']);
    expect(now.code).toBe(0);
    const gate = JSON.parse(now.stdout).gates.checks.find((c: { name: string }) => c.name === 'max-regression');
    expect(gate).toMatchObject({ pass: true, inconclusive: true, why: { code: 'undetectable', examples: 10, needed: 120 } });
  });
});
