import { cohenKappa, percentile, tprTnr, wilson } from '../stats/index.js';
import type { Confusion } from '../record/schema.js';
import type { CallContext } from '../run/call.js';
import type { Example, JudgeCandidate, JudgeSpec, Label } from '../task/types.js';
import type { ModelClient } from '../providers/types.js';
import type { ProviderError } from '../errors.js';
import { askJudge, type JudgeOutcome } from './ask.js';
import type { FewShot } from './prompt.js';
import type { CandidateSummary } from '../record/schema.js';
import type { StopReason } from '../record/schema.js';

/** A human-labeled output with the input it answered. */
export interface LabeledItem {
  example: Example;
  label: Label;
  /** The input shown to the judge (the first prompt variant rendered for the example). */
  input: string;
}

/** One candidate's calibration as the record keeps it, plus its verdict on each labeled item (for "label next" and tests). */
export type CandidateReport = CandidateSummary & { verdicts: Array<'pass' | 'fail' | null> };

export function toFewShot(item: LabeledItem): FewShot {
  return {
    input: item.input,
    expected: item.example.expected,
    output: item.label.output,
    verdict: item.label.verdict,
    critique: item.label.critique,
  };
}

/**
 * Few-shot for judging item `i` during calibration: every other labeled item, except those that
 * show the same output for the same example (a duplicate would hand the judge the answer).
 */
export function leaveOneOut(items: LabeledItem[], i: number): FewShot[] {
  const self = items[i]!;
  return items.filter((other, j) => j !== i && !(other.example === self.example && other.label.output.trim() === self.label.output.trim())).map(toFewShot);
}

/**
 * Why calibration stopped early, shared by every candidate: the first fatal provider error (a
 * rejected key), or a reason from the run (interrupt, budget). Items not yet asked are then skipped.
 */
export interface CalibrationStop {
  fatal: ProviderError | null;
  reason: StopReason | null;
}

/**
 * Asks one candidate about every labeled item, leave-one-out, and scores it against the humans.
 * Once `stop` holds a reason no new item is asked; the items that finished are still scored, and
 * their cost counted, so nothing paid for is lost.
 */
async function calibrateCandidate(
  client: ModelClient,
  candidate: JudgeCandidate,
  items: LabeledItem[],
  samples: number,
  ctx: CallContext,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  stop: CalibrationStop = { fatal: null, reason: null },
): Promise<CandidateReport> {
  const outcomes = await Promise.all(
    items.map((item, i) =>
      limit(async (): Promise<JudgeOutcome | null> => {
        if (stop.fatal || stop.reason) return null;
        const outcome = await askJudge(
          client,
          candidate,
          { input: item.input, expected: item.example.expected, output: item.label.output },
          leaveOneOut(items, i),
          samples,
          ctx,
        );
        if (outcome.stopped && 'fatal' in outcome.stopped) stop.fatal ??= outcome.stopped.fatal;
        if (outcome.stopped && 'aborted' in outcome.stopped) stop.reason ??= outcome.stopped.aborted;
        return outcome;
      }),
    ),
  );
  const confusion: Confusion = { tp: 0, fn: 0, fp: 0, tn: 0 };
  let unparseable = 0;
  let errors = 0;
  let splits = 0;
  let retries = 0;
  let cost = 0;
  let costKnown = true;
  const latencies: number[] = [];
  outcomes.forEach((o, i) => {
    if (!o) return; // never asked: the run stopped first
    latencies.push(...o.latencyMs);
    retries += o.retries;
    if (o.costUsd === null) costKnown = false;
    else cost += o.costUsd;
    if (o.verdict === null) {
      if (!o.stopped) errors++;
      return;
    }
    unparseable += o.unparseable;
    if (o.split) splits++;
    const human = items[i]!.label.verdict;
    if (human === 'pass') o.verdict === 'pass' ? confusion.tp++ : confusion.fn++;
    else o.verdict === 'pass' ? confusion.fp++ : confusion.tn++;
  });
  const n = confusion.tp + confusion.fn + confusion.fp + confusion.tn;
  const k = confusion.tp + confusion.tn;
  const { tpr, tnr, j } = tprTnr(confusion);
  return {
    id: candidate.id,
    model: candidate.provider.id,
    n,
    agreement: { k, n, ...wilson(k, n) },
    tpr,
    tnr,
    j,
    kappa: cohenKappa(confusion),
    confusion,
    unparseable,
    flipRate: samples > 1 && n > 0 ? splits / n : null,
    errors,
    retries,
    costUsd: costKnown ? cost : null,
    latencyP50Ms: percentile(latencies, 50),
    selected: false,
    verdicts: outcomes.map((o) => o?.verdict ?? null),
  };
}

/** Highest leave-one-out J; ties go to the cheaper, then the faster candidate. */
export function selectCandidate(reports: CandidateReport[]): number {
  const key = (r: CandidateReport) => [-(r.j ?? -Infinity), r.costUsd ?? Infinity, r.latencyP50Ms ?? Infinity];
  let best = 0;
  reports.forEach((r, i) => {
    const a = key(r);
    const b = key(reports[best]!);
    for (let d = 0; d < a.length; d++) {
      if (a[d]! < b[d]!) {
        best = i;
        return;
      }
      if (a[d]! > b[d]!) return;
    }
  });
  return best;
}

export interface Calibration {
  items: LabeledItem[];
  candidates: CandidateReport[];
  selected: JudgeCandidate;
  /** Set when calibration stopped before every item was asked: the reports hold what finished. */
  stopped?: CalibrationStop;
}

/**
 * Calibrates every candidate on the labeled items (none when there are no labels) and picks one.
 * `shouldStop` is asked before each item (interrupts, budgets); a rejected key stops every candidate.
 */
export async function calibrate(
  spec: JudgeSpec,
  clients: Map<string, ModelClient>,
  items: LabeledItem[],
  ctx: CallContext,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<Calibration> {
  if (items.length === 0) return { items, candidates: [], selected: spec.candidates[0]! };
  const stop: CalibrationStop = { fatal: null, reason: null };
  const candidates = await Promise.all(spec.candidates.map((c) => calibrateCandidate(clients.get(c.provider.id)!, c, items, spec.samples, ctx, limit, stop)));
  const best = selectCandidate(candidates);
  candidates[best]!.selected = true;
  const stopped = stop.fatal || stop.reason ? { stopped: { fatal: stop.fatal, reason: stop.reason } } : {};
  return { items, candidates, selected: spec.candidates[best]!, ...stopped };
}
