/**
 * Stage two: the schema-valid task as written -> the `Task` every later step uses.
 * Fills defaults and ids, converts snake_case to camelCase, loads file examples and attaches
 * top-level labels. Cross-field judgments are left to rules.ts.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckSpec, Example, Gates, JudgeCandidate, JudgeSpec, ModelParams, PromptVariant, ProviderSpec, Task } from './types.js';
import { exampleFields, loadDataset, stringValues } from './dataset.js';
import type { DraftIssue } from './issues.js';
import type { CheckInput, PromptInput, ProviderRefInput, TaskInput } from './schema.js';
import type { ReadFile } from './source.js';

export interface NormalizeContext {
  /** The task file's path as given; becomes `Task.file`. */
  file: string;
  /** Directory data files are resolved against. */
  baseDir: string;
  readFile?: ReadFile;
}

/** Where an example or a label was written: a path in the task file, or a place in a data file. */
export type Origin = Pick<DraftIssue, 'path' | 'file' | 'line' | 'column'>;

/** Origins of the normalized examples and labels (which merge inline, data-file and top-level ones). */
export type Origins = WeakMap<object, Origin>;

export interface NormalizeResult {
  task: Task;
  issues: DraftIssue[];
  origins: Origins;
}

export async function normalizeTask(input: TaskInput, ctx: NormalizeContext): Promise<NormalizeResult> {
  const issues: DraftIssue[] = [];
  const origins: Origins = new WeakMap();
  const examples = await normalizeExamples(input, ctx, issues, origins);
  attachLabels(input, examples, issues, origins);
  const task: Task = {
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    file: ctx.file,
    prompts: normalizePrompts(input),
    providers: input.providers.map(normalizeProvider),
    examples,
    checks: (input.checks ?? []).map((check) => normalizeCheck(check, ctx.baseDir)),
    ...(input.judge ? { judge: normalizeJudge(input.judge) } : {}),
    gates: normalizeGates(input.gates ?? {}),
    settings: {
      concurrency: input.settings.concurrency,
      repeat: input.settings.repeat,
      timeoutMs: input.settings.timeout_ms,
      maxRetries: input.settings.max_retries,
      batch: input.settings.batch,
    },
  };
  return { task, issues, origins };
}

/**
 * Each variant with its tools (its own, else the task's) and tool choice (likewise). A variant with
 * neither `user` nor `messages` keeps an empty `user`; rules.ts reports it.
 */
function normalizePrompts(input: TaskInput): PromptVariant[] {
  const options = (p: Exclude<PromptInput, string> | undefined) => {
    const tools = p?.tools ?? input.tools;
    const choice = p?.tool_choice ?? input.tool_choice;
    const format = p?.response_format;
    return {
      ...(tools === undefined
        ? {}
        : {
            tools: tools.map((t) => ({
              name: t.name,
              ...(t.description === undefined ? {} : { description: t.description }),
              parameters: t.parameters ?? { type: 'object', properties: {} },
            })),
          }),
      ...(choice === undefined ? {} : { toolChoice: choice }),
      ...(format === undefined ? {} : { responseFormat: { name: format.name ?? 'response', schema: format.json_schema, strict: format.strict ?? true } }),
    };
  };
  if (input.prompts) {
    return input.prompts.map((p, i): PromptVariant => {
      if (typeof p === 'string') return { id: `p${i + 1}`, user: p, ...options(undefined) };
      const id = p.id ?? `p${i + 1}`;
      if (p.messages) return { id, messages: p.messages.map((m) => ({ role: m.role, content: m.content })), ...options(p) };
      return { id, ...(p.system === undefined ? {} : { system: p.system }), user: p.user ?? '', ...options(p) };
    });
  }
  return input.prompt === undefined ? [] : [{ id: 'default', user: input.prompt, ...options(undefined) }];
}

/** `openai:gpt-4o-mini` or the object form -> ProviderSpec. The schema has vetted the prefix. */
function normalizeProvider(ref: ProviderRefInput): ProviderSpec {
  if (typeof ref === 'string') {
    const colon = ref.indexOf(':');
    return { id: ref, type: ref.slice(0, colon) as ProviderSpec['type'], model: ref.slice(colon + 1), params: {} };
  }
  const { stop, ...rest } = ref.params ?? {};
  const params: ModelParams = { ...rest, ...(stop === undefined ? {} : { stop: typeof stop === 'string' ? [stop] : stop }) };
  return {
    id: ref.id ?? `${ref.type}:${ref.model}`,
    type: ref.type,
    model: ref.model,
    ...(ref.base_url === undefined ? {} : { baseUrl: ref.base_url }),
    ...(ref.api_key_env === undefined ? {} : { apiKeyEnv: ref.api_key_env }),
    params,
    ...(ref.price ? { price: { inputPerMtok: ref.price.input_per_mtok, outputPerMtok: ref.price.output_per_mtok } } : {}),
    ...(ref.headers === undefined ? {} : { headers: ref.headers }),
    ...(ref.auth === undefined ? {} : { auth: ref.auth }),
  };
}

async function normalizeExamples(input: TaskInput, ctx: NormalizeContext, issues: DraftIssue[], origins: Origins): Promise<Example[]> {
  if (Array.isArray(input.examples)) {
    return input.examples.map((e, index) => {
      const example: Example = { index, ...exampleFields(e) };
      origins.set(example, { path: ['examples', index] });
      for (const [j, label] of example.labels.entries()) origins.set(label, { path: ['examples', index, 'labels', j] });
      return example;
    });
  }
  const loaded = await loadDataset(input.examples, ctx.baseDir, ctx.readFile);
  issues.push(...loaded.issues);
  const where = loaded.where;
  if (where) {
    for (const example of loaded.rows) {
      origins.set(example, { path: ['examples', example.index], ...where(example.index, []) });
      for (const [j, label] of example.labels.entries())
        origins.set(label, { path: ['examples', example.index, 'labels', j], ...where(example.index, ['labels', j]) });
    }
  }
  return loaded.rows;
}

/** Top-level `labels:` entries join the example whose variables are exactly theirs. */
function attachLabels(input: TaskInput, examples: Example[], issues: DraftIssue[], origins: Origins): void {
  if (!input.labels || examples.length === 0) return;
  const byVars = new Map<string, Example[]>();
  for (const example of examples) {
    const key = varsKey(example.vars);
    byVars.set(key, [...(byVars.get(key) ?? []), example]);
  }
  input.labels.forEach((label, i) => {
    const matches = byVars.get(varsKey(stringValues(label.vars)));
    if (!matches) {
      issues.push({ path: ['labels', i, 'vars'], message: 'matches no example (an example with exactly these vars is needed)' });
      return;
    }
    const entry = { output: String(label.output), verdict: label.verdict, ...(label.critique === undefined ? {} : { critique: label.critique }) };
    for (const example of matches) {
      const copy = { ...entry };
      origins.set(copy, { path: ['labels', i] });
      example.labels.push(copy);
    }
  });
}

export function varsKey(vars: Record<string, string>): string {
  return JSON.stringify(Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function normalizeCheck(check: CheckInput, baseDir: string): CheckSpec {
  switch (check.type) {
    case 'equals':
      return { type: 'equals', ...(check.value === undefined ? {} : { value: String(check.value) }), ignoreCase: check.ignore_case };
    case 'contains':
    case 'icontains':
    case 'not-contains':
      return { type: check.type, value: check.value };
    case 'regex':
      return { type: 'regex', pattern: check.pattern, ...(check.flags === undefined ? {} : { flags: check.flags }) };
    case 'json':
      return { type: 'json' };
    case 'json-schema':
      return { type: 'json-schema', schema: check.schema };
    case 'max-length':
      return { type: 'max-length', value: check.value };
    case 'starts-with':
      return { type: 'starts-with', value: check.value, ignoreCase: check.ignore_case };
    case 'similar':
      return { type: 'similar', ...(check.value === undefined ? {} : { value: check.value }), threshold: check.threshold, ignoreCase: check.ignore_case };
    case 'word-count':
      return { type: 'word-count', ...(check.min === undefined ? {} : { min: check.min }), ...(check.max === undefined ? {} : { max: check.max }) };
    case 'json-path':
      return { type: 'json-path', path: check.path, ...(check.value === undefined ? {} : { value: check.value }) };
    case 'tool-call':
      return {
        type: 'tool-call',
        ...(check.name === undefined ? {} : { name: check.name }),
        ...(check.arguments === undefined ? {} : { arguments: check.arguments }),
        ...(check.schema === undefined ? {} : { schema: check.schema }),
      };
    case 'no-tool-call':
      return { type: 'no-tool-call' };
    case 'script':
      return { type: 'script', file: check.file, url: pathToFileURL(resolve(baseDir, check.file)).href, timeoutMs: check.timeout_ms };
  }
}

/**
 * Either form -> candidates. A missing rubric stays '' here and is reported by rules.ts.
 * Ids default to the provider id, suffixed `#2`, `#3` when a model appears again.
 */
function normalizeJudge(judge: NonNullable<TaskInput['judge']>): JudgeSpec {
  type Entry = { id: string | undefined; model: ProviderRefInput; rubric: string | undefined };
  const entry = (c: NonNullable<NonNullable<TaskInput['judge']>['panel']>[number]): Entry =>
    typeof c === 'string' ? { id: undefined, model: c, rubric: judge.rubric } : { id: c.id, model: c.model, rubric: c.rubric ?? judge.rubric };
  const entries: Entry[] = judge.model !== undefined ? [{ id: undefined, model: judge.model, rubric: judge.rubric }] : (judge.candidates ?? []).map(entry);
  // A panel member written exactly as a candidate is that candidate; any other is calibrated as one more.
  const same = (a: Entry, b: Entry) => JSON.stringify([a.id, a.model, a.rubric]) === JSON.stringify([b.id, b.model, b.rubric]);
  const memberAt = (judge.panel ?? []).map((c) => {
    const e = entry(c);
    const at = entries.findIndex((other) => same(other, e));
    if (at >= 0) return at;
    entries.push(e);
    return entries.length - 1;
  });
  const used = new Set(entries.flatMap((e) => (e.id === undefined ? [] : [e.id])));
  const candidates: JudgeCandidate[] = entries.map((entry) => {
    const provider = normalizeProvider(entry.model);
    let id = entry.id;
    if (id === undefined) {
      id = provider.id;
      for (let n = 2; used.has(id); n++) id = `${provider.id}#${n}`;
      used.add(id);
    }
    return { id, provider, rubric: entry.rubric ?? '' };
  });
  const panel = judge.panel ? memberAt.map((i) => candidates[i]!.id) : judge.combine === 'panel' ? candidates.map((c) => c.id) : undefined;
  return { candidates, samples: judge.samples, mode: judge.mode, ...(panel ? { panel } : {}) };
}

function normalizeGates(gates: NonNullable<TaskInput['gates']>): Gates {
  const out: Gates = {};
  if (gates.min_quality !== undefined) out.minQuality = gates.min_quality;
  if (gates.max_cost_usd !== undefined) out.maxCostUsd = gates.max_cost_usd;
  if (gates.max_p95_latency_ms !== undefined) out.maxP95LatencyMs = gates.max_p95_latency_ms;
  if (gates.max_error_rate !== undefined) out.maxErrorRate = gates.max_error_rate;
  if (gates.confidence !== undefined) out.confidence = gates.confidence;
  if (gates.max_judge_bias !== undefined) out.maxJudgeBias = gates.max_judge_bias;
  if (gates.allow_untrusted_judge !== undefined) out.allowUntrustedJudge = gates.allow_untrusted_judge;
  return out;
}
