import { describe, expect, it } from 'vitest';
import { answerOf, answerText, replyTextOf } from '../../src/score/answer.js';
import { makeCheck } from '../../src/score/checks.js';
import { replyChecks } from '../../src/score/tool-checks.js';
import { readToolCall } from '../../src/providers/tool-calls.js';
import type { ToolCall } from '../../src/record/schema.js';
import type { Example, PromptVariant } from '../../src/task/types.js';

const example = (expectedTool?: Example['expectedTool']): Example => ({ index: 0, vars: {}, labels: [], ...(expectedTool ? { expectedTool } : {}) });
const weather: ToolCall = { name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } };

describe('tool-call', () => {
  const check = makeCheck({ type: 'tool-call' });

  it("passes on the example's expected tool with equal arguments (key order aside)", () => {
    const r = check({ output: '', toolCalls: [weather], example: example({ name: 'get_weather', arguments: { unit: 'c', city: 'Paris' } }) });
    expect(r).toEqual({ type: 'tool-call', pass: true, reason: 'called get_weather with the expected arguments' });
  });

  it('fails, saying why: no call, another tool, other arguments, arguments against a schema', () => {
    const want = example({ name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } });
    expect(check({ output: 'It is sunny.', toolCalls: [], example: want }).reason).toBe('no tool call (expected get_weather); the reply was "It is sunny."');
    expect(check({ output: '', toolCalls: [{ name: 'search', arguments: {} }], example: want }).reason).toBe('called search, not get_weather');
    expect(check({ output: '', toolCalls: [{ name: 'get_weather', arguments: { city: 'paris', unit: 'c' } }], example: want }).reason).toBe(
      'get_weather arguments: /city: expected "Paris", got "paris"',
    );
    const schema = example({ name: 'get_weather', schema: { type: 'object', required: ['city'], properties: { city: { const: 'Oslo' } } } });
    expect(check({ output: '', toolCalls: [weather], example: schema })).toMatchObject({
      pass: false,
      reason: 'get_weather arguments: /city must be equal to constant',
    });
    expect(check({ output: '', toolCalls: [weather], example: example({ name: 'get_weather', schema: { required: ['city'] } }) })).toMatchObject({
      pass: true,
      reason: 'called get_weather with arguments valid against the schema',
    });
  });

  it('a call whose arguments did not parse never passes, whatever is expected of it', () => {
    const broken = readToolCall('get_weather', '{"city": "Par');
    expect(broken).toMatchObject({ name: 'get_weather', raw: '{"city": "Par', error: expect.stringMatching(/^the arguments are not valid JSON/) });
    const r = check({ output: '', toolCalls: [broken], example: example({ name: 'get_weather' }) });
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/^get_weather: the arguments are not valid JSON/);
  });

  it("the check's own name and arguments win over the example's; several calls pass if one matches", () => {
    const own = makeCheck({ type: 'tool-call', name: 'search', arguments: { q: 'x' } });
    const calls: ToolCall[] = [weather, { name: 'search', arguments: { q: 'y' } }, { name: 'search', arguments: { q: 'x' } }];
    expect(own({ output: '', toolCalls: calls, example: example({ name: 'get_weather' }) }).pass).toBe(true);
    expect(check({ output: '', toolCalls: [weather], example: example() }).reason).toMatch(/no tool expected/);
  });
});

describe('no-tool-call', () => {
  it('passes on text, fails naming the tools called', () => {
    const check = makeCheck({ type: 'no-tool-call' });
    expect(check({ output: 'hello' }).pass).toBe(true);
    expect(check({ output: '', toolCalls: [weather, weather] })).toMatchObject({ pass: false, reason: 'called get_weather' });
  });
});

describe('reading tool calls', () => {
  it('JSON text or an object; empty text is no arguments; anything else is an error with what was sent', () => {
    expect(readToolCall('f', '{"a":1}')).toEqual({ name: 'f', arguments: { a: 1 } });
    expect(readToolCall('f', { a: 1 })).toEqual({ name: 'f', arguments: { a: 1 } });
    expect(readToolCall('f', '')).toEqual({ name: 'f', arguments: {} });
    expect(readToolCall('f', '[1,2]')).toMatchObject({ error: 'the arguments are JSON but not an object', raw: '[1,2]' });
    expect(readToolCall('f', 42)).toMatchObject({ error: 'the arguments are number, not a JSON object' });
    expect(readToolCall(undefined, '{}')).toMatchObject({ name: '', error: 'the tool call has no name' });
  });
});

describe('implied checks', () => {
  const prompt: PromptVariant = {
    id: 'p',
    user: 'u',
    tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    responseFormat: { name: 'r', strict: true, schema: { type: 'object', required: ['a'], properties: { a: { type: 'number' } } } },
  };
  const checks = replyChecks(prompt);

  it('response-format: the reply is the object asked for', () => {
    expect(checks({ output: '{"a":1}', structured: { a: 1 } })).toEqual([{ type: 'response-format', pass: true, reason: 'matches the response format' }]);
    expect(checks({ output: '{"a":"1"}', structured: { a: '1' } })[0]).toMatchObject({ pass: false, reason: 'response_format schema: /a must be number' });
    expect(checks({ output: 'Sorry, here it is: {a: 1}' })[0]).toMatchObject({ pass: false, reason: 'not a JSON object: "Sorry, here it is: {a: 1}"' });
  });

  it('tool-arguments: only when the reply called tools; every call declared, parsed and valid', () => {
    const structured = { a: 1 };
    expect(checks({ output: '', structured, toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] })[1]).toEqual({
      type: 'tool-arguments',
      pass: true,
      reason: '1 tool call, arguments valid',
    });
    const bad = checks({
      output: '',
      structured,
      toolCalls: [{ name: 'get_weather', arguments: {} }, { name: 'book', arguments: {} }, readToolCall('get_weather', 'x')],
    })[1]!;
    expect(bad.pass).toBe(false);
    expect(bad.reason).toMatch(
      /^get_weather arguments: \/ must have required property 'city'; book: not a tool of this prompt \(its tools: get_weather\); get_weather: the arguments are not valid JSON/,
    );
  });
});

describe('the answer as text', () => {
  it('text, then one line per tool call; a structured reply as its JSON; the text found again within it', () => {
    const prompt: PromptVariant = { id: 'p', user: 'u' };
    const answer = answerOf(prompt, { text: 'Let me check.', toolCalls: [weather, readToolCall('f', '{oops')] });
    const text = answerText(answer);
    expect(text).toBe('Let me check.\ntool call: get_weather {"city":"Paris","unit":"c"}\ntool call: f {oops');
    expect(replyTextOf(text, answer.toolCalls)).toBe('Let me check.');
    expect(replyTextOf('tool call: get_weather {"city":"Paris","unit":"c"}', [weather])).toBe('');
    expect(replyTextOf('something else', [weather])).toBeNull();
    const structured = answerOf({ ...prompt, responseFormat: { name: 'r', strict: true, schema: {} } }, { text: '{ "a" : 1 }', toolInput: { a: 1 } });
    expect(structured).toEqual({ text: '{"a":1}', structured: { a: 1 }, toolCalls: [] });
    expect(answerOf({ ...prompt, responseFormat: { name: 'r', strict: true, schema: {} } }, { text: 'no', toolInput: undefined })).toEqual({
      text: 'no',
      toolCalls: [],
    });
  });
});
