/**
 * Every file in tests/fixtures/invalid has exactly one problem. Loading it must throw a TaskError
 * (never another error, never a crash) whose every line is located `file:line:col: ` and which
 * contains the expectation in expected.json (usually `path: message`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TaskError } from '../../src/errors.js';
import { loadTask } from '../../src/task/load.js';

const DIR = relative(process.cwd(), fileURLToPath(new URL('../fixtures/invalid', import.meta.url)));
const expectations = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, string>;
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function taskErrorOf(file: string): Promise<TaskError> {
  const error = await loadTask(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${file} should not load`).toBeInstanceOf(TaskError);
  return error as TaskError;
}

describe('invalid task corpus', () => {
  test('has at least 45 files, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    expect(Object.keys(expectations).sort()).toEqual(files);
  });

  test.each(files)('%s', async (name) => {
    const file = join(DIR, name);
    const error = await taskErrorOf(file);
    // A problem inside a data file is located in that file instead.
    const located = new RegExp(`^(${escapeRegex(file)}|${escapeRegex(join(DIR, 'data'))}/[^:]+):\\d+:\\d+: `);
    const lines = error.message.split('\n');
    for (const line of lines) expect(line).toMatch(located);
    expect(error.message).toContain(expectations[name]);
    expect(error.exitCode).toBe(2);
    expect(error.issues.length).toBe(lines.length);
  });
});

describe('files the corpus cannot hold', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'aijourney-corpus-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('a file over 5 MB is refused before parsing', async () => {
    const file = join(tmp, 'huge.yaml');
    // Valid YAML, so only the size check can reject it.
    await writeFile(file, `name: huge\ndescription: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const error = await taskErrorOf(file);
    expect(error.message).toMatch(new RegExp(`^${escapeRegex(file)}:1:1: file is 5\\.0 MB, over the 5\\.0 MB limit$`));
  });

  test('the size limit also applies to an injected reader', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(0x61);
    const error = await loadTask('mem.yaml', { readFile: async () => big }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).message).toContain('over the 5.0 MB limit');
  });

  test('a missing task file says so with its path', async () => {
    const file = join(tmp, 'nope.yaml');
    const error = await taskErrorOf(file);
    expect(error.message).toBe(`${file}: no such file`);
  });

  test('a directory is not a task file', async () => {
    const error = await taskErrorOf(tmp);
    expect(error.message).toBe(`${tmp}: is a directory, not a file`);
  });
});
