/**
 * The Mann-Whitney effect size (AUC: the probability that a value of the first group exceeds one of
 * the second, ties counting half) within strata, with a score-type interval.
 */
import type { Interval } from '../record/schema.js';
import { normalQuantile } from './special.js';

/** Two groups of values compared within one stratum. */
export interface AucStratum {
  first: readonly number[];
  second: readonly number[];
}

export interface StratifiedAuc extends Interval {
  /** Pairs compared (one value of each group, same stratum). */
  pairs: number;
}

/** U / (m·n): Mann & Whitney's U of the first group over the second, ties counting half. */
export function mannWhitneyAuc(first: readonly number[], second: readonly number[]): number | null {
  if (first.length === 0 || second.length === 0) return null;
  let u = 0;
  for (const x of first) for (const y of second) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u / (first.length * second.length);
}

/**
 * Newcombe's variance of the AUC at a hypothesised value A for groups of m and n (Newcombe 2006,
 * Stat. Med. 25:559-573, method 5: Hanley & McNeil's variance with both m − 1 and n − 1 replaced by
 * N/2 − 1): A(1 − A)/(mn) · [1 + (N/2 − 1)((1 − A)/(2 − A) + A/(1 + A))].
 */
function newcombeAucVariance(a: number, m: number, n: number): number {
  const half = (m + n) / 2 - 1;
  return ((a * (1 - a)) / (m * n)) * (1 + half * ((1 - a) / (2 - a) + a / (1 + a)));
}

/**
 * The AUC pooled over strata (ΣU / Σmn: every within-stratum pair counts once, as in van Elteren's
 * test) with a score-type interval: the values A where (Â − A)² = z²·Σ w²·V(A; m, n), w the stratum's
 * share of pairs and V Newcombe's variance at A. Like Wilson's for a proportion, evaluating the
 * variance at A rather than at Â keeps the interval wide at Â = 0 or 1, where a plug-in variance is 0.
 * With one stratum this is Newcombe's method 5. Strata lacking either group are left out.
 */
export function stratifiedAuc(strata: readonly AucStratum[], confidence = 0.95): StratifiedAuc {
  const used = strata.filter((s) => s.first.length > 0 && s.second.length > 0);
  const pairs = used.reduce((s, x) => s + x.first.length * x.second.length, 0);
  if (pairs === 0) return { rate: null, low: null, high: null, pairs: 0 };
  const estimate = used.reduce((s, x) => s + mannWhitneyAuc(x.first, x.second)! * x.first.length * x.second.length, 0) / pairs;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const variance = (a: number) =>
    used.reduce((s, x) => s + ((x.first.length * x.second.length) / pairs) ** 2 * newcombeAucVariance(a, x.first.length, x.second.length), 0);
  const g = (a: number) => (estimate - a) ** 2 - z * z * variance(a);
  return { rate: estimate, low: root(g, 0, estimate), high: root(g, 1, estimate), pairs };
}

/** The crossing of g between `outer` (g >= 0) and `inner` (g <= 0), by bisection. */
function root(g: (a: number) => number, outer: number, inner: number): number {
  let out = outer;
  let inn = inner;
  if (g(out) <= 0) return out;
  for (let i = 0; i < 60; i++) {
    const mid = (out + inn) / 2;
    if (g(mid) > 0) out = mid;
    else inn = mid;
  }
  return (out + inn) / 2;
}
