import { wilson } from '../stats.js';
import type { CandidateReport } from './calibrate.js';

export type TrustLevel = 'UNCALIBRATED' | 'UNTRUSTED' | 'PROVISIONAL' | 'TRUSTED';

export interface Trust {
  level: TrustLevel;
  /** Why this level, in a few words. */
  why: string;
  /** What would raise it, in one line; null when TRUSTED. */
  next: string | null;
}

export const TRUSTED_MIN_LABELS = 16;
export const MIN_PER_VERDICT = 3;

/**
 * More labels needed, if the judge keeps agreeing at its current rate, before the agreement
 * interval's lower bound reaches `bound`; null when it never would (agreement too low).
 */
export function labelsToReach(k: number, n: number, bound: number, max = 1000): number | null {
  const rate = n > 0 ? k / n : 0;
  for (let m = 0; m <= max; m++) {
    const low = wilson(k + Math.round(rate * m), n + m).low;
    if (low !== null && low >= bound) return m;
  }
  return null;
}

function plural(count: number, word: string): string {
  return `${count} more ${word}${count === 1 ? '' : 's'}`;
}

/** The trust level of the selected judge, as DESIGN.md's "Judge calibration" defines it. */
export function trustLevel(report: CandidateReport | undefined): Trust {
  if (!report || report.n === 0) {
    return {
      level: 'UNCALIBRATED',
      why: 'no labeled outputs',
      next: `label at least ${MIN_PER_VERDICT} passing and ${MIN_PER_VERDICT} failing outputs (aijourney label) to measure the judge`,
    };
  }
  const { tp, fn, fp, tn } = report.confusion;
  const passes = tp + fn;
  const fails = fp + tn;
  const { k, n, low } = report.agreement;
  const j = report.j;

  // PROVISIONAL needs both rates measured (one label of each verdict); TRUSTED needs three of each.
  const needFor = (bound: number, minTotal: number, perVerdict: number): string => {
    const more = Math.max(labelsToReach(k, n, bound) ?? Infinity, minTotal - n, 0);
    const morePass = Math.max(perVerdict - passes, 0);
    const moreFail = Math.max(perVerdict - fails, 0);
    if (!Number.isFinite(more)) return 'agreement is too low for more labels to help: improve the rubric or try another judge model';
    const total = Math.max(more, morePass + moreFail);
    const parts = [morePass > 0 ? plural(morePass, 'pass label') : '', moreFail > 0 ? plural(moreFail, 'fail label') : ''].filter(Boolean);
    const rest = total - morePass - moreFail;
    if (rest > 0) parts.push(`${rest} more of either verdict`);
    return `${parts.join(' and ')} (if the judge keeps agreeing at ${Math.round((k / Math.max(n, 1)) * 100)}%)`;
  };

  if (j === null || j <= 0 || low === null || low < 0.5) {
    const why = j === null ? 'TPR or TNR unmeasured' : j <= 0 ? `J = ${j.toFixed(2)} <= 0` : `agreement lower bound ${low?.toFixed(2)} < 0.5`;
    const next = j !== null && j <= 0 ? 'the judge does no better than chance: improve the rubric or try another judge model' : `to reach PROVISIONAL: ${needFor(0.5, 0, 1)}`;
    return { level: 'UNTRUSTED', why, next };
  }
  if (n < TRUSTED_MIN_LABELS || passes < MIN_PER_VERDICT || fails < MIN_PER_VERDICT || low < 0.8) {
    const reasons: string[] = [];
    if (n < TRUSTED_MIN_LABELS) reasons.push(`${n} < ${TRUSTED_MIN_LABELS} labels`);
    if (passes < MIN_PER_VERDICT) reasons.push(`${passes} pass labels`);
    if (fails < MIN_PER_VERDICT) reasons.push(`${fails} fail labels`);
    if (low < 0.8) reasons.push(`agreement lower bound ${low.toFixed(2)} < 0.8`);
    return { level: 'PROVISIONAL', why: reasons.join(', '), next: `to reach TRUSTED: ${needFor(0.8, TRUSTED_MIN_LABELS, MIN_PER_VERDICT)}` };
  }
  return { level: 'TRUSTED', why: `${n} labels, agreement lower bound ${low.toFixed(2)}`, next: null };
}
