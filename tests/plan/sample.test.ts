import { describe, expect, it } from 'vitest';
import { selectExamples } from '../../src/plan/select.js';
import type { Example } from '../../src/task/types.js';
import { startWireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

const examples: Example[] = Array.from({ length: 20 }, (_, index) => ({ index, vars: { n: String(index) }, labels: [] }));

describe('selectExamples', () => {
  it('--limit takes the first N in file order', () => {
    expect(selectExamples(examples, { limit: 3 }).map((e) => e.index)).toEqual([0, 1, 2]);
  });

  it('--sample draws N distinct examples, in file order, the same for the same seed', () => {
    const a = selectExamples(examples, { sample: 5, seed: 7 }).map((e) => e.index);
    expect(a).toHaveLength(5);
    expect(new Set(a).size).toBe(5);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(selectExamples(examples, { sample: 5, seed: 7 }).map((e) => e.index)).toEqual(a);
    const seeds = [1, 2, 3, 4, 5].map((seed) =>
      selectExamples(examples, { sample: 5, seed })
        .map((e) => e.index)
        .join(),
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
    expect(selectExamples(examples, { limit: 4, sample: 10 }).map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(selectExamples(examples, { limit: 10, sample: 3, seed: 1 }).every((e) => e.index < 10)).toBe(true);
  });
});

describe('eval --limit / --sample on a data file', () => {
  it("runs only the selected rows, keeping each row's original example index", async () => {
    const server = await startWireServer({ defaultReply: (req) => req.lastUser });
    try {
      const csv = `q\n${Array.from({ length: 12 }, (_, i) => `row ${i}`).join('\n')}\n`;
      const task = 'name: big\nprompt: "{{q}}"\nproviders: [openai:gpt-4o-mini]\nexamples: { file: rows.csv }\nsettings: { max_retries: 0 }\n';
      const dir = await workdir({ 'task.yaml': task, 'rows.csv': csv });
      const env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' };
      const limited = JSON.parse((await runCli(['eval', 'task.yaml', '--json', '--no-cache', '--limit', '3'], { env, cwd: dir })).stdout);
      expect(limited.results.map((r: { example: number }) => r.example)).toEqual([0, 1, 2]);
      expect(limited.summary[0].n).toBe(3);

      const run = async () => (await runCli(['eval', 'task.yaml', '--json', '--no-cache', '--sample', '4', '--seed', '9'], { env, cwd: dir })).stdout;
      const sampled = JSON.parse(await run());
      const picked = sampled.results.map((r: { example: number; output: string }) => [r.example, r.output]);
      expect(picked).toHaveLength(4);
      for (const [example, output] of picked) expect(output).toContain(`row ${example}`);
      expect(JSON.parse(await run()).results.map((r: { example: number }) => r.example)).toEqual(picked.map((p: [number]) => p[0]));

      const bad = await runCli(['eval', 'task.yaml', '--sample', '0'], { env, cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--sample must be a whole number');
    } finally {
      await server.close();
    }
  });
});
