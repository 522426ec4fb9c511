/**
 * One decision rule for every quality decision (the min-quality gate, the recommendation, the Pareto
 * front): `confidence: estimate` (the default) compares the point estimate with the limit; a level
 * such as 0.95 compares the one-sided lower bound at that level. The figure is the judge-corrected
 * quality when a judge graded the row, never the raw votes of a judge the tool calls untrustworthy.
 */
import { normalCdf, wilsonLower, type ClusteredRate } from '../stats/index.js';
import type { DecisionBasis, DecisionSettings, RowDecision } from '../record/schema.js';
import type { Confidence, Gates } from '../task/types.js';

/** A row's quality as a decision needs it. */
export interface RowQuality {
  rate: number | null;
  /** One-sided lower bound at `level` (e.g. 0.95). */
  lowerBound(level: number): number | null;
  /** P(quality >= limit): a posterior probability, or for a plain pass rate the score test's confidence. */
  pAtLeast(limit: number): number | null;
}

/** The threshold used when neither the task's gates nor a flag set one. */
export const DEFAULT_MIN_QUALITY = 0.8;

/** The decision rule of a run: flags over the task's gates over the defaults. */
export function decisionSettings(gates: Gates, flags: { minQuality?: number; confidence?: Confidence }): DecisionSettings {
  return {
    minQuality: flags.minQuality ?? gates.minQuality ?? DEFAULT_MIN_QUALITY,
    minQualitySource: flags.minQuality !== undefined ? 'flag' : gates.minQuality !== undefined ? 'task' : 'default',
    confidence: flags.confidence ?? gates.confidence ?? 'estimate',
    allowUntrustedJudge: gates.allowUntrustedJudge ?? false,
  };
}

export function decide(quality: RowQuality | null, basis: DecisionBasis, settings: DecisionSettings): RowDecision {
  const estimate = quality?.rate ?? null;
  const bound = quality && settings.confidence !== 'estimate' ? quality.lowerBound(settings.confidence) : null;
  const pAtLeast = quality ? quality.pAtLeast(settings.minQuality) : null;
  const decides = basis !== 'untrusted-judge' && basis !== 'not-measured';
  const figure = decides ? (settings.confidence === 'estimate' ? estimate : bound) : null;
  return { basis, estimate, bound, figure, pAtLeast, meets: figure === null ? null : figure >= settings.minQuality };
}

/**
 * A plain pass rate over clusters: one-sided Wilson bounds at the effective sample size, and as
 * P(q >= L) the level at which that bound equals L (the score test: Φ((p̂ − L)·√(n_eff) / √(L(1 − L)))).
 */
export function rawQuality(rate: ClusteredRate): RowQuality {
  const p = rate.rate;
  return {
    rate: p,
    lowerBound: (level) => (p === null ? null : wilsonLower(p, rate.nEff, level)),
    pAtLeast: (limit) => {
      if (p === null) return null;
      if (limit <= 0) return 1;
      if (limit >= 1) return p >= 1 ? 0.5 : 0;
      return normalCdf(((p - limit) * Math.sqrt(rate.nEff)) / Math.sqrt(limit * (1 - limit)));
    },
  };
}
