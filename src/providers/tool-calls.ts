/**
 * Tools in and tool calls out, in each API's own format. Both adapters read a call's arguments
 * here, so a call whose arguments are not a JSON object is recorded with the reason (its checks
 * then fail), whichever API it came from.
 */
import type { ToolCall } from '../record/schema.js';
import type { ToolChoice, ToolSpec } from '../task/types.js';

/** What is kept of arguments that could not be read (a model that wrote on and on needs no more to show it). */
const MAX_RAW = 10_000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One call as recorded. OpenAI sends the arguments as JSON text, Anthropic as an object; an empty
 * string (some compatible servers send it for a tool without parameters) means no arguments.
 */
export function readToolCall(name: unknown, args: unknown): ToolCall {
  const called = typeof name === 'string' ? name : '';
  const fail = (error: string, raw: string): ToolCall => ({ name: called, raw: raw.slice(0, MAX_RAW), error });
  if (!called) return fail('the tool call has no name', typeof args === 'string' ? args : (JSON.stringify(args) ?? ''));
  if (isObject(args)) return { name: called, arguments: args };
  if (typeof args !== 'string')
    return fail(`the arguments are ${args === null ? 'null' : Array.isArray(args) ? 'a list' : typeof args}, not a JSON object`, String(JSON.stringify(args)));
  if (args.trim() === '') return { name: called, arguments: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch (error) {
    return fail(`the arguments are not valid JSON (${error instanceof Error ? error.message : String(error)})`, args);
  }
  return isObject(parsed) ? { name: called, arguments: parsed } : fail('the arguments are JSON but not an object', args);
}

/** OpenAI Chat Completions: `tools` of type function and `tool_choice`. */
export function openAITools(tools: ToolSpec[], choice: ToolChoice | undefined): Record<string, unknown> {
  return {
    tools: tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters },
    })),
    ...(choice === undefined ? {} : { tool_choice: typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } } }),
  };
}

/** OpenAI's `message.tool_calls` (function calls; another kind is recorded as unreadable). */
export function openAIToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((call: unknown) => {
    const c = call as { type?: unknown; function?: { name?: unknown; arguments?: unknown } } | null;
    if (c?.type !== undefined && c.type !== 'function')
      return { name: '', raw: JSON.stringify(call).slice(0, MAX_RAW), error: `a tool call of type ${String(c.type)}, not function` };
    return readToolCall(c?.function?.name, c?.function?.arguments);
  });
}

/** Anthropic Messages: `tools` with `input_schema`. */
export function anthropicTools(tools: ToolSpec[]): Array<Record<string, unknown>> {
  return tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters }));
}

/** Anthropic's `tool_choice`: `required` is `any`. */
export function anthropicToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (typeof choice !== 'string') return { type: 'tool', name: choice.name };
  return { type: choice === 'required' ? 'any' : choice };
}
