import { cohenKappa, percentile, tprTnr, wilson, type Confusion } from '../stats.js';
import type { CallContext } from '../run/call.js';
import type { Example, JudgeCandidate, JudgeSpec, Label, ModelClient } from '../types.js';
import { askJudge } from './ask.js';
import type { FewShot } from './prompt.js';

/** A human-labeled output with the input it answered. */
export interface LabeledItem {
  example: Example;
  label: Label;
  /** The input shown to the judge (the first prompt variant rendered for the example). */
  input: string;
}

export interface CandidateReport {
  id: string;
  model: string;
  n: number;
  agreement: { k: number; n: number; rate: number | null; low: number | null; high: number | null };
  tpr: number | null;
  tnr: number | null;
  j: number | null;
  kappa: number | null;
  confusion: Confusion;
  unparseable: number;
  /** Share of labeled items whose samples disagreed; null with one sample. */
  flipRate: number | null;
  /** Provider errors while judging labels (those items are left out of n). */
  errors: number;
  costUsd: number | null;
  latencyP50Ms: number | null;
  selected: boolean;
  /** Per labeled item: the judge's verdict (null on error), for "label next" and tests. */
  verdicts: Array<'pass' | 'fail' | null>;
}

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
  return items
    .filter((other, j) => j !== i && !(other.example === self.example && other.label.output.trim() === self.label.output.trim()))
    .map(toFewShot);
}

/** Asks one candidate about every labeled item, leave-one-out, and scores it against the humans. */
export async function calibrateCandidate(
  client: ModelClient,
  candidate: JudgeCandidate,
  items: LabeledItem[],
  samples: number,
  ctx: CallContext,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<CandidateReport> {
  const outcomes = await Promise.all(
    items.map((item, i) =>
      limit(() =>
        askJudge(client, candidate, { input: item.input, expected: item.example.expected, output: item.label.output }, leaveOneOut(items, i), samples, ctx),
      ),
    ),
  );
  const confusion: Confusion = { tp: 0, fn: 0, fp: 0, tn: 0 };
  let unparseable = 0;
  let errors = 0;
  let splits = 0;
  let cost = 0;
  let costKnown = true;
  const latencies: number[] = [];
  outcomes.forEach((o, i) => {
    latencies.push(...o.latencyMs);
    if (o.costUsd === null) costKnown = false;
    else cost += o.costUsd;
    if (o.verdict === null) {
      errors++;
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
    costUsd: costKnown ? cost : null,
    latencyP50Ms: percentile(latencies, 50),
    selected: false,
    verdicts: outcomes.map((o) => o.verdict),
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
}

/** Calibrates every candidate on the labeled items (none when there are no labels) and picks one. */
export async function calibrate(
  spec: JudgeSpec,
  clients: Map<string, ModelClient>,
  items: LabeledItem[],
  ctx: CallContext,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<Calibration> {
  if (items.length === 0) return { items, candidates: [], selected: spec.candidates[0]! };
  const candidates = await Promise.all(
    spec.candidates.map((c) => calibrateCandidate(clients.get(c.provider.id)!, c, items, spec.samples, ctx, limit)),
  );
  const best = selectCandidate(candidates);
  candidates[best]!.selected = true;
  return { items, candidates, selected: spec.candidates[best]! };
}
