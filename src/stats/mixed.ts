/**
 * Corrected quality of a row in which some outputs were decided exactly (a failed deterministic check,
 * a human label on the exact text) and only the rest were graded by the LLM judge.
 */
import type { Interval } from '../types.js';
import { roganGladen, tprTnr, type Confusion } from './agreement.js';
import { latinHypercube, posteriorOfPi, type CorrectedQualityOptions } from './corrected.js';
import { rng } from './random.js';
import { betaQuantile } from './special.js';

/** Options of {@link correctedQualityMixed}. */
export interface MixedQualityOptions extends CorrectedQualityOptions {
  /**
   * Monte Carlo draws of the row's quality q (each draws the exact share, the exact pass rate and the
   * judged pass rate). Coverage from the prior measured at 4000: 0.949 over 4000 simulated rows.
   * @default 4000
   */
  samples?: number;
}

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

/**
 * The row's quality q = w·π_E + (1 − w)·π_J, where w is the share of the row's outputs decided
 * exactly, π_E the pass rate among those and π_J the true pass rate among judge-graded outputs: a
 * population quantity, so the split between exact and judged outputs is uncertain too.
 *
 * Model: independent Beta(1,1) priors on w, π_E and π_J (plus the judge's TPR and TNR as in
 * {@link correctedQuality}). Posteriors: w ~ Beta(1 + E, 1 + J), π_E ~ Beta(1 + exactPass,
 * 1 + exactFail), π_J the misclassification posterior; the three are independent given the data.
 * A Dirichlet(1,1,1) over {exact pass, exact fail, judged} was the alternative: it implies the same
 * π_E but w ~ Beta(2 + E, 1 + J), a prior that favours exact decisions for no reason, so the
 * per-parameter uniform priors of the judge model are kept. Because w is uncertain, the ends do not
 * collapse exactly: with nothing judged (J = 0) q's interval is close to, not equal to, the
 * Beta(1 + exactPass, 1 + exactFail) interval (w < 1 leaves room for a judged share of unknown
 * quality; within 0.01 at E = 40, 0.03 at E = 5); with nothing exact it tends to
 * {@link correctedQuality}'s interval as J grows (within 0.005 at J = 200), and can be
 * honestly wider at small J, where a population share of check failures has not been ruled out.
 * No special case at either end, so one more output never makes the interval jump.
 *
 * `rate` = (exactPass + J·RG)/N with RG the Rogan-Gladen estimate (null when RG is). `low`/`high` are
 * the equal-tailed credible interval of q by seeded Monte Carlo (Latin hypercube over the four
 * uniforms), widened to hold `rate` where Rogan-Gladen's clipping at 0 or 1 puts it outside.
 */
export function correctedQualityMixed(input: MixedQualityInput, options: MixedQualityOptions = {}): Interval {
  const { exactPass, exactFail, judgedPass, judgedN, confusion } = input;
  for (const [name, v] of Object.entries({ exactPass, exactFail, judgedPass, judgedN, ...confusion })) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (judgedPass > judgedN) throw new RangeError(`judgedPass (${judgedPass}) must not exceed judgedN (${judgedN})`);
  const draws = options.draws ?? 4000;
  const samples = options.samples ?? 4000;
  const confidence = options.confidence ?? 0.95;
  for (const [name, v] of Object.entries({ draws, samples })) {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const exact = exactPass + exactFail;
  const n = exact + judgedN;
  if (n === 0) return { rate: null, low: null, high: null };

  const rate = pointEstimate(input, n);
  const random = rng(options.seed ?? 20240611);
  // With nothing judged, π_J's posterior is its uniform prior whatever the labels say.
  const posterior = judgedN === 0 ? { sample: (_u: number, v: number) => v } : posteriorOfPi(judgedPass, judgedN, confusion, draws, random);
  if (posterior === null) return { rate, low: null, high: null };

  const q: number[] = [];
  for (const [u1, u2, u3, u4] of latinHypercube(samples, 4, random)) {
    const w = betaQuantile(u1!, 1 + exact, 1 + judgedN);
    const piExact = betaQuantile(u2!, 1 + exactPass, 1 + exactFail);
    q.push(w * piExact + (1 - w) * posterior.sample(u3!, u4!));
  }
  q.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  const low = quantileOfSorted(q, tail);
  const high = quantileOfSorted(q, 1 - tail);
  if (rate === null) return { rate, low, high };
  return { rate, low: Math.min(low, rate), high: Math.max(high, rate) };
}

function pointEstimate(input: MixedQualityInput, n: number): number | null {
  const { exactPass, judgedPass, judgedN, confusion } = input;
  if (judgedN === 0) return exactPass / n;
  const { tpr, tnr } = tprTnr(confusion);
  const rg = tpr === null || tnr === null ? null : roganGladen(judgedPass / judgedN, tpr, tnr);
  return rg === null ? null : (exactPass + judgedN * rg) / n;
}

/** Linear interpolation between order statistics (the usual "type 7" sample quantile). */
function quantileOfSorted(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const lo = sorted[i]!;
  const hi = sorted[Math.min(i + 1, sorted.length - 1)]!;
  return lo + (h - i) * (hi - lo);
}
