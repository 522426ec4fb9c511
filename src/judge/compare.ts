import type { PlannedCall } from '../plan/plan.js';
import type { ModelClient } from '../providers/types.js';
import type { CallResult, PairwiseResult } from '../record/schema.js';
import type { CallContext } from '../run/call.js';
import type { Task } from '../task/types.js';
import type { Calibration } from './calibrate.js';
import { selectCandidate } from './calibrate.js';
import { askPair, stopsComparison, summarizePairs, type PairOutcome, type PairSubject } from './pairwise.js';
import { judgeInput } from './prompt.js';

/**
 * `judge.mode: pairwise`: every prompt variant after the first against the first, on each provider,
 * on every (example, repeat) both answered. The judge is the selected one, or the best single judge
 * when a panel grades (a pick is not a vote to weigh). The input shown is the first variant's, as in
 * calibration. Its calls are new spending, so the budget and interrupts apply: a stop (the budget,
 * an interrupt, a rejected key) leaves the unfinished comparison out, its finished calls' cost counted.
 */
export async function comparePrompts(
  task: Task,
  calls: readonly PlannedCall[],
  results: readonly CallResult[],
  calibration: Calibration,
  clients: Map<string, ModelClient>,
  ctx: CallContext,
  limit: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<{ comparisons: PairwiseResult[]; costUsd: number | null }> {
  const spec = task.judge!;
  const singles = calibration.candidates.filter((c) => !c.panel);
  const judge =
    calibration.selected.kind === 'single'
      ? calibration.selected.candidate
      : singles.length > 0
        ? spec.candidates.find((c) => c.id === singles[selectCandidate(singles)]!.id)!
        : spec.candidates[0]!;
  const client = clients.get(judge.provider.id)!;
  const [first, ...others] = task.prompts;
  const output = new Map(results.filter((r) => r.output !== null).map((r) => [`${r.prompt}\u0000${r.provider}\u0000${r.example}\u0000${r.repeat}`, r.output!]));
  const inputOf = new Map(calls.filter((c) => c.prompt.id === first!.id).map((c) => [c.example.index, judgeInput(c.messages)]));
  const comparisons: PairwiseResult[] = [];
  let costUsd: number | null = 0;
  for (const provider of task.providers) {
    for (const other of others) {
      const pairs: PairSubject[] = [];
      for (const call of calls) {
        if (call.prompt.id !== first!.id || call.provider.id !== provider.id) continue;
        const at = (prompt: string) => output.get(`${prompt}\u0000${provider.id}\u0000${call.example.index}\u0000${call.repeat}`);
        const a = at(first!.id);
        const b = at(other.id);
        if (a === undefined || b === undefined) continue;
        pairs.push({
          example: call.example.index,
          repeat: call.repeat,
          input: inputOf.get(call.example.index) ?? '',
          ...(call.example.expected === undefined ? {} : { expected: call.example.expected }),
          a,
          b,
        });
      }
      const settled = await Promise.allSettled(pairs.map((pair) => limit(() => askPair(client, judge, pair, ctx))));
      const outcomes: PairOutcome[] = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) {
        if (!stopsComparison(failed.reason)) throw failed.reason;
        // Stopped part-way: this comparison is left out, what its finished pairs cost is still counted.
        const spent = outcomes.reduce<number | null>((s, o) => (s === null || o.costUsd === null ? null : s + o.costUsd), 0);
        return { comparisons, costUsd: costUsd === null || spent === null ? null : costUsd + spent };
      }
      const row = summarizePairs({ provider: provider.id, a: first!.id, b: other.id, judge: judge.id }, outcomes);
      costUsd = costUsd === null || row.costUsd === null ? null : costUsd + row.costUsd;
      comparisons.push(row);
    }
  }
  return { comparisons, costUsd };
}
