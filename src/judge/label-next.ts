import type { LabelSuggestion } from '../record/schema.js';
import type { CallResult } from '../record/schema.js';
import type { Task } from '../task/types.js';

const MAX_SUGGESTIONS = 5;

/**
 * Outputs whose human label would teach the most about the judge: first those whose judge samples
 * split, then unparseable verdicts, then verdicts that disagree across repeats of the same example,
 * then judged outputs of examples that have no label yet. One per distinct output.
 */
export function suggestLabels(task: Task, results: CallResult[], splits: Set<CallResult>): LabelSuggestion[] {
  const judged = results.filter((r) => r.output !== null && r.judge?.source === 'judge');
  const verdictsBy = new Map<string, Set<string>>();
  for (const r of judged) {
    const key = `${r.prompt}/${r.provider}/${r.example}`;
    const set = verdictsBy.get(key) ?? new Set();
    set.add(r.judge!.verdict);
    verdictsBy.set(key, set);
  }
  const why = (r: CallResult): [number, string] | null => {
    if (splits.has(r)) return [0, 'judge samples split'];
    if (r.judge?.unparseable) return [1, 'judge reply was unparseable'];
    if ((verdictsBy.get(`${r.prompt}/${r.provider}/${r.example}`)?.size ?? 0) > 1) return [2, 'verdicts differ across repeats'];
    if (task.examples[r.example]?.labels.length === 0) return [3, 'example has no labels yet'];
    return null;
  };
  const ranked = judged
    .map((r) => ({ r, w: why(r) }))
    .filter((x): x is { r: CallResult; w: [number, string] } => x.w !== null)
    .sort((a, b) => a.w[0] - b.w[0]);
  const seen = new Set<string>();
  const out: LabelSuggestion[] = [];
  for (const { r, w } of ranked) {
    const key = `${r.example}\u0000${r.output!.trim()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ prompt: r.prompt, provider: r.provider, example: r.example, repeat: r.repeat, output: r.output!, why: w[1] });
    if (out.length === MAX_SUGGESTIONS) break;
  }
  return out;
}
