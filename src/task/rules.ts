/**
 * Stage three: checks across fields that no single field's schema can make: one of prompt/prompts,
 * unique ids, prompt variants both APIs take (prompt-rules.ts), template variables present in the
 * examples, checks that can pass (check-rules.ts), a rubric for every judge candidate.
 */
import { PANEL_ID, type Example, type Label, type Task } from './types.js';
import { varsKey, type Origin, type Origins } from './normalize.js';
import { malformedPlaceholders, templateVars } from './template.js';
import type { DraftIssue, Path } from './issues.js';
import type { TaskInput } from './schema.js';
import { didYouMean } from './suggest.js';
import { checkSpecRules, listSome } from './check-rules.js';
import { variantRules } from './prompt-rules.js';

export function checkRules(input: TaskInput, task: Task, origins: Origins = new WeakMap()): DraftIssue[] {
  return [
    ...promptRules(input),
    ...idRules(input, task),
    ...variantRules(input, task),
    ...variableRules(input, task),
    ...checkSpecRules(task, origins),
    ...judgeRules(input),
    ...paramRules(input),
    ...exampleRules(task, origins),
  ];
}

/**
 * Parameters that would break every call or multiply its cost while we read one reply: `stream`
 * (replies are read whole) and `n` (only the first choice is read, all are paid for).
 */
function paramRules(input: TaskInput): DraftIssue[] {
  const refs: Array<{ ref: unknown; path: Path }> = input.providers.map((ref, i) => ({ ref, path: ['providers', i] }));
  if (input.judge?.model !== undefined) refs.push({ ref: input.judge.model, path: ['judge', 'model'] });
  // A candidate in the short form (`openai:gpt-4o`) carries no params.
  for (const list of ['candidates', 'panel'] as const)
    for (const [i, c] of (input.judge?.[list] ?? []).entries()) if (typeof c !== 'string') refs.push({ ref: c.model, path: ['judge', list, i, 'model'] });
  const issues: DraftIssue[] = [];
  for (const { ref, path } of refs) {
    const params = typeof ref === 'object' && ref !== null ? (ref as { params?: Record<string, unknown> }).params : undefined;
    if (!params) continue;
    if (params.stream !== undefined && params.stream !== false) {
      issues.push({ path: [...path, 'params', 'stream'], message: 'streaming is not supported: aijourney reads each reply whole (remove it)' });
    }
    if (params.n !== undefined && params.n !== 1) {
      issues.push({
        path: [...path, 'params', 'n'],
        message: `only the first of n completions is read, but all ${JSON.stringify(params.n)} are paid for: remove it (settings.repeat asks again)`,
      });
    }
  }
  return issues;
}

/**
 * Examples with the same variables are one input asked twice: their reference answers must agree,
 * and one output of that input cannot be labeled both pass and fail (the calibration set would
 * hold both verdicts for the same item).
 */
function exampleRules(task: Task, origins: Origins): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const where = (item: object, fallback: Path): Origin => origins.get(item) ?? { path: fallback };
  const name = (o: Origin) => (o.file ? `${o.file}:${o.line}` : o.path.join('.'));
  const firstByVars = new Map<string, Example>();
  const verdicts = new Map<string, { verdict: string; label: Label; example: Example }>();
  for (const example of task.examples) {
    const key = varsKey(example.vars);
    const first = firstByVars.get(key);
    if (!first) firstByVars.set(key, example);
    else if (first.expected !== undefined && example.expected !== undefined && first.expected !== example.expected) {
      const at = where(example, ['examples', example.index]);
      issues.push({
        ...at,
        message: `same variables as ${name(where(first, ['examples', first.index]))} but a different expected answer (${JSON.stringify(first.expected)} there, ${JSON.stringify(example.expected)} here)`,
      });
    }
    example.labels.forEach((label, j) => {
      const output = `${key}\u0000${label.output.trim()}`;
      const seen = verdicts.get(output);
      if (!seen) verdicts.set(output, { verdict: label.verdict, label, example });
      else if (seen.verdict !== label.verdict) {
        const at = where(label, ['examples', example.index, 'labels', j]);
        const other = name(where(seen.label, ['examples', seen.example.index]));
        issues.push({ ...at, message: `contradicts ${other}: the same output of the same example is labeled ${seen.verdict} there and ${label.verdict} here` });
      }
    });
  }
  return issues;
}

function promptRules(input: TaskInput): DraftIssue[] {
  if (input.prompt !== undefined && input.prompts !== undefined) {
    return [{ path: ['prompt'], message: 'use either `prompt` or `prompts`, not both' }];
  }
  if (input.prompt === undefined && input.prompts === undefined) {
    return [{ path: ['prompts'], message: 'required: `prompt: <template>` or a `prompts:` list' }];
  }
  return [];
}

function idRules(input: TaskInput, task: Task): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const promptPath = (i: number): Path => {
    const written = input.prompts?.[i];
    return typeof written === 'object' && written.id !== undefined ? ['prompts', i, 'id'] : ['prompts', i];
  };
  issues.push(
    ...duplicates(
      task.prompts.map((p) => p.id),
      'prompt id',
      'prompts',
      promptPath,
    ),
  );
  const providerPath = (i: number): Path => {
    const written = input.providers[i];
    return typeof written === 'object' && written.id !== undefined ? ['providers', i, 'id'] : ['providers', i];
  };
  issues.push(
    ...duplicates(
      task.providers.map((p) => p.id),
      'provider id',
      'providers',
      providerPath,
    ),
  );
  // One client serves each provider id, so a judge model with the id of a differently configured
  // provider (another api_key_env, base_url or params) would silently be called as that provider.
  const byId = new Map(task.providers.map((p, i) => [p.id, { spec: JSON.stringify(p), at: `providers.${i}` }]));
  const written = input.judge?.candidates?.length ?? 0;
  (task.judge?.candidates ?? []).forEach((c, i) => {
    // Candidates past the written ones came from the panel (normalize.ts appends them).
    const path: Path =
      input.judge?.model !== undefined && i === 0
        ? ['judge', 'model']
        : i < written
          ? ['judge', 'candidates', i, 'model']
          : ['judge', 'panel', task.judge!.panel?.indexOf(c.id) ?? 0, 'model'];
    const spec = JSON.stringify(c.provider);
    const seen = byId.get(c.provider.id);
    if (seen && seen.spec !== spec)
      issues.push({ path, message: `same provider id "${c.provider.id}" as ${seen.at} but configured differently: give one of them an \`id\`` });
    else if (!seen) byId.set(c.provider.id, { spec, at: path.join('.') });
  });
  return issues;
}

/** One issue per repeated id, at the repeat, naming the first. */
function duplicates(ids: Array<string | undefined>, what: string, list: string, pathOf: (i: number) => Path): DraftIssue[] {
  const first = new Map<string, number>();
  const issues: DraftIssue[] = [];
  ids.forEach((id, i) => {
    if (id === undefined) return;
    const seen = first.get(id);
    if (seen === undefined) first.set(id, i);
    else issues.push({ path: pathOf(i), message: `duplicate ${what} "${id}" (also ${list}.${seen}); give each an \`id\`` });
  });
  return issues;
}

/** Every `{{var}}` must be a variable of every example. */
function variableRules(input: TaskInput, task: Task): DraftIssue[] {
  // No examples means they failed to load, already reported; every variable would look unknown.
  if (task.examples.length === 0) return [];
  const known = [...new Set(task.examples.flatMap((e) => Object.keys(e.vars)))];
  const issues: DraftIssue[] = [];
  for (const { path, text } of templates(input)) {
    for (const bad of malformedPlaceholders(text)) {
      issues.push({ path, message: `malformed placeholder "${bad}": write {{name}} with a variable name of the examples` });
    }
    for (const name of templateVars(text)) {
      if (!known.includes(name)) {
        const have = known.length > 0 ? known.join(', ') : 'no variables';
        issues.push({ path, message: `unknown variable {{${name}}} (examples have: ${have})${didYouMean(name, known)}` });
        continue;
      }
      const missing = task.examples.filter((e) => !Object.hasOwn(e.vars, name)).map((e) => `examples.${e.index}`);
      if (missing.length > 0) issues.push({ path, message: `variable {{${name}}} is missing from ${listSome(missing)}` });
    }
  }
  return issues;
}

function templates(input: TaskInput): Array<{ path: Path; text: string }> {
  if (input.prompts) {
    return input.prompts.flatMap((p, i) => {
      if (typeof p === 'string') return [{ path: ['prompts', i], text: p }];
      const parts: Array<{ path: Path; text: string }> = (p.messages ?? []).map((m, j) => ({
        path: ['prompts', i, 'messages', j, 'content'],
        text: m.content,
      }));
      if (p.system !== undefined) parts.push({ path: ['prompts', i, 'system'], text: p.system });
      if (p.user !== undefined) parts.push({ path: ['prompts', i, 'user'], text: p.user });
      return parts;
    });
  }
  return input.prompt === undefined ? [] : [{ path: ['prompt'], text: input.prompt }];
}

function judgeRules(input: TaskInput): DraftIssue[] {
  const judge = input.judge;
  if (!judge) return [];
  if (judge.model !== undefined && judge.candidates !== undefined) {
    return [{ path: ['judge', 'candidates'], message: 'use either `model` or `candidates`, not both' }];
  }
  if (judge.model !== undefined && judge.panel !== undefined) {
    return [{ path: ['judge', 'panel'], message: 'use either `model` or `panel`, not both (`candidates` may sit beside a panel)' }];
  }
  if (judge.model === undefined && judge.candidates === undefined && judge.panel === undefined) {
    return [{ path: ['judge'], message: 'needs `model` and `rubric`, a `candidates` list, or a `panel`' }];
  }
  if (judge.combine === 'panel' && (judge.panel !== undefined || (judge.candidates?.length ?? 0) < 2)) {
    return [
      {
        path: ['judge', 'combine'],
        message: judge.panel !== undefined ? 'use either `combine: panel` or `panel`, not both' : '`combine: panel` needs two or more `candidates`',
      },
    ];
  }
  const prompts = input.prompts?.length ?? 1;
  const modeIssues: DraftIssue[] =
    judge.mode === 'pairwise' && prompts < 2
      ? [{ path: ['judge', 'mode'], message: `pairwise compares prompt variants: needs two or more \`prompts\` (has ${prompts})` }]
      : [];
  if (judge.model !== undefined) return [...modeIssues, ...(judge.rubric === undefined ? [{ path: ['judge', 'rubric'], message: 'required' }] : [])];
  const issues = [...modeIssues, ...judgeListRules(judge, 'candidates'), ...judgeListRules(judge, 'panel')];
  const idOf = (c: string | { id?: string | undefined }) => (typeof c === 'string' ? undefined : c.id);
  const candidates = judge.candidates ?? [];
  const panel = judge.panel ?? [];
  issues.push(...duplicates(candidates.map(idOf), 'candidate id', 'judge.candidates', (i) => ['judge', 'candidates', i, 'id']));
  issues.push(...duplicates(panel.map(idOf), 'panel member id', 'judge.panel', (i) => ['judge', 'panel', i, 'id']));
  const reserved = (list: 'candidates' | 'panel') => (c: (typeof candidates)[number], i: number) => {
    if (idOf(c) === PANEL_ID)
      issues.push({ path: ['judge', list, i, 'id'], message: `"${PANEL_ID}" names the panel's own row: give this judge another \`id\`` });
  };
  if (judge.panel || judge.combine === 'panel') {
    candidates.forEach(reserved('candidates'));
    panel.forEach(reserved('panel'));
  }
  // A member written exactly as a candidate is that candidate (normalize.ts); any other must not take a candidate's id.
  panel.forEach((m, i) => {
    const at = candidates.findIndex((c) => idOf(c) !== undefined && idOf(c) === idOf(m));
    const resolved = (c: (typeof candidates)[number]) => (typeof c === 'string' ? [undefined, c, judge.rubric] : [c.id, c.model, c.rubric ?? judge.rubric]);
    if (at >= 0 && JSON.stringify(resolved(candidates[at]!)) !== JSON.stringify(resolved(m)))
      issues.push({
        path: ['judge', 'panel', i, 'id'],
        message: `duplicate judge id "${idOf(m)}" (also judge.candidates.${at}, configured differently); give each an \`id\``,
      });
  });
  return issues;
}

/** Each judge of `judge.candidates` or `judge.panel` needs a rubric, and no two of one list may be the same judge. */
function judgeListRules(judge: NonNullable<TaskInput['judge']>, list: 'candidates' | 'panel'): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const seen = new Map<string, number>();
  const entries = (judge[list] ?? []).map((c) => (typeof c === 'string' ? { model: c, id: undefined, rubric: undefined } : c));
  entries.forEach((c, i) => {
    if (c.rubric === undefined && judge.rubric === undefined) {
      issues.push({
        path: ['judge', list, i],
        message: `needs a \`rubric\` (here, or \`judge.rubric\` for all ${list === 'panel' ? 'members' : 'candidates'})`,
      });
    }
    if (c.id !== undefined) return;
    const key = JSON.stringify([c.model, c.rubric ?? judge.rubric]);
    const first = seen.get(key);
    if (first !== undefined) issues.push({ path: ['judge', list, i], message: `same model and rubric as judge.${list}.${first}` });
    else seen.set(key, i);
  });
  return issues;
}
