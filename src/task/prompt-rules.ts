/**
 * What a prompt variant must be for both APIs to take it: `user` or `messages` (not both), system
 * messages before the conversation and a user message last; tools with unique names and object
 * schemas; a tool choice that names one of them; a response format both APIs can return, strict
 * enough for OpenAI's strict mode when that is on.
 */
import { schemaProblem } from './check-rules.js';
import type { DraftIssue, Path } from './issues.js';
import type { TaskInput } from './schema.js';
import { didYouMean } from './suggest.js';
import type { PromptVariant, Task } from './types.js';

type Written = Exclude<NonNullable<TaskInput['prompts']>[number], string>;

export function variantRules(input: TaskInput, task: Task): DraftIssue[] {
  const issues: DraftIssue[] = [];
  if (input.tools) issues.push(...toolListRules(input.tools, ['tools']));
  (input.prompts ?? []).forEach((written, i) => {
    if (typeof written === 'string') return;
    const at = (...rest: Array<string | number>): Path => ['prompts', i, ...rest];
    issues.push(...shapeRules(written, at));
    if (written.tools) issues.push(...toolListRules(written.tools, at('tools')));
    const prompt = task.prompts[i];
    if (prompt?.responseFormat && written.response_format) issues.push(...responseFormatRules(prompt, task, at('response_format')));
  });
  issues.push(...paramConflicts(task));
  task.prompts.forEach((prompt, i) => {
    const written = input.prompts?.[i];
    const own = typeof written === 'object' && written.tool_choice !== undefined;
    issues.push(...toolChoiceRules(prompt, own ? ['prompts', i, 'tool_choice'] : ['tool_choice'], own ? '' : ` for prompt ${prompt.id}`));
  });
  return issues;
}

function shapeRules(p: Written, at: (...rest: Array<string | number>) => Path): DraftIssue[] {
  if (p.messages === undefined)
    return p.user === undefined ? [{ path: at('user'), message: 'required: the user message template (or `messages`, a chat transcript)' }] : [];
  if (p.user !== undefined || p.system !== undefined) return [{ path: at('messages'), message: 'use either `system`/`user` or `messages`, not both' }];
  const issues: DraftIssue[] = [];
  const firstTurn = p.messages.findIndex((m) => m.role !== 'system');
  p.messages.forEach((m, j) => {
    if (m.role === 'system' && firstTurn >= 0 && j > firstTurn)
      issues.push({
        path: at('messages', j, 'role'),
        message:
          'system messages go first, before the conversation (Anthropic takes the system prompt apart from its turns): move it up, or make it a user message',
      });
  });
  const last = p.messages.length - 1;
  if (p.messages[last]!.role !== 'user')
    issues.push({
      path: at('messages', last, 'role'),
      message:
        firstTurn < 0
          ? 'a conversation needs a user message for the model to answer'
          : 'the conversation must end with a user message, which the model answers (an assistant message last is a prefill, which only Anthropic takes)',
    });
  return issues;
}

/**
 * Tools, tool choice and a response format are declared on the task or its prompts, which send them
 * in each API's shape; the same key in a provider's `params` would be overwritten or fight them.
 * Anthropic cannot force a tool while it thinks, and a structured reply there is a forced tool.
 */
function paramConflicts(task: Task): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const declares = {
    tools: task.prompts.some((p) => p.tools),
    tool_choice: task.prompts.some((p) => p.toolChoice),
    response_format: task.prompts.some((p) => p.responseFormat),
  };
  const forces = task.prompts.some((p) => p.responseFormat || p.toolChoice === 'required' || typeof p.toolChoice === 'object');
  task.providers.forEach((provider, i) => {
    for (const [key, declared] of Object.entries(declares)) {
      if (declared && provider.params[key] !== undefined)
        issues.push({
          path: ['providers', i, 'params', key],
          message: `the prompts declare \`${key}\`, which is sent in each API's shape: remove it from params`,
        });
    }
    const thinking = provider.params.thinking as { type?: unknown } | undefined;
    if (provider.type === 'anthropic' && forces && thinking !== undefined && thinking?.type !== 'disabled')
      issues.push({
        path: ['providers', i, 'params', 'thinking'],
        message:
          'Anthropic cannot force a tool while thinking, and a prompt here does (response_format, or tool_choice required or {name}): disable thinking or use tool_choice auto',
      });
  });
  return issues;
}

function toolListRules(tools: NonNullable<TaskInput['tools']>, at: Path): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const first = new Map<string, number>();
  tools.forEach((tool, j) => {
    const seen = first.get(tool.name);
    if (seen !== undefined) issues.push({ path: [...at, j, 'name'], message: `duplicate tool name "${tool.name}" (also ${[...at, seen].join('.')})` });
    else first.set(tool.name, j);
    if (tool.parameters === undefined) return;
    const problem = objectSchemaProblem(tool.parameters, 'both APIs pass the arguments as a JSON object');
    if (problem) issues.push({ path: [...at, j, 'parameters'], message: problem });
  });
  return issues;
}

function objectSchemaProblem(schema: Record<string, unknown>, why: string): string | null {
  if (schema.type !== 'object') return `must be an object schema (\`type: object\`): ${why}`;
  return schemaProblem(schema);
}

function toolChoiceRules(prompt: PromptVariant, at: Path, which: string): DraftIssue[] {
  const choice = prompt.toolChoice;
  if (choice === undefined) return [];
  const declared = (prompt.tools ?? []).map((t) => t.name);
  if (declared.length === 0) return [{ path: at, message: `there are no tools to choose from${which}: add \`tools\`` }];
  if (typeof choice === 'object' && !declared.includes(choice.name))
    return [{ path: [...at, 'name'], message: `unknown tool "${choice.name}"${which} (tools: ${declared.join(', ')})${didYouMean(choice.name, declared)}` }];
  return [];
}

function responseFormatRules(prompt: PromptVariant, task: Task, at: Path): DraftIssue[] {
  const format = prompt.responseFormat!;
  const schemaAt = [...at, 'json_schema'];
  const problem = objectSchemaProblem(format.schema, 'OpenAI and Anthropic both return the structured reply as a JSON object');
  if (problem) return [{ path: schemaAt, message: problem }];
  const issues: DraftIssue[] = [];
  const types = new Set(task.providers.map((p) => p.type));
  const strictProblem = format.strict && types.has('openai') ? strictModeProblem(format.schema, '') : null;
  if (strictProblem)
    issues.push({
      path: schemaAt,
      message: `OpenAI's strict mode needs ${strictProblem}: change the schema, or set \`strict: false\` (then the reply is not guaranteed to match)`,
    });
  if (prompt.tools && types.has('anthropic'))
    issues.push({
      path: at,
      message:
        'cannot be combined with tools on Anthropic: its structured reply is a tool the model is made to call, so it could call no other (use a prompt of each)',
    });
  return issues;
}

/** The first rule of OpenAI's strict mode the schema breaks (every object closed, every property required), or null. */
export function strictModeProblem(schema: unknown, where: string): string | null {
  if (typeof schema !== 'object' || schema === null) return null;
  const node = schema as Record<string, unknown>;
  const here = where || 'the top level';
  const properties = typeof node.properties === 'object' && node.properties !== null ? (node.properties as Record<string, unknown>) : undefined;
  if (node.type === 'object' || properties) {
    if (node.additionalProperties !== false) return `\`additionalProperties: false\` at ${here}`;
    const required = Array.isArray(node.required) ? node.required : [];
    const optional = Object.keys(properties ?? {}).filter((key) => !required.includes(key));
    if (optional.length > 0) return `every property in \`required\` at ${here} (not: ${optional.join(', ')})`;
  }
  const children: Array<[string, unknown]> = [
    ...Object.entries(properties ?? {}).map(([key, child]): [string, unknown] => [`${where}/${key}`, child]),
    ...(node.items === undefined ? [] : [[`${where}/items`, node.items] as [string, unknown]]),
    ...['anyOf', 'allOf', 'oneOf'].flatMap((k) =>
      Array.isArray(node[k]) ? (node[k] as unknown[]).map((c, n): [string, unknown] => [`${where}/${k}/${n}`, c]) : [],
    ),
    ...['$defs', 'definitions'].flatMap((k) =>
      typeof node[k] === 'object' && node[k] !== null
        ? Object.entries(node[k] as object).map(([name, c]): [string, unknown] => [`${where}/${k}/${name}`, c])
        : [],
    ),
  ];
  for (const [path, child] of children) {
    const problem = strictModeProblem(child, path);
    if (problem) return problem;
  }
  return null;
}
