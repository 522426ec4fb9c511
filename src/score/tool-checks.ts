/**
 * Checks on what a reply did besides its text: the tool it called (`tool-call`, `no-tool-call`),
 * and the checks every reply gets from what its prompt asked (`tool-arguments`, `response-format`).
 * A tool call whose arguments did not parse never passes.
 */
import type { ValidateFunction } from 'ajv';
import type { CheckResult } from '../record/schema.js';
import type { CheckSpec, PromptVariant } from '../task/types.js';
import { compileSchema, jsonDifference, schemaErrors, show } from './json.js';
import type { Check, CheckInput } from './types.js';

const names = (calls: Array<{ name: string }>) => [...new Set(calls.map((c) => c.name || '(no name)'))].join(', ');

/** Schemas of examples' expected tool calls, compiled once each. */
const compiled = new WeakMap<Record<string, unknown>, ValidateFunction>();
function validator(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = compileSchema(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The call named by the check (else the example's `expected_tool`), with the arguments expected, if any. */
export function toolCall(spec: Extract<CheckSpec, { type: 'tool-call' }>): Check {
  const fail = (reason: string): CheckResult => ({ type: 'tool-call', pass: false, reason });
  return ({ toolCalls = [], example, output }) => {
    const expected = example?.expectedTool;
    const name = spec.name ?? expected?.name;
    const args = spec.arguments !== undefined ? spec.arguments : expected?.arguments;
    const schema = spec.schema ?? expected?.schema;
    if (name === undefined) return fail('no tool expected: give the example an `expected_tool` or the check a `name`');
    if (toolCalls.length === 0) return fail(`no tool call (expected ${name}); the reply was ${output.trim() ? show(output.trim()) : 'empty'}`);
    const named = toolCalls.filter((c) => c.name === name);
    if (named.length === 0) return fail(`called ${names(toolCalls)}, not ${name}`);
    let why = '';
    for (const call of named) {
      if (call.error !== undefined) why ||= `${name}: ${call.error}`;
      else {
        const diff = args === undefined ? null : jsonDifference(args, call.arguments);
        const errors = diff !== null || schema === undefined ? null : schemaErrors(validator(schema), call.arguments);
        if (diff === null && errors === null) {
          const how = args !== undefined ? ' with the expected arguments' : schema !== undefined ? ' with arguments valid against the schema' : '';
          return { type: 'tool-call', pass: true, reason: `called ${name}${how}` };
        }
        why ||= `${name} arguments: ${diff ?? errors}`;
      }
    }
    return fail(why);
  };
}

export function noToolCall(): Check {
  return ({ toolCalls = [] }) =>
    toolCalls.length === 0
      ? { type: 'no-tool-call', pass: true, reason: 'answered without a tool call' }
      : { type: 'no-tool-call', pass: false, reason: `called ${names(toolCalls)}` };
}

/** Every tool call names a tool of the prompt, with JSON arguments valid against its parameters. */
function toolArguments(tools: NonNullable<PromptVariant['tools']>): (input: CheckInput) => CheckResult | null {
  const schemas = new Map(tools.map((t) => [t.name, compileSchema(t.parameters)]));
  const declared = tools.map((t) => t.name).join(', ');
  return ({ toolCalls = [] }) => {
    if (toolCalls.length === 0) return null;
    const problems = toolCalls.flatMap((call) => {
      const validate = schemas.get(call.name);
      if (call.error !== undefined) return [`${call.name || '(no name)'}: ${call.error}`];
      if (!validate) return [`${call.name || '(no name)'}: not a tool of this prompt (its tools: ${declared})`];
      const errors = schemaErrors(validate, call.arguments);
      return errors === null ? [] : [`${call.name} arguments: ${errors}`];
    });
    const n = toolCalls.length;
    if (problems.length === 0) return { type: 'tool-arguments', pass: true, reason: `${n} tool ${n === 1 ? 'call' : 'calls'}, arguments valid` };
    return { type: 'tool-arguments', pass: false, reason: problems.join('; ') };
  };
}

/** The reply is the structured object the prompt asked for, valid against its schema. */
function responseFormat(format: NonNullable<PromptVariant['responseFormat']>): (input: CheckInput) => CheckResult {
  const validate = compileSchema(format.schema);
  return ({ structured, output }) => {
    if (structured === undefined) return { type: 'response-format', pass: false, reason: `not a JSON object: ${show(output.trim())}` };
    const errors = schemaErrors(validate, structured);
    return errors === null
      ? { type: 'response-format', pass: true, reason: 'matches the response format' }
      : { type: 'response-format', pass: false, reason: `response_format schema: ${errors}` };
  };
}

const byPrompt = new WeakMap<PromptVariant, (input: CheckInput) => CheckResult[]>();

/** The checks every reply to `prompt` gets from what the prompt asked, before the task's own; compiled once per prompt. */
export function replyChecks(prompt: PromptVariant): (input: CheckInput) => CheckResult[] {
  let checks = byPrompt.get(prompt);
  if (!checks) {
    const parts = [...(prompt.responseFormat ? [responseFormat(prompt.responseFormat)] : []), ...(prompt.tools ? [toolArguments(prompt.tools)] : [])];
    checks = (input) => parts.flatMap((check) => check(input) ?? []);
    byPrompt.set(prompt, checks);
  }
  return checks;
}
