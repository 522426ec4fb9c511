import { latencyStats, mcnemarExact, wilson } from './stats.js';
import type { CallResult, Interval, SummaryRow, Task } from './types.js';

/** A summary row with the judge-corrected quality and the paired comparison with the first row. */
export interface SummaryRowFull extends SummaryRow {
  /** Quality corrected for the judge's measured errors; null without a calibrated judge. */
  corrected: Interval | null;
  /** Exact McNemar test against the first row on the same (example, repeat) pairs. */
  vsFirst: { b: number; c: number; pValue: number } | null;
  retries: number;
  /** Time spent on failed attempts and back-off, apart from latency (ms); absent in older records. */
  retryMs?: number;
  /** Error rows where the model refused to answer; absent in older records. */
  refusals?: number;
  cached: number;
  /** On the quality/cost Pareto front (see recommend.ts); set by evaluate, absent in older records. */
  pareto?: boolean;
}

export type Corrector = (results: CallResult[]) => Interval | null;

function sumOrNull(values: Array<number | null>): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

/**
 * Paired outcomes of two rows on the same (example, repeat): b = first passes and second fails,
 * c = the reverse. Pairs where either call errored are left out.
 */
export function discordantPairs(first: CallResult[], second: CallResult[]): { b: number; c: number; pairs: number } {
  const byKey = new Map(first.map((r) => [`${r.example}/${r.repeat}`, r]));
  let b = 0;
  let c = 0;
  let pairs = 0;
  for (const r of second) {
    const f = byKey.get(`${r.example}/${r.repeat}`);
    if (!f || f.pass === null || r.pass === null) continue;
    pairs++;
    if (f.pass && !r.pass) b++;
    if (!f.pass && r.pass) c++;
  }
  return { b, c, pairs };
}

/** One row per prompt x provider, in task order. `planned` counts calls per row, including those never made. */
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

export function summarize(task: SummaryPlan | Pick<Task, 'prompts' | 'providers' | 'examples' | 'settings'>, results: CallResult[], corrector?: Corrector): SummaryRowFull[] {
  const perRow = task.examples.length * task.settings.repeat;
  const groups = new Map<string, CallResult[]>();
  for (const r of results) {
    const key = `${r.prompt}\u0000${r.provider}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(r);
  }
  const rows: SummaryRowFull[] = [];
  for (const prompt of task.prompts) {
    for (const provider of task.providers) {
      const rs = groups.get(`${prompt.id}\u0000${provider.id}`) ?? [];
      const errors = rs.filter((r) => r.pass === null).length;
      const passed = rs.filter((r) => r.pass === true).length;
      const failed = rs.filter((r) => r.pass === false).length;
      // Billed: every reply, including the unusable ones the provider reported tokens for (cut at the token limit, refused).
      const answered = rs.filter((r) => r.output !== null || r.usage !== null);
      const total = sumOrNull(answered.map((r) => r.costUsd));
      const quality = wilson(passed, passed + failed);
      rows.push({
        prompt: prompt.id,
        provider: provider.id,
        n: perRow,
        passed,
        failed,
        errors,
        quality,
        costUsd: {
          total,
          per1kCalls: total !== null && answered.length > 0 ? (total / answered.length) * 1000 : null,
          unknownPrice: total === null,
        },
        latencyMs: latencyStats(rs.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs]))),
        corrected: corrector ? corrector(rs) : null,
        vsFirst: null,
        retries: rs.reduce((s, r) => s + r.retries, 0),
        retryMs: rs.reduce((s, r) => s + (r.retryMs ?? 0), 0),
        refusals: rs.filter((r) => r.refusal !== undefined).length,
        cached: rs.filter((r) => r.cached).length,
      });
    }
  }
  const first = rows[0];
  if (first) {
    const firstResults = groups.get(`${first.prompt}\u0000${first.provider}`) ?? [];
    for (const row of rows.slice(1)) {
      const { b, c } = discordantPairs(firstResults, groups.get(`${row.prompt}\u0000${row.provider}`) ?? []);
      row.vsFirst = { b, c, pValue: mcnemarExact(b, c) };
    }
  }
  return rows;
}
