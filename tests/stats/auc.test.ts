import { describe, expect, it } from 'vitest';
import { mannWhitneyAuc, stratifiedAuc } from '../../src/stats/auc.js';
import { normalCdf, normalSample, rng } from '../../src/stats/index.js';

describe('the length statistic', () => {
  it('is U / mn with ties counting half, and Newcombe’s score interval', () => {
    const first = [12, 30, 41, 41, 55, 60, 75];
    const second = [10, 20, 41, 44, 50];
    // scipy.stats.mannwhitneyu(first, second).statistic = 23.0
    expect(mannWhitneyAuc(first, second)).toBeCloseTo(23 / 35, 12);
    const one = stratifiedAuc([{ first, second }]);
    // Independent: scipy.optimize.brentq on (Â − A)² − z²·V(A) with Newcombe's (2006) method-5 variance.
    expect(one.low).toBeCloseTo(0.33477975329271237, 9);
    expect(one.high).toBeCloseTo(0.8740096703591361, 9);
    // Complete separation keeps a real interval (a plug-in variance would be 0): brentq gives 0.7556465610233913.
    const perfect = stratifiedAuc([{ first: [10, 11, 12, 13, 14, 15, 16, 17], second: [0, 1, 2, 3, 4, 5, 6, 7] }]);
    expect(perfect.rate).toBe(1);
    expect(perfect.low).toBeCloseTo(0.7556465610233913, 9);
    expect(perfect.high).toBe(1);
  });

  it('pools strata by their pairs and leaves out a stratum lacking a group', () => {
    const pooled = stratifiedAuc([
      { first: [5, 6], second: [1, 2, 3] }, // AUC 1 on 6 pairs
      { first: [1], second: [4, 5] }, // AUC 0 on 2 pairs
      { first: [9, 9], second: [] },
    ]);
    expect(pooled.pairs).toBe(8);
    expect(pooled.rate).toBeCloseTo(6 / 8, 12);
  });

  it('covers the true AUC at least 93% of the time (simulation, 10 vs 10, normal shift)', () => {
    const random = rng(7);
    for (const shift of [0, 1]) {
      const truth = normalCdf(shift / Math.SQRT2);
      let covered = 0;
      const runs = 2000;
      for (let i = 0; i < runs; i++) {
        const first = Array.from({ length: 10 }, () => normalSample(random) + shift);
        const second = Array.from({ length: 10 }, () => normalSample(random));
        const ci = stratifiedAuc([{ first, second }]);
        if (ci.low! <= truth && truth <= ci.high!) covered++;
      }
      expect(covered / runs).toBeGreaterThanOrEqual(0.93);
    }
  });
});
