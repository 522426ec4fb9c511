import { describe, expect, it } from 'vitest';
import { mcnemarExact, wilson } from '../../src/stats/index.js';
import { pairedTest, summarize, type SummarizeOptions } from '../../src/summary/summarize.js';
import type { CallResult } from '../../src/record/schema.js';
import type { Task } from '../../src/task/types.js';

const task = {
  prompts: [
    { id: 'a', user: '' },
    { id: 'b', user: '' },
  ],
  providers: [{ id: 'm', type: 'openai', model: 'm', params: {} }],
  examples: Array.from({ length: 6 }, (_, index) => ({ index, vars: {}, labels: [] })),
  settings: { concurrency: 1, repeat: 1, timeoutMs: 1, maxRetries: 0 },
} as unknown as Task;
const options: SummarizeOptions = { decision: { minQuality: 0.8, minQualitySource: 'default', confidence: 'estimate', allowUntrustedJudge: false } };

function result(prompt: string, example: number, pass: boolean | null, costUsd: number | null = 0.001, latencyMs = 100, repeat = 0): CallResult {
  return {
    prompt,
    provider: 'm',
    example,
    repeat,
    output: pass === null ? null : 'x',
    error: pass === null ? 'HTTP 500' : null,
    usage: null,
    costUsd: pass === null ? null : costUsd,
    latencyMs,
    cached: false,
    retries: 0,
    checks: [],
    judge: null,
    pass,
  };
}

describe('summarize', () => {
  it('counts passes, fails and errors per row, in task order', () => {
    const rows = summarize(
      task,
      [...[true, true, false, true, null, true].map((p, i) => result('a', i, p)), ...[false, true, false, false, false, true].map((p, i) => result('b', i, p))],
      options,
    );
    expect(rows.map((r) => [r.prompt, r.n, r.passed, r.failed, r.errors])).toEqual([
      ['a', 6, 4, 1, 1],
      ['b', 6, 2, 4, 0],
    ]);
    expect(rows[0]!.quality).toMatchObject({ ...wilson(4, 5), nEff: 5 });
    expect(rows[0]!.costUsd.total).toBeCloseTo(0.005, 12);
    expect(rows[0]!.costUsd.per1kCalls).toBeCloseTo(1, 12);
    expect(rows[0]!.decision).toMatchObject({ basis: 'raw', estimate: 0.8, figure: 0.8, meets: true });
  });

  it('pairs rows on the same examples for the exact paired test, leaving errors out', () => {
    // Pairs (a, b) on examples 0-5: (T,F) (T,T) (F,F) (T,F) (err,F) (T,T): two examples worse, none better.
    const a = [true, true, false, true, null, true].map((p, i) => result('a', i, p));
    const b = [false, true, false, false, false, true].map((p, i) => result('b', i, p));
    expect(pairedTest(a, b)).toMatchObject({ examples: 5, differing: 2, canTell: false });
    const rows = summarize(task, [...a, ...b], options);
    expect(rows[0]!.vsFirst).toBeNull();
    expect(rows[1]!.vsFirst).toMatchObject({ examples: 5, differing: 2, canTell: false });
    expect(rows[1]!.vsFirst!.pValue).toBeCloseTo(mcnemarExact(2, 0), 12); // 0.5, scipy binomtest(0, 2)
  });

  it('treats repeats as clusters: the interval and the flip rate follow the examples', () => {
    const repeated = { ...task, settings: { ...task.settings, repeat: 3 } } as Task;
    // Every example's three repeats agree: 6 examples' worth of information, not 18 calls'.
    const rs = [true, true, false, true, false, true].flatMap((p, i) => [0, 1, 2].map((k) => result('a', i, p, 0.001, 100, k)));
    const [row] = summarize(repeated, rs, options);
    expect(row!.quality.nEff).toBe(6);
    expect(row!.quality.low).toBeCloseTo(wilson(4, 6).low!, 12);
    expect(row!.flipRate).toBe(0);
    const wobble = rs.map((r, i) => (i === 0 ? { ...r, pass: false } : r));
    expect(summarize(repeated, wobble, options)[0]!.flipRate).toBeCloseTo(1 / 6, 12);
  });

  it('shows an unknown price as unknown, never as zero', () => {
    const rows = summarize(task, [result('a', 0, true, null), result('a', 1, true, 0.002)], options);
    expect(rows[0]!.costUsd).toEqual({ total: null, per1kCalls: null, unknownPrice: true });
  });

  it('computes latency percentiles over every call with a latency', () => {
    const rows = summarize(
      task,
      [10, 20, 30, 40, 1000].map((ms, i) => result('a', i, true, 0, ms)),
      options,
    );
    // numpy.percentile([10, 20, 30, 40, 1000], [50, 95]) = [30, 808]
    expect(rows[0]!.latencyMs.p50).toBeCloseTo(30, 9);
    expect(rows[0]!.latencyMs.p95).toBeCloseTo(808, 9);
    expect(rows[0]!.latencyMs.max).toBe(1000);
  });

  it('decides on the one-sided lower bound with a confidence level', () => {
    const rs = [true, true, true, true, true, true].map((p, i) => result('a', i, p));
    const [row] = summarize(task, rs, { decision: { ...options.decision, confidence: 0.95 } });
    // wilson(6, 6) at two-sided 90%: 6 / (6 + 1.6449²) = 0.6892
    expect(row!.decision.bound).toBeCloseTo(6 / (6 + 1.6448536269514722 ** 2), 9);
    expect(row!.decision.figure).toBe(row!.decision.bound);
    expect(row!.decision.meets).toBe(false);
    expect(row!.decision.estimate).toBe(1);
  });
});
