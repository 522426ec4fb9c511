import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

// Three shards of a task, merged, give the same per-row counts and the same calls as one unsharded run.

const TASK = `
name: shards
prompts:
  - id: short
    user: "Question {{q}}."
  - id: long
    user: "Please answer question {{q}}."
providers:
  - openai:gpt-4o-mini
examples:
${Array.from({ length: 7 }, (_, i) => `  - { vars: { q: "q${i}" }, expected: "a${i}" }`).join('\n')}
checks:
  - type: equals
settings: { concurrency: 4, max_retries: 0, repeat: 2 }
`;

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({
    rules: [
      { match: /question q[25]\./, reply: 'wrong' }, // the long prompt fails on examples 2 and 5
      { match: 'Question q6.', reply: 'x', fault: '500' }, // the short prompt errors on example 6
    ],
    defaultReply: (req) => `a${/q(\d+)\./.exec(req.lastUser)![1]}`,
  });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' };
});
afterAll(() => server.close());

const counts = (record: any) =>
  record.summary.map((r: any) => ({ prompt: r.prompt, n: r.n, passed: r.passed, failed: r.failed, errors: r.errors, quality: r.quality }));
const keys = (record: any) => record.results.map((r: any) => `${r.prompt}/${r.example}/${r.repeat}/${r.pass}`);

describe('--shard and merge', () => {
  it('merged shards equal an unsharded run', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const whole = await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'whole.json'], { env, cwd: dir });
    expect(whole.code).toBe(0);
    const shardExamples: number[][] = [];
    for (const k of [1, 2, 3]) {
      const res = await runCli(['eval', 'task.yaml', '--no-cache', '--shard', `${k}/3`, '-o', `s${k}.json`], { env, cwd: dir });
      expect(res.code).toBe(0);
      const rec = JSON.parse(await readFile(join(dir, `s${k}.json`), 'utf8'));
      expect(rec.shard).toEqual({ index: k, count: 3 });
      expect(rec.complete).toBe(true);
      shardExamples.push([...new Set<number>(rec.results.map((r: any) => r.example))].sort());
    }
    // Whole examples, round-robin: a partition of 0..6.
    expect(shardExamples).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);

    const merged = await runCli(['merge', 's2.json', 's1.json', 's3.json', '-o', 'merged.json'], { env, cwd: dir });
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    const a = JSON.parse(await readFile(join(dir, 'whole.json'), 'utf8'));
    const b = JSON.parse(await readFile(join(dir, 'merged.json'), 'utf8'));
    expect(counts(b)).toEqual(counts(a));
    expect(counts(a)).toEqual([
      expect.objectContaining({ prompt: 'short', n: 14, passed: 12, failed: 0, errors: 2 }),
      expect.objectContaining({ prompt: 'long', n: 14, passed: 10, failed: 4, errors: 0 }),
    ]);
    expect(keys(b)).toEqual(keys(a));
    expect(b.inputs).toEqual(a.inputs); // what was sent, once per prompt and example, in plan order
    expect(b).toMatchObject({ complete: true, plannedCalls: 28, shard: null });
    expect(b.summary[1].vsFirst).toEqual(a.summary[1].vsFirst);
    expect(b.costUsd.models).toBeCloseTo(a.costUsd.models, 12);
    expect(b.mergedFrom).toHaveLength(3);
  });

  it('refuses overlapping shards, other tasks and non-shard records (exit 2); a missing shard leaves it incomplete', async () => {
    const dir = await workdir({ 'task.yaml': TASK, 'other.yaml': TASK.replace('name: shards', 'name: other') });
    for (const [file, shard, out] of [
      ['task.yaml', '1/2', 'a.json'],
      ['task.yaml', '2/2', 'b.json'],
      ['other.yaml', '2/2', 'c.json'],
    ]) {
      expect((await runCli(['eval', file!, '--no-cache', '--shard', shard!, '-o', out!], { env, cwd: dir })).code).toBe(0);
    }
    expect((await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'plain.json'], { env, cwd: dir })).code).toBe(0);
    const overlap = await runCli(['merge', 'a.json', 'a.json', '-o', 'm.json'], { env, cwd: dir });
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/overlaps/);
    const other = await runCli(['merge', 'a.json', 'c.json', '-o', 'm.json'], { env, cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/different task/);
    expect((await runCli(['merge', 'a.json', 'plain.json', '-o', 'm.json'], { env, cwd: dir })).code).toBe(2);
    const half = await runCli(['merge', 'a.json', '-o', 'm.json', '--json'], { env, cwd: dir });
    expect(half.code).toBe(0);
    expect(JSON.parse(half.stdout)).toMatchObject({ complete: false, stopReason: { kind: 'shards', missing: ['2/2'], incomplete: [] } });
    expect((await runCli(['eval', 'task.yaml', '--shard', '3/2'], { env, cwd: dir })).code).toBe(2);
  });
});
