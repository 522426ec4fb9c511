import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelRequest, planCalls } from '../../src/plan/plan.js';
import type { CompletionRequest, ModelClient } from '../../src/providers/types.js';
import { cacheKey } from '../../src/run/call.js';
import type { ProviderSpec, Task } from '../../src/task/types.js';

// Tools, tool choice and the response format change the answer, so they are in the cache key; a
// request without them keeps the key it always had, so existing caches keep answering.

const spec: ProviderSpec = { id: 'openai:m', type: 'openai', model: 'm', params: {} };
const client: ModelClient = { spec, complete: async () => ({ text: 'x', usage: null }) };
const request: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }], params: {} };
const tool = { name: 'f', parameters: { type: 'object', properties: {} } };

describe('cache key with tools and structured output', () => {
  it('a request without them has the key of before', () => {
    const material = JSON.stringify(['aijourney.cache/1', 'openai', null, 'm', {}, {}, request.messages, null, 0]);
    expect(cacheKey(client, request, 0)).toBe(createHash('sha256').update(material).digest('hex'));
  });

  it('changes with the tools, the tool choice, a tool description and the strict flag', () => {
    const structured = { name: 'r', description: 'd', schema: { type: 'object' } };
    const keys = [
      cacheKey(client, request, 0),
      cacheKey(client, { ...request, tools: [tool] }, 0),
      cacheKey(client, { ...request, tools: [{ ...tool, description: 'does f' }] }, 0),
      cacheKey(client, { ...request, tools: [tool], toolChoice: 'required' }, 0),
      cacheKey(client, { ...request, tools: [tool], toolChoice: { name: 'f' } }, 0),
      cacheKey(client, { ...request, structured }, 0),
      cacheKey(client, { ...request, structured: { ...structured, strict: true } }, 0),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("a planned call's request carries its prompt's tools, tool choice and response format", () => {
    const task = {
      prompts: [{ id: 'p', user: 'u', tools: [tool], toolChoice: 'auto', responseFormat: { name: 'r', schema: { type: 'object' }, strict: true } }],
      providers: [spec],
      examples: [{ index: 0, vars: {}, labels: [] }],
      settings: { repeat: 1 },
    } as unknown as Task;
    expect(modelRequest(planCalls(task)[0]!)).toEqual({
      messages: [{ role: 'user', content: 'u' }],
      params: {},
      tools: [tool],
      toolChoice: 'auto',
      structured: { name: 'r', description: 'Reply with this structured response.', schema: { type: 'object' }, strict: true },
    });
  });
});
