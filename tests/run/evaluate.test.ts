import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/run/limiter.js';
import { planCalls } from '../../src/plan/plan.js';
import { cacheKey, callModel, type CachedCompletion } from '../../src/run/call.js';
import type { ModelClient } from '../../src/providers/types.js';
import type { Task } from '../../src/task/types.js';

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setImmediate(r));
          active--;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
  it('keeps going after a task rejects', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 7)).resolves.toBe(7);
  });
  it('rejects a bad limit', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});

describe('planCalls', () => {
  const task = {
    prompts: [
      { id: 'p', system: 'S {{x}}', user: 'U {{x}}' },
      { id: 'q', user: '{{x}}!' },
    ],
    providers: [
      { id: 'a', type: 'openai', model: 'a', params: {} },
      { id: 'b', type: 'anthropic', model: 'b', params: {} },
    ],
    examples: [
      { index: 0, vars: { x: '1' }, labels: [] },
      { index: 1, vars: { x: '2' }, labels: [] },
    ],
    settings: { concurrency: 1, repeat: 2, timeoutMs: 1, maxRetries: 0 },
  } as unknown as Task;

  it('plans every (prompt, provider, example, repeat) in a stable order with rendered messages', () => {
    const plan = planCalls(task);
    expect(plan).toHaveLength(16);
    expect(plan.slice(0, 5).map((c) => `${c.prompt.id}/${c.provider.id}/${c.example.index}/${c.repeat}`)).toEqual([
      'p/a/0/0',
      'p/a/0/1',
      'p/a/1/0',
      'p/a/1/1',
      'p/b/0/0',
    ]);
    expect(plan[0]!.messages).toEqual([
      { role: 'system', content: 'S 1' },
      { role: 'user', content: 'U 1' },
    ]);
    expect(plan[15]!.messages).toEqual([{ role: 'user', content: '2!' }]);
  });
});

describe('cacheKey', () => {
  const client = (baseUrl?: string) => ({ spec: { id: 'x', type: 'openai', model: 'm', params: {} }, baseUrl }) as unknown as ModelClient;
  const req = { messages: [{ role: 'user' as const, content: 'hi' }], params: { temperature: 0 } };
  it('changes with everything that changes the answer', () => {
    const base = cacheKey(client('http://a'), req, 0);
    expect(cacheKey(client('http://a'), req, 0)).toBe(base);
    expect(cacheKey(client('http://b'), req, 0)).not.toBe(base);
    expect(cacheKey(client('http://a'), req, 1)).not.toBe(base);
    expect(cacheKey(client('http://a'), { ...req, params: { temperature: 1 } }, 0)).not.toBe(base);
    expect(cacheKey(client('http://a'), { ...req, messages: [{ role: 'user', content: 'hi!' }] }, 0)).not.toBe(base);
  });
});

describe('callModel', () => {
  const slowClient = () => {
    let calls = 0;
    const client = {
      spec: { id: 'x', type: 'openai', model: 'm', params: {} },
      get calls() {
        return calls;
      },
      async complete() {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        return { text: 'hi', usage: { inputTokens: 1, outputTokens: 1 }, attempts: 1 };
      },
    };
    return client as unknown as ModelClient & { calls: number };
  };
  const req = { messages: [{ role: 'user' as const, content: 'q' }], params: {} };
  const mapCache = () => {
    const m = new Map<string, CachedCompletion>();
    return { get: (k: string) => m.get(k), set: (k: string, v: CachedCompletion) => void m.set(k, v) };
  };

  it('asks once for identical requests in flight together when the cache is on', async () => {
    const client = slowClient();
    const ctx = { now: () => 0, cache: mapCache(), inflight: new Map() };
    const [a, b] = await Promise.all([callModel(client, req, 0, ctx), callModel(client, req, 0, ctx)]);
    expect(client.calls).toBe(1);
    expect([a.cached, b.cached]).toEqual([false, true]);
    expect(b.completion?.text).toBe('hi');
    await callModel(client, req, 0, ctx); // and later from the cache
    expect(client.calls).toBe(1);
  });

  it('asks every time with the cache off', async () => {
    const client = slowClient();
    await Promise.all([callModel(client, req, 0, { now: () => 0 }), callModel(client, req, 0, { now: () => 0 })]);
    expect(client.calls).toBe(2);
  });
});
