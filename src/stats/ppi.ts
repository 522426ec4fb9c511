/**
 * Prediction-powered inference for a pass rate (PPI++: Angelopoulos, Duchi & Zrnic 2023, "PPI++:
 * Efficient Prediction-Powered Inference", arXiv:2311.01453, §3 mean estimation with power tuning).
 * A random sample of outputs carries human verdicts Y; every output carries the judge's verdict f.
 * The judge's mean over the unlabeled outputs, corrected by the labeled sample's mean of Y − λf,
 * is unbiased for the true pass rate whatever the judge's errors, and λ is chosen to minimize its
 * variance. Valid only when the labeled outputs are a uniform random sample of the outputs the
 * estimate is about (`aijourney label --random` records that).
 */
import { tCdf, tQuantile } from './special.js';

/** Counts of the labeled random sample by (human verdict, judge verdict). */
export interface PpiLabeled {
  /** human pass, judge pass */
  pp: number;
  /** human pass, judge fail */
  pf: number;
  /** human fail, judge pass */
  fp: number;
  /** human fail, judge fail */
  ff: number;
}

export interface PpiInput {
  labeled: PpiLabeled;
  /** Outputs without a human verdict, and how many of them the judge passed. */
  unlabeledN: number;
  unlabeledPass: number;
}

export interface PpiEstimate {
  /** The estimate of the true pass rate (not clipped). */
  rate: number;
  /** Its standard error. */
  se: number;
  /** The power-tuning weight, in [0, 1]: 0 ignores the judge (the labels' mean alone), 1 is plain PPI. */
  lambda: number;
  /** Degrees of freedom of the t reference distribution: labeled − 1. */
  df: number;
}

/** Agresti & Min's pseudo-count per cell of the labeled 2x2 table. */
const ADJUST = 0.5;

/** The estimate, or null with fewer than 2 labeled or 1 unlabeled outputs. */
export function ppiMean(input: PpiInput): PpiEstimate | null {
  const count = input.labeled.pp + input.labeled.pf + input.labeled.fp + input.labeled.ff;
  const N = input.unlabeledN;
  if (count < 2 || N < 1) return null;
  // Agresti & Min (2005): half a pseudo-observation in each cell of the matched 2x2 table keeps the
  // interval honest when the sample shows few (or no) disagreements between human and judge.
  const pp = input.labeled.pp + ADJUST;
  const pf = input.labeled.pf + ADJUST;
  const fp = input.labeled.fp + ADJUST;
  const n = count + 4 * ADJUST;
  const y = (pp + pf) / n;
  const fL = (pp + fp) / n;
  const fU = input.unlabeledPass / N;
  const unbiased = n / (n - 1);
  const covYf = (pp / n - y * fL) * unbiased;
  const varYL = y * (1 - y) * unbiased;
  const varFL = fL * (1 - fL) * unbiased;
  const varFU = N > 1 ? fU * (1 - fU) * (N / (N - 1)) : 0;
  const all = (n * fL + N * fU) / (n + N);
  const varF = all * (1 - all) * ((n + N) / (n + N - 1));
  // PPI++ (eq. 7 for the mean): λ* = Cov(Y, f) / ((1 + n/N)·Var(f)), clipped to [0, 1].
  const lambda = varF > 0 ? Math.min(1, Math.max(0, covYf / ((1 + n / N) * varF))) : 0;
  const rate = y + lambda * (fU - fL);
  const rectifierVar = Math.max(0, varYL + lambda * lambda * varFL - 2 * lambda * covYf);
  const se = Math.sqrt((lambda * lambda * varFU) / N + rectifierVar / n);
  return { rate, se, lambda, df: count - 1 };
}

/** The two-sided interval at `confidence`, clipped to [0, 1]. */
export function ppiInterval(e: PpiEstimate, confidence = 0.95): { low: number; high: number } {
  const t = tQuantile((1 + confidence) / 2, e.df);
  return { low: Math.max(0, e.rate - t * e.se), high: Math.min(1, e.rate + t * e.se) };
}

/** P(true rate >= limit) on the t approximation; a step at the estimate when se is 0. */
export function ppiProbabilityAtLeast(e: PpiEstimate, limit: number): number {
  if (!(e.se > 0)) return e.rate >= limit ? 1 : 0;
  return 1 - tCdf((limit - e.rate) / e.se, e.df);
}
