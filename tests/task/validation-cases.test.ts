import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../src/errors.js';
import { planCalls } from '../../src/plan/plan.js';
import { parseTask } from '../../src/task/load.js';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// Validation says everything true and nothing false: valid files load with their text as written,
// invalid ones get one located line per problem. (Files with exactly one problem each are in the
// invalid corpus, tests/fixtures/invalid; these need data files, CRs or a server.)

const memory = (files: Record<string, string>) => async (path: string) => {
  const name = Object.keys(files).find((f) => path.endsWith(f));
  if (name === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return files[name]!;
};
const HEAD = 'name: cases\nprompt: "Item {{id}}"\nproviders: [openai:gpt-4o-mini]\n';
const load = (yaml: string, files: Record<string, string> = {}) => parseTask(HEAD + yaml, 'task.yaml', '.', { readFile: memory(files) });
const failure = async (yaml: string, files: Record<string, string> = {}) => {
  const error = await load(yaml, files).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskError);
  return (error as TaskError).message;
};

describe('valid files are accepted', () => {
  it('a scalar alias used 100 times is no alias bomb', async () => {
    const uses = Array.from({ length: 100 }, () => '  - vars: { id: *id }').join('\n');
    const task = await load(`examples:\n  - vars: { id: &id "A-1" }\n${uses}\n`);
    expect(task.examples).toHaveLength(101);
    expect(task.examples.every((e) => e.vars.id === 'A-1')).toBe(true);
  });

  it('a real alias bomb is still one located error', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const message = await failure(`${levels.join('\n')}\nexamples: [{ vars: { id: x } }]\n`);
    expect(message).toMatch(/^task\.yaml:\d+:\d+: YAML: aliases expand to \d+ more nodes \(over 100000\); an alias bomb\?$/);
  });

  it('scalars keep the text the user wrote: variables, expected, label outputs, equals values', async () => {
    const task = await load(
      [
        'examples:',
        '  - vars: { id: 01234 }',
        '    expected: 0x1F',
        '    labels: [{ output: 1.50, verdict: pass }]',
        '  - vars: { id: 12345678901234567890 }',
        '    expected: True',
        '  - vars: { id: 1e3 }',
        'checks: [{ type: equals, value: 007 }, { type: max-length, value: 10 }]',
        'settings: { repeat: 2, timeout_ms: 01000 }',
        '',
      ].join('\n'),
    );
    expect(task.examples.map((e) => e.vars.id)).toEqual(['01234', '12345678901234567890', '1e3']);
    expect(task.examples.map((e) => e.expected)).toEqual(['0x1F', 'True', undefined]);
    expect(task.examples[0]!.labels[0]!.output).toBe('1.50');
    expect(task.checks).toEqual([
      { type: 'equals', value: '007', ignoreCase: true },
      { type: 'max-length', value: 10 },
    ]);
    expect(task.settings).toMatchObject({ repeat: 2, timeoutMs: 1000 }); // numbers stay numbers
    expect(planCalls(task)[2]!.messages.at(-1)!.content).toBe('Item 12345678901234567890');
  });

  it.each([
    ['d.jsonl', '{"id": 12345678901234567890, "expected": 1.50}\n{"id": "A"}\n'],
    ['d.json', '[{"id": 12345678901234567890, "expected": 1.50}, {"vars": {"id": "A"}}]'],
    ['d.yaml', '- { id: 12345678901234567890, expected: 1.50 }\n- { vars: { id: A } }\n'],
  ])('and so do the numbers of a %s data file', async (name, text) => {
    const task = await load(`examples: { file: ${name} }\n`, { [name]: text });
    expect(task.examples.map((e) => [e.vars.id, e.expected])).toEqual([
      ['12345678901234567890', '1.50'],
      ['A', undefined],
    ]);
  });

  it.each([
    ['inline', 'examples:\n  - vars: { __proto__: x, id: "1" }\n', {}],
    ['a CSV column', 'examples: { file: d.csv }\n', { 'd.csv': '__proto__,id\nx,1\n' }],
    ['a JSONL key', 'examples: { file: d.jsonl }\n', { 'd.jsonl': '{"__proto__": "x", "id": "1"}\n' }],
    ['a data row in vars form', 'examples: { file: d.yaml }\n', { 'd.yaml': '- vars: { __proto__: x, id: "1" }\n' }],
  ])('__proto__ is an ordinary variable name (%s)', async (_what, examples, files) => {
    const task = await parseTask(`name: proto\nprompt: "{{__proto__}} {{id}}"\nproviders: [openai:gpt-4o-mini]\n${examples}`, 'task.yaml', '.', {
      readFile: memory(files),
    });
    expect(Object.hasOwn(task.examples[0]!.vars, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(task.examples[0]!.vars)).toBe(Object.prototype);
    expect(planCalls(task)[0]!.messages.at(-1)!.content).toBe('x 1');
  });

  it('a __proto__ variable holding a mapping is an error at its place, not a prototype', async () => {
    const message = await failure('examples:\n  - vars: { __proto__: { polluted: 1 }, id: "1" }\n');
    expect(message).toBe('task.yaml:5:24: examples.0.vars.__proto__: expected a string, a number or a boolean, got a mapping');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('identical duplicate examples and consistent labels are fine', async () => {
    const task = await load(
      'examples:\n  - { vars: { id: "1" }, expected: a, labels: [{ output: a, verdict: pass }] }\n  - { vars: { id: "1" }, expected: a, labels: [{ output: a, verdict: pass }] }\n',
    );
    expect(task.examples).toHaveLength(2);
  });
});

describe('CSV line numbers', () => {
  const csv = 'id,expected\r\n"multi\r\nline\r\ncell",a\r\n\r\n2,b,extra\r\n';
  it('stay right after a quoted field holding CRLF', async () => {
    expect(await failure('examples: { file: d.csv }\n', { 'd.csv': csv })).toBe('d.csv:6:1: examples.file: CSV: Invalid Record Length: expect 2, got 3');
  });

  it('locate problems found after loading at the row where it starts', async () => {
    const rows = 'id,expected\r\n"one\r\ntwo",a\r\n"one\r\ntwo",b\r\n';
    expect(await failure('examples: { file: d.csv }\n', { 'd.csv': rows })).toBe(
      'd.csv:4:1: examples.1: same variables as d.csv:2 but a different expected answer ("a" there, "b" here)',
    );
  });

  it('a cell keeps its line breaks (as \\n)', async () => {
    const task = await load('examples: { file: d.csv }\n', { 'd.csv': 'id\r\n"a\r\nb"\r\n' });
    expect(task.examples[0]!.vars.id).toBe('a\nb');
  });
});

describe('every problem is one located line', () => {
  it('contradictory labels inside a data file are located in it', async () => {
    const rows = '- { vars: { id: "1" }, labels: [{ output: yes, verdict: pass }] }\n- { vars: { id: "1" }, labels: [{ output: " yes", verdict: fail }] }\n';
    expect(await failure('examples: { file: d.yaml }\n', { 'd.yaml': rows })).toBe(
      'd.yaml:2:33: examples.1.labels.0: contradicts d.yaml:1: the same output of the same example is labeled pass there and fail here',
    );
  });

  it('a base URL from OPENAI_BASE_URL is held to the same rules, before any call', async () => {
    const dir = await workdir({ 'task.yaml': `${HEAD}examples: [{ vars: { id: "1" } }]\nchecks: [{ type: json }]\n` });
    for (const url of ['file:///etc/passwd', 'http://user:secret-pass@127.0.0.1:9/v1', 'http://127.0.0.1:9/v1?key=abc']) {
      const res = await runCli(['eval', 'task.yaml', '--no-cache'], { cwd: dir, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: url } });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/^aijourney: OPENAI_BASE_URL: [^\n]+\n$/);
      expect(res.stderr).not.toContain('secret-pass');
    }
  });
});

describe('replies are checked before they are scored or priced', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer({
      rules: [
        { match: 'Item n1', reply: '42', content: 42 },
        { match: 'Item n2', reply: 'x', content: { text: 'hello' } },
        { match: 'Item n3', reply: 'x', content: ['hello'] },
        { match: 'Item u1', reply: 'ok', usage: { input: -5, output: 3 } },
        { match: 'Item u2', reply: 'ok', usage: { input: 1e300, output: 1e300 } },
        { match: 'Item u3', reply: 'ok', usage: { input: '12', output: 3 } },
        { match: 'Item u4', reply: 'ok', usage: { input: 1.5, output: 3 } },
      ],
    });
  });
  afterAll(() => server.close());

  it.each(['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5'])(
    '%s: a non-string completion is an error row, bad token counts are unknown cost',
    async (provider) => {
      const ids = ['n1', 'n2', 'n3', 'u1', 'u2', 'u3', 'u4', 'fine'];
      const task = `name: replies\nprompt: "Item {{id}}"\nproviders: [${provider}]\nexamples:\n${ids.map((id) => `  - vars: { id: ${id} }`).join('\n')}\nchecks: [{ type: max-length, value: 100 }]\nsettings: { max_retries: 0 }\n`;
      const dir = await workdir({ 'task.yaml': task });
      const env = { OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_BASE_URL: server.anthropicBaseUrl, OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' };
      const res = await runCli(['eval', 'task.yaml', '--no-cache', '--json'], { cwd: dir, env });
      const record = JSON.parse(res.stdout);
      const byId = (id: string) => record.results[ids.indexOf(id)];
      for (const id of ['n1', 'n2', 'n3']) {
        // Anthropic's text block with a non-string text is no text at all: an empty completion.
        expect(byId(id)).toMatchObject({ output: null, pass: null });
        expect(byId(id).error).toMatch(/bad response: (the completion text is (number|object|a list), not a string|empty completion)/);
      }
      for (const id of ['u1', 'u2', 'u3', 'u4']) expect(byId(id)).toMatchObject({ output: 'ok', pass: true, usage: null, costUsd: null });
      expect(byId('fine').costUsd).toBeGreaterThan(0);
      expect(record.summary[0].costUsd.total).toBeNull();
      const terminal = await runCli(['eval', 'task.yaml', '--no-cache', '--no-color'], { cwd: dir, env });
      expect(terminal.stdout).not.toMatch(/\$NaN|e\+\d|Infinity/);
      expect(terminal.stdout).toMatch(/│ unknown/);
    },
  );
});
