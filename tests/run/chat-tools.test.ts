import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { workdir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/io.js';
import { wireFixture } from '../helpers/wire.js';

// Real prompts through the real SDKs and the CLI: chat transcripts, tools and structured replies as
// each API receives them (the server logs every request), and tool-call checks passing and failing
// as the server scripts the replies.

const wire = wireFixture();

beforeEach(() => {
  wire.server.reset();
  wire.server.setOptions({ rules: [] });
});

const PROVIDERS = 'providers: [openai:gpt-4o-mini, anthropic:claude-haiku-4-5]\nsettings: { concurrency: 1, max_retries: 0, timeout_ms: 5000 }\n';

async function evalTask(yaml: string, flags: string[] = ['--no-cache'], dir?: string) {
  const cwd = dir ?? (await workdir({ 'task.yaml': yaml }));
  const res = await runInProcess(['eval', 'task.yaml', '--no-color', '--runs-dir', 'runs', ...flags], { env: wire.env, cwd });
  const files = (await readdir(join(cwd, 'runs')).catch(() => [])).sort();
  const record = files.length ? (JSON.parse(await readFile(join(cwd, 'runs', files.at(-1)!), 'utf8')) as RunRecord) : null;
  return { ...res, record, dir: cwd };
}

const byProtocol = (protocol: string) => wire.server.requests.filter((r) => r.protocol === protocol);

describe('chat messages as each API receives them', () => {
  it('a few-shot transcript and a multi-turn conversation: every role in order, the system prompt where each API takes it', async () => {
    const { code, record } = await evalTask(`name: chat
prompts:
  - id: few-shot
    messages:
      - { role: system, content: "Label the sentiment." }
      - { role: system, content: "One word." }
      - { role: user, content: "I love it" }
      - { role: assistant, content: positive }
      - { role: user, content: "{{text}}" }
  - id: multi-turn
    messages:
      - { role: user, content: "Hi, I need help with {{text}}" }
      - { role: assistant, content: "Sure, tell me more." }
      - { role: user, content: "It is about {{text}}." }
${PROVIDERS}examples:
  - vars: { text: "it broke" }
`);
    expect(code).toBe(0);
    const openai = byProtocol('openai');
    const anthropic = byProtocol('anthropic');
    expect(openai.map((r) => r.body.messages.map((m: { role: string }) => m.role))).toEqual([
      ['system', 'system', 'user', 'assistant', 'user'],
      ['user', 'assistant', 'user'],
    ]);
    expect(openai[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: 'it broke' });
    expect(anthropic.map((r) => [r.body.system, r.body.messages.map((m: { role: string }) => m.role)])).toEqual([
      ['Label the sentiment.\n\nOne word.', ['user', 'assistant', 'user']],
      [undefined, ['user', 'assistant', 'user']],
    ]);
    expect(anthropic[1]!.messages).toEqual([
      { role: 'user', content: 'Hi, I need help with it broke' },
      { role: 'assistant', content: 'Sure, tell me more.' },
      { role: 'user', content: 'It is about it broke.' },
    ]);
    // The record keeps what was sent, once per prompt and example.
    expect(record!.inputs).toEqual([
      { prompt: 'few-shot', example: 0, messages: openai[0]!.body.messages },
      { prompt: 'multi-turn', example: 0, messages: openai[1]!.body.messages },
    ]);
  });
});

const TOOLS = `tools:
  - name: get_weather
    description: Current weather for a city.
    parameters:
      type: object
      properties: { city: { type: string }, unit: { type: string, enum: [c, f] } }
      required: [city]
  - name: search
    parameters: { type: object, properties: { q: { type: string } } }
`;

const AGENT = (choice: string) => `name: agent
${TOOLS}prompts:
  - id: agent
    system: You are a weather assistant.
    user: "{{question}}"
    tool_choice: ${choice}
${PROVIDERS}examples:
  - vars: { question: "Weather in Paris?" }
    expected_tool: { name: get_weather, arguments: { city: Paris } }
  - vars: { question: "Weather in Oslo?" }
    expected_tool: { name: get_weather, arguments: { city: Oslo } }
  - vars: { question: "Weather in Rome?" }
    expected_tool: { name: get_weather, schema: { type: object, required: [city, unit] } }
  - vars: { question: "Weather in Lima?" }
    expected_tool: { name: get_weather }
  - vars: { question: "Weather in Kyiv?" }
    expected_tool: { name: get_weather }
checks:
  - type: tool-call
`;

describe('tool calls', () => {
  it('tools and tool_choice are sent in each API format; the tool-call checks pass and fail as the server scripts', async () => {
    wire.server.setOptions({
      rules: [
        { match: 'Paris', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, // right
        { match: 'Oslo', reply: 'Let me look.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Bergen' } }] }, // wrong argument
        { match: 'Rome', toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] }, // schema wants a unit
        { match: 'Lima', toolCalls: [{ name: 'get_weather', arguments: '{"city": "Li' }] }, // arguments that do not parse
        { match: 'Kyiv', reply: 'I cannot check the weather.' }, // no tool call
      ],
    });
    const { code, record, stdout } = await evalTask(AGENT('{ name: get_weather }'));
    expect(code).toBe(0);
    const openai = byProtocol('openai')[0]!.body;
    expect(openai.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
        },
      },
      { type: 'function', function: { name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    ]);
    expect(openai.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    const anthropic = byProtocol('anthropic')[0]!.body;
    expect(anthropic.tools).toEqual([
      { name: 'get_weather', description: 'Current weather for a city.', input_schema: openai.tools[0].function.parameters },
      { name: 'search', input_schema: openai.tools[1].function.parameters },
    ]);
    expect(anthropic.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(wire.server.requests.every((r) => r.toolChoice !== null && typeof r.toolChoice === 'object' && r.toolChoice.name === 'get_weather')).toBe(true);

    for (const provider of ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5']) {
      const rows = record!.results.filter((r) => r.provider === provider);
      expect(rows.map((r) => r.pass)).toEqual([true, false, false, false, false]);
      const toolCall = (i: number) => rows[i]!.checks.find((c) => c.type === 'tool-call')!.reason;
      expect(toolCall(0)).toBe('called get_weather with the expected arguments');
      expect(toolCall(1)).toBe('get_weather arguments: /city: expected "Oslo", got "Bergen"');
      expect(toolCall(2)).toBe("get_weather arguments: / must have required property 'unit'");
      expect(toolCall(3)).toMatch(/^get_weather: the arguments are not valid JSON/);
      expect(toolCall(4)).toBe('no tool call (expected get_weather); the reply was "I cannot check the weather."');
      expect(rows[0]!.toolCalls).toEqual([{ name: 'get_weather', arguments: { city: 'Paris' } }]);
      expect(rows[0]!.output).toBe('tool call: get_weather {"city":"Paris"}');
      expect(rows[1]!.output).toBe('Let me look.\ntool call: get_weather {"city":"Bergen"}');
      expect(rows[3]!.toolCalls).toEqual([{ name: 'get_weather', raw: '{"city": "Li', error: expect.stringMatching(/^the arguments are not valid JSON/) }]);
      // A call that does not parse also fails the check every tool call gets.
      expect(rows[3]!.checks[0]).toMatchObject({ type: 'tool-arguments', pass: false });
      expect(rows[4]!.toolCalls).toBeUndefined();
    }
    expect(stdout).toContain('tool call: get_weather');
  });

  it('auto, none and required are sent as each API spells them', async () => {
    const sent: unknown[] = [];
    for (const choice of ['auto', 'none', 'required']) {
      wire.server.reset();
      await evalTask(AGENT(choice).replace(/examples:[\s\S]*checks:\n {2}- type: tool-call\n/, 'examples:\n  - vars: { question: "Weather in Paris?" }\n'));
      sent.push(byProtocol('openai')[0]!.body.tool_choice, byProtocol('anthropic')[0]!.body.tool_choice, byProtocol('anthropic')[0]!.toolChoice);
    }
    expect(sent).toEqual(['auto', { type: 'auto' }, 'auto', 'none', { type: 'none' }, 'none', 'required', { type: 'any' }, 'required']);
  });

  it('no-tool-call; the judge reads tool calls as text', async () => {
    wire.server.setOptions({
      rules: [
        {
          match: 'output_to_grade',
          reply: (req) => JSON.stringify({ verdict: req.lastUser.includes('tool call: search {"q":"x"}') ? 'fail' : 'pass', reason: 'r' }),
        },
        { match: 'one', toolCalls: [{ name: 'search', arguments: { q: 'x' } }] },
        { match: 'two', reply: 'plain answer' },
      ],
    });
    const { record } = await evalTask(`name: t
${TOOLS}prompt: "{{w}}"
${PROVIDERS}examples:
  - vars: { w: one }
  - vars: { w: two }
checks:
  - type: no-tool-call
`);
    const first = record!.results[0]!;
    expect(first.checks.map((c) => [c.type, c.pass, c.reason])).toEqual([
      ['tool-arguments', true, '1 tool call, arguments valid'],
      ['no-tool-call', false, 'called search'],
    ]);
    expect(record!.results[1]!.checks).toEqual([{ type: 'no-tool-call', pass: true, reason: 'answered without a tool call' }]);
    wire.server.reset();
    const judged = await evalTask(`name: t
${TOOLS}prompt: "{{w}}"
${PROVIDERS}examples:
  - vars: { w: one }
  - vars: { w: two }
judge: { model: "openai:gpt-4o", rubric: "Pass if it answers." }
`);
    expect(judged.record!.results.map((r) => r.judge?.verdict)).toEqual(['fail', 'pass', 'fail', 'pass']);
  });

  it('tool calls are cached with the reply; changing a tool makes it a new request', async () => {
    wire.server.setOptions({ rules: [{ match: 'Paris', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }] });
    const yaml = AGENT('auto').replace(
      /examples:[\s\S]*$/,
      'examples:\n  - vars: { question: "Weather in Paris?" }\n    expected_tool: { name: get_weather }\nchecks: [{ type: tool-call }]\n',
    );
    const first = await evalTask(yaml, ['--cache-dir', 'cache']);
    expect(wire.server.requests).toHaveLength(2);
    const again = await evalTask(yaml, ['--cache-dir', 'cache'], first.dir);
    expect(wire.server.requests).toHaveLength(2);
    expect(again.record!.results.map((r) => [r.cached, r.pass, r.toolCalls])).toEqual([
      [true, true, [{ name: 'get_weather', arguments: { city: 'Paris' } }]],
      [true, true, [{ name: 'get_weather', arguments: { city: 'Paris' } }]],
    ]);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(first.dir, 'task.yaml'), yaml.replace('Current weather for a city.', 'The weather now, for a city.'));
    await evalTask(yaml, ['--cache-dir', 'cache'], first.dir);
    expect(wire.server.requests).toHaveLength(4);
  });
});

const RECEIPT = `{ type: object, additionalProperties: false, required: [merchant, total], properties: { merchant: { type: string }, total: { type: number } } }`;

describe('structured output', () => {
  it('OpenAI structured outputs and an Anthropic forced tool; the object is what json-schema, equals and json-path see', async () => {
    wire.server.setOptions({
      rules: [
        { match: 'CAFE', reply: '{"merchant": "Cafe", "total": 6.70}' },
        { match: 'SHOP', reply: '{"merchant": "Shop", "total": "12"}' }, // valid JSON, wrong type
        { match: 'DELI', reply: 'Sorry, I cannot read this receipt.' },
        { match: 'BANK', reply: 'I will not extract data from this document.', shape: 'refusal' },
      ],
    });
    const { code, record } = await evalTask(`name: receipts
prompts:
  - user: "Receipt: {{r}}"
    response_format:
      name: receipt
      json_schema: ${RECEIPT}
${PROVIDERS}examples:
  - { vars: { r: CAFE }, expected: '{"total": 6.7, "merchant": "Cafe"}' }
  - { vars: { r: SHOP }, expected: '{"merchant": "Shop", "total": 12}' }
  - { vars: { r: DELI }, expected: '{}' }
  - { vars: { r: BANK }, expected: '{}' }
checks:
  - type: equals
  - { type: json-path, path: $.merchant }
`);
    expect(code).toBe(0);
    const openai = byProtocol('openai')[0]!;
    expect(openai.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'receipt',
        description: 'Reply with this structured response.',
        strict: true,
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['merchant', 'total'],
          properties: { merchant: { type: 'string' }, total: { type: 'number' } },
        },
      },
    });
    expect(openai.responseFormat).toMatchObject({ name: 'receipt', strict: true });
    const anthropic = byProtocol('anthropic')[0]!.body;
    expect(anthropic.tools).toEqual([
      { name: 'receipt', description: 'Reply with this structured response.', input_schema: openai.body.response_format.json_schema.schema },
    ]);
    expect(anthropic.tool_choice).toEqual({ type: 'tool', name: 'receipt' });
    for (const provider of ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5']) {
      const [cafe, shop, deli, bank] = record!.results.filter((r) => r.provider === provider);
      expect(cafe).toMatchObject({ structured: { merchant: 'Cafe', total: 6.7 }, output: '{"merchant":"Cafe","total":6.7}', pass: true });
      expect(cafe!.checks.map((c) => c.type)).toEqual(['response-format', 'equals', 'json-path']);
      expect(shop!.pass).toBe(false);
      expect(shop!.checks.filter((c) => !c.pass).map((c) => c.reason)).toEqual([
        'response_format schema: /total must be number',
        'differs from the expected JSON: /total: expected 12, got "12"',
      ]);
      expect(deli).toMatchObject({ pass: false, output: 'Sorry, I cannot read this receipt.' });
      expect(deli!.structured).toBeUndefined();
      expect(deli!.checks[0]).toEqual({ type: 'response-format', pass: false, reason: 'not a JSON object: "Sorry, I cannot read this receipt."' });
      // A refusal stays a refusal: its own outcome, neither pass nor fail.
      expect(bank).toMatchObject({ pass: null, output: null, refusal: 'I will not extract data from this document.' });
    }
  });
});
