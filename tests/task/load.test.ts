import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TaskError } from '../../src/errors.js';
import { loadTask, parseTask } from '../../src/task/load.js';
import { renderSchemaDoc } from '../../src/task/schema-doc.js';

const HEAD = 'name: triage\nprompt: "Classify: {{ticket}}"\nproviders: [openai:gpt-4o-mini]\n';
const INLINE = `${HEAD}examples:\n  - vars: { ticket: "db down" }\n    expected: high\n`;

/** An in-memory file system for data files. */
function memory(files: Record<string, string>) {
  return async (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

async function errorOf(promise: Promise<unknown>): Promise<TaskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskError);
  return error as TaskError;
}

describe('valid task files', () => {
  test('basic.yaml normalizes every section', async () => {
    const task = await loadTask('tests/fixtures/valid/basic.yaml');
    expect(task.name).toBe('support-triage');
    expect(task.file).toBe('tests/fixtures/valid/basic.yaml');
    expect(task.prompts.map((p) => p.id)).toEqual(['terse', 'p2']);
    expect(task.prompts[0]!.system).toBe('You are a support triage assistant.');
    expect(task.providers).toEqual([
      { id: 'openai:gpt-4o-mini', type: 'openai', model: 'gpt-4o-mini', params: {} },
      { id: 'anthropic:claude-haiku-4-5', type: 'anthropic', model: 'claude-haiku-4-5', params: {} },
      {
        id: 'llama-local',
        type: 'openai',
        model: 'llama3.2',
        baseUrl: 'http://localhost:11434/v1',
        apiKeyEnv: 'OLLAMA_KEY',
        // A single stop string becomes a list; unknown params pass through.
        params: { temperature: 0, max_tokens: 64, stop: ['\n'], num_ctx: 4096 },
        price: { inputPerMtok: 0, outputPerMtok: 0 },
      },
    ]);
    expect(task.examples.map((e) => e.vars.ticket)).toEqual(['Production database is down; no customer can log in.', 'Typo on the pricing page.', '42']);
    expect(task.examples[0]!.labels).toEqual([
      { output: 'high', verdict: 'pass' },
      { output: 'medium - probably transient', verdict: 'fail', critique: 'An outage for every customer is always high.' },
    ]);
    expect(task.examples.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(task.checks).toEqual([
      { type: 'equals', ignoreCase: true },
      { type: 'regex', pattern: '^(low|medium|high)$', flags: 'i' },
      { type: 'max-length', value: 10 },
      { type: 'json-schema', schema: { type: 'string' } },
    ]);
    const judge = task.judge!;
    expect(judge.samples).toBe(3);
    // The same model twice with different rubrics gets a suffixed id.
    expect(judge.candidates.map((c) => c.id)).toEqual(['openai:gpt-4o', 'openai:gpt-4o#2', 'haiku-judge']);
    expect(judge.candidates[0]!.rubric).toMatch(/^Pass if the answer names/);
    expect(judge.candidates[1]!.rubric).toBe('Pass only if the answer is exactly one word.');
    expect(judge.candidates[2]!.provider).toEqual({ id: 'anthropic:claude-haiku-4-5', type: 'anthropic', model: 'claude-haiku-4-5', params: {} });
    expect(task.gates).toEqual({ minQuality: 0.8, maxCostUsd: 0.2, maxP95LatencyMs: 3000, maxErrorRate: 0.1 });
    expect(task.settings).toEqual({ concurrency: 4, repeat: 2, timeoutMs: 60000, maxRetries: 3, batch: false });
  });

  test('a minimal task gets every default', async () => {
    const task = await parseTask(INLINE, 'mem.yaml', '.');
    expect(task).toEqual({
      name: 'triage',
      file: 'mem.yaml',
      prompts: [{ id: 'default', user: 'Classify: {{ticket}}' }],
      providers: [{ id: 'openai:gpt-4o-mini', type: 'openai', model: 'gpt-4o-mini', params: {} }],
      examples: [{ index: 0, vars: { ticket: 'db down' }, expected: 'high', labels: [] }],
      checks: [],
      gates: {},
      settings: { concurrency: 8, repeat: 1, timeoutMs: 60000, maxRetries: 3, batch: false },
    });
  });

  test('prompt list strings get ids p1, p2 and objects keep theirs', async () => {
    const text = INLINE.replace('prompt: "Classify: {{ticket}}"', 'prompts:\n  - "A {{ticket}}"\n  - { id: b, user: "B {{ ticket }}" }\n  - "C {{ticket}}"');
    const task = await parseTask(text, 'mem.yaml', '.');
    expect(task.prompts).toEqual([
      { id: 'p1', user: 'A {{ticket}}' },
      { id: 'b', user: 'B {{ ticket }}' },
      { id: 'p3', user: 'C {{ticket}}' },
    ]);
  });

  test('an object provider without id is named type:model', async () => {
    const text = INLINE.replace('providers: [openai:gpt-4o-mini]', 'providers:\n  - { type: anthropic, model: claude-sonnet-4-5 }');
    const task = await parseTask(text, 'mem.yaml', '.');
    expect(task.providers[0]!.id).toBe('anthropic:claude-sonnet-4-5');
  });

  test('accepts anchors and aliases, a BOM and CRLF line endings', async () => {
    const text = `${HEAD.replace('providers: [openai:gpt-4o-mini]', 'providers:\n  - { type: openai, model: a, params: &p { temperature: 0 } }\n  - { type: openai, model: b, params: *p }')}examples:\n  - vars: { ticket: x }\n`;
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text.replace(/\n/g, '\r\n'))]);
    const task = await loadTask('mem.yaml', { readFile: async () => bytes });
    expect(task.providers.map((p) => p.params)).toEqual([{ temperature: 0 }, { temperature: 0 }]);
    expect(task.prompts[0]!.user).toBe('Classify: {{ticket}}');
  });

  test('judge with model and rubric becomes one candidate', async () => {
    const task = await parseTask(`${INLINE}judge:\n  model: openai:gpt-4o\n  rubric: Same urgency.\n`, 'mem.yaml', '.');
    expect(task.judge).toEqual({
      candidates: [{ id: 'openai:gpt-4o', provider: { id: 'openai:gpt-4o', type: 'openai', model: 'gpt-4o', params: {} }, rubric: 'Same urgency.' }],
      samples: 1,
      mode: 'pointwise',
    });
  });

  test('a panel member written as a candidate is that candidate; the others are calibrated too', async () => {
    const text = `${INLINE}judge:\n  rubric: Same urgency.\n  candidates: [openai:gpt-4o]\n  panel: [openai:gpt-4o, anthropic:claude-haiku-4-5, { id: strict, model: openai:gpt-4o, rubric: Exactly. }]\n`;
    const task = await parseTask(text, 'mem.yaml', '.');
    expect(task.judge!.candidates.map((c) => [c.id, c.rubric])).toEqual([
      ['openai:gpt-4o', 'Same urgency.'],
      ['anthropic:claude-haiku-4-5', 'Same urgency.'],
      ['strict', 'Exactly.'],
    ]);
    expect(task.judge!.panel).toEqual(['openai:gpt-4o', 'anthropic:claude-haiku-4-5', 'strict']);
  });

  test('combine: panel makes the candidates one panel', async () => {
    const text = `${INLINE}judge:\n  rubric: Same urgency.\n  combine: panel\n  candidates: [openai:gpt-4o, anthropic:claude-haiku-4-5]\n`;
    const task = await parseTask(text, 'mem.yaml', '.');
    expect(task.judge!.panel).toEqual(['openai:gpt-4o', 'anthropic:claude-haiku-4-5']);
    expect(task.judge!.candidates).toHaveLength(2);
  });

  test('judge model in object form with params', async () => {
    const text = `${INLINE}judge:\n  model: { id: strict, type: openai, model: gpt-4o, params: { temperature: 0 } }\n  rubric: Same urgency.\n`;
    const task = await parseTask(text, 'mem.yaml', '.');
    expect(task.judge!.candidates[0]!.id).toBe('strict');
    expect(task.judge!.candidates[0]!.provider.params).toEqual({ temperature: 0 });
  });
});

describe('examples from data files', () => {
  const labels =
    'labels:\n  - { vars: { ticket: "db down" }, output: high, verdict: pass }\n  - { vars: { ticket: "typo" }, output: high, verdict: fail, critique: Too urgent. }\n';
  const expectedExamples = [
    { index: 0, vars: { ticket: 'db down' }, expected: 'high', labels: [{ output: 'high', verdict: 'pass' }] },
    { index: 1, vars: { ticket: 'typo' }, expected: 'low', labels: [{ output: 'high', verdict: 'fail', critique: 'Too urgent.' }] },
  ];
  const files: Record<string, string> = {
    [join('tasks', 'data.csv')]: 'ticket,expected\n"db down",high\ntypo,low\n',
    [join('tasks', 'data.jsonl')]: '{"ticket": "db down", "expected": "high"}\n\n{"ticket": "typo", "expected": "low"}\n',
    [join('tasks', 'data.json')]: '[{"ticket": "db down", "expected": "high"}, {"ticket": "typo", "expected": "low"}]',
    [join('tasks', 'data.yaml')]: '- { ticket: db down, expected: high }\n- { ticket: typo, expected: low }\n',
  };

  test.each(['data.csv', 'data.jsonl', 'data.json', 'data.yaml'])('%s with top-level labels', async (name) => {
    const text = `${HEAD}examples: { file: ${name} }\n${labels}`;
    const task = await parseTask(text, join('tasks', 'task.yaml'), 'tasks', { readFile: memory(files) });
    expect(task.examples).toEqual(expectedExamples);
  });

  test('structured yaml rows carry their own labels; limit and expected_column apply', async () => {
    const data =
      '- vars: { ticket: db down }\n  expected: high\n  labels: [{ output: high, verdict: pass }]\n- vars: { ticket: typo }\n- vars: { ticket: third }\n';
    const task = await parseTask(`${HEAD}examples: { file: rows.yml, limit: 2 }\n`, 'task.yaml', '.', { readFile: memory({ 'rows.yml': data }) });
    expect(task.examples).toEqual([
      { index: 0, vars: { ticket: 'db down' }, expected: 'high', labels: [{ output: 'high', verdict: 'pass' }] },
      { index: 1, vars: { ticket: 'typo' }, labels: [] },
    ]);
    const csv = 'ticket,answer\nx,high\n';
    const custom = await parseTask(`${HEAD}examples: { file: d.csv, expected_column: answer }\n`, 'task.yaml', '.', { readFile: memory({ 'd.csv': csv }) });
    expect(custom.examples).toEqual([{ index: 0, vars: { ticket: 'x' }, expected: 'high', labels: [] }]);
  });

  test('a bad row is reported in the data file, every bad row at once', async () => {
    const data = '{"ticket": "a"}\n{"ticket": ["not", "scalar"]}\n{"ticket": "c"}\n7\n';
    const error = await errorOf(parseTask(`${HEAD}examples: { file: d.jsonl }\n`, 'task.yaml', '.', { readFile: memory({ 'd.jsonl': data }) }));
    expect(error.message.split('\n')).toEqual([
      'd.jsonl:2:1: examples.1.ticket: expected a string, number or boolean, got a list',
      'd.jsonl:4:1: examples.3: expected a row (a mapping of column to value), got a number (7)',
    ]);
  });
});

describe('errors', () => {
  test('a file with many schema problems reports them all, in order, located', async () => {
    const text = [
      'name: triage', //                                    1
      'promts: "x"', //                                     2
      'prompt: "Classify: {{ticket}}"', //                  3
      'providers:', //                                      4
      '  - opnai:gpt-4o', //                                5
      '  - { type: openai, model: gpt-4o, params: { temperature: 9 } }', // 6
      'examples:', //                                       7
      '  - vars: { ticket: x }', //                         8
      '    labels: [{ output: high, verdict: maybe }]', //  9
      'gates: { min_quality: 1.5 }', //                     10
      '',
    ].join('\n');
    const error = await errorOf(parseTask(text, 'multi.yaml', '.'));
    expect(error.message.split('\n')).toEqual([
      'multi.yaml:2:1: promts: unknown key "promts" — did you mean prompts?',
      'multi.yaml:5:5: providers.0: unknown provider "opnai" (known: openai, anthropic) — did you mean openai?',
      'multi.yaml:6:59: providers.1.params.temperature: must be <= 2, got 9',
      'multi.yaml:9:39: examples.0.labels.0.verdict: expected one of pass, fail, got "maybe"',
      'multi.yaml:10:23: gates.min_quality: must be <= 1, got 1.5',
    ]);
    expect(error.issues[1]).toEqual({
      file: 'multi.yaml',
      path: 'providers.0',
      line: 5,
      column: 5,
      message: 'unknown provider "opnai" (known: openai, anthropic) — did you mean openai?',
    });
  });

  test('rule problems are all reported together too', async () => {
    const text = [
      'name: triage',
      'prompts:',
      '  - { id: a, user: "{{tiket}}" }',
      '  - { id: a, user: "{{ticket}}" }',
      'providers: [openai:gpt-4o-mini, openai:gpt-4o-mini]',
      'examples:',
      '  - vars: { ticket: x }',
      'checks:',
      '  - type: equals',
      '  - { type: regex, pattern: "(" }',
      '',
    ].join('\n');
    const error = await errorOf(parseTask(text, 'rules.yaml', '.'));
    expect(error.message.split('\n')).toEqual([
      'rules.yaml:3:20: prompts.0.user: unknown variable {{tiket}} (examples have: ticket) — did you mean ticket?',
      'rules.yaml:4:11: prompts.1.id: duplicate prompt id "a" (also prompts.0); give each an `id`',
      'rules.yaml:5:33: providers.1: duplicate provider id "openai:gpt-4o-mini" (also providers.0); give each an `id`',
      'rules.yaml:9:5: checks.0: equals without `value` compares with `expected`, which is missing from examples.0',
      'rules.yaml:10:29: checks.1.pattern: Invalid regular expression: /(/: Unterminated group',
    ]);
  });

  test('a missing field points at its closest existing ancestor', async () => {
    const error = await errorOf(parseTask(`${INLINE}judge:\n  candidates:\n    - { rubric: x }\n`, 'm.yaml', '.'));
    expect(error.message).toBe('m.yaml:9:7: judge.candidates.0.model: required');
  });

  test('an equals check with its own value does not need expected', async () => {
    const text = `${HEAD}examples:\n  - vars: { ticket: x }\nchecks: [{ type: equals, value: high, ignore_case: false }]\n`;
    const task = await parseTask(text, 'm.yaml', '.');
    expect(task.checks).toEqual([{ type: 'equals', value: 'high', ignoreCase: false }]);
  });
});

describe('renderSchemaDoc', () => {
  const doc = renderSchemaDoc();
  const rows = doc.trim().split('\n').slice(2);

  test('documents every field, each with a description', () => {
    const fields = rows.map((r) => r.split(' | ')[0]!.replace(/^\| `|`$/g, ''));
    for (const f of [
      'name',
      'prompts[].user',
      'providers[].params.temperature',
      'examples.file',
      'labels[].verdict',
      'judge.samples',
      'gates.max_error_rate',
      'settings.max_retries',
    ]) {
      expect(fields).toContain(f);
    }
    for (const r of rows) expect(r, r).toMatch(/ \| [^|]*\S[^|]* \|$/);
  });

  test('shows types, ranges and defaults from the schema', () => {
    expect(doc).toContain('| `settings.concurrency` | integer 1–256 |  | `8` |');
    expect(doc).toContain('| `providers[].type` | `openai` or `anthropic` | yes |');
    expect(doc).toContain('| `checks[]` | type: `regex` |');
  });
});
