import { describe, expect, it } from 'vitest';
import { mcnemarExact, rng, signFlipTest } from '../../src/stats/index.js';

/** -1 for each of b examples, +1 for each of c, 0 for `same`. */
const discordant = (b: number, c: number, same = 0) => [...Array(b).fill(-1), ...Array(c).fill(1), ...Array(same).fill(0)];

/** The sign-flip p-value by brute force over all 2^K assignments (K <= 16). */
function bruteForce(diffs: number[]): { p: number; worse: number } {
  const nz = diffs.filter((d) => d !== 0);
  const observed = diffs.reduce((s, d) => s + d, 0);
  let two = 0;
  let worse = 0;
  for (let mask = 0; mask < 2 ** nz.length; mask++) {
    const s = nz.reduce((sum, d, i) => sum + ((mask >> i) & 1 ? Math.abs(d) : -Math.abs(d)), 0);
    if (Math.abs(s) >= Math.abs(observed) - 1e-12) two++;
    if (s <= observed + 1e-12) worse++;
  }
  return { p: two / 2 ** nz.length, worse: worse / 2 ** nz.length };
}

describe('signFlipTest', () => {
  // With one call per example the per-example differences are -1, 0, +1 and the test is the exact
  // McNemar test: the same scipy 1.17.1 references as tests/stats.test.ts (binomtest(min(b,c), b+c, 0.5)).
  const cases: Array<[b: number, c: number, p: number]> = [
    [5, 0, 0.0625],
    [3, 7, 0.34375],
    [12, 4, 0.076812744140625],
    [30, 50, 0.03299261842647619],
    [600, 700, 0.0060157938610449395],
  ];
  it.each(cases)('is exact McNemar at repeat 1: b=%i c=%i', (b, c, p) => {
    const r = signFlipTest(discordant(b, c, 17));
    expect(r.pValue / p).toBeCloseTo(1, 9);
    expect(r.pValue).toBeCloseTo(mcnemarExact(b, c), 12);
    expect(r.differing).toBe(b + c);
    expect(r.examples).toBe(b + c + 17);
    expect(r.method).toBe('exact');
  });

  it('matches brute-force enumeration on fractional differences (repeat 3, with errors)', () => {
    const diffs = [1 / 3, -2 / 3, 1, 0, 1 / 3, 1 / 2, -1 / 3, 2 / 3, 1 / 3, 0, -1 / 2, 1 / 3, 1];
    const r = signFlipTest(diffs);
    const brute = bruteForce(diffs);
    expect(r.pValue).toBeCloseTo(brute.p, 12);
    expect(r.pWorse).toBeCloseTo(brute.worse, 12);
    expect(r.meanDiff).toBeCloseTo(diffs.reduce((s, d) => s + d, 0) / diffs.length, 12);
  });

  it('says when no outcome could be significant: fewer than 6 differing examples', () => {
    expect(signFlipTest(discordant(0, 5, 30)).canTell).toBe(false);
    expect(signFlipTest(discordant(0, 5, 30)).pValue).toBeGreaterThan(0.05);
    expect(signFlipTest(discordant(0, 6, 30)).canTell).toBe(true);
    expect(signFlipTest(discordant(0, 6, 30)).pValue).toBeCloseTo(0.03125, 12);
    expect(signFlipTest([]).pValue).toBe(1);
  });

  it('does not turn repeat wobble into significance: 30 examples, repeat 3, no real difference', () => {
    // Each example has a true pass probability shared by both rows; the rows' three repeats each
    // wobble independently. Over many such runs, p < 0.05 should happen about 5% of the time.
    const random = rng(99);
    let significant = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const diffs: number[] = [];
      for (let e = 0; e < 30; e++) {
        const p = random();
        let a = 0;
        let b = 0;
        for (let k = 0; k < 3; k++) {
          if (random() < p) a++;
          if (random() < p) b++;
        }
        diffs.push((b - a) / 3);
      }
      if (signFlipTest(diffs).pValue < 0.05) significant++;
    }
    expect(significant / runs).toBeLessThan(0.075);
  });

  it('uses the normal approximation only past the exact limit, and agrees with the exact test there', () => {
    const r = signFlipTest(discordant(3900, 4100));
    expect(r.method).toBe('normal');
    expect(r.pValue / mcnemarExact(3900, 4100)).toBeCloseTo(1, 2);
    expect(signFlipTest(discordant(390, 410)).method).toBe('exact');
  });
});
