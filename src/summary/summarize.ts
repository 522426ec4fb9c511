import { addCost } from '../cost/sum.js';
import type { Corrector } from '../judge/correct.js';
import type { TrustLevel } from '../record/schema.js';
import { clusteredRate, clusteredWilson, flipRate, latencyStats, signFlipTest, type Cluster, type PairedTest } from '../stats/index.js';
import { decide, rawQuality } from './decide.js';
import type { DecisionBasis, DecisionSettings } from '../record/schema.js';
import type { CallResult, SummaryRow } from '../record/schema.js';
import type { Task } from '../task/types.js';

/**
 * What a summary needs of a task: row ids in order, how many examples, the repeat. A Task fits;
 * so does a run record's `plan` (aijourney merge rebuilds summaries without the task file).
 */
export interface SummaryPlan {
  prompts: ReadonlyArray<{ id: string }>;
  providers: ReadonlyArray<{ id: string }>;
  examples: ReadonlyArray<unknown>;
  settings: { repeat: number };
}

export interface SummarizeOptions {
  decision: DecisionSettings;
  /** Set when a judge graded the run. */
  judge?: { trust: TrustLevel; corrector: Corrector };
}

/** Scored calls per example of one row: the clusters every interval and test of the row is made of. */
export function clustersOf(results: readonly CallResult[]): Map<number, Cluster> {
  const byExample = new Map<number, Cluster>();
  for (const r of results) {
    if (r.pass === null) continue;
    const c = byExample.get(r.example) ?? { passes: 0, n: 0 };
    c.n++;
    if (r.pass) c.passes++;
    byExample.set(r.example, c);
  }
  return byExample;
}

/**
 * The paired test of two rows: per example, the difference of pass fractions (second − first), for
 * examples both rows scored. `map` translates the first side's example indexes (a baseline's) onto the second's.
 */
export function pairedTest(first: readonly CallResult[], second: readonly CallResult[], map: (example: number) => number | undefined = (i) => i): PairedTest {
  const a = new Map<number, Cluster>();
  for (const [example, cluster] of clustersOf(first)) {
    const target = map(example);
    if (target !== undefined) a.set(target, cluster);
  }
  const diffs: number[] = [];
  for (const [example, b] of clustersOf(second)) {
    const base = a.get(example);
    if (base) diffs.push(b.passes / b.n - base.passes / base.n);
  }
  return signFlipTest(diffs);
}

export const rowKey = (row: { prompt: string; provider: string }) => `${row.prompt}\u0000${row.provider}`;

/** A row as people read it: `prompt × provider`. */
export const rowName = (row: { prompt: string; provider: string }) => `${row.prompt} × ${row.provider}`;

/** Results grouped by row (prompt × provider). */
export function groupByRow(results: readonly CallResult[]): Map<string, CallResult[]> {
  const groups = new Map<string, CallResult[]>();
  for (const r of results) {
    const key = rowKey(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

/** One row per prompt x provider, in task order. `n` counts planned calls per row, including those never made. */
export function summarize(
  task: SummaryPlan | Pick<Task, 'prompts' | 'providers' | 'examples' | 'settings'>,
  results: CallResult[],
  options: SummarizeOptions,
): SummaryRow[] {
  const perRow = task.examples.length * task.settings.repeat;
  const groups = groupByRow(results);
  const untrusted = options.judge !== undefined && (options.judge.trust === 'UNTRUSTED' || options.judge.trust === 'UNCALIBRATED');
  const rows: SummaryRow[] = [];
  for (const prompt of task.prompts) {
    for (const provider of task.providers) {
      const row = { prompt: prompt.id, provider: provider.id };
      const rs = groups.get(rowKey(row)) ?? [];
      const clusters = [...clustersOf(rs).values()];
      const rate = clusteredRate(clusters);
      const quality = { ...clusteredWilson(rate), nEff: rate.rate === null ? null : rate.nEff };
      const deflate = rate.n > 0 ? rate.nEff / rate.n : 1;
      const corrected = options.judge?.corrector(rs, row, deflate) ?? null;
      const judged = rs.some((r) => r.pass !== null && r.judge?.source === 'judge');
      let basis: DecisionBasis = options.judge ? 'corrected' : 'raw';
      if (rate.rate === null) basis = 'not-measured';
      else if (judged && untrusted) basis = options.decision.allowUntrustedJudge ? 'raw-judge-votes' : 'untrusted-judge';
      else if (options.judge && !corrected) basis = 'raw';
      const estimate = basis === 'corrected' ? corrected!.quality : basis === 'untrusted-judge' ? (corrected?.quality ?? null) : rawQuality(rate);
      // Billed: every reply, including the unusable ones the provider reported tokens for (cut at the token limit, refused).
      const answered = rs.filter((r) => r.output !== null || r.usage !== null);
      const total = answered.reduce<number | null>((sum, r) => addCost(sum, r.costUsd), 0);
      rows.push({
        ...row,
        n: perRow,
        passed: rate.passes,
        failed: rate.n - rate.passes,
        errors: rs.filter((r) => r.pass === null).length,
        quality,
        costUsd: {
          total,
          per1kCalls: total !== null && answered.length > 0 ? (total / answered.length) * 1000 : null,
          unknownPrice: total === null,
        },
        // A batched call's latencyMs is its batch's turnaround: kept apart from per-call latency.
        latencyMs: latencyStats(rs.flatMap((r) => (r.latencyMs === null || r.batched ? [] : [r.latencyMs]))),
        ...batchedOf(rs),
        corrected: corrected?.interval ?? null,
        vsFirst: null,
        flipRate: flipRate(clusters),
        decision: decide(estimate, basis, options.decision),
        retries: rs.reduce((s, r) => s + r.retries, 0),
        retryMs: rs.reduce((s, r) => s + (r.retryMs ?? 0), 0),
        refusals: rs.filter((r) => r.refusal !== undefined).length,
        cached: rs.filter((r) => r.cached).length,
      });
    }
  }
  const first = rows[0];
  if (first) {
    const firstResults = groups.get(rowKey(first)) ?? [];
    for (const row of rows.slice(1)) {
      const { pWorse: _worse, method: _method, ...test } = pairedTest(firstResults, groups.get(rowKey(row)) ?? []);
      row.vsFirst = test;
    }
  }
  return rows;
}

/** How many of a row's calls were batched, and their turnaround; nothing for a row with none. */
function batchedOf(rs: CallResult[]): { batched?: number; batchTurnaroundMs?: { p50: number | null; max: number | null } } {
  const batched = rs.filter((r) => r.batched);
  if (batched.length === 0) return {};
  const t = latencyStats(batched.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs])));
  return { batched: batched.length, batchTurnaroundMs: { p50: t.p50, max: t.max } };
}
