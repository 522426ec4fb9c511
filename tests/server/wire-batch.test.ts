import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, tokenCount, type WireServer } from './wire-server.mjs';

let server: WireServer;

beforeAll(async () => {
  server = await startWireServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setOptions({ rules: [], batch: undefined });
  server.reset();
});

const openai = () => new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseUrl, maxRetries: 0, logLevel: 'off' });
const anthropic = () => new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseUrl, maxRetries: 0, logLevel: 'off' });

const chatLine = (id: string, text: string, model = 'gpt-4o-mini') => ({
  custom_id: id,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model, messages: [{ role: 'user', content: text }] },
});

async function upload(client: OpenAI, lines: object[]) {
  const jsonl = lines.map((l) => JSON.stringify(l)).join('\n');
  return client.files.create({ file: await toFile(Buffer.from(jsonl), 'in.jsonl'), purpose: 'batch' });
}

describe('OpenAI Files and Batch API', () => {
  it('uploads a file, runs its lines through the rules on the polls-th retrieve, and serves output and error files', async () => {
    server.setOptions({ batch: { polls: 2 }, rules: [{ match: 'bad', error: { status: 400, message: 'no such thing' } }] });
    const client = openai();
    const file = await upload(client, [chatLine('a', 'hello'), chatLine('b', 'bad one')]);
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', status: 'processed' });
    expect(await (await client.files.content(file.id)).text()).toContain('"custom_id":"a"');

    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created.status).toBe('validating');
    expect(server.requests).toHaveLength(0); // nothing answered before the batch runs
    expect((await client.batches.retrieve(created.id)).status).toBe('in_progress');
    const done = await client.batches.retrieve(created.id);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });

    const out = (await (await client.files.content(done.output_file_id!)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ custom_id: 'a', error: null, response: { status_code: 200, body: { object: 'chat.completion' } } });
    expect(out[0].response.body.choices[0].message.content).toBe('echo: hello');
    expect(out[0].response.body.usage).toMatchObject({ prompt_tokens: tokenCount('hello'), completion_tokens: tokenCount('echo: hello') });
    const errs = (await (await client.files.content(done.error_file_id!)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(errs[0]).toMatchObject({ custom_id: 'b', response: { status_code: 400, body: { error: { message: 'no such thing' } } } });

    // The lines are in the request log, marked as batch lines; no synchronous call was counted.
    expect(server.requests.map((r) => [r.customId, r.batch, r.status])).toEqual([
      ['a', created.id, 200],
      ['b', created.id, 400],
    ]);
    expect(server.stats()).toMatchObject({ total: 0, batchLines: 2 });
  });

  it('expires the lines that match `expire`, and lists and cancels batches', async () => {
    server.setOptions({ batch: { polls: 1, expire: 'late' } });
    const client = openai();
    const file = await upload(client, [chatLine('a', 'early'), chatLine('b', 'late')]);
    const b1 = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const ended = await client.batches.retrieve(b1.id);
    expect(ended.status).toBe('expired');
    const errs = (await (await client.files.content(ended.error_file_id!)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(errs).toEqual([expect.objectContaining({ custom_id: 'b', response: null, error: expect.objectContaining({ code: 'batch_expired' }) })]);

    const b2 = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await client.batches.cancel(b2.id)).status).toBe('cancelling');
    expect((await client.batches.retrieve(b2.id)).status).toBe('cancelled');
    const listed = [];
    for await (const b of client.batches.list({ limit: 1 })) listed.push(b.id);
    expect(listed).toEqual([b2.id, b1.id]);
  });

  it('fails a batch whose input is wrong, as the API validates it', async () => {
    const client = openai();
    const dup = await upload(client, [chatLine('a', 'x'), chatLine('a', 'y')]);
    const b = await client.batches.create({ input_file_id: dup.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(b.status).toBe('failed');
    expect(b.errors?.data?.[0]?.code).toBe('duplicate_custom_id');
    const mixed = await upload(client, [chatLine('a', 'x'), chatLine('b', 'y', 'gpt-4o')]);
    expect((await client.batches.create({ input_file_id: mixed.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).status).toBe('failed');
    await expect(client.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toThrow(
      /no batch input file/,
    );
  });

  it('checks the key on batch routes when apiKey is set', async () => {
    server.setOptions({ apiKey: 'right' });
    try {
      await expect(upload(openai(), [chatLine('a', 'x')])).rejects.toMatchObject({ status: 401 });
      await expect(anthropic().messages.batches.list()).rejects.toMatchObject({ status: 401 });
    } finally {
      server.setOptions({ apiKey: undefined });
    }
  });

  it('has no batch routes when batch is false, as a plain compatible server', async () => {
    server.setOptions({ batch: false });
    await expect(upload(openai(), [chatLine('a', 'x')])).rejects.toMatchObject({ status: 404 });
  });
});

describe('Anthropic Message Batches', () => {
  const request = (id: string, text: string) => ({
    custom_id: id,
    params: { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: text }] },
  });

  it('creates, polls, and streams results through results_url, with per-line errors and expiry', async () => {
    server.setOptions({ batch: { polls: 2, expire: /late/ }, rules: [{ match: 'bad', error: { status: 400, message: 'bad line' } }] });
    const client = anthropic();
    const created = await client.messages.batches.create({ requests: [request('a', 'hi'), request('b', 'bad'), request('c', 'late')] });
    expect(created).toMatchObject({ type: 'message_batch', processing_status: 'in_progress', results_url: null });
    expect((await client.messages.batches.retrieve(created.id)).processing_status).toBe('in_progress');
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 1, errored: 1, canceled: 0, expired: 1 });
    const results = [];
    for await (const r of await client.messages.batches.results(created.id)) results.push(r);
    expect(results.map((r) => [r.custom_id, r.result.type])).toEqual([
      ['a', 'succeeded'],
      ['b', 'errored'],
      ['c', 'expired'],
    ]);
    const ok = results[0]!.result as Anthropic.Messages.MessageBatchSucceededResult;
    expect(ok.message.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    const bad = results[1]!.result as Anthropic.Messages.MessageBatchErroredResult;
    expect(bad.error.error).toMatchObject({ type: 'invalid_request_error', message: 'bad line' });
    expect(server.stats()).toMatchObject({ total: 0, batchLines: 2 });
  });

  it('refuses bad and duplicate custom ids, lists and cancels', async () => {
    const client = anthropic();
    await expect(client.messages.batches.create({ requests: [request('a b', 'x')] })).rejects.toMatchObject({ status: 400 });
    await expect(client.messages.batches.create({ requests: [request('a', 'x'), request('a', 'y')] })).rejects.toMatchObject({ status: 400 });
    const b = await client.messages.batches.create({ requests: [request('a', 'x')] });
    expect((await client.messages.batches.cancel(b.id)).processing_status).toBe('canceling');
    const ended = await client.messages.batches.retrieve(b.id);
    expect(ended.request_counts.canceled).toBe(1);
    const listed = [];
    for await (const x of client.messages.batches.list()) listed.push(x.id);
    expect(listed).toEqual([b.id]);
    expect(server.batches()).toEqual([expect.objectContaining({ id: b.id, status: 'cancelled', customIds: ['a'] })]);
  });
});
