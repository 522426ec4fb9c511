import { describe, expect, it } from 'vitest';
import { BYTES_AS_TOKENS, estimateRun } from '../../src/plan/estimate.js';
import { planCalls } from '../../src/plan/plan.js';
import type { Task } from '../../src/task/types.js';

// Tool definitions and a response schema are sent with every call: the estimate counts them.

const tools = [{ name: 'lookup_order', description: 'Look up an order.', parameters: { type: 'object', properties: { id: { type: 'string' } } } }];
const task = (prompt: object) =>
  ({
    name: 't',
    prompts: [{ id: 'p', user: 'Where is {{id}}?', ...prompt }],
    providers: [{ id: 'x', type: 'openai', model: 'unpriced-model', params: { max_tokens: 10 } }],
    examples: [0, 1, 2].map((index) => ({ index, vars: { id: `A-${index}` }, labels: [] })),
    checks: [],
    gates: {},
    settings: { concurrency: 1, repeat: 1, timeoutMs: 1, maxRetries: 0 },
  }) as unknown as Task;

describe('estimate with tools', () => {
  it('adds the tools and the response schema to every call of their prompt', async () => {
    const inputOf = async (t: Task) => (await estimateRun(t, planCalls(t), BYTES_AS_TOKENS)).rows[0]!.inputTokens;
    const bare = await inputOf(task({}));
    expect(await inputOf(task({ tools }))).toBe(bare + 3 * Buffer.byteLength(JSON.stringify([tools])));
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(await inputOf(task({ responseFormat: { name: 'r', schema, strict: true } }))).toBe(bare + 3 * Buffer.byteLength(JSON.stringify([schema])));
  });
});
