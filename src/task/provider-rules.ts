/**
 * Stage three, for providers: every model (under test or judging) is checked against what its API
 * accepts (src/providers/target.ts). A parameter the API refuses is an issue at the parameter's
 * line; a parameter sent under another name, and a model past or near its end of life, is said
 * once as a note. Which API a provider reaches depends on the environment (OPENAI_BASE_URL), so
 * the env object is passed in.
 */
import { deprecationWarning } from '../providers/deprecations.js';
import { targetOf } from '../providers/registry.js';
import { reviewParams } from '../providers/target.js';
import type { ProviderSpec, Task } from './types.js';
import type { DraftIssue, Path } from './issues.js';
import type { TaskInput } from './schema.js';

export interface ProviderRuleContext {
  env: Record<string, string | undefined>;
  /** Today, for end-of-life dates. */
  today: Date;
}

/** Each provider spec with where its `params` are written (null for the short form). */
function specsWithPaths(input: TaskInput, task: Task): Array<{ spec: ProviderSpec; params: Path | null }> {
  const written = (ref: unknown, path: Path): Path | null => (typeof ref === 'object' && ref !== null ? [...path, 'params'] : null);
  const out = task.providers.map((spec, i) => ({ spec, params: written(input.providers[i], ['providers', i]) }));
  const judge = input.judge;
  task.judge?.candidates.forEach((candidate, i) => {
    const path: Path = judge?.model !== undefined ? ['judge', 'model'] : ['judge', 'candidates', i, 'model'];
    // A candidate is a mapping with its `model`, or the model reference itself.
    const entry: unknown = judge?.candidates?.[i];
    const ref = judge?.model ?? (typeof entry === 'object' && entry !== null ? (entry as { model?: unknown }).model : entry);
    out.push({ spec: candidate.provider, params: written(ref, path) });
  });
  return out;
}

export function providerRules(input: TaskInput, task: Task, ctx: ProviderRuleContext): { issues: DraftIssue[]; notes: string[] } {
  const issues: DraftIssue[] = [];
  const renamed = new Map<string, Set<string>>();
  const warnings = new Map<string, string>();
  for (const { spec, params } of specsWithPaths(input, task)) {
    const { refusals, renames } = reviewParams(targetOf(spec, ctx.env), spec.params);
    for (const refusal of refusals) issues.push({ path: [...(params ?? []), refusal.param], message: refusal.message });
    for (const r of renames) {
      const line = `${r.from} is sent as ${r.to}, the name ${r.who} takes`;
      renamed.set(line, (renamed.get(line) ?? new Set()).add(spec.id));
    }
    const warning = deprecationWarning(spec.type, spec.model, ctx.today);
    if (warning && !warnings.has(spec.model)) warnings.set(spec.model, `warning: ${spec.id}: ${warning}`);
  }
  const notes = [...[...renamed].map(([line, ids]) => `note: ${[...ids].join(', ')}: ${line}`), ...warnings.values()];
  return { issues, notes };
}
