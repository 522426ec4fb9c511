import { describe, expect, it } from 'vitest';
import { binomialSample, clusteredRate, clusteredWilson, flipRate, rng, wilson, type Cluster } from '../../src/stats/index.js';

describe('clusteredRate and clusteredWilson', () => {
  it('is the plain Wilson interval with one call per example', () => {
    const clusters: Cluster[] = [1, 1, 0, 1, 0, 1, 1].map((p) => ({ passes: p, n: 1 }));
    const r = clusteredRate(clusters);
    expect(r.nEff).toBe(7);
    expect(clusteredWilson(r)).toEqual(wilson(5, 7));
  });

  it('counts perfectly correlated repeats as one observation per example', () => {
    // Every example's three repeats agree: the information is that of 10 examples, not 30 calls.
    const clusters: Cluster[] = [3, 3, 0, 3, 3, 0, 3, 3, 3, 0].map((p) => ({ passes: p, n: 3 }));
    const r = clusteredRate(clusters);
    expect(r.rate).toBeCloseTo(0.7, 12);
    expect(r.nEff).toBe(10);
    const w = clusteredWilson(r);
    const perExample = wilson(7, 10);
    expect(w.low).toBeCloseTo(perExample.low!, 12);
    expect(w.high).toBeCloseTo(perExample.high!, 12);
  });

  it('keeps the calls as the sample when repeats are as varied as independent draws, and never exceeds them', () => {
    const balanced: Cluster[] = Array.from({ length: 20 }, () => ({ passes: 1, n: 2 }));
    expect(clusteredRate(balanced).nEff).toBe(40);
    const r = clusteredRate([
      { passes: 3, n: 3 },
      { passes: 3, n: 3 },
    ]);
    expect(r.nEff).toBe(2); // p̂ = 1 says nothing of the variance: the examples, the conservative end
    expect(clusteredWilson(r).high).toBe(1);
  });

  it('leaves out examples with no scored call, and is null with nothing scored', () => {
    expect(
      clusteredRate([
        { passes: 0, n: 0 },
        { passes: 1, n: 2 },
      ]).clusters,
    ).toBe(1);
    expect(clusteredRate([]).rate).toBeNull();
    expect(clusteredWilson(clusteredRate([])).low).toBeNull();
  });

  it('gives the flip rate: examples whose repeats disagree', () => {
    expect(
      flipRate([
        { passes: 1, n: 3 },
        { passes: 3, n: 3 },
        { passes: 0, n: 3 },
        { passes: 2, n: 2 },
      ]),
    ).toBe(0.25);
    expect(flipRate([{ passes: 1, n: 1 }])).toBeNull();
  });

  it('covers the pass rate >= 93% with correlated repeats, where the plain Wilson interval does not', () => {
    // Examples differ in difficulty (per-example pass probability ~ Beta(0.5, 0.5): strongly
    // correlated repeats); 30 examples x 3 repeats; the target is the mean pass probability, 0.5.
    const random = rng(5);
    const sims = 2000;
    let clustered = 0;
    let naive = 0;
    for (let s = 0; s < sims; s++) {
      const clusters: Cluster[] = [];
      for (let e = 0; e < 30; e++) {
        // Beta(0.5, 0.5) by inversion: sin² of a uniform angle.
        const p = Math.sin((Math.PI / 2) * random()) ** 2;
        clusters.push({ passes: binomialSample(random, 3, p), n: 3 });
      }
      const r = clusteredRate(clusters);
      const w = clusteredWilson(r);
      if (w.low! <= 0.5 && 0.5 <= w.high!) clustered++;
      const plain = wilson(r.passes, r.n);
      if (plain.low! <= 0.5 && 0.5 <= plain.high!) naive++;
    }
    console.log(`clustered coverage ${(clustered / sims).toFixed(3)}, plain Wilson ${(naive / sims).toFixed(3)}`);
    expect(clustered / sims).toBeGreaterThanOrEqual(0.93);
    expect(naive / sims).toBeLessThan(0.9);
  });
});
