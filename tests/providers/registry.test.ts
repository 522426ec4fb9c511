import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, RunError } from '../../src/errors.js';
import { defaultKeyEnv } from '../../src/providers/credentials.js';
import { createClient } from '../../src/providers/registry.js';
import { PROVIDER_TYPES } from '../../src/providers/table.js';
import type { ClientOptions } from '../../src/providers/types.js';
import { type ProviderCallError, scrub } from '../../src/providers/translate.js';
import type { CompletionRequest, ModelClient } from '../../src/providers/types.js';
import type { ProviderSpec } from '../../src/task/types.js';
import { startWireServer, tokenCount, type WireServer } from '../server/wire-server.mjs';

const KEY = 'sk-test-0123456789abcdef';
let server: WireServer;

beforeAll(async () => {
  server = await startWireServer({ apiKey: KEY });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setOptions({ rules: [], faults: undefined, failFirst: undefined, apiKey: KEY, latencyMs: 0 });
  server.reset();
});

function openaiSpec(extra: Partial<ProviderSpec> = {}): ProviderSpec {
  return { id: 'openai:gpt-test', type: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, apiKeyEnv: 'OPENAI_API_KEY', params: {}, ...extra };
}
function anthropicSpec(extra: Partial<ProviderSpec> = {}): ProviderSpec {
  return { id: 'anthropic:claude-test', type: 'anthropic', model: 'claude-test', baseUrl: server.anthropicBaseUrl, params: {}, ...extra };
}
function options(extra: Partial<ClientOptions> = {}): ClientOptions {
  return { env: { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: KEY }, timeoutMs: 1000, maxRetries: 3, ...extra };
}
const ask = (content: string, system?: string): CompletionRequest => ({
  messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content }],
  params: {},
});
const judgeSchema = {
  name: 'verdict',
  description: 'Record the verdict',
  schema: { type: 'object', properties: { verdict: { enum: ['pass', 'fail'] }, reason: { type: 'string' } }, required: ['verdict'] },
};

async function failure(client: ModelClient, request: CompletionRequest): Promise<ProviderError> {
  const err = await client.complete(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('registry', () => {
  it('knows both types and their key variables', () => {
    expect(PROVIDER_TYPES).toEqual(['openai', 'anthropic']);
    expect(defaultKeyEnv('openai')).toBe('OPENAI_API_KEY');
    expect(defaultKeyEnv('anthropic')).toBe('ANTHROPIC_API_KEY');
  });

  it('a missing key is a RunError naming the variable and the provider', async () => {
    const err = await createClient(anthropicSpec({ baseUrl: undefined }), options({ env: {} })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).exitCode).toBe(3);
    expect((err as RunError).message).toBe('missing API key: set ANTHROPIC_API_KEY (used by provider "anthropic:claude-test")');
    const custom = await createClient(openaiSpec({ apiKeyEnv: 'MY_KEY' }), options({ env: {} })).catch((e: unknown) => e);
    expect((custom as RunError).message).toContain('set MY_KEY');
  });

  it('an openai provider with an explicit base URL and no api_key_env runs keyless', async () => {
    server.setOptions({ apiKey: undefined });
    const client = await createClient(openaiSpec({ apiKeyEnv: undefined }), options({ env: {} }));
    expect((await client.complete(ask('hi'))).text).toBe('echo: hi');
  });

  it('never sends OPENAI_API_KEY to a base_url the task named no key for', async () => {
    server.setOptions({ apiKey: KEY }); // the server wants the key: it must not get it
    const client = await createClient(openaiSpec({ apiKeyEnv: undefined }), options());
    const err = await client.complete(ask('hi')).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((err as Error).message).toContain('the server requires a key (set api_key_env)');
  });

  it('takes the base URL from the env object when the spec has none', async () => {
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const o = await createClient(openaiSpec({ baseUrl: undefined }), options({ env }));
    const a = await createClient(anthropicSpec({ baseUrl: undefined }), options({ env }));
    expect((await o.complete(ask('one'))).text).toBe('echo: one');
    expect((await a.complete(ask('two'))).text).toBe('echo: two');
    expect(server.requests.map((r) => r.protocol)).toEqual(['openai', 'anthropic']);
  });

  it('uses the fetch it is given', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = (input, init) => {
      calls++;
      return globalThis.fetch(input, init);
    };
    const client = await createClient(openaiSpec(), options({ fetch }));
    await client.complete(ask('x'));
    expect(calls).toBe(1);
  });
});

describe('OpenAI adapter', () => {
  it('passes params through, returns text, usage and one attempt', async () => {
    const params = { temperature: 0.3, max_tokens: 64, top_p: 0.9, seed: 7, stop: ['\n'], logit_bias: { '50256': -100 } };
    const client = await createClient(openaiSpec({ params }), options());
    const out = await client.complete(ask('hello', 'be terse'));
    expect(out).toMatchObject({
      text: 'echo: hello',
      usage: { inputTokens: Math.ceil('be tersehello'.length / 4), outputTokens: tokenCount('echo: hello') },
      attempts: 1,
    });
    expect(out.timing).toEqual({ latencyMs: expect.any(Number), retryMs: 0 });
    const body = server.requests[0]?.body;
    expect(body).toMatchObject({ model: 'gpt-test', ...params });
    expect(body.messages).toEqual([
      { role: 'system', content: 'be terse' },
      { role: 'user', content: 'hello' },
    ]);
    expect(body.max_completion_tokens).toBeUndefined();
  });

  it('sends max_tokens as max_completion_tokens to the official API only', async () => {
    const seen: unknown[] = [];
    // Stand in for api.openai.com: the adapter sees no base URL override, the fetch goes local.
    const fetch: typeof globalThis.fetch = (input, init) => {
      seen.push(JSON.parse(String(init?.body)));
      return globalThis.fetch(String(input).replace('https://api.openai.com/v1', server.openaiBaseUrl), init);
    };
    const client = await createClient(openaiSpec({ baseUrl: undefined, params: { max_tokens: 50 } }), options({ fetch }));
    await client.complete(ask('x'));
    expect(seen[0]).toMatchObject({ max_completion_tokens: 50 });
    expect(seen[0]).not.toHaveProperty('max_tokens');
  });

  it('asks for json_schema output and parses the structured reply', async () => {
    server.setOptions({ rules: [{ match: 'grade', reply: '{"verdict":"pass","reason":"same urgency"}' }] });
    const client = await createClient(openaiSpec(), options());
    const out = await client.complete({ ...ask('grade this'), structured: judgeSchema });
    expect(out.toolInput).toEqual({ verdict: 'pass', reason: 'same urgency' });
    expect(out.text).toBe('{"verdict":"pass","reason":"same urgency"}');
    expect(server.requests[0]?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'verdict', description: 'Record the verdict', schema: judgeSchema.schema, strict: false },
    });
  });
});

describe('Anthropic adapter', () => {
  it('separates the system prompt, defaults max_tokens and sends stop as stop_sequences', async () => {
    const client = await createClient(anthropicSpec({ params: { stop: ['END'], metadata: { user_id: 'u1' } } }), options());
    const out = await client.complete(ask('hello', 'be terse'));
    expect(out).toMatchObject({
      text: 'echo: hello',
      usage: { inputTokens: Math.ceil('be tersehello'.length / 4), outputTokens: tokenCount('echo: hello') },
      attempts: 1,
    });
    const body = server.requests[0]?.body;
    expect(body).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      metadata: { user_id: 'u1' },
      stop_sequences: ['END'],
      system: 'be terse',
      messages: [{ role: 'user', content: 'hello' }],
    });
  });

  it('forces a tool for structured replies and returns its input', async () => {
    server.setOptions({ rules: [{ match: 'grade', reply: '{"verdict":"fail","reason":"wrong"}' }] });
    const client = await createClient(anthropicSpec({ params: { max_tokens: 200 } }), options());
    const out = await client.complete({ ...ask('grade this'), structured: judgeSchema });
    expect(out.toolInput).toEqual({ verdict: 'fail', reason: 'wrong' });
    expect(JSON.parse(out.text)).toEqual({ verdict: 'fail', reason: 'wrong' });
    const body = server.requests[0]?.body;
    expect(body.max_tokens).toBe(200);
    expect(body.tools).toEqual([{ name: 'verdict', description: 'Record the verdict', input_schema: judgeSchema.schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'verdict' });
  });

  it('counts cache tokens as input', async () => {
    server.setOptions({ rules: [{ match: 'x', reply: 'ok', usage: { input: 10, output: 2 } }] });
    const client = await createClient(anthropicSpec(), options());
    expect((await client.complete(ask('x'))).usage).toEqual({ inputTokens: 10, outputTokens: 2 });
  });
});

describe.each([
  ['openai', openaiSpec],
  ['anthropic', anthropicSpec],
] as const)('%s errors and retries', (_name, spec) => {
  it.each(['500', '429', '529'] as const)('retries %s through the SDK and counts attempts', async (kind) => {
    server.setOptions({ failFirst: { count: 2, kind } });
    const client = await createClient(spec(), options());
    const out = await client.complete(ask('retry'));
    expect(out.attempts).toBe(3);
    expect(server.requests.map((r) => r.fault)).toEqual([kind, kind, null]);
  });

  it('gives up after maxRetries with a one-line rate-limit error', async () => {
    server.setOptions({ failFirst: { count: 10, kind: '429' } });
    const client = await createClient(spec(), options({ maxRetries: 2 }));
    const err = await failure(client, ask('always limited'));
    expect(err.kind).toBe('rate-limit');
    expect(err.status).toBe(429);
    expect(err.message).toMatch(new RegExp(`^${spec().id}: HTTP 429 rate limited \\(after 2 retries\\): Rate limit reached`));
    expect(err.message).not.toContain('\n');
    expect((err as ProviderCallError).attempts).toBe(3);
  });

  it('a timeout is kind timeout', async () => {
    server.setOptions({ failFirst: { count: 10, kind: 'timeout' } });
    const client = await createClient(spec(), options({ timeoutMs: 100, maxRetries: 0 }));
    const err = await failure(client, ask('slow'));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`${spec().id}: request timed out after 100 ms`);
  });

  it('a reset socket is kind connection', async () => {
    server.setOptions({ failFirst: { count: 10, kind: 'reset' } });
    const client = await createClient(spec(), options({ maxRetries: 0 }));
    const err = await failure(client, ask('reset'));
    expect(err.kind).toBe('connection');
    expect(err.message).toContain(`${spec().id}: connection to http://127.0.0.1`);
  });

  // The SDKs do not retry a 200 whose body does not parse: truncated and non-JSON bodies are
  // bad-response errors after one attempt, never a retried success.
  it.each(['truncated', 'nonjson'] as const)('a %s body is kind bad-response, not retried', async (kind) => {
    server.setOptions({ failFirst: { count: 1, kind } });
    const client = await createClient(spec(), options());
    const err = await failure(client, ask('garbled'));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(new RegExp(`^${spec().id}: bad response: `));
    expect(server.requests).toHaveLength(1);
  });

  it('an empty completion is kind bad-response naming it', async () => {
    server.setOptions({ failFirst: { count: 1, kind: 'empty' } });
    const client = await createClient(spec(), options());
    const err = await failure(client, ask('nothing'));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(/empty completion, (finish|stop)_reason=(stop|end_turn)/);
  });

  it('401 is kind auth, names the variable, and never shows the key', async () => {
    const wrong = 'sk-wrong-key-abcdef123456';
    const env = { OPENAI_API_KEY: wrong, ANTHROPIC_API_KEY: wrong, MY_KEY: wrong };
    const client = await createClient(spec({ apiKeyEnv: 'MY_KEY' }), options({ env }));
    const err = await failure(client, ask('let me in'));
    expect(err.kind).toBe('auth');
    expect(err.fatal).toBe(true);
    expect(err.message).toMatch(new RegExp(`^authentication failed for ${spec().id}: the key in MY_KEY was rejected \\(HTTP 401\\)`));
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain('abcdef');
    expect(server.requests).toHaveLength(1);
  });

  it('passes the abort signal to the SDK', async () => {
    server.setOptions({ latencyMs: 5000 });
    const client = await createClient(spec(), options({ timeoutMs: 10_000 }));
    const controller = new AbortController();
    const pending = failure(client, { ...ask('cancel me'), signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const err = await pending;
    expect(err.message).toBe(`${spec().id}: request aborted`);
  });
});

describe('scrub', () => {
  it('removes the key and key-shaped strings and keeps one line', () => {
    expect(scrub('Incorrect API key provided: sk-abc***************wxyz.\nmore', 'secret-value')).toBe('Incorrect API key provided: [redacted]. more');
    expect(scrub('got secret-value here', 'secret-value')).toBe('got [redacted] here');
  });
});
