import { describe, expect, it } from 'vitest';
import { discordantPairs, summarize } from '../src/summarize.js';
import type { CallResult, Task } from '../src/types.js';

const task = {
  prompts: [{ id: 'a', user: '' }, { id: 'b', user: '' }],
  providers: [{ id: 'm', type: 'openai', model: 'm', params: {} }],
  examples: Array.from({ length: 6 }, (_, index) => ({ index, vars: {}, labels: [] })),
  settings: { concurrency: 1, repeat: 1, timeoutMs: 1, maxRetries: 0 },
} as unknown as Task;

function result(prompt: string, example: number, pass: boolean | null, costUsd: number | null = 0.001, latencyMs = 100): CallResult {
  return {
    prompt, provider: 'm', example, repeat: 0, output: pass === null ? null : 'x', error: pass === null ? 'HTTP 500' : null,
    usage: null, costUsd: pass === null ? null : costUsd, latencyMs, cached: false, retries: 0, checks: [], judge: null, pass,
  };
}

describe('summarize', () => {
  it('counts passes, fails and errors per row, in task order', () => {
    const rows = summarize(task, [
      ...[true, true, false, true, null, true].map((p, i) => result('a', i, p)),
      ...[false, true, false, false, false, true].map((p, i) => result('b', i, p)),
    ]);
    expect(rows.map((r) => [r.prompt, r.n, r.passed, r.failed, r.errors])).toEqual([
      ['a', 6, 4, 1, 1],
      ['b', 6, 2, 4, 0],
    ]);
    expect(rows[0]!.quality.rate).toBeCloseTo(4 / 5, 12);
    expect(rows[0]!.costUsd.total).toBeCloseTo(0.005, 12);
    expect(rows[0]!.costUsd.per1kCalls).toBeCloseTo(1, 12);
  });

  it('pairs rows on the same examples for the exact McNemar test, leaving errors out', () => {
    // Pairs (a, b) on examples 0-5: (T,F) (T,T) (F,F) (T,F) (err,F) (T,T) -> b = 2, c = 0 over 5 pairs.
    const a = [true, true, false, true, null, true].map((p, i) => result('a', i, p));
    const b = [false, true, false, false, false, true].map((p, i) => result('b', i, p));
    expect(discordantPairs(a, b)).toEqual({ b: 2, c: 0, pairs: 5 });
    const rows = summarize(task, [...a, ...b]);
    expect(rows[0]!.vsFirst).toBeNull();
    // scipy.stats.binomtest(0, 2, 0.5).pvalue = 0.5
    expect(rows[1]!.vsFirst).toMatchObject({ b: 2, c: 0 });
    expect(rows[1]!.vsFirst!.pValue).toBeCloseTo(0.5, 12);
  });

  it('shows an unknown price as unknown, never as zero', () => {
    const rows = summarize(task, [result('a', 0, true, null), result('a', 1, true, 0.002)]);
    expect(rows[0]!.costUsd).toEqual({ total: null, per1kCalls: null, unknownPrice: true });
  });

  it('computes latency percentiles over every call with a latency', () => {
    const rows = summarize(task, [10, 20, 30, 40, 1000].map((ms, i) => result('a', i, true, 0, ms)));
    // numpy.percentile([10, 20, 30, 40, 1000], [50, 95]) = [30, 808]
    expect(rows[0]!.latencyMs.p50).toBeCloseTo(30, 9);
    expect(rows[0]!.latencyMs.p95).toBeCloseTo(808, 9);
    expect(rows[0]!.latencyMs.max).toBe(1000);
  });
});
