/**
 * The part of a run record computed from its results alone: summary rows (with the corrected quality
 * and each row's decision), the Pareto front and the recommendation. `evaluate` and `merge` both call
 * it, so a sharded run decides exactly as the same run unsharded.
 */
import { makeCorrector, type RandomLabel } from '../judge/correct.js';
import type { JudgeRecord } from './schema.js';
import { paretoFront, recommend } from '../summary/recommend.js';
import { type Recommendation } from './schema.js';
import { summarize, type SummaryPlan } from '../summary/summarize.js';
import { type SummaryRow } from './schema.js';
import type { DecisionSettings } from './schema.js';
import type { CallResult } from './schema.js';

export interface AssembleInput {
  plan: SummaryPlan;
  results: CallResult[];
  /** The judge's calibration, when the task has a judge. */
  judge: JudgeRecord | null;
  decision: DecisionSettings;
  /** Content fingerprint of each example (for random-label sample frames). */
  fingerprint: (example: number) => string;
  /** Seed of the corrected-quality Monte Carlo. */
  seed?: number;
}

/** The selected judge's leave-one-out verdicts on labels drawn at random (`label --random`). */
export function randomLabels(judge: JudgeRecord): RandomLabel[] {
  return judge.labels.flatMap((l) => (l.sample ? [{ example: l.example, output: l.output, verdict: l.verdict, judged: l.judged[judge.selected] ?? null, sample: l.sample }] : []));
}

export function assembleSummary(input: AssembleInput): { summary: SummaryRow[]; recommendation: Recommendation } {
  const selected = input.judge?.candidates.find((c) => c.selected);
  const judge = input.judge
    ? {
        trust: input.judge.trust.level,
        corrector: makeCorrector({
          confusion: selected?.confusion ?? { tp: 0, fn: 0, fp: 0, tn: 0 },
          ...(input.seed === undefined ? {} : { seed: input.seed }),
          randomLabels: randomLabels(input.judge),
          fingerprint: input.fingerprint,
        }),
      }
    : undefined;
  const summary = summarize(input.plan, input.results, { decision: input.decision, ...(judge ? { judge } : {}) });
  paretoFront(summary).forEach((onFront, i) => (summary[i]!.pareto = onFront));
  const { minQuality, minQualitySource, confidence } = input.decision;
  return { summary, recommendation: recommend(summary, { minQuality, minQualitySource, confidence }) };
}
