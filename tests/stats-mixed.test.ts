import { describe, expect, it } from 'vitest';
import { makeCorrector } from '../src/judge/correct.js';
import {
  betaQuantile,
  binomialSample,
  correctedQuality,
  correctedQualityMixed,
  rng,
  type Confusion,
} from '../src/stats.js';
import type { CallResult } from '../src/types.js';

const lenient: Confusion = { tp: 9, fn: 1, fp: 3, tn: 7 };
const sharp: Confusion = { tp: 20, fn: 0, fp: 0, tn: 20 };

describe('correctedQualityMixed', () => {
  it('is deterministic for the same input and seed, and the seed matters', () => {
    const input = { exactPass: 1, exactFail: 4, judgedPass: 12, judgedN: 15, confusion: lenient };
    expect(correctedQualityMixed(input)).toEqual(correctedQualityMixed(input));
    expect(correctedQualityMixed(input, { seed: 7 })).toEqual(correctedQualityMixed(input, { seed: 7 }));
    expect(correctedQualityMixed(input, { seed: 7 }).low).not.toBe(correctedQualityMixed(input, { seed: 8 }).low);
  });

  it('does not treat the exact/judged split as fixed: 2 exact fails + 3 judged passes', () => {
    // Conditioning on the split caps the upper bound at exactly 3/5 (every judged output passing);
    // the raw Wilson interval's upper bound is 0.88.
    for (const confusion of [lenient, sharp]) {
      const r = correctedQualityMixed({ exactPass: 0, exactFail: 2, judgedPass: 3, judgedN: 3, confusion });
      expect(r.rate).toBeCloseTo(0.6, 12);
      expect(r.high).toBeGreaterThan(0.75);
      expect(r.low).toBeLessThan(0.3);
    }
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

  it('widens the interval to hold a point estimate that Rogan-Gladen clipped at 0 or 1', () => {
    // Apparent rate 1 > TPR 0.9 clips RG to 1, and 0 < 1 − TNR clips it to 0.
    const top = correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 40, judgedN: 40, confusion: lenient });
    expect(top.rate).toBe(1);
    expect(top.high).toBe(1);
    const bottom = correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 0, judgedN: 40, confusion: lenient });
    expect(bottom.rate).toBe(0);
    expect(bottom.low).toBe(0);
  });

  it('with everything judged tends to correctedQuality as the row grows', () => {
    // The exact share's posterior Beta(1, 201) puts almost no weight on exact outputs, so the two
    // intervals differ by Monte Carlo error (about ±0.005) and a shift of that order.
    const input = { judgedPass: 150, judgedN: 200, confusion: lenient };
    const mixed = correctedQualityMixed({ exactPass: 0, exactFail: 0, ...input });
    const plain = correctedQuality(input);
    expect(mixed.rate).toBeCloseTo(plain.rate!, 12);
    expect(Math.abs(mixed.low! - plain.low!)).toBeLessThan(0.015);
    expect(Math.abs(mixed.high! - plain.high!)).toBeLessThan(0.015);
  });

  it('with nothing judged is the Beta(1 + passes, 1 + fails) interval of the exact outputs', () => {
    const many = correctedQualityMixed({ exactPass: 30, exactFail: 10, judgedPass: 0, judgedN: 0, confusion: lenient });
    expect(many.rate).toBe(0.75);
    expect(Math.abs(many.low! - betaQuantile(0.025, 31, 11))).toBeLessThan(0.01);
    expect(Math.abs(many.high! - betaQuantile(0.975, 31, 11))).toBeLessThan(0.01);
    // Few outputs: close, not equal, since the judged share (w < 1) of unknown quality stays possible.
    const few = correctedQualityMixed({ exactPass: 3, exactFail: 2, judgedPass: 0, judgedN: 0, confusion: lenient });
    expect(Math.abs(few.low! - betaQuantile(0.025, 4, 3))).toBeLessThan(0.05);
    expect(Math.abs(few.high! - betaQuantile(0.975, 4, 3))).toBeLessThan(0.05);
  });

  it('is all null for an empty row, and rejects impossible counts', () => {
    expect(correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 0, judgedN: 0, confusion: lenient })).toEqual({ rate: null, low: null, high: null });
    expect(() => correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 5, judgedN: 4, confusion: lenient })).toThrow(RangeError);
    expect(() => correctedQualityMixed({ exactPass: -1, exactFail: 0, judgedPass: 1, judgedN: 4, confusion: lenient })).toThrow(RangeError);
    expect(() => correctedQualityMixed({ exactPass: 0, exactFail: 0, judgedPass: 1, judgedN: 4, confusion: lenient }, { samples: 0 })).toThrow(RangeError);
  });
});

describe('makeCorrector', () => {
  const result = (pass: boolean | null, source: 'judge' | 'label' | null): CallResult => ({
    prompt: 'p', provider: 'openai:m', example: 0, repeat: 0, output: pass === null ? null : 'x',
    error: pass === null ? 'boom' : null, usage: null, costUsd: null, latencyMs: null, cached: false,
    retries: 0, checks: [], pass,
    judge: source === null ? null : { verdict: pass ? 'pass' : 'fail', reason: '', source },
  } as CallResult);

  it('splits a row into exact and judged outputs and ignores errors', () => {
    const row = [result(false, null), result(false, null), result(true, 'judge'), result(true, 'judge'), result(true, 'judge'), result(null, null)];
    const expected = correctedQualityMixed({ exactPass: 0, exactFail: 2, judgedPass: 3, judgedN: 3, confusion: sharp }, { seed: 3 });
    expect(makeCorrector(sharp, 3)(row)).toEqual(expected);
    const labeled = [result(true, 'label'), result(false, 'judge')];
    expect(makeCorrector(sharp, 3)(labeled)).toEqual(correctedQualityMixed({ exactPass: 1, exactFail: 0, judgedPass: 0, judgedN: 1, confusion: sharp }, { seed: 3 }));
    expect(makeCorrector(sharp)([result(null, null)])).toBeNull();
  });
});

interface Mixed {
  exactPass: number;
  exactFail: number;
  judgedPass: number;
  judgedN: number;
  confusion: Confusion;
}

/** One synthetic row: its counts and its true quality q = w·π_E + (1 − w)·π_J. */
function simulateRow(random: () => number, labels: number, n: number, w: number): { input: Mixed; q: number } {
  let tpr: number;
  let tnr: number;
  do {
    tpr = random();
    tnr = random();
  } while (tpr + tnr <= 1);
  const piExact = random();
  const piJudged = random();
  // Human verdicts split independently of π_J (the model conditions on the class sizes).
  const positives = binomialSample(random, labels, 0.5);
  const tp = binomialSample(random, positives, tpr);
  const tn = binomialSample(random, labels - positives, tnr);
  const exact = binomialSample(random, n, w);
  const exactPass = binomialSample(random, exact, piExact);
  const judgedN = n - exact;
  const judgedPass = binomialSample(random, judgedN, piJudged * tpr + (1 - piJudged) * (1 - tnr));
  return {
    input: { exactPass, exactFail: exact - exactPass, judgedPass, judgedN, confusion: { tp, fn: positives - tp, fp: labels - positives - tn, tn } },
    q: w * piExact + (1 - w) * piJudged,
  };
}

/** The interval that conditions on the split (the previous corrector), for comparison. */
function splitFixed(input: Mixed, seed: number): { low: number; high: number } {
  const n = input.exactPass + input.exactFail + input.judgedN;
  if (input.judgedN === 0) return { low: input.exactPass / n, high: input.exactPass / n };
  const pi = correctedQuality(input, { draws: 300, seed });
  return { low: (input.exactPass + input.judgedN * pi.low!) / n, high: (input.exactPass + input.judgedN * pi.high!) / n };
}

describe('correctedQualityMixed coverage (simulation)', () => {
  const NS = [5, 10, 20, 50, 100];

  it('covers the row quality q >= 93% of the time when truths come from the prior', () => {
    // Truths from the model's prior: w, π_E, π_J uniform, TPR and TNR uniform with TPR + TNR > 1.
    // Fewer Monte Carlo draws than the default keep this fast; their noise only lowers coverage.
    const random = rng(2718);
    const sims = 1000;
    let covered = 0;
    let fixedCovered = 0;
    for (let i = 0; i < sims; i++) {
      const labels = i % 2 === 0 ? 5 : 20;
      const n = NS[Math.floor(i / 2) % NS.length]!;
      const { input, q } = simulateRow(random, labels, n, random());
      const seed = Math.floor(random() * 2 ** 32);
      const r = correctedQualityMixed(input, { draws: 300, samples: 1000, seed });
      if (r.low! <= q && q <= r.high!) covered++;
      const old = splitFixed(input, seed);
      if (old.low <= q && q <= old.high) fixedCovered++;
    }
    console.log(`mixed-row coverage from the prior: ${(covered / sims).toFixed(3)}, split held fixed ${(fixedCovered / sims).toFixed(3)} (n=${sims})`);
    expect(covered / sims).toBeGreaterThanOrEqual(0.93);
    // The check has teeth: the interval that holds the split fixed misses q far more often.
    expect(fixedCovered / sims).toBeLessThan(0.85);
  });

  it('covers q >= 93% at fixed exact shares, small and large rows', () => {
    const random = rng(31415);
    const lines: string[] = [];
    let total = 0;
    let covered = 0;
    for (const w of [0.1, 0.5, 0.9]) {
      for (const n of [5, 20, 100]) {
        const reps = 40;
        let hits = 0;
        for (let r = 0; r < reps; r++) {
          const { input, q } = simulateRow(random, r % 2 === 0 ? 5 : 20, n, w);
          const interval = correctedQualityMixed(input, { draws: 300, samples: 1000, seed: Math.floor(random() * 2 ** 32) });
          if (interval.low! <= q && q <= interval.high!) hits++;
        }
        lines.push(`w=${w} N=${n}: ${hits}/${reps}`);
        total += reps;
        covered += hits;
      }
    }
    console.log(`mixed-row coverage at fixed shares: ${(covered / total).toFixed(3)}\n  ${lines.join('\n  ')}`);
    expect(covered / total).toBeGreaterThanOrEqual(0.93);
  });
});
