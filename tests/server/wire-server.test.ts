import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workdir } from '../helpers/cli.js';
import { startWireServer, tokenCount, type FaultKind, type WireServer } from './wire-server.mjs';

let server: WireServer;

beforeAll(async () => {
  server = await startWireServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setOptions({ rules: [], defaultReply: undefined, faults: undefined, failFirst: undefined, apiKey: undefined, latencyMs: 0 });
  server.reset();
});

function openai(opts: { maxRetries?: number; timeout?: number; apiKey?: string } = {}) {
  return new OpenAI({
    apiKey: opts.apiKey ?? 'test-key',
    baseURL: server.openaiBaseUrl,
    maxRetries: opts.maxRetries ?? 0,
    timeout: opts.timeout ?? 2000,
    logLevel: 'off',
  });
}
function anthropic(opts: { maxRetries?: number; timeout?: number; apiKey?: string } = {}) {
  return new Anthropic({
    apiKey: opts.apiKey ?? 'test-key',
    baseURL: server.anthropicBaseUrl,
    maxRetries: opts.maxRetries ?? 0,
    timeout: opts.timeout ?? 2000,
    logLevel: 'off',
  });
}
const ask = (content: string) => ({ model: 'gpt-test', messages: [{ role: 'user' as const, content }] });
const askA = (content: string, system?: string) => ({
  model: 'claude-test',
  max_tokens: 50,
  ...(system ? { system } : {}),
  messages: [{ role: 'user' as const, content }],
});

describe('OpenAI protocol', () => {
  it('echoes the last user message with deterministic usage and the requested model', async () => {
    const res = await openai().chat.completions.create({
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'sys prompt' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('echo: hello there');
    expect(res.model).toBe('gpt-x');
    expect(res.usage?.prompt_tokens).toBe(Math.ceil(('sys prompt' + 'hello there').length / 4));
    expect(res.usage?.completion_tokens).toBe(tokenCount('echo: hello there'));
  });

  it('uses the first matching rule, string or regex, and rule usage', async () => {
    server.setOptions({
      rules: [
        { match: /ticket:\s*db down/i, reply: 'high', usage: { input: 100, output: 7 } },
        { match: 'ticket', reply: (req) => `low (${req.protocol})` },
      ],
    });
    const a = await openai().chat.completions.create(ask('Ticket: DB down'));
    expect(a.choices[0]?.message.content).toBe('high');
    expect(a.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 7 });
    const b = await openai().chat.completions.create(ask('ticket: typo'));
    expect(b.choices[0]?.message.content).toBe('low (openai)');
  });

  it('also serves /chat/completions and returns JSON content for response_format', async () => {
    server.setOptions({ rules: [{ match: 'grade', reply: '{"verdict":"pass","reason":"ok"}' }] });
    const client = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0, logLevel: 'off' });
    const res = await client.chat.completions.create({
      ...ask('grade this'),
      response_format: { type: 'json_schema', json_schema: { name: 'v', schema: { type: 'object' } } },
    });
    expect(JSON.parse(res.choices[0]?.message.content ?? '')).toEqual({ verdict: 'pass', reason: 'ok' });
    expect(server.requests[0]?.path).toBe('/chat/completions');
  });
});

describe('Anthropic protocol', () => {
  it('answers a text block, counting the system prompt in input tokens', async () => {
    const res = await anthropic().messages.create(askA('hi', 'be brief'));
    expect(res.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    expect(res.model).toBe('claude-test');
    expect(res.usage.input_tokens).toBe(Math.ceil(('be brief' + 'hi').length / 4));
    expect(res.stop_reason).toBe('end_turn');
  });

  it('answers a forced tool with a tool_use block when the reply is JSON, else text', async () => {
    server.setOptions({
      rules: [
        { match: 'json', reply: '{"verdict":"fail"}' },
        { match: 'prose', reply: 'not json' },
      ],
    });
    const tool = { tools: [{ name: 'verdict', input_schema: { type: 'object' as const } }], tool_choice: { type: 'tool' as const, name: 'verdict' } };
    const res = await anthropic().messages.create({ ...askA('json please'), ...tool });
    expect(res.stop_reason).toBe('tool_use');
    expect(res.content[0]).toMatchObject({ type: 'tool_use', name: 'verdict', input: { verdict: 'fail' } });
    const prose = await anthropic().messages.create({ ...askA('prose please'), ...tool });
    expect(prose.content).toEqual([{ type: 'text', text: 'not json' }]);
  });
});

describe('faults', () => {
  const statusKinds: [FaultKind, number][] = [
    ['429', 429],
    ['500', 500],
    ['503', 503],
    ['529', 529],
  ];
  it.each(statusKinds)('%s gives that status with the API error shape on both protocols', async (kind, status) => {
    server.setOptions({ rules: [{ match: 'x', reply: 'never', fault: kind }] });
    const o = await openai()
      .chat.completions.create(ask('x'))
      .catch((e: unknown) => e);
    expect(o).toBeInstanceOf(OpenAI.APIError);
    expect((o as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((o as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after-ms')).toBe('1');
    const a = await anthropic()
      .messages.create(askA('x'))
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Anthropic.APIError);
    expect((a as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
    if (kind === '529') expect((a as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect(server.stats().byKind[kind]).toBe(2);
  });

  it('timeout never answers, so the client timeout fires', async () => {
    server.setOptions({ failFirst: { count: 5, kind: 'timeout' } });
    const o = await openai({ timeout: 150 })
      .chat.completions.create(ask('t'))
      .catch((e: unknown) => e);
    expect(o).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const a = await anthropic({ timeout: 150 })
      .messages.create(askA('t'))
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('reset destroys the socket: a connection error', async () => {
    server.setOptions({ faults: { rate: 1, kinds: ['reset'] } });
    const o = await openai()
      .chat.completions.create(ask('r'))
      .catch((e: unknown) => e);
    expect(o).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(o).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const a = await anthropic()
      .messages.create(askA('r'))
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it('truncated JSON makes the SDK fail to parse; nonjson returns HTML text', async () => {
    server.setOptions({
      rules: [
        { match: 'cut', reply: '', fault: 'truncated' },
        { match: 'html', reply: '', fault: 'nonjson' },
      ],
    });
    await expect(openai().chat.completions.create(ask('cut'))).rejects.toThrow(SyntaxError);
    await expect(anthropic().messages.create(askA('cut'))).rejects.toThrow(SyntaxError);
    const html = (await openai().chat.completions.create(ask('html'))) as unknown;
    expect(typeof html).toBe('string');
    expect(String(html)).toContain('<html>');
  });

  it('empty gives an empty completion', async () => {
    server.setOptions({ faults: { rate: 1, kinds: ['empty'] } });
    const o = await openai().chat.completions.create(ask('e'));
    expect(o.choices[0]?.message.content).toBe('');
    const a = await anthropic().messages.create(askA('e'));
    expect(a.content).toEqual([]);
  });

  it('random faults hit about the given rate, reproducibly for the same seed', async () => {
    const run = async () => {
      server.reset();
      server.setOptions({ faults: { rate: 0.3, kinds: ['500', 'empty'], seed: 7 } });
      const client = openai();
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        out.push(
          await client.chat.completions.create(ask(`q${i}`)).then(
            (r) => r.choices[0]?.message.content ?? '',
            () => 'ERR',
          ),
        );
      }
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const faults = server.stats().faults;
    expect(faults).toBeGreaterThan(3);
    expect(faults).toBeLessThan(25);
    expect(server.requests.filter((r) => r.fault).length).toBe(faults);
  });

  it('failFirst fails each distinct body its first attempts; SDK retries then succeed', async () => {
    server.setOptions({ failFirst: { count: 2, kind: '429' } });
    const o = await openai({ maxRetries: 3 }).chat.completions.create(ask('retry me'));
    expect(o.choices[0]?.message.content).toBe('echo: retry me');
    const a = await anthropic({ maxRetries: 3 }).messages.create(askA('retry me'));
    expect(a.content).toEqual([{ type: 'text', text: 'echo: retry me' }]);
    expect(server.requests.map((r) => [r.protocol, r.attempt, r.fault])).toEqual([
      ['openai', 1, '429'],
      ['openai', 2, '429'],
      ['openai', 3, null],
      ['anthropic', 1, '429'],
      ['anthropic', 2, '429'],
      ['anthropic', 3, null],
    ]);
    expect(server.stats()).toMatchObject({ total: 6, openai: 3, anthropic: 3, faults: 4, byKind: { '429': 4 } });
  });
});

describe('auth and request log', () => {
  it('rejects a wrong key with 401 in each API shape and accepts the right one', async () => {
    server.setOptions({ apiKey: 'right' });
    const o = await openai({ apiKey: 'wrong' })
      .chat.completions.create(ask('a'))
      .catch((e: unknown) => e);
    expect(o).toBeInstanceOf(OpenAI.AuthenticationError);
    const a = await anthropic({ apiKey: 'wrong' })
      .messages.create(askA('a'))
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((a as InstanceType<typeof Anthropic.APIError>).type).toBe('authentication_error');
    await expect(openai({ apiKey: 'right' }).chat.completions.create(ask('a'))).resolves.toBeTruthy();
    await expect(anthropic({ apiKey: 'right' }).messages.create(askA('a'))).resolves.toBeTruthy();
  });

  it('logs bodies but never headers or keys', async () => {
    await openai({ apiKey: 'sk-secret-123' }).chat.completions.create({ ...ask('log me'), temperature: 0.2 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ protocol: 'openai', path: '/v1/chat/completions', attempt: 1, fault: null });
    expect(server.requests[0]?.body.temperature).toBe(0.2);
    expect(JSON.stringify(server.requests)).not.toContain('sk-secret-123');
  });
});

describe('standalone', () => {
  it('prints its URLs as one JSON line, serves rules from a file, and stops on SIGTERM', async () => {
    const dir = await workdir();
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([{ match: '/^.*urgent/', reply: 'high' }]));
    const child = spawn(process.execPath, [join(import.meta.dirname, 'wire-server.mjs'), '--rules', rules, '--latency', '1']);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.on('exit', () => reject(new Error('server exited early')));
    });
    const info = JSON.parse(line) as { url: string; openaiBaseUrl: string; anthropicBaseUrl: string };
    expect(info.openaiBaseUrl).toBe(`${info.url}/v1`);
    const client = new OpenAI({ apiKey: 'k', baseURL: info.openaiBaseUrl, maxRetries: 0, logLevel: 'off' });
    const res = await client.chat.completions.create(ask('very urgent'));
    expect(res.choices[0]?.message.content).toBe('high');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
