/** Pass-rate intervals, percentiles and the paired test: the numbers printed in every table. */
import type { Interval } from './types.js';
import { betaLogTails, normalQuantile } from './special.js';

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/**
 * Wilson score interval for a binomial proportion k/n.
 * Reference: Wilson (1927), JASA 22:209–212; matches scipy `binomtest(k, n).proportion_ci(method='wilson')`.
 * n = 0 gives all null (no data, no rate).
 */
export function wilson(k: number, n: number, confidence = 0.95): Interval {
  assertCount('k', k);
  assertCount('n', n);
  if (k > n) throw new RangeError(`k (${k}) must not exceed n (${n})`);
  if (n === 0) return { rate: null, low: null, high: null };
  const interval = wilsonInterval(k / n, n, confidence);
  // At k = 0 or k = n the bound is 0 or 1 exactly; floating point would otherwise leave ±1e-17.
  return { rate: k / n, low: k === 0 ? 0 : interval.low, high: k === n ? 1 : interval.high };
}

/**
 * The Wilson score interval for a proportion p observed on n trials, n any positive real: an
 * effective sample size (cluster.ts) as well as a count. Same formula as {@link wilson}.
 */
export function wilsonInterval(p: number, n: number, confidence = 0.95): Interval {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (!(n > 0 && Number.isFinite(n))) throw new RangeError(`n must be a positive number, got ${n}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const z = normalQuantile((1 + confidence) / 2);
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * One-sided lower confidence bound at `level` (e.g. 0.95): the lower end of the two-sided Wilson
 * interval at confidence 2·level − 1.
 */
export function wilsonLower(p: number, n: number, level: number): number {
  if (!(level > 0.5 && level < 1)) throw new RangeError(`level must be in (0.5, 1), got ${level}`);
  return p === 0 ? 0 : wilsonInterval(p, n, 2 * level - 1).low!;
}

/**
 * The p-th percentile (p in 0..100) by linear interpolation between closest ranks: Hyndman & Fan
 * (1996) type 7, numpy.percentile's default. Empty input gives null.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const h = ((sorted.length - 1) * p) / 100;
  const i = Math.floor(h);
  const t = h - i;
  const a = sorted[i]!;
  const b = sorted[Math.min(i + 1, sorted.length - 1)]!;
  // numpy's _lerp: interpolate from the nearer end so p = 100 lands exactly on the maximum.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** p50, p95 and max of latencies (ms) as shown in every table; nulls when there are none. */
export function latencyStats(values: readonly number[]): { p50: number | null; p95: number | null; max: number | null } {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length === 0 ? null : Math.max(...values),
  };
}

/**
 * Two-sided exact McNemar test on the discordant pairs: b = first passes and second fails,
 * c = the reverse. p = min(1, 2·P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2); 1 when b + c = 0.
 * Reference: McNemar (1947), Psychometrika 12:153–157; equals statsmodels `mcnemar(table, exact=True)`
 * and scipy `binomtest(min(b, c), b + c, 0.5).pvalue`.
 */
export function mcnemarExact(b: number, c: number): number {
  assertCount('b', b);
  assertCount('c', c);
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // Binomial CDF through the incomplete beta: P(X <= k) = I_{1/2}(n − k, k + 1). Exact in log space,
  // so n in the thousands does not underflow.
  const logCdf = betaLogTails(0.5, n - k, k + 1).lower;
  return Math.min(1, 2 * Math.exp(logCdf));
}

/**
 * Interval for the difference p1 − p2 of two independent proportions by Newcombe's hybrid score
 * method (method 10 of Newcombe 1998, "Interval estimation for the difference between independent
 * proportions: comparison of eleven methods", Stat. Med. 17:873–890), built from the two Wilson
 * intervals: lower = d − √((p1 − l1)² + (u2 − p2)²), upper = d + √((u1 − p1)² + (p2 − l2)²).
 * Proportions may come from real (effective) counts. null when either n is 0.
 */
export function newcombeDifference(p1: number, n1: number, p2: number, n2: number, confidence = 0.95): Interval {
  if (!(n1 > 0 && n2 > 0)) return { rate: null, low: null, high: null };
  const a = wilsonInterval(p1, n1, confidence);
  const b = wilsonInterval(p2, n2, confidence);
  // Exact 0/1 ends, as wilson() gives for whole counts at k = 0 and k = n.
  const l1 = p1 === 0 ? 0 : a.low!;
  const u1 = p1 === 1 ? 1 : a.high!;
  const l2 = p2 === 0 ? 0 : b.low!;
  const u2 = p2 === 1 ? 1 : b.high!;
  const d = p1 - p2;
  return { rate: d, low: d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), high: d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2) };
}
