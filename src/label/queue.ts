import type { RunRecord } from '../record/schema.js';
import type { CheckResult, JudgeVerdict } from '../record/schema.js';
import type { Example } from '../task/types.js';

/** One output to show the person labeling. */
export interface LabelItem {
  example: Example;
  prompt: string;
  provider: string;
  output: string;
  checks: CheckResult[];
  judge: JudgeVerdict | null;
  /** Why it is suggested first (the run's "label next" list); null for the rest. */
  why: string | null;
}

const key = (example: number, output: string) => `${example}\u0000${output.trim()}`;

/**
 * The outputs of a run worth a human verdict, in order: the run's `labelNext` suggestions, then
 * every other output in record order. Outputs already labeled for their example (compared trimmed,
 * as scoring does) are left out, and so are repeats of one output for one example. Results whose
 * example is no longer in the task are skipped (and counted in `missing`).
 */
export function buildQueue(record: Pick<RunRecord, 'results' | 'labelNext'>, examples: Example[]): { items: LabelItem[]; missing: number } {
  const byIndex = new Map(examples.map((e) => [e.index, e]));
  const seen = new Set<string>();
  for (const example of examples) for (const label of example.labels) seen.add(key(example.index, label.output));
  const items: LabelItem[] = [];
  let missing = 0;
  const resultFor = (s: RunRecord['labelNext'][number]) =>
    record.results.find((r) => r.prompt === s.prompt && r.provider === s.provider && r.example === s.example && r.repeat === s.repeat && r.output === s.output);
  const candidates = [
    ...record.labelNext.map((s) => ({ prompt: s.prompt, provider: s.provider, example: s.example, output: s.output, why: s.why, result: resultFor(s) })),
    ...record.results.flatMap((r) =>
      r.output === null ? [] : [{ prompt: r.prompt, provider: r.provider, example: r.example, output: r.output, why: null, result: r }],
    ),
  ];
  for (const c of candidates) {
    const example = byIndex.get(c.example);
    if (!example) {
      missing++;
      continue;
    }
    const k = key(c.example, c.output);
    if (seen.has(k)) continue;
    seen.add(k);
    items.push({
      example,
      prompt: c.prompt,
      provider: c.provider,
      output: c.output,
      checks: c.result?.checks ?? [],
      judge: c.result?.judge ?? null,
      why: c.why,
    });
  }
  return { items, missing };
}
