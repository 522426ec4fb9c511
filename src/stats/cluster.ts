/**
 * The example is the unit of analysis. With `repeat: k` the k outputs of one example are a cluster:
 * they share the example's difficulty, so they are not k independent observations. A row's pass rate
 * stays the per-call ratio (passes / scored calls), but its uncertainty is that of a ratio estimator
 * over clusters, and every interval and posterior uses the corresponding effective sample size.
 */
import type { Interval } from './types.js';
import { wilsonInterval } from './basic.js';

/** One example's scored calls in a row: how many passed, out of how many scored (errors left out). */
export interface Cluster {
  passes: number;
  n: number;
}

export interface ClusteredRate {
  /** Examples with at least one scored call. */
  clusters: number;
  passes: number;
  n: number;
  /** passes / n; null when nothing was scored. */
  rate: number | null;
  /**
   * Effective sample size n* = p̂(1 − p̂)/v̂ (Korn & Graubard 1998), held within [clusters, n]: never
   * more than the calls, never fewer than the examples. Equals n when every example has one call.
   */
  nEff: number;
}

/**
 * The ratio estimator p̂ = Σy/Σm over clusters with its linearized (cluster-robust) variance
 * v̂ = K/(K − 1) · Σ(y_i − p̂·m_i)² / (Σm)² (Cochran 1977, Sampling Techniques, §6.3), and the effective
 * sample size of Korn & Graubard (1998), "Confidence intervals for proportions with small expected
 * number of positive counts estimated from survey data", Survey Methodology 24:193–201: n* = p̂(1 − p̂)/v̂,
 * i.e. n divided by Kish's design effect. When p̂ is 0 or 1 the variance is 0 and says nothing: n* is
 * then the number of examples, the conservative end.
 */
export function clusteredRate(clusters: readonly Cluster[]): ClusteredRate {
  const used = clusters.filter((c) => c.n > 0);
  const K = used.length;
  let passes = 0;
  let n = 0;
  for (const c of used) {
    if (!(c.passes >= 0 && c.passes <= c.n)) throw new RangeError(`a cluster has ${c.passes} passes of ${c.n}`);
    passes += c.passes;
    n += c.n;
  }
  if (n === 0) return { clusters: 0, passes: 0, n: 0, rate: null, nEff: 0 };
  const p = passes / n;
  if (used.every((c) => c.n === 1)) return { clusters: K, passes, n, rate: p, nEff: n };
  let nEff = K;
  if (p > 0 && p < 1 && K > 1) {
    let sum = 0;
    for (const c of used) sum += (c.passes - p * c.n) ** 2;
    const v = (K / (K - 1)) * (sum / (n * n));
    nEff = v > 0 ? Math.min(n, Math.max(K, (p * (1 - p)) / v)) : n;
  }
  return { clusters: K, passes, n, rate: p, nEff };
}

/** The 95% (or `confidence`) Wilson interval of a row's pass rate at its effective sample size. */
export function clusteredWilson(rate: ClusteredRate, confidence = 0.95): Interval {
  if (rate.rate === null) return { rate: null, low: null, high: null };
  const interval = wilsonInterval(rate.rate, rate.nEff, confidence);
  // At 0/n and n/n the bound is exactly 0 or 1, as for plain counts.
  return { rate: rate.rate, low: rate.passes === 0 ? 0 : interval.low, high: rate.passes === rate.n ? 1 : interval.high };
}

/**
 * The share of examples whose scored repeats did not all agree: the noise floor of a row. null when
 * no example has two scored calls.
 */
export function flipRate(clusters: readonly Cluster[]): number | null {
  const repeated = clusters.filter((c) => c.n >= 2);
  if (repeated.length === 0) return null;
  return repeated.filter((c) => c.passes > 0 && c.passes < c.n).length / repeated.length;
}
