/**
 * A panel of judges (Verga et al. 2024, "Replacing Judges with Juries"): every member is asked and
 * their verdicts are combined by their measured error rates, as in Dawid & Skene (1979) with the
 * rates taken from the human labels. With equal prior odds a member's vote adds its log likelihood
 * ratio: ln(TPR / (1 − TNR)) for a pass vote, ln((1 − TPR) / TNR) for a fail vote; the panel passes
 * when the sum is positive. Equal prior odds make the rule maximise TPR + TNR (J), the figure
 * calibration ranks judges by, rather than agreement with whichever verdict the labels hold most of.
 * Rates are smoothed ((k + 1)/(n + 2), Laplace) so a member perfect on few labels gets a large,
 * finite weight. While any member has fewer than {@link MIN_PANEL_LABELS} labels of a verdict its
 * rates say too little, and the panel takes the plain majority (a tie fails, as a split judge does).
 */
import type { Confusion } from '../record/schema.js';
import type { JudgeCandidate, Verdict } from '../task/types.js';

/** What grades the outputs under test: one judge, or a panel of them. */
export type Grader =
  | { kind: 'single'; id: string; candidate: JudgeCandidate }
  | { kind: 'panel'; id: string; members: JudgeCandidate[]; weights: PanelWeights };

/** Labels of each verdict every member needs before votes are weighted instead of counted. */
const MIN_PANEL_LABELS = 3;

export interface MemberWeight {
  id: string;
  /** Added to the panel's log-odds of a pass when this member votes pass (> 0 for a useful member). */
  pass: number;
  /** Added when it votes fail (< 0 for a useful member). */
  fail: number;
}

export interface PanelWeights {
  combine: 'weighted' | 'majority';
  weights: MemberWeight[];
}

/** Each member's weights from its confusion on the labels (in member order). */
export function panelWeights(members: Array<{ id: string; confusion: Confusion }>): PanelWeights {
  const enough = members.every(({ confusion: c }) => c.tp + c.fn >= MIN_PANEL_LABELS && c.tn + c.fp >= MIN_PANEL_LABELS);
  return {
    combine: enough ? 'weighted' : 'majority',
    weights: members.map(({ id, confusion: c }) => {
      const tpr = (c.tp + 1) / (c.tp + c.fn + 2);
      const tnr = (c.tn + 1) / (c.tn + c.fp + 2);
      return { id, pass: Math.log(tpr / (1 - tnr)), fail: Math.log((1 - tpr) / tnr) };
    }),
  };
}

/** The panel's verdict from its members' (null: that member gave none, and is left out). */
export function combineVotes(weights: PanelWeights, votes: Array<Verdict | null>): Verdict | null {
  const cast = votes.flatMap((v, i) => (v === null ? [] : [{ v, w: weights.weights[i]! }]));
  if (cast.length === 0) return null;
  if (weights.combine === 'majority') return cast.filter((c) => c.v === 'pass').length * 2 > cast.length ? 'pass' : 'fail';
  const logOdds = cast.reduce((s, c) => s + (c.v === 'pass' ? c.w.pass : c.w.fail), 0);
  return logOdds > 0 ? 'pass' : 'fail';
}

/** A member's confusion over the labeled items, leaving item `skip` out (-1: none). */
export function confusionOf(verdicts: Array<Verdict | null>, humans: Verdict[], skip = -1): Confusion {
  const c: Confusion = { tp: 0, fn: 0, fp: 0, tn: 0 };
  verdicts.forEach((v, i) => {
    if (i === skip || v === null) return;
    if (humans[i] === 'pass') v === 'pass' ? c.tp++ : c.fn++;
    else v === 'pass' ? c.fp++ : c.tn++;
  });
  return c;
}

/**
 * The panel's leave-one-out verdict on each labeled item: its members' leave-one-out verdicts,
 * weighted by rates measured on the other items only, so the item never informs its own weights.
 */
export function panelLeaveOneOut(members: Array<{ id: string; verdicts: Array<Verdict | null> }>, humans: Verdict[]): Array<Verdict | null> {
  return humans.map((_, i) => {
    const weights = panelWeights(members.map((m) => ({ id: m.id, confusion: confusionOf(m.verdicts, humans, i) })));
    return combineVotes(
      weights,
      members.map((m) => m.verdicts[i] ?? null),
    );
  });
}
