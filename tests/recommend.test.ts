import { describe, expect, it } from 'vitest';
import { paretoFront, recommend, monthlyCost } from '../src/recommend.js';
import { renderRun } from '../src/render/terminal.js';
import type { SummaryRowFull } from '../src/summarize.js';

/** A summary row with the given quality interval and $ per 1k calls (null = unknown price). */
function row(provider: string, quality: [number, number, number], per1k: number | null, corrected?: [number, number, number]): SummaryRowFull {
  const interval = ([rate, low, high]: [number, number, number]) => ({ rate, low, high });
  return {
    prompt: 'p1', provider, n: 10, passed: 0, failed: 0, errors: 0,
    quality: interval(quality),
    costUsd: { total: per1k === null ? null : per1k / 100, per1kCalls: per1k, unknownPrice: per1k === null },
    latencyMs: { p50: 100, p95: 200, max: 300 },
    corrected: corrected ? interval(corrected) : null,
    vsFirst: null, retries: 0, cached: 0,
  };
}

describe('paretoFront', () => {
  it('keeps rows no other row beats on both quality and cost; unknown cost is never on it', () => {
    const rows = [
      row('big', [0.95, 0.85, 0.99], 10),
      row('mid', [0.9, 0.8, 0.97], 2),
      row('worse-and-dearer', [0.85, 0.7, 0.95], 3),
      row('small', [0.6, 0.4, 0.8], 0.5),
      row('unpriced', [1, 0.9, 1], null),
      row('tie-dearer', [0.9, 0.8, 0.97], 2.5),
    ];
    expect(paretoFront(rows, false)).toEqual([true, true, false, true, false, false]);
  });

  it('uses the corrected rate when calibrated', () => {
    const rows = [row('a', [0.9, 0.8, 0.95], 1, [0.5, 0.3, 0.7]), row('b', [0.8, 0.7, 0.9], 1, [0.7, 0.5, 0.9])];
    expect(paretoFront(rows, false)).toEqual([true, false]);
    expect(paretoFront(rows, true)).toEqual([false, true]);
  });
});

describe('recommend', () => {
  const rows = [row('big', [0.95, 0.85, 0.99], 10), row('mid', [0.9, 0.82, 0.97], 2), row('small', [0.85, 0.7, 0.95], 0.5)];

  it('picks the cheapest row whose lower bound meets min_quality and says where the threshold came from', () => {
    const rec = recommend(rows, { calibrated: false, minQuality: 0.8, minQualitySource: 'task' });
    expect(rec.prompt).toBe('p1');
    expect(rec.provider).toBe('mid');
    expect(rec.reason).toContain("from the task's gates");
    expect(rec.reason).toContain('82%');
    expect(recommend(rows, { calibrated: false, minQuality: 0.84, minQualitySource: 'flag' }).provider).toBe('big');
  });

  it('says no row qualifies, and by how much, naming the closest row', () => {
    const rec = recommend(rows, { calibrated: false, minQuality: 0.9, minQualitySource: 'default' });
    expect(rec).toMatchObject({ prompt: null, provider: null });
    expect(rec.reason).toContain('closest: p1 × big at 85% (5 points short');
    expect(rec.reason).toContain('default');
  });

  it('judges on the corrected lower bound when calibrated', () => {
    const calibratedRows = [row('a', [0.95, 0.9, 0.99], 1, [0.8, 0.6, 0.9]), row('b', [0.9, 0.85, 0.95], 3, [0.9, 0.85, 0.95])];
    expect(recommend(calibratedRows, { calibrated: false, minQuality: 0.8, minQualitySource: 'task' }).provider).toBe('a');
    const rec = recommend(calibratedRows, { calibrated: true, minQuality: 0.8, minQualitySource: 'task' });
    expect(rec.provider).toBe('b');
    expect(rec.reason).toContain('corrected quality lower bound 85%');
  });

  it('prefers a priced row; picks an unpriced one only when nothing priced qualifies', () => {
    const r = [row('unpriced', [1, 0.95, 1], null), row('priced', [0.9, 0.85, 0.95], 5)];
    expect(recommend(r, { calibrated: false, minQuality: 0.8, minQualitySource: 'task' }).provider).toBe('priced');
    const only = recommend(r, { calibrated: false, minQuality: 0.9, minQualitySource: 'task' });
    expect(only.provider).toBe('unpriced');
    expect(only.reason).toContain('cost unknown');
  });

  it('projects a monthly cost from calls per day', () => {
    expect(monthlyCost(rows[1]!, 1000)).toBeCloseTo(0.002 * 1000 * 30, 10);
    expect(monthlyCost(row('x', [1, 1, 1], null), 1000)).toBeNull();
  });
});

describe('rendering', () => {
  it('marks Pareto rows, prints the recommendation and the monthly column', () => {
    const summary = [row('big', [0.95, 0.85, 0.99], 10), row('small', [0.6, 0.4, 0.8], 0.5), row('unpriced', [0.6, 0.4, 0.8], null)];
    paretoFront(summary, false).forEach((p, i) => (summary[i]!.pareto = p));
    const record = {
      schema: 'aijourney.run/1', tool: { name: 'aijourney', version: '0' }, task: { name: 't', file: 't.yaml' }, startedAt: '', finishedAt: '',
      complete: true, stopReason: null, plannedCalls: 30, providers: [], priceData: { source: 'x', version: '1', date: null }, results: [], summary,
      judge: null, judgeCostUsd: null, costUsd: { models: null, judge: 0, total: null, spentNow: 0 }, labelNext: [],
      recommendation: recommend(summary, { calibrated: false, minQuality: 0.8, minQualitySource: 'default' }),
    } as const;
    const text = renderRun(record as never, { color: false, volumePerDay: 1000 });
    expect(text).toContain('$/month @1000/day');
    expect(text).toContain('$300'); // 10 $/1k calls × 1000/day × 30
    expect(text.match(/◆ pareto/g)?.length).toBe(3); // two rows + the legend
    expect(text).toContain('cost unknown, cannot be placed: p1 × unpriced');
    expect(text).toContain('Recommendation: p1 × big');
  });
});
