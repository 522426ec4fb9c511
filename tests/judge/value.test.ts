import { describe, expect, it } from 'vitest';
import { rankLabels } from '../../src/judge/label-next.js';
import { labelValues, passChance, RANKING_DRAWS, rowCounts, type RowCounts } from '../../src/judge/value.js';
import type { CallResult, Confusion } from '../../src/record/schema.js';
import { qualityPosterior } from '../../src/stats/index.js';
import type { Example, Verdict } from '../../src/task/types.js';

// A small case: two rows, a judge with TPR 3/4 and TNR 2/3 on 7 labels.
const confusion: Confusion = { tp: 3, fn: 1, fp: 1, tn: 2 };
const call = (provider: string, example: number, output: string, judged: Verdict | 'check-failed'): CallResult =>
  ({
    prompt: 'p',
    provider,
    example,
    repeat: 0,
    output,
    error: null,
    checks: [],
    pass: judged === 'pass',
    judge: judged === 'check-failed' ? null : { verdict: judged, reason: 'r', source: 'judge' },
  }) as unknown as CallResult;
const results = [
  call('a', 0, 'a0', 'pass'),
  call('a', 1, 'a1', 'pass'),
  call('a', 2, 'a2', 'fail'),
  call('b', 0, 'b0', 'pass'),
  call('b', 1, 'b1', 'fail'),
  call('b', 2, 'b2', 'check-failed'),
];
const examples: Example[] = [0, 1, 2].map((index) => ({ index, vars: {}, labels: [] }));

/**
 * Brute force: every output on its own, both human verdicts, every row's interval (and, given a
 * limit, its chance of a wrong gate decision) recomputed from scratch.
 */
function bruteForce(seed: number, limit?: number): Map<string, { width: number; risk: number }> {
  const figures = (rs: CallResult[], c: Confusion) =>
    rowCounts(rs)
      .filter((r) => r.judgedN > 0)
      .reduce(
        (s, r) => {
          const { posterior } = qualityPosterior({ ...r, confusion: c }, { seed, draws: RANKING_DRAWS });
          const above = limit === undefined ? 0 : 1 - posterior!.cdf(limit);
          return { width: s.width + posterior!.quantile(0.975) - posterior!.quantile(0.025), risk: s.risk + Math.min(above, 1 - above) };
        },
        { width: 0, risk: 0 },
      );
  const base = figures(results, confusion);
  const out = new Map<string, { width: number; risk: number }>();
  for (const target of results.filter((r) => r.judge)) {
    const v = target.judge!.verdict;
    const row = rowCounts(results).find((r) => r.provider === target.provider)!;
    const expected = { width: 0, risk: 0 };
    for (const h of ['pass', 'fail'] as const) {
      const c = { ...confusion };
      c[h === 'pass' ? (v === 'pass' ? 'tp' : 'fn') : v === 'pass' ? 'fp' : 'tn']++;
      const rs = results.map((r) => (r === target ? { ...r, pass: h === 'pass', judge: { ...r.judge!, source: 'label' as const } } : r));
      const p = passChance(row, confusion, v);
      const f = figures(rs, c);
      expected.width += (h === 'pass' ? p : 1 - p) * f.width;
      expected.risk += (h === 'pass' ? p : 1 - p) * f.risk;
    }
    out.set(target.output!, { width: base.width - expected.width, risk: base.risk - expected.risk });
  }
  return out;
}

describe('value of a label', () => {
  it('predicts the human verdict by Bayes with posterior-mean rates and the corrected pass rate', () => {
    const row: RowCounts = { prompt: 'p', provider: 'a', exactPass: 0, exactFail: 0, judgedPass: 2, judgedN: 3 };
    // TPR (3+1)/(4+2) = 2/3, TNR (2+1)/(3+2) = 3/5; Rogan-Gladen of 2/3: (2/3 + 3/5 − 1)/(2/3 + 3/5 − 1) = 1.
    expect(passChance(row, confusion, 'pass')).toBeCloseTo(1, 12);
    const half: RowCounts = { ...row, judgedPass: 1, judgedN: 2 };
    // π = (1/2 + 3/5 − 1)/(4/15) = 3/8: P(pass | judged pass) = (3/8·2/3)/(3/8·2/3 + 5/8·2/5) = 1/2, by hand.
    expect(passChance(half, confusion, 'pass')).toBeCloseTo(0.5, 12);
    // P(pass | judged fail) = (3/8·1/3)/(3/8·1/3 + 5/8·3/5) = (1/8)/(1/8 + 3/8) = 1/4.
    expect(passChance(half, confusion, 'fail')).toBeCloseTo(0.25, 12);
  });

  it('matches a brute-force expected-width computation, output by output', () => {
    const brute = bruteForce(5);
    const values = labelValues(rowCounts(results), confusion, 5);
    for (const r of results.filter((x) => x.judge)) {
      expect(values.get(`p\u0000${r.provider}\u0000${r.judge!.verdict}`)!.width).toBeCloseTo(brute.get(r.output!)!.width, 12);
    }
    // The ranking offers the outputs in the brute force's order of value.
    const ranked = rankLabels(examples, results, { confusion, seed: 5, limit: 10 });
    const order = [...brute.values()].map((b) => b.width).sort((x, y) => y - x);
    expect(ranked.map((s) => brute.get(s.output)!.width)).toEqual(order);
    expect(ranked).toHaveLength(5); // b2 failed a check: decided exactly, nothing to learn
    expect(ranked[0]!.value).toBeGreaterThan(0);
  });

  it('with a min-quality limit, ranks first the labels that make the gate decisions surer', () => {
    const brute = bruteForce(5, 0.6);
    const values = labelValues(rowCounts(results), confusion, 5, 0.6);
    for (const r of results.filter((x) => x.judge)) {
      const v = values.get(`p\u0000${r.provider}\u0000${r.judge!.verdict}`)!;
      // A negative expected risk change is the approximation's: reported as none.
      expect(v.risk).toBeCloseTo(Math.max(0, brute.get(r.output!)!.risk), 12);
      expect(v.width).toBeCloseTo(brute.get(r.output!)!.width, 12);
    }
    const ranked = rankLabels(examples, results, { confusion, seed: 5, limit: 10, minQuality: 0.6 });
    const risk = (b: { risk: number }) => Math.max(0, b.risk);
    const order = [...brute.values()].sort((x, y) => risk(y) - risk(x) || y.width - x.width).map(risk);
    expect(ranked.map((s) => risk(brute.get(s.output)!))).toEqual(order);
    expect(ranked[0]!.riskValue).toBeGreaterThan(0);
    expect(ranked[0]!.why).toMatch(/^expected to cut the chance of a wrong min-quality decision by \d+\.\d pts and expected to narrow/);
  });
});
