/**
 * Corrected quality of a row in which some outputs were decided exactly (a failed deterministic check,
 * a human label on the exact text) and only the rest were graded by the LLM judge.
 */
import type { Interval } from './types.js';
import { roganGladen, tprTnr } from './agreement.js';
import type { Confusion } from './types.js';
import { BetaTable } from './beta-table.js';
import { assertCounts, DEFAULT_DRAWS, posteriorOfPi, solveMonotone, type CorrectedQualityOptions, type PiPosterior } from './corrected.js';
import { rng } from './random.js';

/** Options of {@link correctedQualityMixed}. */
export type MixedQualityOptions = CorrectedQualityOptions;

export interface MixedQualityInput {
  /** Outputs decided exactly as passes (a human label on the exact text said pass). */
  exactPass: number;
  /** Outputs decided exactly as fails (a failed deterministic check, or a human fail label). */
  exactFail: number;
  /** Outputs the LLM judge passed. */
  judgedPass: number;
  /** Outputs the LLM judge gave a verdict on. */
  judgedN: number;
  /** The judge's verdicts against the human labels. */
  confusion: Confusion;
}

/** A distribution of the row's quality, for intervals, one-sided bounds and P(quality >= limit). */
export interface QualityPosterior {
  /** P(q <= t). */
  cdf(t: number): number;
  /** The p-quantile of q. */
  quantile(p: number): number;
}

/** The point estimate and the posterior of a row's quality. */
export interface QualityEstimate {
  /** (exactPass + J·RG)/N, null when Rogan-Gladen is undefined. */
  rate: number | null;
  /** null when the row is empty or every importance weight underflowed. */
  posterior: QualityPosterior | null;
}

/**
 * The posterior of a row's quality q = w·π_E + (1 − w)·π_J, where w = E/N is the observed share of
 * outputs decided exactly (held fixed: the split is known once the row ran), π_E ~ Beta(1 + exactPass,
 * 1 + exactFail) the pass rate of such outputs and π_J the misclassification posterior of the true
 * pass rate among judged outputs ({@link correctedQuality}). With nothing exact q is π_J, with nothing
 * judged it is π_E, and in between it is their (independent) weighted sum. An earlier version treated
 * w as uncertain too, which puts prior weight on a share of exact outputs that a row of five judged
 * outputs has not shown, and under-covered there (0.90-0.92 at N = 5).
 *
 * Counts may be fractional (effective counts of clustered outputs, see cluster.ts).
 */
export function qualityPosterior(input: MixedQualityInput, options: MixedQualityOptions = {}): QualityEstimate {
  const { exactPass, exactFail, judgedPass, judgedN, confusion } = input;
  assertCounts({ exactPass, exactFail, judgedPass, judgedN }, confusion);
  if (judgedPass > judgedN) throw new RangeError(`judgedPass (${judgedPass}) must not exceed judgedN (${judgedN})`);
  const draws = options.draws ?? DEFAULT_DRAWS;
  if (!(Number.isInteger(draws) && draws > 0)) throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const exact = exactPass + exactFail;
  const n = exact + judgedN;
  if (!(n > 0)) return { rate: null, posterior: null };
  const rate = pointEstimate(input, n);
  const exactBeta = exact > 0 ? new BetaTable(1 + exactPass, 1 + exactFail) : null;
  if (!(judgedN > 0)) return { rate, posterior: exactBeta };
  const random = rng(options.seed ?? 20240611);
  const judged = posteriorOfPi(judgedPass, judgedN, confusion, draws, random);
  if (judged === null) return { rate, posterior: null };
  if (!exactBeta) return { rate, posterior: judged };

  return { rate, posterior: weightedSum(exact / n, exactBeta, judged) };
}

/**
 * The row's corrected quality: `rate` = (exactPass + J·RG)/N with RG the Rogan-Gladen estimate (null
 * when RG is), `low`/`high` the equal-tailed credible interval of {@link qualityPosterior}, widened to
 * hold `rate` where Rogan-Gladen's clipping at 0 or 1 puts it outside.
 */
export function correctedQualityMixed(input: MixedQualityInput, options: MixedQualityOptions = {}): Interval {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const { rate, posterior } = qualityPosterior(input, options);
  if (!posterior) return { rate, low: null, high: null };
  const tail = (1 - confidence) / 2;
  const low = posterior.quantile(tail);
  const high = posterior.quantile(1 - tail);
  if (rate === null) return { rate, low, high };
  return { rate, low: Math.min(low, rate), high: Math.max(high, rate) };
}

/** Nodes of π_E's quantile function in the convolution, and intervals of π_J's tabulated CDF. */
const EXACT_NODES = 512;
const JUDGED_INTERVALS = 256;

/**
 * The distribution of q = w·E + (1 − w)·J for independent E (a Beta) and J (the misclassification
 * posterior), by numerical convolution, deterministic given J: P(q <= t) = E_E[G((t − w·E)/(1 − w))]
 * with G the CDF of J, tabulated on 257 points between its 1e-7 and 1 − 1e-7 quantiles and
 * interpolated linearly, and the expectation over E by the midpoint rule on 512 nodes of its quantile
 * function. Both errors are below 1e-4 in probability, far under the 0.002 the bounds are held to.
 */
function weightedSum(w: number, exact: BetaTable, judged: PiPosterior): QualityPosterior {
  const lo = judged.quantile(1e-7);
  const hi = judged.quantile(1 - 1e-7);
  const step = (hi - lo) / JUDGED_INTERVALS;
  const table = Float64Array.from({ length: JUDGED_INTERVALS + 1 }, (_, i) => judged.cdf(lo + i * step));
  const g = (x: number): number => {
    if (x <= lo) return 0;
    if (x >= hi || !(step > 0)) return 1;
    const s = (x - lo) / step;
    const i = Math.min(JUDGED_INTERVALS - 1, Math.floor(s));
    return table[i]! + (s - i) * (table[i + 1]! - table[i]!);
  };
  const nodes = Float64Array.from({ length: EXACT_NODES }, (_, k) => exact.quantile((k + 0.5) / EXACT_NODES));
  const cdf = (t: number): number => {
    if (t <= 0) return 0;
    if (t >= 1) return 1;
    let sum = 0;
    for (const e of nodes) sum += g((t - w * e) / (1 - w));
    return sum / EXACT_NODES;
  };
  return { cdf, quantile: (p) => solveMonotone(cdf, p) };
}

function pointEstimate(input: MixedQualityInput, n: number): number | null {
  const { exactPass, judgedPass, judgedN, confusion } = input;
  if (!(judgedN > 0)) return exactPass / n;
  const { tpr, tnr } = tprTnr(confusion);
  const rg = tpr === null || tnr === null ? null : roganGladen(judgedPass / judgedN, tpr, tnr);
  return rg === null ? null : (exactPass + judgedN * rg) / n;
}
