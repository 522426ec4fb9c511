/**
 * How one new label moves what the run measured, shown right after the answer: the labeled row's
 * corrected interval and the judge's trust level, recomputed from the run's own verdicts (the
 * judge's verdict on this output becomes one more calibration pair, and the output is now decided
 * by the label). No model is called; the judge is re-measured properly at the end of the session.
 */
import { withLabel, rowCounts, rowInterval } from '../judge/value.js';
import { trustLevel } from '../judge/trust.js';
import type { CallResult, Confusion, RunRecord } from '../record/schema.js';
import type { Trust } from '../record/schema.js';
import type { Verdict } from '../task/types.js';

export interface Moved {
  row: { prompt: string; provider: string };
  before: { rate: number | null; low: number; high: number } | null;
  after: { rate: number | null; low: number; high: number } | null;
  trustBefore: Trust;
  trustAfter: Trust;
}

export interface MoveTracker {
  /** The movement a label brings; null when the judge did not grade that output in this run. */
  label(item: { prompt: string; provider: string; example: number; output: string }, human: Verdict): Moved | null;
}

export function moveTracker(record: Pick<RunRecord, 'results' | 'judge' | 'seed'>): MoveTracker {
  let results: CallResult[] = [...record.results];
  let confusion: Confusion = record.judge?.candidates.find((c) => c.selected)?.confusion ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
  const interval = (row: { prompt: string; provider: string }) => {
    const counts = rowCounts(results).find((r) => r.prompt === row.prompt && r.provider === row.provider);
    return counts && counts.judgedN > 0 ? rowInterval(counts, confusion, record.seed) : null;
  };
  return {
    label(item, human) {
      const same = (r: CallResult) => r.example === item.example && r.output !== null && r.output.trim() === item.output.trim();
      const own = results.find((r) => same(r) && r.prompt === item.prompt && r.provider === item.provider && r.judge?.source === 'judge');
      if (!own) return null;
      const row = { prompt: item.prompt, provider: item.provider };
      const before = interval(row);
      const trustBefore = trustLevel(confusion);
      confusion = withLabel(confusion, own.judge!.verdict, human);
      results = results.map((r) =>
        same(r) && r.judge?.source === 'judge' ? { ...r, pass: human === 'pass', judge: { ...r.judge, verdict: human, source: 'label' } } : r,
      );
      return { row, before, after: interval(row), trustBefore, trustAfter: trustLevel(confusion) };
    },
  };
}
