import type { CallResult, Confusion, LabelSuggestion } from '../record/schema.js';
import type { Example } from '../task/types.js';
import { labelValues, rowCounts } from './value.js';

/** How many suggestions the eval output lists. */
const MAX_SUGGESTIONS = 5;

export interface RankOptions {
  /** The selected judge's confusion on the labels (the panel's when it grades). */
  confusion: Confusion;
  seed: number;
  /** Judge samples split on this output (known during the run only). */
  split?: (r: CallResult) => boolean;
  /** How many to return. @default 5 */
  limit?: number;
  /** A min-quality limit set by the task or a flag: labels that make its decisions surer come first. */
  minQuality?: number;
}

/**
 * Judged outputs without a human label, ranked by the expected shrink of the corrected intervals
 * their label would bring (judge/value.ts). Ties (outputs of one row and verdict are worth the same)
 * go first to those the judge was least sure of: samples split or a panel divided, an unparseable
 * reply, verdicts differing across repeats of the example, an example with no label yet. One per
 * distinct output of an example.
 */
export function rankLabels(examples: readonly Example[], results: readonly CallResult[], options: RankOptions): LabelSuggestion[] {
  const labeled = new Set(examples.flatMap((e) => e.labels.map((l) => `${e.index}\u0000${l.output.trim()}`)));
  const unlabeled = new Set(examples.filter((e) => e.labels.length === 0).map((e) => e.index));
  const judged = results.filter((r) => r.output !== null && r.judge?.source === 'judge');
  const verdictsBy = new Map<string, Set<string>>();
  for (const r of judged) {
    const key = `${r.prompt}/${r.provider}/${r.example}`;
    verdictsBy.set(key, (verdictsBy.get(key) ?? new Set()).add(r.judge!.verdict));
  }
  const divided = (r: CallResult) => {
    const votes = Object.values(r.judge?.members ?? {}).filter((v) => v !== null);
    return new Set(votes).size > 1;
  };
  const why = (r: CallResult): [number, string | null] => {
    if (options.split?.(r) || divided(r)) return [0, divided(r) ? 'panel members disagree' : 'judge samples split'];
    if (r.judge?.unparseable) return [1, 'judge reply was unparseable'];
    if ((verdictsBy.get(`${r.prompt}/${r.provider}/${r.example}`)?.size ?? 0) > 1) return [2, 'verdicts differ across repeats'];
    if (unlabeled.has(r.example)) return [3, 'example has no labels yet'];
    return [4, null];
  };
  const values = labelValues(rowCounts(results), options.confusion, options.seed, options.minQuality);
  const none = { width: 0, risk: 0 };
  const ranked = judged
    .map((r, order) => ({ r, order, w: why(r), v: values.get(`${r.prompt}\u0000${r.provider}\u0000${r.judge!.verdict}`) ?? none }))
    .sort((a, b) => b.v.risk - a.v.risk || b.v.width - a.v.width || a.w[0] - b.w[0] || a.order - b.order);
  const seen = new Set(labeled);
  const out: LabelSuggestion[] = [];
  for (const { r, w, v } of ranked) {
    const key = `${r.example}\u0000${r.output!.trim()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const gate =
      options.minQuality === undefined || v.risk < 0.0005
        ? ''
        : `expected to cut the chance of a wrong min-quality decision by ${(v.risk * 100).toFixed(1)} pts and `;
    const shrink = `${gate}expected to narrow the corrected intervals by ${(v.width * 100).toFixed(1)} pts`;
    out.push({
      prompt: r.prompt,
      provider: r.provider,
      example: r.example,
      repeat: r.repeat,
      output: r.output!,
      why: w[1] ? `${shrink}; ${w[1]}` : shrink,
      value: v.width,
      ...(options.minQuality === undefined ? {} : { riskValue: v.risk }),
    });
    if (out.length === (options.limit ?? MAX_SUGGESTIONS)) break;
  }
  return out;
}
