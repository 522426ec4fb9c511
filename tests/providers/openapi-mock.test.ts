import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnthropicBody } from '../../src/providers/anthropic.js';
import { buildOpenAIBody } from '../../src/providers/openai.js';
import { ROOT, runCli, workdir } from '../helpers/cli.js';

// Against something we did not write: mock servers generated from the providers' published API
// specifications by steady (@stdy/cli, the mock the SDK repositories test with), validating every
// request against the spec. tests/fixtures/specs/README.md says where the specs come from.

const STEADY = join(ROOT, 'node_modules/.bin/steady');

const RECEIPT = {
  type: 'object',
  additionalProperties: false,
  required: ['merchant', 'total'],
  properties: { merchant: { type: 'string' }, total: { type: 'number' } },
};
const SPECS = join(ROOT, 'tests/fixtures/specs');

interface Mock {
  url: string;
  child: ChildProcess;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = net.createServer().once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => done(port));
    });
  });
}

/** Resolves once something accepts connections on the port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * steady on 127.0.0.1, seeded so its generated replies are the same on every run. Ready means the
 * port accepts connections: steady's log wording changes with the environment (under CI=true it
 * prints "Server listening at", on a terminal "Ready to accept requests").
 */
async function startMock(spec: string): Promise<Mock> {
  const port = await freePort();
  const child = spawn(STEADY, ['--host', '127.0.0.1', '-p', String(port), '--generator-seed=7', '--no-color', '-q', join(SPECS, spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited: number | null | undefined;
  const seen = (d: Buffer) => {
    output += d;
  };
  child.stdout!.on('data', seen);
  child.stderr!.on('data', seen);
  child.once('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + 20_000;
  while (!(await accepting(port))) {
    if (exited !== undefined) throw new Error(`steady exited (${exited}) on ${spec}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`steady did not start on ${spec}:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, child };
}

let openai: Mock;
let anthropic: Mock;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startMock('openai-chat.fixed.json'), startMock('anthropic-derived-2026-10-21.json')]);
}, 30_000);
afterAll(() => {
  openai?.child.kill();
  anthropic?.child.kill();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers }, body: JSON.stringify(body) });

describe('mock servers from the official API specifications', () => {
  it('reject requests the specs forbid (so a pass below means something)', async () => {
    expect((await post(`${openai.url}/chat/completions`, { foo: 1 })).status).toBe(400);
    const messages = [{ role: 'user', content: 'hi' }];
    expect((await post(`${openai.url}/chat/completions`, { model: 'gpt-4o-mini', messages: 'hi' })).status).toBe(400);
    expect((await post(`${openai.url}/chat/completions`, { model: 'gpt-4o-mini', messages })).status).toBe(200);
    const claude = { model: 'claude-haiku-4-5', max_tokens: 5, messages };
    const version = { 'anthropic-version': '2026-10-21', 'x-api-key': 'k' };
    expect((await post(`${anthropic.url}/v1/messages`, { ...claude, temperature: 0 }, version)).status).toBe(400);
    expect((await post(`${anthropic.url}/v1/messages`, claude, version)).status).toBe(200);
  });

  it('accept tools, tool_choice and response_format as the adapters send them, and refuse them in the wrong shape', async () => {
    const spec = (type: 'openai' | 'anthropic', model: string) => ({ id: `${type}:${model}`, type, model, params: { max_tokens: 50 } });
    const tools = [
      {
        name: 'lookup_order',
        description: 'Look up an order.',
        parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      },
      { name: 'escalate', parameters: { type: 'object', properties: {} } },
    ];
    const messages = [
      { role: 'system' as const, content: 'You are a support agent.' },
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello, how can I help?' },
      { role: 'user' as const, content: 'Where is A-1?' },
    ];
    const format = { name: 'receipt', description: 'Reply with this structured response.', schema: RECEIPT, strict: true };
    const openaiTarget = { type: 'openai' as const, model: 'gpt-4o-mini', official: true };
    for (const toolChoice of ['auto', 'none', 'required', { name: 'lookup_order' }] as const) {
      const body = buildOpenAIBody(spec('openai', 'gpt-4o-mini'), { messages, params: {}, tools, toolChoice }, openaiTarget);
      const res = await post(`${openai.url}/chat/completions`, body);
      expect(res.status, `${JSON.stringify(toolChoice)}: ${await res.text()}`).toBe(200);
    }
    const structured = buildOpenAIBody(spec('openai', 'gpt-4o-mini'), { messages, params: {}, structured: format }, openaiTarget);
    expect(structured.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'receipt', description: format.description, schema: RECEIPT, strict: true },
    });
    expect((await post(`${openai.url}/chat/completions`, structured)).status).toBe(200);

    const version = { 'anthropic-version': '2026-10-21', 'x-api-key': 'k' };
    const anthropicTarget = { type: 'anthropic' as const, model: 'claude-haiku-4-5', official: true };
    // The derived spec predates tool_choice `none` (the SDK and the API have it), so it is not sent here.
    for (const toolChoice of ['auto', 'required', { name: 'lookup_order' }] as const) {
      const body = buildAnthropicBody(spec('anthropic', 'claude-haiku-4-5'), { messages, params: {}, tools, toolChoice }, anthropicTarget);
      const res = await post(`${anthropic.url}/v1/messages`, body, version);
      expect(res.status, `${JSON.stringify(toolChoice)}: ${await res.text()}`).toBe(200);
    }
    const forced = buildAnthropicBody(spec('anthropic', 'claude-haiku-4-5'), { messages, params: {}, structured: format }, anthropicTarget);
    expect(forced).toMatchObject({
      system: 'You are a support agent.',
      tool_choice: { type: 'tool', name: 'receipt' },
      tools: [{ name: 'receipt', input_schema: RECEIPT }],
    });
    expect((await post(`${anthropic.url}/v1/messages`, forced, version)).status).toBe(200);

    // What the mocks refuse, so the passes above mean something: OpenAI's function tool without its
    // function or a json_schema format without the schema; OpenAI-shaped tools sent to Anthropic.
    const bare = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] };
    expect((await post(`${openai.url}/chat/completions`, { ...bare, tools: [{ type: 'function', name: 'lookup_order' }] })).status).toBe(400);
    expect((await post(`${openai.url}/chat/completions`, { ...bare, response_format: { type: 'json_schema', schema: RECEIPT } })).status).toBe(400);
    const openaiTools = buildOpenAIBody(spec('openai', 'gpt-4o-mini'), { messages, params: {}, tools }, openaiTarget).tools;
    expect(
      (
        await post(
          `${anthropic.url}/v1/messages`,
          { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tools: openaiTools },
          version,
        )
      ).status,
    ).toBe(400);
  });

  const examples = ['factual-qa.yaml', 'invoice-extraction.yaml', 'order-agent.yaml', 'receipt-extraction.yaml', 'support-triage.yaml', 'ticket-intent.yaml'];

  it('every shipped example runs against them: every request accepted, every reply read', async () => {
    expect((await readdir(join(ROOT, 'examples'))).filter((f) => f.endsWith('.yaml')).sort()).toEqual(examples);
    const env = { OPENAI_BASE_URL: openai.url, ANTHROPIC_BASE_URL: anthropic.url, OPENAI_API_KEY: 'sk-mock', ANTHROPIC_API_KEY: 'sk-ant-mock' };
    for (const example of examples) {
      const dir = await workdir();
      // The mock reports made-up token counts (thousands per call): lift the examples' budgets.
      const res = await runCli(['eval', join(ROOT, 'examples', example), '--no-cache', '--max-cost', '1000', '--runs-dir', join(dir, 'runs'), '--json'], {
        env,
        cwd: dir,
      });
      // 0 or 1: the generated replies are not good answers, so gates may fail; nothing else may.
      expect([0, 1], `${example}: ${res.stderr}`).toContain(res.code);
      const [file] = await readdir(join(dir, 'runs'));
      const record = JSON.parse(await readFile(join(dir, 'runs', file!), 'utf8'));
      expect(record.complete, `${example}: ${JSON.stringify(record.stopReason)}`).toBe(true);
      const errors = record.results.filter((r: { error: string | null }) => r.error !== null).map((r: { error: string }) => r.error);
      expect(errors, example).toEqual([]);
      expect(record.results.every((r: { output: unknown }) => typeof r.output === 'string')).toBe(true);
      if (record.judge)
        expect(
          record.judge.candidates.every((c: { errors: number }) => c.errors === 0),
          `${example}: judge errors`,
        ).toBe(true);
    }
  }, 120_000);
});
