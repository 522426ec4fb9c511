/**
 * The fast path (src/task/fast-yaml.ts) against the positioned one (src/task/yaml.ts), which is the
 * reference: wherever the fast path answers, the positioned parser must accept the text and give
 * the same value; and a task loads to the same Task, or fails with the same located message, on
 * both paths. Over every example task, every task and data file in tests/fixtures (the invalid
 * corpus included), and the YAML a fast parser might silently accept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { TaskError } from '../../src/errors.js';
import { DATA_TEXT, ROW_TEXT, TASK_TEXT, type TextPlace } from '../../src/task/text-places.js';
import { fastYaml } from '../../src/task/fast-yaml.js';
import { loadTask, parseTask } from '../../src/task/load.js';
import { parseYaml } from '../../src/task/yaml.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const yamlFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.(ya?ml|jsonl?)$/.test(entry.name) ? [path] : [];
  });
const files = [...yamlFiles('examples'), ...yamlFiles('tests/fixtures')].sort();
const jsonLines = files
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) =>
    readFileSync(join(ROOT, f), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
const taskFiles = files.filter((f) => f.endsWith('.yaml') && !f.includes('/data/'));

/** The fast path either declines or agrees with the positioned parser exactly (-0, NaN, own `__proto__` keys). */
function agrees(text: string, places: TextPlace): 'fast' | 'declined' {
  const fast = fastYaml(text, places);
  const slow = parseYaml(text, places);
  if (!fast) return 'declined';
  expect(slow.ok, 'the fast path accepted what the positioned parser refuses').toBe(true);
  if (slow.ok) expect(fast.value).toStrictEqual(slow.value);
  return 'fast';
}

async function outcome(file: string, fastPath: boolean): Promise<unknown> {
  try {
    return { task: await loadTask(file, { cwd: ROOT, fastPath, today: new Date('2026-12-01') }) };
  } catch (error) {
    if (!(error instanceof TaskError)) throw error;
    return { error: error.message, issues: error.issues };
  }
}

describe('every file in the repository parses the same on both paths', () => {
  test('there are files, and most take the fast path', () => {
    expect(taskFiles.length).toBeGreaterThan(100);
    const fast = files.filter((f) => fastYaml(readFileSync(join(ROOT, f), 'utf8'), TASK_TEXT));
    expect(fast.length).toBeGreaterThan(files.length * 0.8);
  });

  test.each(files)('%s: the same value', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const places of [TASK_TEXT, DATA_TEXT]) agrees(text, places);
  });

  test.each(jsonLines)('JSON Lines row %s: the same value', (line) => {
    agrees(line, ROW_TEXT);
  });

  test.each(taskFiles)('%s: the same Task or the same located error', async (file) => {
    expect(await outcome(file, true)).toStrictEqual(await outcome(file, false));
  });
});

/** YAML a fast parser may read differently from the positioned one, or accept where it must not. */
const CASES: Record<string, string> = {
  'duplicate key': 'a: 1\nb: 2\na: 3\n',
  'duplicate key, nested': 'a:\n  b: 1\n  b: 2\n',
  'duplicate key, flow': 'a: { b: 1, b: 2 }\n',
  'duplicate key, number and text': '1: a\n"1": b\n',
  'duplicate key, hex and decimal': '0x1F: a\n31: b\n',
  'duplicate key, 1.0 and 1': '1.0: a\n1: b\n',
  'duplicate key, true and "true"': 'true: a\n"true": b\n',
  'null key': '~: a\nb: c\n',
  'empty key': ': a\n',
  'sequence as key': '[a]: x\n',
  'mapping as key': '{a: 1}: x\n',
  'explicit complex key': '? [a, b]\n: x\n',
  'explicit scalar key': '? a\n: x\n',
  'multi-line quoted key': '"a\n  b": x\n',
  'long key': `${'k'.repeat(1100)}: x\n`,
  'anchor and alias': 'a: &x hello\nb: *x\n',
  'unknown alias': 'a: *nope\n',
  'merge key': 'base: { p: 1 }\nm:\n  <<: { p: 2 }\n  q: 3\n',
  'merge key with alias': 'base: &b { p: 1 }\nm:\n  <<: *b\n',
  'core tag': 'a: !!str 012\nb: !!int "7"\n',
  'custom tag': 'a: !thing x\n',
  'YAML 1.1 directive': '%YAML 1.1\n---\na: yes\nb: 0777\n',
  'reserved directive': '%FOO bar\n---\na: 1\n',
  'tag directive': '%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'document markers': '---\na: 1\n...\n',
  'empty file': '',
  'comments only': '# nothing\n',
  'top-level scalar': 'hello\n',
  'top-level list': '- a\n- b\n',
  'tab indentation': 'a:\n\tb: 1\n',
  'unclosed quote': 'a: "open\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
  'comment without space': 'a: "b"#c\n',
  'deep nesting': `${'['.repeat(150)}${']'.repeat(150)}\n`,
  'own __proto__ key': '__proto__: { polluted: true }\nconstructor: x\ntoString: y\n',
  'numbers and booleans':
    'a: [01234, 0x1F, 0o17, 0b11, 1.50, 1e3, .5, -.5e-2, .inf, -.Inf, .NaN, -0, +5, 1_000, 12345678901234567890, TRUE, False, yes, No, ~, Null, null, 2026-12-01]\n',
  'quoted and block scalars':
    "a: 'it''s'\nb: \"tab\\tnl\\n\\u00e9\\x41\"\nc: |\n  line 1\n   line 2\n\nd: >-\n  folded\n  text\n\n  para\ne: |+\n  keep\n\nf: plain\n  continued\n",
  'flow pairs in a sequence': 'a: [b: 1, c: 2]\n',
  'flow with trailing comma': 'a: [1, 2, ]\nb: {c: 1, }\n',
  'JSON row with numbers': '{"id":7,"x":1.50,"big":12345678901234567890,"n":-0,"e":1E3,"t":true,"vars":{"a":2.0},"labels":[{"output":10,"verdict":"pass"}]}',
  'JSON row, escapes': '{"a": "\\u00e9\\n\\"q\\"", "b": [1, 2.5e-3]}',
  'crlf line ends': 'a: 1\r\nb: "x"\r\n',
  'numbers at text places': [
    'examples:',
    '  - vars: { id: 01234, big: 12345678901234567890, ok: true, f: 1.50, n: ~, q: "007" }',
    '    expected: 0x1F',
    '    labels: [{ output: 1e3, verdict: pass }]',
    'labels: [{ vars: { id: 01234 }, output: 00, verdict: fail }]',
    'checks:',
    '  - { type: equals, value: 1.0 }',
    '  - { value: 2.50, type: equals }',
    '  - { type: contains, value: 3.0 }',
    '  - { type: equals, value: [1.0] }',
  ].join('\n'),
};

describe('YAML a fast parser might read otherwise', () => {
  test.each(Object.entries(CASES))('%s', (_name, text) => {
    for (const places of [TASK_TEXT, DATA_TEXT, ROW_TEXT]) agrees(text, places);
  });

  test.each([
    'duplicate key',
    'duplicate key, nested',
    'duplicate key, flow',
    'duplicate key, number and text',
    'duplicate key, hex and decimal',
    'duplicate key, 1.0 and 1',
    'duplicate key, true and "true"',
    'sequence as key',
    'mapping as key',
    'explicit complex key',
    'anchor and alias',
    'unknown alias',
    'core tag',
    'custom tag',
    'YAML 1.1 directive',
    'reserved directive',
    'two documents',
  ])('%s: the positioned parser decides', (name) => {
    expect(fastYaml(CASES[name]!, TASK_TEXT)).toBeNull();
  });

  test('text places keep what was written on the fast path', () => {
    const value = fastYaml(CASES['numbers at text places']!, TASK_TEXT)?.value as {
      examples: Array<{ vars: Record<string, unknown>; expected: unknown; labels: Array<{ output: unknown }> }>;
      checks: Array<{ value: unknown }>;
    };
    expect(value.examples[0]!.vars).toStrictEqual({ id: '01234', big: '12345678901234567890', ok: 'true', f: '1.50', n: null, q: '007' });
    expect(value.examples[0]!.expected).toBe('0x1F');
    expect(value.examples[0]!.labels[0]!.output).toBe('1e3');
    expect(value.checks.map((c) => c.value)).toStrictEqual(['1.0', '2.50', 3, [1]]);
  });
});

describe('a task with a problem is located the same on both paths', () => {
  const HEAD = 'name: t\nprompt: "Item {{id}}"\nproviders: [openai:gpt-4o-mini]\n';
  const tasks: Record<string, string> = {
    'duplicate key': `${HEAD}examples:\n  - vars: { id: 1 }\nname: again\n`,
    'duplicate var in flow': `${HEAD}examples:\n  - vars: { id: 1, id: 2 }\n`,
    'schema problem deep in examples': `${HEAD}examples:\n${'  - vars: { id: a }\n'.repeat(50)}  - vars: { id: [x] }\n`,
    'rule problem': `${HEAD}examples:\n  - vars: { other: 1 }\n`,
    'label problem': `${HEAD}examples:\n  - vars: { id: 1 }\n    labels:\n      - { output: x, verdict: maybe }\n`,
    valid: `${HEAD}examples:\n  - vars: { id: 007 }\n    expected: 1.50\n`,
  };
  test.each(Object.entries(tasks))('%s', async (_name, text) => {
    const run = (fastPath: boolean) =>
      parseTask(text, 'task.yaml', '.', { fastPath }).then(
        (task) => ({ task }),
        (error: unknown) => ({ error: error instanceof TaskError ? error.message : error }),
      );
    const fast = await run(true);
    expect(fast).toStrictEqual(await run(false));
    if ('error' in fast) expect(fast.error).toMatch(/^task\.yaml:\d+:\d+: /);
  });
});
