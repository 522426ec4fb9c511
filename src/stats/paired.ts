/**
 * Paired comparison of two rows (two prompts, two providers, or a run against its baseline) with the
 * example as the unit: each example contributes the difference of its pass fractions (over its
 * scored repeats), and the exact sign-flip permutation test asks whether those differences lean one
 * way more than chance would (Fisher 1935, The Design of Experiments §21; Pitman 1937). Under the null
 * each difference is as likely to have either sign, so the p-value is the share of the 2^K sign
 * assignments whose |sum| reaches the observed one. With one call per example the differences are
 * -1, 0 or +1 and the test is exactly the exact McNemar test.
 */
import { normalQuantile } from './special.js';

export interface PairedTest {
  /** Paired examples (both sides had at least one scored call). */
  examples: number;
  /** Examples whose pass fraction differs between the sides. */
  differing: number;
  /** Mean of (second − first) per-example pass fractions: > 0 means the second side passes more. */
  meanDiff: number | null;
  /** Two-sided exact p-value; 1 when nothing differs. */
  pValue: number;
  /** One-sided p-value for "the second side is worse" (mean difference < 0). */
  pWorse: number;
  /**
   * False when no outcome with this many differing examples could reach p < 0.05: the smallest
   * possible p is 2/2^differing, so at least 6 must differ.
   */
  canTell: boolean;
  /** 'exact' below the enumeration limit, else 'normal' (the CLT for a sum of independent ±|d_i|). */
  method: 'exact' | 'normal';
}

/** A difference is called significant below this two-sided p-value (with `confidence: estimate`). */
export const SIGNIFICANCE = 0.05;

/** The fewest differing examples for which p < 0.05 is possible at all. */
export const MIN_DIFFERING = 6;

/** Differences are placed on a lattice of 1/GRID: 2520 = lcm(1..10) holds any fraction of up to 10 repeats exactly. */
const GRID = 2520;
/** Work above which the exact distribution gives way to its normal approximation. */
const MAX_EXACT_WORK = 5e7;

/**
 * The exact sign-flip test on per-example differences of pass fractions (second − first).
 * Differences are placed on a lattice of 1/2520 (exact for fractions of up to 10 repeats, within
 * 2e-4 otherwise); sums are counted by dynamic programming. Past 5·10^7 steps of work the normal
 * approximation with variance Σd² (and a continuity correction of half the sum's lattice step) is used.
 */
export function signFlipTest(diffs: readonly number[]): PairedTest {
  const examples = diffs.length;
  const raw = diffs.map((d) => Math.round(Math.abs(d) * GRID)).filter((u) => u > 0);
  const differing = raw.length;
  const meanDiff = examples === 0 ? null : diffs.reduce((s, d) => s + d, 0) / examples;
  const canTell = differing >= MIN_DIFFERING;
  if (differing === 0) return { examples, differing, meanDiff, pValue: 1, pWorse: 1, canTell, method: 'exact' };
  // On the coarsest lattice that holds every difference (one call per example: steps of 1).
  const step = raw.reduce(gcd);
  const units = raw.map((u) => u / step);
  const observed = Math.round(diffs.reduce((s, d) => s + Math.sign(d) * Math.round(Math.abs(d) * GRID), 0) / step);
  const range = units.reduce((s, u) => s + u, 0);
  if (differing * range > MAX_EXACT_WORK) {
    const sd = Math.sqrt(units.reduce((s, u) => s + u * u, 0));
    // Continuity correction of half the sum's lattice step: 2 when every unit is odd (fixed parity), else 1.
    const half = units.every((u) => u % 2 === 1) ? 1 : 0.5;
    const pWorse = Math.min(1, normalCdf((observed + half) / sd));
    return { examples, differing, meanDiff, pValue: Math.min(1, 2 * (1 - normalCdf((Math.abs(observed) - half) / sd))), pWorse, canTell, method: 'normal' };
  }
  // p[s + range] = probability that the signed sum of the units seen so far is s.
  let p = new Float64Array(2 * range + 1);
  p[range] = 1;
  let reach = 0;
  for (const u of units) {
    const next = new Float64Array(2 * range + 1);
    for (let s = -reach; s <= reach; s++) {
      const mass = p[s + range]!;
      if (mass === 0) continue;
      next[s + u + range]! += mass / 2;
      next[s - u + range]! += mass / 2;
    }
    reach += u;
    p = next;
  }
  let twoSided = 0;
  let worse = 0;
  for (let s = -range; s <= range; s++) {
    const mass = p[s + range]!;
    if (Math.abs(s) >= Math.abs(observed)) twoSided += mass;
    if (s <= observed) worse += mass;
  }
  return { examples, differing, meanDiff, pValue: Math.min(1, twoSided), pWorse: Math.min(1, worse), canTell, method: 'exact' };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Φ(x), by 64 halvings of [0, 1] on Φ⁻¹ (AS 241, exact to 1e-16): absolute error below 1e-19. */
export function normalCdf(x: number): number {
  if (x < -38) return 0;
  if (x > 38) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (normalQuantile(mid) < x) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
