import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/errors.js';
import { parseTask } from '../../src/task/load.js';
import { strictModeProblem } from '../../src/task/prompt-rules.js';
import { workdir } from '../helpers/cli.js';

// Chat transcripts, tools, tool choice, response formats and the checks on them: what both APIs
// would refuse, and what could never pass, is an exit-2 error at its line before any call.

const TOOLS = `tools:
  - name: lookup_order
    description: Look up an order.
    parameters: { type: object, properties: { order_id: { type: string } }, required: [order_id] }
`;

const load = (yaml: string, baseDir = '.') => parseTask(yaml, 'task.yaml', baseDir);
async function problems(yaml: string, baseDir = '.'): Promise<string[]> {
  const error = await load(yaml, baseDir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskError);
  return (error as TaskError).message.split('\n');
}

const task = (prompts: string, rest = '') => `name: t
${prompts}
providers: [openai:gpt-4o-mini, anthropic:claude-haiku-4-5]
examples:
  - vars: { city: Paris }
${rest}`;

describe('chat messages', () => {
  it('a few-shot transcript loads as written; system/user variants are unchanged', async () => {
    const t = await load(
      task(`prompts:
  - id: chat
    messages:
      - { role: system, content: "Be brief." }
      - { role: user, content: "Capital of Italy?" }
      - { role: assistant, content: Rome }
      - { role: user, content: "Capital of {{city}}?" }
  - { id: plain, system: "Be brief.", user: "Capital of {{city}}?" }`),
    );
    expect(t.prompts[0]).toEqual({
      id: 'chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Capital of Italy?' },
        { role: 'assistant', content: 'Rome' },
        { role: 'user', content: 'Capital of {{city}}?' },
      ],
    });
    expect(t.prompts[1]).toEqual({ id: 'plain', system: 'Be brief.', user: 'Capital of {{city}}?' });
  });

  it('variables anywhere in a transcript are checked, at their line', async () => {
    const lines = await problems(
      task(`prompts:
  - messages:
      - { role: system, content: "Answer about {{country}}." }
      - { role: user, content: "{{city}}?" }`),
    );
    expect(lines).toEqual(['task.yaml:4:34: prompts.0.messages.0.content: unknown variable {{country}} (examples have: city)']);
  });

  it('system messages first, a user message last, and not both forms at once', async () => {
    const lines = await problems(
      task(`prompts:
  - messages:
      - { role: user, content: "Hi" }
      - { role: system, content: "Be brief." }
      - { role: assistant, content: "Paris" }
  - messages: [{ role: system, content: "x" }]
  - user: "{{city}}"
    messages: [{ role: user, content: "{{city}}" }]`),
    );
    expect(lines).toEqual([
      'task.yaml:5:17: prompts.0.messages.1.role: system messages go first, before the conversation (Anthropic takes the system prompt apart from its turns): move it up, or make it a user message',
      'task.yaml:6:17: prompts.0.messages.2.role: the conversation must end with a user message, which the model answers (an assistant message last is a prefill, which only Anthropic takes)',
      'task.yaml:7:24: prompts.1.messages.0.role: a conversation needs a user message for the model to answer',
      'task.yaml:9:15: prompts.2.messages: use either `system`/`user` or `messages`, not both',
    ]);
  });

  it('an unknown role or an empty content is a schema error at its line', async () => {
    const lines = await problems(task(`prompts:\n  - messages: [{ role: tool, content: "" }, { role: user, content: "{{city}}" }]`));
    expect(lines[0]).toMatch(/^task\.yaml:3:24: prompts\.0\.messages\.0\.role: expected one of system, user, assistant/);
    expect(lines[1]).toMatch(/^task\.yaml:3:\d+: prompts\.0\.messages\.0\.content: must not be empty|Too small/);
  });
});

describe('tools and tool choice', () => {
  it('task tools reach every prompt without its own; a prompt may replace them', async () => {
    const t = await load(
      task(
        `${TOOLS}tool_choice: auto
prompts:
  - "Where is {{city}}?"
  - user: "{{city}}"
    tools: [{ name: noop }]
    tool_choice: { name: noop }`,
      ),
    );
    expect(t.prompts[0]).toMatchObject({ tools: [{ name: 'lookup_order', description: 'Look up an order.' }], toolChoice: 'auto' });
    expect(t.prompts[1]).toMatchObject({ tools: [{ name: 'noop', parameters: { type: 'object', properties: {} } }], toolChoice: { name: 'noop' } });
  });

  it('duplicate names, non-object parameters, broken schemas and a choice of no declared tool', async () => {
    const lines = await problems(
      task(`tools:
  - { name: a, parameters: { type: array } }
  - { name: a, parameters: { type: object, properties: { x: { type: 12 } } } }
prompts:
  - user: "{{city}}"
    tool_choice: { name: lookup }
  - user: "{{city}}"
    tools: [{ name: lookup_order }]
    tool_choice: required`),
    );
    expect(lines).toEqual([
      'task.yaml:3:28: tools.0.parameters: must be an object schema (`type: object`): both APIs pass the arguments as a JSON object',
      'task.yaml:4:13: tools.1.name: duplicate tool name "a" (also tools.0)',
      expect.stringMatching(/^task\.yaml:4:28: tools\.1\.parameters: not a valid JSON Schema: schema is invalid: data\/properties\/x\/type /),
      'task.yaml:7:26: prompts.0.tool_choice.name: unknown tool "lookup" (tools: a, a)',
    ]);
  });

  it('a tool name both APIs would refuse is a schema error', async () => {
    expect(await problems(task(`prompts:\n  - user: "{{city}}"\n    tools: [{ name: "bad name!" }]`))).toEqual([
      'task.yaml:4:21: prompts.0.tools.0.name: use 1 to 64 letters, digits, "_" or "-" (what both APIs accept), e.g. get_weather',
    ]);
  });

  it('a tool choice without tools', async () => {
    expect(await problems(task(`tool_choice: required\nprompt: "{{city}}"`))).toEqual([
      'task.yaml:2:14: tool_choice: there are no tools to choose from for prompt default: add `tools`',
    ]);
  });
});

describe('response format', () => {
  const format = (schema: string, extra = '') => task(`prompts:\n  - user: "{{city}}"\n    response_format:\n      json_schema: ${schema}${extra}`);

  it("becomes the prompt's responseFormat, strict by default", async () => {
    const t = await load(format('{ type: object, additionalProperties: false, required: [a], properties: { a: { type: string } } }'));
    expect(t.prompts[0]!.responseFormat).toEqual({
      name: 'response',
      strict: true,
      schema: { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } },
    });
  });

  it("OpenAI's strict mode is checked where OpenAI is a provider, with the place named; strict: false lifts it", async () => {
    const loose = '{ type: object, properties: { a: { type: object, properties: { b: { type: string } } } } }';
    expect(await problems(format(loose))).toEqual([
      "task.yaml:5:20: prompts.0.response_format.json_schema: OpenAI's strict mode needs `additionalProperties: false` at the top level: change the schema, or set `strict: false` (then the reply is not guaranteed to match)",
    ]);
    await expect(load(format(loose, '\n      strict: false'))).resolves.toBeDefined();
    expect(
      strictModeProblem({ type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'object', properties: { b: {} } } } }, ''),
    ).toBe('`additionalProperties: false` at /a');
    expect(strictModeProblem({ type: 'object', additionalProperties: false, required: [], properties: { a: {} } }, '')).toBe(
      'every property in `required` at the top level (not: a)',
    );
    expect(strictModeProblem({ type: 'object', additionalProperties: false, properties: {}, $defs: { x: { type: 'object' } } }, '')).toBe(
      '`additionalProperties: false` at /$defs/x',
    );
  });

  it('must be an object schema; with tools it is refused on Anthropic', async () => {
    expect(await problems(format('{ type: array }'))).toEqual([
      'task.yaml:5:20: prompts.0.response_format.json_schema: must be an object schema (`type: object`): OpenAI and Anthropic both return the structured reply as a JSON object',
    ]);
    const both = await problems(`${format('{ type: object, additionalProperties: false, properties: {} }')}\n${TOOLS}`);
    expect(both).toEqual([
      'task.yaml:5:7: prompts.0.response_format: cannot be combined with tools on Anthropic: its structured reply is a tool the model is made to call, so it could call no other (use a prompt of each)',
    ]);
  });
});

describe('params that would fight the declared tools', () => {
  it('tools, tool_choice or response_format in params; thinking with a forced tool on Anthropic', async () => {
    const lines = await problems(`name: t
${TOOLS}prompts:
  - { user: "{{city}}", tool_choice: required }
providers:
  - { type: openai, model: gpt-4o-mini, params: { tool_choice: auto } }
  - { type: anthropic, model: claude-sonnet-4-6, params: { thinking: { type: enabled, budget_tokens: 2000 } } }
  - { type: anthropic, model: claude-haiku-4-5, params: { thinking: { type: disabled } } }
examples:
  - vars: { city: Paris }`);
    expect(lines).toEqual([
      "task.yaml:9:64: providers.0.params.tool_choice: the prompts declare `tool_choice`, which is sent in each API's shape: remove it from params",
      'task.yaml:10:70: providers.1.params.thinking: Anthropic cannot force a tool while thinking, and a prompt here does (response_format, or tool_choice required or {name}): disable thinking or use tool_choice auto',
    ]);
  });
});

describe('checks that could never pass', () => {
  it('tool-call needs a tool to expect, on every prompt, declared there', async () => {
    const lines = await problems(`name: t
${TOOLS}prompts:
  - "{{city}}"
  - { id: bare, user: "{{city}}", tools: [{ name: other }] }
providers: [openai:gpt-4o-mini]
examples:
  - vars: { city: Paris }
    expected_tool: { name: lookup_ordr }
  - vars: { city: Oslo }
checks:
  - type: tool-call
  - { type: tool-call, name: lookup }`);
    expect(lines).toEqual([
      'task.yaml:12:28: examples.0.expected_tool.name: unknown tool "lookup_ordr" (prompt p1 declares lookup_order) — did you mean lookup_order?',
      'task.yaml:12:28: examples.0.expected_tool.name: unknown tool "lookup_ordr" (prompt bare declares other)',
      "task.yaml:15:5: checks.0: tool-call without `name` checks the example's `expected_tool`, which is missing from examples.1",
      'task.yaml:16:30: checks.1.name: unknown tool "lookup" (prompt p1 declares lookup_order)',
      'task.yaml:16:30: checks.1.name: unknown tool "lookup" (prompt bare declares other)',
    ]);
  });

  it('a prompt without tools cannot pass a tool-call check; bad json-path, word-count and similar are located', async () => {
    const lines = await problems(`name: t
prompt: "{{city}}"
providers: [openai:gpt-4o-mini]
examples:
  - vars: { city: Paris }
checks:
  - { type: tool-call, name: x }
  - { type: json-path, path: "$.a[b]" }
  - { type: word-count }
  - { type: word-count, min: 5, max: 2 }
  - { type: similar }`);
    expect(lines).toEqual([
      'task.yaml:7:5: checks.0: prompt default declares no tools, so a tool-call check can never pass there (add `tools`)',
      'task.yaml:8:30: checks.1.path: expected [<index>] or ["<key>"] at character 4 of "$.a[b]"',
      'task.yaml:9:5: checks.2: needs `min`, `max` or both',
      'task.yaml:10:30: checks.3.min: is more than max (2): no output could pass',
      'task.yaml:11:5: checks.4: similar without `value` compares with `expected`, which is missing from examples.0',
    ]);
  });
});

describe('script checks', () => {
  it('a missing file, a module that does not load and one without a default function: exit-2 errors at the file line', async () => {
    const dir = await workdir();
    await mkdir(join(dir, 'checks'));
    await writeFile(join(dir, 'checks', 'syntax.mjs'), 'export default function ( {');
    await writeFile(join(dir, 'checks', 'named.mjs'), 'export function check() { return { pass: true } }');
    await writeFile(join(dir, 'checks', 'value.mjs'), 'export default 42;');
    await writeFile(join(dir, 'checks', 'ok.mjs'), 'export default () => ({ pass: true });');
    const lines = await problems(
      `name: t
prompt: "{{city}}"
providers: [openai:gpt-4o-mini]
examples:
  - vars: { city: Paris }
checks:
  - { type: script, file: checks/missing.mjs }
  - { type: script, file: checks/syntax.mjs }
  - { type: script, file: checks/named.mjs }
  - { type: script, file: checks/value.mjs }
  - { type: script, file: checks/ok.mjs }
  - { type: script, file: checks }`,
      dir,
    );
    expect(lines).toEqual([
      `task.yaml:7:27: checks.0.file: no such file: ${join(dir, 'checks', 'missing.mjs')}`,
      expect.stringMatching(/^task\.yaml:8:27: checks\.1\.file: could not be loaded: /),
      'task.yaml:9:27: checks.2.file: exports no default: write `export default function check({ output }) { return { pass: true } }`',
      'task.yaml:10:27: checks.3.file: its default export is number, not a function: write `export default function check({ output }) { return { pass: true } }`',
      `task.yaml:12:27: checks.5.file: not a file: ${join(dir, 'checks')}`,
    ]);
  });
});
