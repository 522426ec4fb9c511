/**
 * What each check needs to be able to pass: something to compare with (`expected`, `value`, an
 * `expected_tool`), a regex, schema or path that compiles, a tool its prompts can call. A check
 * that could never pass is a mistake in the task file, reported before any call.
 */
import { parseJsonPath } from '../score/json-path.js';
import { compileSchema } from '../score/json.js';
import type { DraftIssue, Path } from './issues.js';
import type { Origins } from './normalize.js';
import { didYouMean } from './suggest.js';
import type { Example, Task } from './types.js';

/** At most `max` items, then "and N more". */
export function listSome(items: string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Whether any part of the task is a JSON Schema: checks, expected tool calls, tools' parameters, response formats. */
export function hasJsonSchema(task: Task): boolean {
  return (
    task.checks.some((c) => c.type === 'json-schema' || (c.type === 'tool-call' && c.schema !== undefined)) ||
    task.examples.some((e) => e.expectedTool?.schema !== undefined) ||
    task.prompts.some((p) => p.responseFormat !== undefined || (p.tools ?? []).length > 0)
  );
}

/** The message of a schema that does not compile, or null. */
export function schemaProblem(schema: Record<string, unknown>): string | null {
  try {
    compileSchema(schema);
    return null;
  } catch (error) {
    return `not a valid JSON Schema: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  }
}

const missingFrom = (task: Task, lacks: (e: Example) => boolean) => task.examples.filter(lacks).map((e) => `examples.${e.index}`);

export function checkSpecRules(task: Task, origins: Origins): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const examples = task.examples.length > 0; // none: they failed to load, already reported
  task.checks.forEach((check, i) => {
    const at = (...rest: Array<string | number>): Path => ['checks', i, ...rest];
    if ((check.type === 'equals' || check.type === 'similar') && check.value === undefined && examples) {
      const missing = missingFrom(task, (e) => e.expected === undefined);
      if (missing.length > 0)
        issues.push({ path: at(), message: `${check.type} without \`value\` compares with \`expected\`, which is missing from ${listSome(missing)}` });
    }
    if (check.type === 'regex') {
      try {
        new RegExp(check.pattern, check.flags);
      } catch (error) {
        issues.push({ path: at('pattern'), message: error instanceof Error ? error.message : String(error) });
      }
    }
    if (check.type === 'json-schema' || (check.type === 'tool-call' && check.schema !== undefined)) {
      const problem = schemaProblem(check.schema!);
      if (problem) issues.push({ path: at('schema'), message: problem });
    }
    if (check.type === 'json-path') {
      const parsed = parseJsonPath(check.path);
      if (!parsed.ok) issues.push({ path: at('path'), message: parsed.reason });
    }
    if (check.type === 'word-count') {
      if (check.min === undefined && check.max === undefined) issues.push({ path: at(), message: 'needs `min`, `max` or both' });
      else if (check.min !== undefined && check.max !== undefined && check.min > check.max)
        issues.push({ path: at('min'), message: `is more than max (${check.max}): no output could pass` });
    }
    if (check.type === 'tool-call') issues.push(...toolCallRules(task, origins, check.name, i));
  });
  issues.push(...expectedToolRules(task, origins));
  return issues;
}

/** A tool-call check needs a tool to expect, and every prompt must be able to call it. */
function toolCallRules(task: Task, origins: Origins, name: string | undefined, i: number): DraftIssue[] {
  const issues: DraftIssue[] = [];
  if (name === undefined && task.examples.length > 0) {
    const missing = missingFrom(task, (e) => e.expectedTool === undefined);
    if (missing.length > 0)
      issues.push({
        path: ['checks', i],
        message: `tool-call without \`name\` checks the example's \`expected_tool\`, which is missing from ${listSome(missing)}`,
      });
  }
  for (const prompt of task.prompts) {
    if (!prompt.tools) {
      issues.push({ path: ['checks', i], message: `prompt ${prompt.id} declares no tools, so a tool-call check can never pass there (add \`tools\`)` });
      continue;
    }
    const declared = prompt.tools.map((t) => t.name);
    if (name !== undefined && !declared.includes(name))
      issues.push({
        path: ['checks', i, 'name'],
        message: `unknown tool "${name}" (prompt ${prompt.id} declares ${declared.join(', ')})${didYouMean(name, declared)}`,
      });
    if (name !== undefined) continue;
    for (const example of task.examples) {
      const wanted = example.expectedTool?.name;
      if (wanted === undefined || declared.includes(wanted)) continue;
      const origin = origins.get(example) ?? { path: ['examples', example.index] };
      issues.push({
        ...origin,
        path: [...origin.path, 'expected_tool', 'name'],
        message: `unknown tool "${wanted}" (prompt ${prompt.id} declares ${declared.join(', ')})${didYouMean(wanted, declared)}`,
      });
    }
  }
  return issues;
}

/** An example's expected arguments schema must compile. */
function expectedToolRules(task: Task, origins: Origins): DraftIssue[] {
  return task.examples.flatMap((example) => {
    const schema = example.expectedTool?.schema;
    const problem = schema === undefined ? null : schemaProblem(schema);
    if (!problem) return [];
    const origin = origins.get(example) ?? { path: ['examples', example.index] };
    return [{ ...origin, path: [...origin.path, 'expected_tool', 'schema'], message: problem }];
  });
}
