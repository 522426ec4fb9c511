import type { RunRecord } from './schema.js';
import { assembleRecord } from './assemble.js';
import type { Shard } from './schema.js';
import { UsageError } from '../errors.js';
import type { CallResult } from './schema.js';
import { addCost } from '../cost/sum.js';

/**
 * Joins the records of the shards of one task into one run record. Results are put back in plan
 * order and the summary (intervals, corrected quality, paired tests) is recomputed over all of
 * them. Each shard calibrated the judge itself (on every label): the first shard's calibration is
 * kept for the corrected quality, and the
 * judge's cost is the sum over shards (that money was spent). Throws UsageError (exit 2) for
 * records of different tasks, shards of different splits, or shards that overlap.
 */
export function mergeShards(records: Array<{ file: string; record: RunRecord }>): RunRecord {
  if (records.length === 0) throw new UsageError('merge needs at least one run record');
  for (const { file, record } of records) {
    if (!record.plan || !record.shard) throw new UsageError(`${file}: not a shard record (made with aijourney eval --shard K/N by this version)`);
  }
  const first = records[0]!.record;
  const plan = first.plan!;
  const count = first.shard!.count;
  const seen = new Map<number, string>();
  for (const { file, record } of records) {
    if (record.plan!.taskHash !== plan.taskHash)
      throw new UsageError(
        `${file}: a different task (or different examples, prompts, providers, checks or judge) than ${records[0]!.file}; refusing to merge`,
      );
    const shard = record.shard as Shard;
    if (shard.count !== count) throw new UsageError(`${file}: shard ${shard.index}/${shard.count} does not belong to a split into ${count}`);
    const other = seen.get(shard.index);
    if (other !== undefined) throw new UsageError(`${file}: overlaps ${other} (both are shard ${shard.index}/${count}); refusing to merge`);
    seen.set(shard.index, file);
  }

  const order = (r: CallResult) => [plan.prompts.indexOf(r.prompt), plan.providers.indexOf(r.provider), r.example, r.repeat];
  const keys = new Set<string>();
  const results = records.flatMap(({ record }) => record.results);
  for (const r of results) {
    const key = `${r.prompt}\u0000${r.provider}\u0000${r.example}\u0000${r.repeat}`;
    if (keys.has(key))
      throw new UsageError(
        `two records hold the same call (${r.prompt}, ${r.provider}, example ${r.example}, repeat ${r.repeat}); refusing to merge overlapping shards`,
      );
    keys.add(key);
  }
  results.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  });

  // Every shard calibrated the judge on every label; the first shard's calibration, decision rule
  // and seed stand for all, so the merged run decides as the unsharded run would.
  const fingerprints = new Map(plan.examples.map((e) => [e.index, e.fingerprint]));
  const judgeCost =
    first.judge === null && first.judgeCostUsd === null ? null : records.reduce<number | null>((s, { record }) => addCost(s, record.judgeCostUsd), 0);
  const missing = Array.from({ length: count }, (_, i) => i + 1)
    .filter((i) => !seen.has(i))
    .map((i) => `${i}/${count}`);
  const incomplete = records.filter(({ record }) => !record.complete).map(({ file }) => file);
  return assembleRecord({
    task: first.task,
    startedAt: records.map(({ record }) => record.startedAt).sort()[0]!,
    finishedAt: records
      .map(({ record }) => record.finishedAt)
      .sort()
      .at(-1)!,
    stopReason: { kind: 'shards', missing, incomplete },
    plannedCalls: plan.prompts.length * plan.providers.length * plan.examples.length * plan.repeat,
    providers: first.providers,
    priceData: first.priceData,
    results,
    ...mergedInputs(
      records.map(({ record }) => record),
      plan.prompts,
    ),
    judge: first.judge,
    judgeCostUsd: judgeCost,
    labelNext: records.flatMap(({ record }) => record.labelNext),
    seed: first.seed,
    decision: first.decision,
    plan,
    shard: null,
    mergedFrom: records.map(({ file, record }) => ({ file, shard: record.shard ?? null })),
    summaryPlan: {
      prompts: plan.prompts.map((id) => ({ id })),
      providers: plan.providers.map((id) => ({ id })),
      examples: plan.examples,
      settings: { repeat: plan.repeat },
    },
    spentNow: records.reduce((s, { record }) => s + record.costUsd.spentNow, 0),
    fingerprint: (i) => fingerprints.get(i) ?? '',
  });
}

/** The shards' inputs, each (prompt, example) once, in plan order; absent when no shard recorded any. */
function mergedInputs(records: RunRecord[], prompts: string[]): Pick<RunRecord, 'inputs'> {
  if (records.every((r) => r.inputs === undefined)) return {};
  const byKey = new Map(records.flatMap((r) => r.inputs ?? []).map((input) => [`${input.prompt}\u0000${input.example}`, input]));
  const inputs = [...byKey.values()].sort((a, b) => prompts.indexOf(a.prompt) - prompts.indexOf(b.prompt) || a.example - b.example);
  return { inputs };
}
