import { describe, expect, it } from 'vitest';
import { monthlyCost, paretoFront, recommend } from '../../src/summary/recommend.js';
import { renderRun } from '../../src/render/terminal.js';
import { recommendationText } from '../../src/render/words.js';
import type { SummaryRow } from '../../src/record/schema.js';
import type { DecisionBasis, RowDecision } from '../../src/record/schema.js';

/** A summary row whose decision figure is `figure` (basis given), at $ per 1k calls (null = unknown price). */
function row(provider: string, figure: number | null, per1k: number | null, basis: DecisionBasis = 'raw'): SummaryRow {
  const decision: RowDecision = { basis, estimate: figure, bound: null, figure: basis === 'untrusted-judge' ? null : figure, pAtLeast: null, meets: null };
  return {
    prompt: 'p1',
    provider,
    n: 10,
    passed: 0,
    failed: 0,
    errors: 0,
    quality: { rate: figure, low: figure, high: figure, nEff: 10 },
    costUsd: { total: per1k === null ? null : per1k / 100, per1kCalls: per1k, unknownPrice: per1k === null },
    latencyMs: { p50: 100, p95: 200, max: 300 },
    corrected: null,
    vsFirst: null,
    flipRate: null,
    decision,
    retries: 0,
    cached: 0,
  };
}
const options = { minQuality: 0.8, minQualitySource: 'task' as const, confidence: 'estimate' as const };

describe('paretoFront', () => {
  it('keeps rows no other row beats on both quality and cost; unknown cost or quality is never on it', () => {
    const rows = [
      row('big', 0.95, 10),
      row('mid', 0.9, 2),
      row('worse-and-dearer', 0.85, 3),
      row('small', 0.6, 0.5),
      row('unpriced', 1, null),
      row('tie-dearer', 0.9, 2.5),
      row('untrusted', 0.99, 0.1, 'untrusted-judge'),
    ];
    expect(paretoFront(rows)).toEqual([true, true, false, true, false, false, false]);
  });
});

describe('recommend', () => {
  const rows = [row('big', 0.95, 10), row('mid', 0.82, 2), row('small', 0.7, 0.5)];

  it('picks the cheapest row whose decision figure meets min_quality, and says the rule it used', () => {
    const rec = recommend(rows, options);
    expect(rec).toMatchObject({ kind: 'pick', prompt: 'p1', provider: 'mid', figure: 0.82, qualifying: 2 });
    expect(recommendationText(rec)).toContain("min_quality 80% (from the task's gates), the rule of the min-quality gate");
    expect(recommendationText(rec)).toContain('82% (point estimate)');
    expect(recommend(rows, { ...options, minQuality: 0.84, minQualitySource: 'flag' }).provider).toBe('big');
  });

  it('says no row qualifies, and by how much, naming the closest row', () => {
    const rec = recommend(rows, { ...options, minQuality: 0.99, minQualitySource: 'default' });
    expect(rec).toMatchObject({ kind: 'none', why: 'below-limit', prompt: null, closest: { provider: 'big', figure: 0.95 } });
    expect(recommendationText(rec)).toContain('closest: p1 × big at 95% (4 points short)');
  });

  it('makes none when a judge that cannot be trusted graded the rows', () => {
    const rec = recommend([row('a', 0.99, 1, 'untrusted-judge'), row('b', 0.9, 2)], options);
    expect(rec).toMatchObject({ kind: 'none', why: 'untrusted-judge' });
    expect(recommendationText(rec)).toMatch(/^none can be made: the judge/);
  });

  it('prefers a priced row; picks an unpriced one only when nothing priced qualifies', () => {
    const r = [row('unpriced', 1, null), row('priced', 0.85, 5)];
    expect(recommend(r, options).provider).toBe('priced');
    const only = recommend(r, { ...options, minQuality: 0.9 });
    expect(only.provider).toBe('unpriced');
    expect(recommendationText(only)).toContain('cost unknown');
  });

  it('projects a monthly cost from calls per day', () => {
    expect(monthlyCost(rows[1]!, 1000)).toBeCloseTo(0.002 * 1000 * 30, 10);
    expect(monthlyCost(row('x', 1, null), 1000)).toBeNull();
  });
});

describe('rendering', () => {
  it('marks Pareto rows, prints the recommendation and the monthly column', () => {
    const summary = [row('big', 0.95, 10), row('small', 0.6, 0.5), row('unpriced', 0.6, null)];
    for (const [i, p] of paretoFront(summary).entries()) summary[i]!.pareto = p;
    const record = {
      schema: 'aijourney.run/2',
      tool: { name: 'aijourney', version: '0' },
      task: { name: 't', file: 't.yaml' },
      startedAt: '',
      finishedAt: '',
      complete: true,
      stopReason: null,
      plannedCalls: 30,
      providers: [],
      priceData: { source: 'x', version: '1', date: null },
      results: [],
      summary,
      judge: null,
      judgeCostUsd: null,
      costUsd: { models: null, judge: 0, total: null, spentNow: 0 },
      labelNext: [],
      seed: 1,
      decision: { ...options, allowUntrustedJudge: false },
      recommendation: recommend(summary, options),
    } as const;
    const text = renderRun(record as never, { color: false, volumePerDay: 1000 });
    expect(text).toContain('$/month @1000/day');
    expect(text).toContain('$300'); // 10 $/1k calls × 1000/day × 30
    expect(text.match(/◆ pareto/g)?.length).toBe(3); // two rows + the legend
    expect(text).toContain('cost unknown, cannot be placed: p1 × unpriced');
    expect(text).toContain('Recommendation: p1 × big');
  });
});
