import { describe, expect, it } from 'vitest';
import { correctedQualityMixed, ppiInterval, ppiMean, ppiProbabilityAtLeast, rng, type PpiLabeled } from '../../src/stats/index.js';

const SLOW = Boolean(process.env.AIJOURNEY_SLOW);
const JUDGES: Array<[number, number]> = [
  [0.95, 0.95],
  [0.9, 0.7],
  [0.7, 0.9],
  [0.6, 0.6],
];
const RATES = [0.1, 0.5, 0.9];

/** One row of N outputs, n of them labeled at random: the PPI input and the misclassification input. */
function row(random: () => number, judge: [number, number], pi: number, n: number, N: number) {
  const labeled: PpiLabeled = { pp: 0, pf: 0, fp: 0, ff: 0 };
  const draw = () => {
    const y = random() < pi;
    return { y, f: y ? random() < judge[0] : random() >= judge[1] };
  };
  for (let i = 0; i < n; i++) {
    const { y, f } = draw();
    labeled[(y ? (f ? 'pp' : 'pf') : f ? 'fp' : 'ff') as keyof PpiLabeled]++;
  }
  let unlabeledPass = 0;
  for (let i = 0; i < N - n; i++) if (draw().f) unlabeledPass++;
  return { labeled, unlabeledN: N - n, unlabeledPass };
}

describe('ppiMean (PPI++ mean estimation)', () => {
  it('leans on the judge when it agrees with the humans, and ignores it when it does not', () => {
    const agreeing = ppiMean({ labeled: { pp: 15, pf: 0, fp: 0, ff: 5 }, unlabeledN: 200, unlabeledPass: 120 })!;
    // Agresti & Min's half pseudo-count per cell keeps λ below 1 on a sample with no disagreement.
    expect(agreeing.lambda).toBeGreaterThan(0.6);
    expect(agreeing.rate).toBeGreaterThan(0.6);
    expect(agreeing.rate).toBeLessThan(0.75);
    // f independent of Y: no covariance, λ = 0, the estimate is the labels' own (adjusted) mean.
    const noise = ppiMean({ labeled: { pp: 5, pf: 5, fp: 5, ff: 5 }, unlabeledN: 200, unlabeledPass: 100 })!;
    expect(noise.lambda).toBe(0);
    expect(noise.rate).toBeCloseTo(0.5, 12);
    expect(ppiMean({ labeled: { pp: 1, pf: 0, fp: 0, ff: 0 }, unlabeledN: 10, unlabeledPass: 5 })).toBeNull();
  });

  it('gives one-sided probabilities consistent with its interval', () => {
    const e = ppiMean({ labeled: { pp: 12, pf: 2, fp: 1, ff: 5 }, unlabeledN: 180, unlabeledPass: 110 })!;
    const { low, high } = ppiInterval(e);
    expect(ppiProbabilityAtLeast(e, low)).toBeCloseTo(0.975, 6);
    expect(ppiProbabilityAtLeast(e, high)).toBeCloseTo(0.025, 6);
    expect(ppiProbabilityAtLeast(e, e.rate)).toBeCloseTo(0.5, 12);
  });

  it('covers the true pass rate >= 93% at 20 and 50 random labels (judges 0.95/0.95 .. 0.6/0.6, rates 0.1 .. 0.9)', () => {
    const random = rng(2023);
    const reps = 300;
    for (const n of [20, 50]) {
      let covered = 0;
      let total = 0;
      for (const judge of JUDGES) {
        for (const pi of RATES) {
          let hits = 0;
          for (let r = 0; r < reps; r++) {
            const e = ppiMean(row(random, judge, pi, n, 200))!;
            const { low, high } = ppiInterval(e);
            if (low <= pi && pi <= high) hits++;
          }
          // Per cell the Monte Carlo error of 300 runs is about ±0.013 (1 sd).
          expect(hits / reps).toBeGreaterThanOrEqual(0.9);
          covered += hits;
          total += reps;
        }
      }
      console.log(`PPI coverage at ${n} random labels: ${(covered / total).toFixed(3)}`);
      expect(covered / total).toBeGreaterThanOrEqual(0.93);
    }
  });

  it('is narrower than the misclassification model on the same labels and outputs', { timeout: SLOW ? 600_000 : 30_000 }, () => {
    const random = rng(7);
    const cells = SLOW ? JUDGES.flatMap((judge) => RATES.map((pi) => [judge, pi] as const)) : [[JUDGES[1]!, 0.5] as const];
    const reps = SLOW ? 100 : 25;
    for (const [judge, pi] of cells) {
      for (const n of [20, 50]) {
        let ppiWidth = 0;
        let modelWidth = 0;
        for (let r = 0; r < reps; r++) {
          const input = row(random, judge, pi, n, 200);
          const { low, high } = ppiInterval(ppiMean(input)!);
          ppiWidth += high - low;
          const { pp, pf, fp, ff } = input.labeled;
          const m = correctedQualityMixed(
            { exactPass: pp + pf, exactFail: fp + ff, judgedPass: input.unlabeledPass, judgedN: input.unlabeledN, confusion: { tp: pp, fn: pf, fp, tn: ff } },
            { draws: 2000 },
          );
          modelWidth += m.high! - m.low!;
        }
        expect(ppiWidth / reps).toBeLessThan(modelWidth / reps);
      }
    }
  });
});
