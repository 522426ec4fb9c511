import { describe, expect, it } from 'vitest';
import { makeCorrector } from '../../src/judge/correct.js';
import { BetaTable, betaQuantile, binomialSample, correctedQuality, correctedQualityMixed, lnGamma, qualityPosterior, rng } from '../../src/stats/index.js';
import type { Confusion } from '../../src/record/schema.js';
import type { CallResult } from '../../src/record/schema.js';

const SLOW = Boolean(process.env.AIJOURNEY_SLOW);
const lenient: Confusion = { tp: 9, fn: 1, fp: 3, tn: 7 };
const sharp: Confusion = { tp: 20, fn: 0, fp: 0, tn: 20 };

function sd(values: number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}

describe('correctedQualityMixed', () => {
  it('is the judged-only interval when nothing is exact, and the exact Beta interval when nothing is judged', () => {
    // The observed split is held fixed: no phantom share of outputs of unknown quality.
    const judged = { judgedPass: 4, judgedN: 5, confusion: { tp: 3, fn: 0, fp: 0, tn: 2 } };
    expect(correctedQualityMixed({ exactPass: 0, exactFail: 0, ...judged }, { seed: 3 })).toEqual(correctedQuality(judged, { seed: 3 }));
    const exact = correctedQualityMixed({ exactPass: 3, exactFail: 2, judgedPass: 0, judgedN: 0, confusion: lenient });
    const beta = new BetaTable(4, 3);
    expect(exact.rate).toBe(0.6);
    expect(exact.low).toBeCloseTo(beta.quantile(0.025), 9);
    expect(exact.high).toBeCloseTo(beta.quantile(0.975), 9);
    expect(exact.low).toBeCloseTo(betaQuantile(0.025, 4, 3), 9);
    expect(exact.high).toBeCloseTo(betaQuantile(0.975, 4, 3), 9);
  });

  it('gives (exactPass + J·Rogan-Gladen)/N as the point estimate, null when Rogan-Gladen is', () => {
    const r = correctedQualityMixed({ exactPass: 10, exactFail: 30, judgedPass: 45, judgedN: 60, confusion: lenient });
    const rg = (0.75 + 0.7 - 1) / 0.6;
    expect(r.rate).toBeCloseTo((10 + 60 * rg) / 100, 12);
    expect(r.low!).toBeLessThan(r.rate!);
    expect(r.high!).toBeGreaterThan(r.rate!);
    const useless = correctedQualityMixed({ exactPass: 2, exactFail: 2, judgedPass: 30, judgedN: 60, confusion: { tp: 3, fn: 3, fp: 3, tn: 3 } });
    expect(useless.rate).toBeNull();
    expect(useless.high! - useless.low!).toBeGreaterThan(0.5);
  });

  it('matches a Monte Carlo of the same model: q = w·π_E + (1 − w)·π_J with w = E/N', () => {
    // An independent route to the same distribution: sample π_E from its Beta and π_J from the
    // misclassification posterior, and take empirical quantiles of 400,000 draws.
    const input = { exactPass: 10, exactFail: 30, judgedPass: 150, judgedN: 200, confusion: lenient };
    const r = correctedQualityMixed(input, { seed: 11 });
    const random = rng(13);
    const piE = new BetaTable(11, 31);
    // π_J by inverse-CDF sampling from correctedQuality's own posterior would not be independent;
    // rebuild it on a fine grid of the exact posterior density instead (2-D quadrature, as scipy did).
    const grid = posteriorGrid(150, 200, lenient, 160);
    const q: number[] = [];
    for (let i = 0; i < 400_000; i++) q.push((40 / 240) * piE.quantile(random()) + (200 / 240) * grid(random()));
    q.sort((a, b) => a - b);
    expect(Math.abs(r.low! - q[Math.floor(0.025 * q.length)]!)).toBeLessThan(0.004);
    expect(Math.abs(r.high! - q[Math.floor(0.975 * q.length)]!)).toBeLessThan(0.004);
  });

  it('holds each bound to a Monte Carlo standard deviation <= 0.002 across seeds', () => {
    const inputs = [
      { exactPass: 0, exactFail: 0, judgedPass: 190, judgedN: 200, confusion: { tp: 3, fn: 0, fp: 0, tn: 2 } },
      { exactPass: 0, exactFail: 0, judgedPass: 150, judgedN: 200, confusion: lenient },
      { exactPass: 1, exactFail: 4, judgedPass: 12, judgedN: 15, confusion: lenient },
      { exactPass: 10, exactFail: 30, judgedPass: 150, judgedN: 200, confusion: lenient },
    ];
    for (const input of inputs) {
      const runs = Array.from({ length: 10 }, (_, seed) => correctedQualityMixed(input, { seed: seed + 1 }));
      expect(sd(runs.map((r) => r.low!))).toBeLessThanOrEqual(0.002);
      expect(sd(runs.map((r) => r.high!))).toBeLessThanOrEqual(0.002);
    }
  });

  it('accepts effective (fractional) counts, and rejects impossible ones', () => {
    const r = correctedQualityMixed({ exactPass: 1.5, exactFail: 2.25, judgedPass: 6.5, judgedN: 9.75, confusion: lenient });
    expect(r.low!).toBeLessThan(r.high!);
    expect(correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 0, judgedN: 0, confusion: lenient })).toEqual({ rate: null, low: null, high: null });
    expect(() => correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 5, judgedN: 4, confusion: lenient })).toThrow(RangeError);
    expect(() => correctedQualityMixed({ exactPass: -1, exactFail: 0, judgedPass: 1, judgedN: 4, confusion: lenient })).toThrow(RangeError);
    expect(() => correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 1, judgedN: 4, confusion: { ...lenient, tp: 1.5 } })).toThrow(RangeError);
  });

  it('gives P(q >= t) and quantiles that agree with each other', () => {
    const { posterior } = qualityPosterior({ exactPass: 3, exactFail: 1, judgedPass: 10, judgedN: 12, confusion: lenient });
    for (const p of [0.05, 0.5, 0.9]) expect(posterior!.cdf(posterior!.quantile(p))).toBeCloseTo(p, 3);
  });
});

/**
 * The judged-only posterior of π on a grid: the exact joint density of (TPR, FPR, π) summed over a
 * g x g grid of (TPR, FPR) midpoints for each of 500 π bins; returns an inverse-CDF sampler.
 */
function posteriorGrid(x: number, n: number, c: Confusion, g: number): (u: number) => number {
  const bins = 500;
  const mass = new Float64Array(bins);
  const lnBin = (k: number, m: number, p: number) => (k === 0 ? 0 : k * Math.log(p)) + (m - k === 0 ? 0 : (m - k) * Math.log1p(-p));
  for (let i = 0; i < g; i++) {
    const tpr = (i + 0.5) / g;
    for (let j = 0; j < g; j++) {
      const fpr = (j + 0.5) / g;
      if (fpr >= tpr) continue;
      const labels = lnBin(c.tp, c.tp + c.fn, tpr) + lnBin(c.fp, c.fp + c.tn, fpr);
      for (let b = 0; b < bins; b++) {
        const pi = (b + 0.5) / bins;
        mass[b]! += Math.exp(labels + lnBin(x, n, pi * tpr + (1 - pi) * fpr) + 150);
      }
    }
  }
  const cdf: number[] = [];
  let total = 0;
  for (const m of mass) {
    total += m;
    cdf.push(total);
  }
  return (u) => {
    const target = u * total;
    let lo = 0;
    while (cdf[lo]! < target) lo++;
    const before = lo === 0 ? 0 : cdf[lo - 1]!;
    return (lo + (target - before) / (cdf[lo]! - before)) / bins;
  };
}

describe('makeCorrector', () => {
  const result = (pass: boolean | null, source: 'judge' | 'label' | null): CallResult =>
    ({
      prompt: 'p',
      provider: 'openai:m',
      example: 0,
      repeat: 0,
      output: pass === null ? null : 'x',
      error: pass === null ? 'boom' : null,
      usage: null,
      costUsd: null,
      latencyMs: null,
      cached: false,
      retries: 0,
      checks: [],
      pass,
      judge: source === null ? null : { verdict: pass ? 'pass' : 'fail', reason: '', source },
    }) as CallResult;
  const corrector = (confusion: Confusion) => makeCorrector({ confusion, seed: 3, randomLabels: [], fingerprint: () => '' });
  const row = { prompt: 'p', provider: 'openai:m' };

  it('splits a row into exact and judged outputs, ignores errors, and deflates clustered counts', () => {
    const rows = [result(false, null), result(false, null), result(true, 'judge'), result(true, 'judge'), result(true, 'judge'), result(null, null)];
    const expected = correctedQualityMixed({ exactPass: 0, exactFail: 2, judgedPass: 3, judgedN: 3, confusion: sharp }, { seed: 3 });
    const got = corrector(sharp)(rows, row, 1)!.interval;
    expect(got.rate).toBe(expected.rate);
    expect(got.low).toBeCloseTo(expected.low!, 12);
    expect(got.high).toBeCloseTo(expected.high!, 12);
    expect(got.method).toBe('misclassification');
    const half = corrector(sharp)(rows, row, 0.5)!.interval;
    const deflated = correctedQualityMixed({ exactPass: 0, exactFail: 1, judgedPass: 1.5, judgedN: 1.5, confusion: sharp }, { seed: 3 });
    expect(half.low).toBeCloseTo(deflated.low!, 12);
    expect(corrector(sharp)([result(null, null)], row, 1)).toBeNull();
  });
});

/** Binomial pmf from log-gamma. */
function pmf(n: number, k: number, p: number): number {
  const lnC = lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
  return Math.exp(lnC + (k === 0 ? 0 : k * Math.log(p)) + (n - k === 0 ? 0 : (n - k) * Math.log1p(-p)));
}

const JUDGES: Array<[number, number]> = [
  [0.95, 0.95],
  [0.9, 0.7],
  [0.7, 0.9],
  [0.6, 0.6],
];
const RATES = [0.1, 0.5, 0.9];

describe('corrected quality coverage at five outputs and up (issue grid)', () => {
  // Every cell of: N = 5, 10, 20 judged outputs; 5, 10, 20, 50 labels split evenly between the
  // verdicts (the model conditions on the class sizes); judges 0.95/0.95, 0.9/0.7, 0.7/0.9, 0.6/0.6;
  // true pass rates 0.1, 0.5, 0.9. Coverage is computed exactly: the sum over every outcome (tp, tn,
  // judged passes) of its probability; outcomes below 1e-9 (1e-7 for the labels) count as misses, so
  // the figure is a lower bound. 2,000 draws instead of the default 16,000 keep the grid to minutes;
  // their noise moves the bounds by about ±0.003. Measured: every cell >= 0.96.
  const draws = 2000;
  const cells = [5, 10, 20].flatMap((N) => [5, 10, 20, 50].flatMap((L) => JUDGES.flatMap((judge) => RATES.map((pi) => ({ N, L, judge, pi })))));

  (SLOW ? it : it.skip).each(cells)('N=$N labels=$L judge=$judge pi=$pi covers >= 93%', { timeout: 300_000 }, ({ N, L, judge, pi }) => {
    const passLabels = Math.ceil(L / 2);
    const failLabels = L - passLabels;
    const apparent = pi * judge[0] + (1 - pi) * (1 - judge[1]);
    let coverage = 0;
    for (let tp = 0; tp <= passLabels; tp++) {
      for (let tn = 0; tn <= failLabels; tn++) {
        const pLabels = pmf(passLabels, tp, judge[0]) * pmf(failLabels, tn, judge[1]);
        if (pLabels < 1e-7) continue;
        for (let x = 0; x <= N; x++) {
          const p = pLabels * pmf(N, x, apparent);
          if (p < 1e-9) continue;
          const r = correctedQualityMixed(
            { exactPass: 0, exactFail: 0, judgedPass: x, judgedN: N, confusion: { tp, fn: passLabels - tp, fp: failLabels - tn, tn } },
            { draws },
          );
          if (r.low !== null && r.low <= pi && pi <= r.high!) coverage += p;
        }
      }
    }
    expect(coverage).toBeGreaterThanOrEqual(0.93);
  });

  it('covers >= 93% at N = 5 in a quick exact check (runs without AIJOURNEY_SLOW)', () => {
    // The cell the split-as-uncertain model failed: five judged outputs, five labels, a strong judge.
    const [tpr, tnr] = [0.95, 0.95];
    for (const pi of [0.1, 0.9]) {
      const apparent = pi * tpr + (1 - pi) * (1 - tnr);
      let coverage = 0;
      for (let tp = 0; tp <= 3; tp++) {
        for (let tn = 0; tn <= 2; tn++) {
          for (let x = 0; x <= 5; x++) {
            const p = pmf(3, tp, tpr) * pmf(2, tn, tnr) * pmf(5, x, apparent);
            if (p < 1e-9) continue;
            const r = correctedQualityMixed(
              { exactPass: 0, exactFail: 0, judgedPass: x, judgedN: 5, confusion: { tp, fn: 3 - tp, fp: 2 - tn, tn } },
              { draws: 2000 },
            );
            if (r.low! <= pi && pi <= r.high!) coverage += p;
          }
        }
      }
      expect(coverage).toBeGreaterThanOrEqual(0.93);
    }
  });
});

describe('mixed rows: coverage of the population quality when the split itself varies', () => {
  // Truths from the model's prior (TPR, TNR uniform with TPR + TNR > 1; π_E, π_J uniform), a
  // population share w of exactly decided outputs (uniform, or fixed), rows of 5 to 100 outputs.
  // Holding the observed split fixed still covers q = w·π_E + (1 − w)·π_J: measured 0.94-0.95.
  (SLOW ? it : it.skip).each([null, 0.1, 0.5, 0.9])('covers q >= 93%% with the exact share w = %s', { timeout: 300_000 }, (wFixed) => {
    const random = rng(2718);
    const sizes = [5, 10, 20, 50, 100];
    const sims = 1000;
    let covered = 0;
    for (let i = 0; i < sims; i++) {
      const labels = i % 2 === 0 ? 5 : 20;
      const n = sizes[Math.floor(i / 2) % sizes.length]!;
      let tpr: number;
      let tnr: number;
      do {
        tpr = random();
        tnr = random();
      } while (tpr + tnr <= 1);
      const w = wFixed ?? random();
      const piE = random();
      const piJ = random();
      const positives = binomialSample(random, labels, 0.5);
      const tp = binomialSample(random, positives, tpr);
      const tn = binomialSample(random, labels - positives, tnr);
      const exact = binomialSample(random, n, w);
      const exactPass = binomialSample(random, exact, piE);
      const judgedPass = binomialSample(random, n - exact, piJ * tpr + (1 - piJ) * (1 - tnr));
      const q = w * piE + (1 - w) * piJ;
      const confusion = { tp, fn: positives - tp, fp: labels - positives - tn, tn };
      const r = correctedQualityMixed({ exactPass, exactFail: exact - exactPass, judgedPass, judgedN: n - exact, confusion }, { draws: 1000 });
      if (r.low! <= q && q <= r.high!) covered++;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.93);
  });
});
