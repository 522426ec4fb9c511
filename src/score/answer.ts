/**
 * A reply as the run keeps it: its text, the structured object a `response_format` asked for,
 * and its tool calls; and the one text form of all of it that the judge, human labels and every
 * report see (`output` in the run record).
 */
import type { Completion } from '../providers/types.js';
import type { ToolCall } from '../record/schema.js';
import type { PromptVariant } from '../task/types.js';

export interface Answer {
  /** The reply's text; a structured reply's object as JSON text. */
  text: string;
  /** The parsed object of a structured reply; absent when the prompt asked none or the reply was not a JSON object. */
  structured?: unknown;
  toolCalls: ToolCall[];
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

export function answerOf(prompt: PromptVariant, completion: Pick<Completion, 'text' | 'toolInput' | 'toolCalls'>): Answer {
  const toolCalls = completion.toolCalls ?? [];
  if (!prompt.responseFormat || !isObject(completion.toolInput)) return { text: completion.text, toolCalls };
  return { text: JSON.stringify(completion.toolInput), structured: completion.toolInput, toolCalls };
}

/** One tool call as a line of text: `tool call: get_weather {"city":"Paris"}` (unparseable arguments as written). */
function toolCallLine(call: ToolCall): string {
  const args = call.error === undefined ? JSON.stringify(call.arguments ?? {}) : (call.raw ?? '');
  return `tool call: ${call.name || '(no name)'} ${args}`.trimEnd();
}

/** The answer as one text: the reply's text, then a line per tool call. Labels are matched against it. */
export function answerText(answer: Answer): string {
  return [answer.text, ...answer.toolCalls.map(toolCallLine)].filter((part) => part !== '').join('\n');
}

/** The reply's own text within an answer's text form (what precedes its tool-call lines), or null when it is not that form. */
export function replyTextOf(output: string, toolCalls: ToolCall[]): string | null {
  const lines = toolCalls.map(toolCallLine).join('\n');
  if (lines === '') return output;
  if (output === lines) return '';
  return output.endsWith(`\n${lines}`) ? output.slice(0, -lines.length - 1) : null;
}
