/**
 * The run record from what a run produced: summary rows (the corrected quality and each row's
 * decision), the Pareto front, the recommendation and the cost totals. `evaluate` and `merge` both
 * build their record here, so a sharded run decides exactly as the same run unsharded.
 */
import type * as Prices from '../cost/prices.js';
import type { Calibration } from '../judge/calibrate.js';
import { makeCorrector, type RandomLabel } from '../judge/correct.js';
import { trustLevel } from '../judge/trust.js';
import type { ModelClient } from '../providers/types.js';
import { paretoFront, recommend } from '../summary/recommend.js';
import { summarize, type SummaryPlan } from '../summary/summarize.js';
import { VERSION } from '../version.js';
import type { PlannedCall } from '../plan/plan.js';
import type { CallResult, DecisionSettings, JudgeRecord, ProviderInfo, RecordInput, RunRecord } from './schema.js';
import { RUN_SCHEMA } from './schema-id.js';
import { addCost } from '../cost/sum.js';

/** The selected judge's leave-one-out verdicts on labels drawn at random (`label --random`). */
function randomLabels(judge: JudgeRecord): RandomLabel[] {
  return judge.labels.flatMap((l) =>
    l.sample ? [{ example: l.example, output: l.output, verdict: l.verdict, judged: l.judged[judge.selected] ?? null, sample: l.sample }] : [],
  );
}

/** The calibration as the record keeps it: every candidate's figures, the trust level, each label's verdicts. */
export function judgeRecord(calibration: Calibration): JudgeRecord {
  const selected = calibration.candidates.find((c) => c.selected);
  return {
    selected: calibration.selected.id,
    trust: trustLevel(selected?.confusion),
    candidates: calibration.candidates.map(({ verdicts: _verdicts, itemLatencyMs: _latency, failed: _failed, ...rest }) => rest),
    labels: calibration.items.map((item, i) => ({
      example: item.example.index,
      output: item.label.output,
      verdict: item.label.verdict,
      judged: Object.fromEntries(calibration.candidates.map((c) => [c.id, c.verdicts[i] ?? null])),
      ...(item.label.sample ? { sample: item.label.sample } : {}),
    })),
  };
}

/** The messages each (prompt, example) that has a result was sent, once each, in plan order. */
export function recordInputs(calls: PlannedCall[], results: CallResult[]): RecordInput[] {
  const answered = new Set(results.map((r) => `${r.prompt}\u0000${r.example}`));
  const inputs = new Map<string, RecordInput>();
  for (const call of calls) {
    const key = `${call.prompt.id}\u0000${call.example.index}`;
    if (answered.has(key) && !inputs.has(key)) inputs.set(key, { prompt: call.prompt.id, example: call.example.index, messages: call.messages });
  }
  return [...inputs.values()];
}

/** A base URL fit for a record: credentials and query values (some proxies take a key there) are masked. */
function publicUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/[?#].*$/, '');
  }
  if (parsed.username) parsed.username = 'redacted';
  if (parsed.password) parsed.password = 'redacted';
  for (const name of [...parsed.searchParams.keys()]) parsed.searchParams.set(name, 'redacted');
  parsed.hash = '';
  return parsed.toString();
}

export function providerInfo(client: ModelClient, role: ProviderInfo['role'], resolvePrice: typeof Prices.resolvePrice): ProviderInfo {
  const price = resolvePrice(client.spec);
  return {
    id: client.spec.id,
    type: client.spec.type,
    model: client.spec.model,
    baseUrl: client.baseUrl ? publicUrl(client.baseUrl) : null,
    price: price && { source: price.source, inputPerMtok: price.inputPerMtok, outputPerMtok: price.outputPerMtok },
    role,
  };
}

/** What a record is made of; the rest (summary, recommendation, cost totals, completeness) is computed. */
export type RecordParts = Omit<RunRecord, 'schema' | 'tool' | 'complete' | 'summary' | 'recommendation' | 'costUsd' | 'gates' | 'baseline'> & {
  /** The rows and repeat the summary is over (this shard's examples for a shard). */
  summaryPlan: SummaryPlan;
  /** Money this process spent (replays from the cache spend nothing). */
  spentNow: number;
  /** Content fingerprint of each example (for random-label sample frames). */
  fingerprint: (example: number) => string;
};

export function assembleRecord(parts: RecordParts): RunRecord {
  const { summaryPlan, spentNow, fingerprint, ...kept } = parts;
  const { summary, recommendation } = assembleSummary({
    plan: summaryPlan,
    results: parts.results,
    judge: parts.judge,
    decision: parts.decision,
    fingerprint,
    seed: parts.seed,
  });
  const models = summary.reduce<number | null>((sum, row) => addCost(sum, row.costUsd.total), 0);
  const judge = parts.judge ? parts.judgeCostUsd : 0;
  const complete = parts.results.length === parts.plannedCalls;
  return {
    schema: RUN_SCHEMA,
    tool: { name: 'aijourney', version: VERSION },
    ...kept,
    complete,
    stopReason: complete ? null : parts.stopReason,
    summary,
    costUsd: { models, judge, total: addCost(models, judge), spentNow },
    recommendation,
  };
}

export interface AssembleInput {
  plan: SummaryPlan;
  results: CallResult[];
  judge: JudgeRecord | null;
  decision: DecisionSettings;
  fingerprint: (example: number) => string;
  seed?: number;
}

function assembleSummary(input: AssembleInput): Pick<RunRecord, 'summary' | 'recommendation'> {
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
  for (const [i, onFront] of paretoFront(summary).entries()) summary[i]!.pareto = onFront;
  const { minQuality, minQualitySource, confidence } = input.decision;
  return { summary, recommendation: recommend(summary, { minQuality, minQualitySource, confidence }) };
}
