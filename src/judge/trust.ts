/**
 * How far the selected judge can be trusted, from its two error rates measured on the human labels.
 * Raw agreement is never used: it is dominated by the majority class (40 pass labels and 4 fail
 * labels, 3 of the fails judged pass, is 41/44 agreement from a judge that passes bad outputs).
 * Outcomes are data; the words are made in render/trust.ts.
 */
import { newcombeDifference, wilson, wilsonInterval } from '../stats/index.js';
import type { Confusion } from '../record/schema.js';
import type { HeldBy, MeasuredRate, NextStep, Trust } from '../record/schema.js';

/** TRUSTED needs the 95% Wilson lower bounds of both TPR and TNR at or above this. */
export const TRUSTED_BOUND = 0.8;
/** Searches stop here: a judge that would need more labels than this cannot reach the level in practice. */
const MAX_LABELS = 1_000_000;

function measured(k: number, n: number): MeasuredRate {
  return { k, n, ...wilson(k, n) };
}

/**
 * The trust level, as README's "Trust level" section states it:
 * - UNCALIBRATED: no labeled output was judged.
 * - UNTRUSTED: no labels of one verdict (its rate is unmeasured); or J = TPR + TNR − 1 <= 0 (no
 *   better than chance on the labels); or J's 95% lower bound <= 0 (better than chance not shown:
 *   Newcombe's interval for TPR − (1 − TNR), from the two Wilson intervals).
 * - PROVISIONAL: TPR_low or TNR_low below 0.8.
 * - TRUSTED: both at least 0.8 (which takes at least 16 labels of each verdict).
 */
export function trustLevel(confusion: Confusion | undefined): Trust {
  const c = confusion ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
  const tpr = measured(c.tp, c.tp + c.fn);
  const tnr = measured(c.tn, c.tn + c.fp);
  const base = { tpr, tnr, jLow: tpr.n > 0 && tnr.n > 0 ? jLowerBound(tpr.rate!, tpr.n, tnr.rate!, tnr.n) : null };
  if (tpr.n + tnr.n === 0) return { level: 'UNCALIBRATED', ...base, heldBy: ['no-labels'], next: nextUntrusted(tpr, tnr) };

  const untrusted: HeldBy[] = [];
  if (tpr.n === 0) untrusted.push('tpr-unmeasured');
  if (tnr.n === 0) untrusted.push('tnr-unmeasured');
  if (untrusted.length === 0) {
    if (tpr.rate! + tnr.rate! - 1 <= 0) untrusted.push('no-better-than-chance');
    else if (base.jLow! <= 0) untrusted.push('not-shown-better-than-chance');
  }
  if (untrusted.length > 0) return { level: 'UNTRUSTED', ...base, heldBy: untrusted, next: nextUntrusted(tpr, tnr) };

  const provisional: HeldBy[] = [];
  if (tpr.low! < TRUSTED_BOUND) provisional.push('tpr-bound');
  if (tnr.low! < TRUSTED_BOUND) provisional.push('tnr-bound');
  if (provisional.length > 0) return { level: 'PROVISIONAL', ...base, heldBy: provisional, next: nextTrusted(tpr, tnr) };
  return { level: 'TRUSTED', ...base, heldBy: [], next: null };
}

/** Newcombe's 95% lower bound of TPR − FPR from the two rates and their label counts. */
function jLowerBound(tpr: number, passLabels: number, tnr: number, failLabels: number): number {
  return newcombeDifference(tpr, passLabels, 1 - tnr, failLabels).low!;
}

/**
 * The Wilson lower bound after `more` further labels of this verdict at the rate observed so far
 * (an unmeasured rate is taken as perfect agreement: the count is then a least number). For a fixed
 * rate the bound rises monotonically with the number of labels, so searches over it are monotone.
 */
function boundAfter(rate: MeasuredRate, more: number): number {
  const n = rate.n + more;
  if (n === 0) return 0;
  const p = rateOf(rate);
  return p === 0 ? 0 : p === 1 ? n / (n + Z2) : wilsonInterval(p, n).low!;
}

/** The observed rate, or perfect agreement for a verdict with no labels yet. */
const rateOf = (rate: MeasuredRate) => (rate.n === 0 ? 1 : rate.rate!);
/** z² of a two-sided 95% interval: the Wilson lower bound of n/n is n/(n + z²). */
const Z2 = 1.959963984540054 ** 2;

/** The smallest m in [0, MAX_LABELS] with ok(m), for a monotone ok; null when none. */
function smallest(ok: (m: number) => boolean): number | null {
  if (ok(0)) return 0;
  let hi = 1;
  while (!ok(hi)) {
    if (hi >= MAX_LABELS) return null;
    hi = Math.min(MAX_LABELS, hi * 2);
  }
  let lo = Math.floor(hi / 2);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Labels to reach TRUSTED: each rate's bound must reach 0.8 on its own. */
function nextTrusted(tpr: MeasuredRate, tnr: MeasuredRate): NextStep {
  const pass = smallest((m) => boundAfter(tpr, m) >= TRUSTED_BOUND);
  const fail = smallest((m) => boundAfter(tnr, m) >= TRUSTED_BOUND);
  if (pass === null) return { level: 'TRUSTED', reachable: false, because: 'tpr' };
  if (fail === null) return { level: 'TRUSTED', reachable: false, because: 'tnr' };
  return { level: 'TRUSTED', reachable: true, pass, fail, assumesAgreement: false };
}

/**
 * Labels to reach PROVISIONAL: J's lower bound > 0 with the fewest labels in all, the rates held at
 * their observed values. The bound rises monotonically in either count, so for each number of pass
 * labels the fewest fail labels is found by binary search, and the best total is kept (ties: the
 * more even split).
 */
function nextUntrusted(tpr: MeasuredRate, tnr: MeasuredRate): NextStep {
  const assumesAgreement = tpr.n === 0 || tnr.n === 0;
  if (rateOf(tpr) + rateOf(tnr) <= 1) return { level: 'PROVISIONAL', reachable: false, because: 'j' };
  let best: { pass: number; fail: number } | null = null;
  // Past the point where the pass bound alone stops moving, more pass labels cannot lower the total.
  for (let pass = 0; pass <= 20_000; pass++) {
    if (best && pass >= best.pass + best.fail) break;
    const fail = smallest((m) => jLowerBound(rateOf(tpr), tpr.n + pass, rateOf(tnr), tnr.n + m) > 0);
    if (fail === null) continue;
    if (!best || pass + fail < best.pass + best.fail || (pass + fail === best.pass + best.fail && Math.abs(pass - fail) < Math.abs(best.pass - best.fail))) {
      best = { pass, fail };
    }
  }
  if (!best) return { level: 'PROVISIONAL', reachable: false, because: rateOf(tpr) < rateOf(tnr) ? 'tpr' : 'tnr' };
  return { level: 'PROVISIONAL', reachable: true, ...best, assumesAgreement };
}
