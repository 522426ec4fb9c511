import { describe, expect, it } from 'vitest';
import {
  betaCdf,
  betaQuantile,
  betaSample,
  binomialSample,
  cohenKappa,
  correctedQuality,
  latencyStats,
  BetaTable,
  lnGamma,
  mcnemarExact,
  newcombeDifference,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
  percentile,
  rng,
  roganGladen,
  tprTnr,
  wilson,
} from '../../src/stats/index.js';
import type { Confusion } from '../../src/record/schema.js';

describe('wilson', () => {
  // Reference: scipy 1.17.1, `scipy.stats.binomtest(k, n).proportion_ci(method='wilson')`
  // (and `confidence_level=0.9` for the last row).
  const cases: Array<[k: number, n: number, low: number, high: number, confidence?: number]> = [
    [0, 10, 0.0, 0.27753279986288926],
    [10, 10, 0.7224672001371109, 1.0],
    [3, 10, 0.10779126740630102, 0.6032218525388546],
    [17, 20, 0.6395811352592431, 0.9476312541037835],
    [1, 1, 0.20654931437723745, 1.0],
    [45, 50, 0.7863976856252034, 0.9565242350681095],
    [500, 1000, 0.4690696003681042, 0.5309303996318958],
    [7, 12, 0.3559810149005346, 0.7800221193082192, 0.9],
  ];
  it.each(cases)('%i/%i matches scipy', (k, n, low, high, confidence) => {
    const result = wilson(k, n, confidence);
    expect(result.rate).toBeCloseTo(k / n, 14);
    expect(result.low).toBeCloseTo(low, 12);
    expect(result.high).toBeCloseTo(high, 12);
  });

  it('gives exact 0 and 1 bounds at 0/n and n/n, and nulls when n = 0', () => {
    expect(wilson(0, 7).low).toBe(0);
    expect(wilson(7, 7).high).toBe(1);
    expect(wilson(0, 0)).toEqual({ rate: null, low: null, high: null });
  });

  it('rejects impossible counts', () => {
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(1.5, 2)).toThrow(RangeError);
  });
});

describe('percentile (type 7) and latencyStats', () => {
  // Reference: numpy 2, `float(numpy.percentile(values, p))` (default method='linear').
  const cases: Array<[values: number[], p: number, expected: number]> = [
    [[1, 2, 3, 4], 50, 2.5],
    [[1, 2, 3, 4], 95, 3.8499999999999996],
    [[10], 95, 10.0],
    [[5, 1, 9, 3, 7], 25, 3.0],
    [[120, 340, 95, 1500, 230, 410, 88], 95, 1172.999999999999],
    [[120, 340, 95, 1500, 230, 410, 88], 50, 230.0],
    [[1.5, 2.5], 100, 2.5],
    [[1.5, 2.5], 0, 1.5],
  ];
  it.each(cases)('%j at p%d matches numpy', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('is null on empty input, does not reorder its input, and rejects p outside [0, 100]', () => {
    expect(percentile([], 50)).toBeNull();
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], 0.5 * Number.NaN)).toThrow(RangeError);
  });

  it('latencyStats gives p50, p95 and max', () => {
    expect(latencyStats([120, 340, 95, 1500, 230, 410, 88])).toEqual({ p50: 230, p95: expect.closeTo(1173, 9), max: 1500 });
    expect(latencyStats([])).toEqual({ p50: null, p95: null, max: null });
  });
});

describe('mcnemarExact', () => {
  // Reference: scipy 1.17.1, `scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue`; 1.0 when b + c = 0
  // (statsmodels `mcnemar(exact=True)` defines the same).
  const cases: Array<[b: number, c: number, p: number]> = [
    [0, 0, 1.0],
    [5, 0, 0.0625],
    [0, 5, 0.0625],
    [3, 7, 0.34375],
    [10, 10, 1.0],
    [12, 4, 0.076812744140625],
    [1, 1, 1.0],
    [0, 1, 1.0],
    [30, 50, 0.03299261842647619],
    [600, 700, 0.0060157938610449395],
  ];
  it.each(cases)('b=%i c=%i matches scipy', (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 12);
    expect(mcnemarExact(b, c) / p).toBeCloseTo(1, 9);
  });
});

describe('cohenKappa and tprTnr', () => {
  // Reference: kappa = (p_o − p_e)/(1 − p_e) evaluated in exact rational arithmetic with python3
  // `fractions.Fraction`; the first three are the worked examples of the Wikipedia article
  // "Cohen's kappa" (0.4, 0.1304, 0.2593).
  const cases: Array<[Confusion, number]> = [
    [{ tp: 20, fn: 5, fp: 10, tn: 15 }, 0.4],
    [{ tp: 45, fn: 15, fp: 25, tn: 15 }, 0.13043478260869565],
    [{ tp: 25, fn: 35, fp: 5, tn: 35 }, 0.25925925925925924],
    [{ tp: 8, fn: 2, fp: 0, tn: 0 }, 0.0],
    [{ tp: 3, fn: 0, fp: 0, tn: 2 }, 1.0],
    [{ tp: 0, fn: 3, fp: 2, tn: 0 }, -0.9230769230769231],
    [{ tp: 7, fn: 1, fp: 2, tn: 10 }, 0.6938775510204082],
  ];
  it.each(cases)('%j', (confusion, kappa) => {
    expect(cohenKappa(confusion)).toBeCloseTo(kappa, 12);
  });

  it('is null when undefined: no items, or both raters gave a single identical verdict', () => {
    expect(cohenKappa({ tp: 0, fn: 0, fp: 0, tn: 0 })).toBeNull();
    expect(cohenKappa({ tp: 5, fn: 0, fp: 0, tn: 0 })).toBeNull();
    expect(cohenKappa({ tp: 0, fn: 0, fp: 0, tn: 4 })).toBeNull();
  });

  it('tprTnr gives rates, Youden J, and nulls for a class without labels', () => {
    const r = tprTnr({ tp: 9, fn: 1, fp: 3, tn: 7 });
    expect(r.tpr).toBeCloseTo(0.9, 15);
    expect(r.tnr).toBeCloseTo(0.7, 15);
    expect(r.j).toBeCloseTo(0.6, 15);
    expect(tprTnr({ tp: 4, fn: 1, fp: 0, tn: 0 })).toEqual({ tpr: 0.8, tnr: null, j: null });
    expect(tprTnr({ tp: 0, fn: 0, fp: 1, tn: 1 })).toEqual({ tpr: null, tnr: 0.5, j: null });
  });
});

describe('roganGladen', () => {
  // Reference: (p + TNR − 1)/(TPR + TNR − 1), Rogan & Gladen (1978), evaluated by hand.
  it('corrects, clips to [0, 1], and is null for an uninformative judge', () => {
    expect(roganGladen(0.8, 0.9, 0.7)).toBeCloseTo(0.5 / 0.6, 14);
    expect(roganGladen(0.2, 0.9, 0.7)).toBe(0);
    expect(roganGladen(0.95, 0.9, 0.9)).toBe(1);
    expect(roganGladen(0.37, 1, 1)).toBeCloseTo(0.37, 14);
    expect(roganGladen(0.6, 0.5, 0.5)).toBeNull();
    expect(roganGladen(0.6, 0.3, 0.4)).toBeNull();
  });
});

describe('special functions', () => {
  // Reference: scipy 1.17.1 `norm.ppf`, `special.betainc(a, b, x)`, `special.betaincinv(a, b, p)`,
  // `special.gammaln`.
  it('match scipy', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 11);
    expect(normalQuantile(0.9999999)).toBeCloseTo(5.199337582290661, 8);
    expect(betaCdf(0.3, 2, 5)).toBeCloseTo(0.5798250000000003, 13);
    expect(betaCdf(0.95, 191, 11)).toBeCloseTo(0.5766493134111532, 12);
    expect(betaCdf(0.01, 3, 40)).toBeCloseTo(0.008583853799733485, 14);
    expect(betaQuantile(0.025, 4, 2)).toBeCloseTo(0.2835820638819105, 11);
    expect(betaQuantile(1e-8, 3, 5) / 0.0006590680694599738).toBeCloseTo(1, 9);
    expect(betaQuantile(0.5, 191, 11)).toBeCloseTo(0.947010947683879, 11);
    expect(lnGamma(0.5)).toBeCloseTo(0.5723649429247, 12);
    expect(lnGamma(10)).toBeCloseTo(12.801827480081469, 12);
    expect(lnGamma(1000.5) / 5908.674175848678).toBeCloseTo(1, 13);
  });
});

describe('newcombeDifference (hybrid score interval for p1 − p2)', () => {
  // Reference: Newcombe (1998), Stat. Med. 17:873–890, Table II, method 10, the worked examples.
  const cases: Array<[k1: number, n1: number, k2: number, n2: number, low: number, high: number]> = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
  ];
  it.each(cases)('%i/%i − %i/%i matches the published interval', (k1, n1, k2, n2, low, high) => {
    const r = newcombeDifference(k1 / n1, n1, k2 / n2, n2);
    expect(r.low).toBeCloseTo(low, 4);
    expect(r.high).toBeCloseTo(high, 4);
  });
});

describe('Student t and the normal CDF', () => {
  // Reference: standard tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2): t(0.975; 9) = 2.262,
  // t(0.95; 19) = 1.729, t(0.995; 4) = 4.604; Φ(1.96) = 0.9750021.
  it('match the tables', () => {
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262157, 5);
    expect(tQuantile(0.95, 19)).toBeCloseTo(1.729133, 5);
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.604095, 5);
    expect(tQuantile(0.025, 9)).toBeCloseTo(-2.262157, 5);
    expect(tCdf(tQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 10);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 12);
  });
});

describe('BetaTable', () => {
  it('agrees with the continued fraction to 1e-6 in probability, including fractional shapes', () => {
    for (const [a, b] of [
      [1, 1],
      [2, 5],
      [1, 500],
      [191, 11],
      [5001, 4999],
      [1.2, 3000],
      [40, 1.7],
    ] as const) {
      const table = new BetaTable(a, b);
      for (let i = 1; i < 200; i++) {
        const p = i / 200;
        const x = betaQuantile(p, a, b);
        expect(Math.abs(table.cdf(x) - p)).toBeLessThan(1e-6);
        expect(Math.abs(table.quantile(p) - x)).toBeLessThan(1e-6);
      }
      expect(table.cdf(0.3)).toBeCloseTo(betaCdf(0.3, a, b), 6);
    }
  });
});

describe('correctedQuality', () => {
  const lenient: Confusion = { tp: 9, fn: 1, fp: 3, tn: 7 };

  it('is deterministic for the same input and seed, and the seed matters', () => {
    const input = { judgedPass: 150, judgedN: 200, confusion: lenient };
    expect(correctedQuality(input)).toEqual(correctedQuality(input));
    expect(correctedQuality(input, { seed: 7 })).toEqual(correctedQuality(input, { seed: 7 }));
    expect(correctedQuality(input, { seed: 7 }).low).not.toBe(correctedQuality(input, { seed: 8 }).low);
  });

  it('gives the Rogan-Gladen point estimate and an interval around it', () => {
    const r = correctedQuality({ judgedPass: 150, judgedN: 200, confusion: lenient });
    expect(r.rate).toBeCloseTo((0.75 + 0.7 - 1) / 0.6, 12);
    // Reference: 2-D quadrature of the same posterior with scipy (400x400 grid over (TPR, FPR) and
    // 2000 π bins): 95% equal-tailed interval [0.3708, 0.9808].
    expect(r.low).toBeGreaterThan(0.3608);
    expect(r.low).toBeLessThan(0.3808);
    expect(r.high).toBeCloseTo(0.9808, 2);
  });

  it('matches quadrature of the posterior when labels are few and outputs many', () => {
    // Reference: same scipy quadrature as above: [0.7313, 0.9978] and, with no labels at all, [0.0333, 0.9668].
    const few = correctedQuality({ judgedPass: 190, judgedN: 200, confusion: { tp: 3, fn: 0, fp: 0, tn: 2 } });
    expect(Math.abs(few.low! - 0.7313)).toBeLessThan(0.015);
    expect(few.high).toBeCloseTo(0.9978, 2);
    const none = correctedQuality({ judgedPass: 10, judgedN: 20, confusion: { tp: 0, fn: 0, fp: 0, tn: 0 } });
    expect(none.rate).toBeNull();
    expect(none.low).toBeCloseTo(0.0333, 2);
    expect(none.high).toBeCloseTo(0.9668, 2);
  });

  it('with a perfect, well-measured judge is close to the raw judged rate', () => {
    const r = correctedQuality({ judgedPass: 140, judgedN: 200, confusion: { tp: 100, fn: 0, fp: 0, tn: 100 } });
    expect(r.rate).toBe(0.7);
    const raw = wilson(140, 200);
    expect(Math.abs(r.low! - raw.low!)).toBeLessThan(0.02);
    expect(Math.abs(r.high! - raw.high!)).toBeLessThan(0.02);
  });

  it('has a null point estimate for a useless judge but still an (honestly wide) interval', () => {
    const r = correctedQuality({ judgedPass: 30, judgedN: 60, confusion: { tp: 3, fn: 3, fp: 3, tn: 3 } });
    expect(r.rate).toBeNull();
    expect(r.high! - r.low!).toBeGreaterThan(0.7);
  });

  it('is all null with no judged outputs, and rejects impossible counts', () => {
    expect(correctedQuality({ judgedPass: 0, judgedN: 0, confusion: lenient })).toEqual({ rate: null, low: null, high: null });
    expect(() => correctedQuality({ judgedPass: 5, judgedN: 4, confusion: lenient })).toThrow(RangeError);
    expect(() => correctedQuality({ judgedPass: 1, judgedN: 4, confusion: { ...lenient, tp: -1 } })).toThrow(RangeError);
  });
});

/** One synthetic judge, label set and run; returns whether each interval covers the true pass rate. */
function simulate(
  random: () => number,
  truth: { tpr: number; tnr: number; pi: number },
  labels: number,
  judgedN: number,
  draws: number,
): { corrected: boolean; naive: boolean } {
  // Human verdicts of the labeled outputs are split independently of π (the model conditions on the
  // class sizes, so they must carry no information about π for the check to be fair).
  const positives = binomialSample(random, labels, 0.5);
  const tp = binomialSample(random, positives, truth.tpr);
  const tn = binomialSample(random, labels - positives, truth.tnr);
  const confusion = { tp, fn: positives - tp, fp: labels - positives - tn, tn };
  const apparent = truth.pi * truth.tpr + (1 - truth.pi) * (1 - truth.tnr);
  const judgedPass = binomialSample(random, judgedN, apparent);
  const r = correctedQuality({ judgedPass, judgedN, confusion }, { draws, seed: Math.floor(random() * 2 ** 32) });
  const raw = wilson(judgedPass, judgedN);
  return {
    corrected: r.low! <= truth.pi && truth.pi <= r.high!,
    naive: raw.low! <= truth.pi && truth.pi <= raw.high!,
  };
}

const JUDGED_NS = [20, 50, 100, 200];

describe('correctedQuality coverage (simulation)', () => {
  // Fewer draws than the default keeps this fast; it is the same code path, and Monte Carlo noise in
  // the bounds can only make coverage worse, so the check stays conservative.
  const draws = 300;

  it('covers the true pass rate >= 93% of the time when truths come from the prior', () => {
    // A Bayesian interval is calibrated on average over its prior: draw TPR, TNR, π uniform with
    // TPR + TNR > 1 (the model's prior), then labels and judged outputs from them.
    const random = rng(12345);
    const sims = 2000;
    let corrected = 0;
    let naive = 0;
    for (let i = 0; i < sims; i++) {
      let tpr: number;
      let tnr: number;
      do {
        tpr = random();
        tnr = random();
      } while (tpr + tnr <= 1);
      const labels = i % 2 === 0 ? 5 : 20;
      const judgedN = JUDGED_NS[i % JUDGED_NS.length]!;
      const hit = simulate(random, { tpr, tnr, pi: random() }, labels, judgedN, draws);
      if (hit.corrected) corrected++;
      if (hit.naive) naive++;
    }
    console.log(`coverage from the prior: corrected ${(corrected / sims).toFixed(3)}, raw Wilson ${(naive / sims).toFixed(3)} (n=${sims})`);
    expect(corrected / sims).toBeGreaterThanOrEqual(0.93);
    // The check has teeth: the uncorrected interval of the judge's raw pass rate fails it badly.
    expect(naive / sims).toBeLessThan(0.7);
  });

  it('covers well in fixed realistic scenarios (lenient and strict judges)', () => {
    const random = rng(777);
    const judges = {
      lenient: { tpr: 0.95, tnr: 0.7 },
      strict: { tpr: 0.7, tnr: 0.95 },
    };
    const reps = 25;
    const lines: string[] = [];
    let total = 0;
    let covered = 0;
    for (const [name, judge] of Object.entries(judges)) {
      for (const labels of [5, 20]) {
        for (const pi of [0.3, 0.6, 0.9]) {
          let hits = 0;
          for (let r = 0; r < reps; r++) {
            const judgedN = JUDGED_NS[r % JUDGED_NS.length]!;
            if (simulate(random, { ...judge, pi }, labels, judgedN, draws).corrected) hits++;
          }
          lines.push(`${name} labels=${labels} pi=${pi}: ${hits}/${reps}`);
          total += reps;
          covered += hits;
        }
      }
    }
    console.log(`coverage in fixed scenarios: ${(covered / total).toFixed(3)}\n  ${lines.join('\n  ')}`);
    expect(covered / total).toBeGreaterThanOrEqual(0.93);
  });
});

describe('samplers', () => {
  it('rng is reproducible and uniform-looking; Beta and Binomial samplers have the right means', () => {
    const a = rng(42);
    const b = rng(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    const random = rng(1);
    const n = 20000;
    let u = 0;
    let beta = 0;
    let binomial = 0;
    for (let i = 0; i < n; i++) {
      u += random();
      beta += betaSample(random, 2, 5);
      binomial += binomialSample(random, 10, 0.3);
    }
    // Means 0.5, 2/7 and 3; tolerances are several standard errors.
    expect(u / n).toBeCloseTo(0.5, 2);
    expect(beta / n).toBeCloseTo(2 / 7, 2);
    expect(binomial / n).toBeGreaterThan(2.95);
    expect(binomial / n).toBeLessThan(3.05);
  });
});
