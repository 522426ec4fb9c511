import { cohenKappa, percentile, tprTnr, wilson } from '../stats/index.js';
import type { Confusion } from '../record/schema.js';
import type { CallContext } from '../run/call.js';
import { PANEL_ID, type Example, type JudgeCandidate, type JudgeSpec, type Label } from '../task/types.js';
import type { ModelClient } from '../providers/types.js';
import type { ProviderError } from '../errors.js';
import { askJudge, type JudgeOutcome } from './ask.js';
import type { FewShot } from './prompt.js';
import { confusionOf, panelLeaveOneOut, panelWeights, type Grader } from './panel.js';
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
export type CandidateReport = CandidateSummary & {
  verdicts: Array<'pass' | 'fail' | null>;
  /** Per labeled item: the time its question took (its samples one after another), null when not answered. */
  itemLatencyMs: Array<number | null>;
  /** Per labeled item: asked, and every sample failed with a provider error. */
  failed: boolean[];
};

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
    itemLatencyMs: outcomes.map((o) => (o && o.latencyMs.length > 0 ? o.latencyMs.reduce((a, b) => a + b, 0) : null)),
    failed: outcomes.map((o) => o !== null && o.verdict === null && !o.stopped),
  };
}

/**
 * The panel as one more row of the calibration table: its leave-one-out verdicts (panel.ts), the
 * cost of every member's calls, and as latency the slowest member's per question (members are asked
 * at once).
 */
function panelReport(members: CandidateReport[], items: LabeledItem[]): CandidateReport {
  const humans = items.map((item) => item.label.verdict);
  const verdicts = panelLeaveOneOut(members, humans);
  const confusion = confusionOf(verdicts, humans);
  const n = confusion.tp + confusion.fn + confusion.fp + confusion.tn;
  const k = confusion.tp + confusion.tn;
  const { tpr, tnr, j } = tprTnr(confusion);
  const itemLatencyMs = items.map((_, i) => {
    const times = members.flatMap((m) => (m.itemLatencyMs[i] == null ? [] : [m.itemLatencyMs[i]!]));
    return times.length > 0 ? Math.max(...times) : null;
  });
  const failed = items.map((_, i) => verdicts[i] === null && members.some((m) => m.failed[i]));
  const weights = panelWeights(members.map((m) => ({ id: m.id, confusion: m.confusion })));
  return {
    id: PANEL_ID,
    model: members.map((m) => m.model).join(' + '),
    n,
    agreement: { k, n, ...wilson(k, n) },
    tpr,
    tnr,
    j,
    kappa: cohenKappa(confusion),
    confusion,
    unparseable: members.reduce((s, m) => s + m.unparseable, 0),
    flipRate: null,
    errors: failed.filter(Boolean).length,
    retries: members.reduce((s, m) => s + (m.retries ?? 0), 0),
    costUsd: members.reduce<number | null>((s, m) => (s === null || m.costUsd === null ? null : s + m.costUsd), 0),
    latencyP50Ms: percentile(
      itemLatencyMs.flatMap((t) => (t === null ? [] : [t])),
      50,
    ),
    selected: false,
    panel: { members: members.map((m) => m.id), ...weights },
    verdicts,
    itemLatencyMs,
    failed,
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
  /** One report per candidate, then the panel's (when the task has one). */
  candidates: CandidateReport[];
  /** What grades the outputs under test: the best candidate, or the panel when its J beats every candidate's. */
  selected: Grader;
  /** Set when calibration stopped before every item was asked: the reports hold what finished. */
  stopped?: CalibrationStop;
}

/**
 * Calibrates every candidate on the labeled items (none when there are no labels) and picks one; a
 * panel is calibrated as a unit from its members' verdicts and picked only if its J beats the best
 * single judge's. Without labels a panel grades by majority vote, else the first candidate grades.
 * A rejected key stops every candidate; `ctx.stop` is asked before each item (interrupts, budgets).
 */
export async function calibrate(
  spec: JudgeSpec,
  clients: Map<string, ModelClient>,
  items: LabeledItem[],
  ctx: CallContext,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<Calibration> {
  const members = (spec.panel ?? []).map((id) => spec.candidates.find((c) => c.id === id)!);
  if (items.length === 0) {
    const selected: Grader = spec.panel
      ? { kind: 'panel', id: PANEL_ID, members, weights: panelWeights(members.map((m) => ({ id: m.id, confusion: { tp: 0, fn: 0, fp: 0, tn: 0 } }))) }
      : { kind: 'single', id: spec.candidates[0]!.id, candidate: spec.candidates[0]! };
    return { items, candidates: [], selected };
  }
  const stop: CalibrationStop = { fatal: null, reason: null };
  const candidates = await Promise.all(spec.candidates.map((c) => calibrateCandidate(clients.get(c.provider.id)!, c, items, spec.samples, ctx, limit, stop)));
  const best = selectCandidate(candidates);
  let selected: Grader = { kind: 'single', id: spec.candidates[best]!.id, candidate: spec.candidates[best]! };
  let chosen = candidates[best]!;
  if (spec.panel) {
    const panel = panelReport(
      spec.panel.map((id) => candidates.find((c) => c.id === id)!),
      items,
    );
    candidates.push(panel);
    if (panel.j !== null && panel.j > (chosen.j ?? -Infinity)) {
      selected = { kind: 'panel', id: PANEL_ID, members, weights: panel.panel! };
      chosen = panel;
    }
  }
  chosen.selected = true;
  const stopped = stop.fatal || stop.reason ? { stopped: { fatal: stop.fatal, reason: stop.reason } } : {};
  return { items, candidates, selected, ...stopped };
}
