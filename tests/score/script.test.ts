import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { workdir } from '../helpers/cli.js';
import { runInProcess } from '../helpers/io.js';
import { wireFixture } from '../helpers/wire.js';

// Script checks through the CLI: what a module returns, throws or never returns becomes a verdict
// with a reason; a module that cannot be used stops the run before any call.

const wire = wireFixture();
beforeEach(() => wire.server.reset());

const task = (checks: string) => `name: scripts
prompt: "Say {{w}}"
providers: [openai:gpt-4o-mini]
examples:
  - { vars: { w: calm }, expected: calm }
  - { vars: { w: LOUD }, expected: loud }
  - { vars: { w: odd }, expected: odd }
checks:
${checks}
settings: { concurrency: 3, max_retries: 0, timeout_ms: 5000 }
`;

async function run(checks: string, files: Record<string, string>) {
  const dir = await workdir({ 'task.yaml': task(checks) });
  await mkdir(join(dir, 'checks'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'checks', name), text);
  const res = await runInProcess(['eval', 'task.yaml', '--no-cache', '--no-color', '--runs-dir', 'runs'], { env: wire.env, cwd: dir });
  const [file] = await readdir(join(dir, 'runs')).catch(() => []);
  const record = file ? (JSON.parse(await readFile(join(dir, 'runs', file), 'utf8')) as RunRecord) : null;
  return { ...res, record, dir };
}

const scripts = (record: RunRecord | null) =>
  record!.results.map((r) => r.checks.filter((c) => c.type === 'script').map(({ pass, reason, score }) => ({ pass, reason, score })));

describe('script checks', () => {
  it('a verdict with a score; a thrown error and a rejected promise are failures with their message, and the run goes on', async () => {
    const { code, record, stdout } = await run('  - { type: script, file: checks/tone.mjs }\n  - { type: script, file: checks/throws.cjs }', {
      'tone.mjs': `export default async function ({ output, text, vars, expected, example, toolCalls }) {
  await new Promise((r) => setTimeout(r, 5));
  const loud = /[A-Z]{3,}/.test(text);
  return { pass: !loud && output === text && vars.w === example.vars.w && toolCalls.length === 0, reason: loud ? 'shouts' : 'calm: ' + expected, score: loud ? 0.25 : 1 };
}`,
      'throws.cjs': `module.exports = function ({ vars }) {
  if (vars.w === 'odd') return Promise.reject(new RangeError('odd one out'));
  if (vars.w === 'LOUD') throw new TypeError('cannot read ' + vars.w);
  return true;
};`,
    });
    expect(code).toBe(0);
    expect(scripts(record)).toEqual([
      [
        { pass: true, reason: 'checks/tone.mjs: calm: calm', score: 1 },
        { pass: true, reason: 'checks/throws.cjs: passed', score: undefined },
      ],
      [
        { pass: false, reason: 'checks/tone.mjs: shouts', score: 0.25 },
        { pass: false, reason: 'checks/throws.cjs: threw TypeError: cannot read LOUD', score: undefined },
      ],
      [
        { pass: true, reason: 'checks/tone.mjs: calm: odd', score: 1 },
        { pass: false, reason: 'checks/throws.cjs: threw RangeError: odd one out', score: undefined },
      ],
    ]);
    expect(record!.results.map((r) => r.pass)).toEqual([true, false, false]);
    expect(stdout).toContain('script: checks/throws.cjs: threw RangeError: odd one out');
  });

  it('a verdict too late, or not a verdict, is a failure saying so; the input is a copy the script may change', async () => {
    const { record } = await run('  - { type: script, file: checks/slow.mjs, timeout_ms: 200 }', {
      'slow.mjs': `export default function (input) {
  input.vars.w = 'changed';
  input.example.vars.w = 'changed';
  if (input.text.includes('calm')) return new Promise(() => {}); // never settles
  if (input.text.includes('LOUD')) return { pass: 'yes' };
  return { pass: true, score: Infinity };
}`,
    });
    expect(scripts(record)).toEqual([
      [{ pass: false, reason: 'checks/slow.mjs: no verdict within 200 ms (timeout_ms)', score: undefined }],
      [
        {
          pass: false,
          reason: 'checks/slow.mjs: returned an object without a boolean `pass`; expected {pass: boolean, reason?: string, score?: number}',
          score: undefined,
        },
      ],
      [{ pass: false, reason: 'checks/slow.mjs: returned a score that is not a finite number (Infinity)', score: undefined }],
    ]);
    expect(wire.server.requests.map((r) => r.messages.at(-1)!.content)).toEqual(expect.arrayContaining(['Say calm', 'Say LOUD', 'Say odd']));
  });

  it('the module is imported once for the whole run', async () => {
    const { record, dir } = await run('  - { type: script, file: checks/count.mjs }\n  - { type: script, file: checks/count.mjs }', {
      'count.mjs': `import { appendFileSync } from 'node:fs';
appendFileSync(new URL('./loads.txt', import.meta.url), 'loaded\\n');
let calls = 0;
export default () => ({ pass: true, score: ++calls });`,
    });
    expect(await readFile(join(dir, 'checks', 'loads.txt'), 'utf8')).toBe('loaded\n');
    const scores = record!.results.flatMap((r) => r.checks.map((c) => c.score));
    expect(scores.sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a missing file or a module without a default export: exit 2 at the line, and no model is called', async () => {
    const missing = await run('  - { type: script, file: checks/nope.mjs }', {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`task.yaml:9:27: checks.0.file: no such file: ${join(missing.dir, 'checks', 'nope.mjs')}`);
    const named = await run('  - type: script\n    file: checks/named.mjs', { 'named.mjs': 'export const check = () => true;' });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      'task.yaml:10:11: checks.0.file: exports no default: write `export default function check({ output }) { return { pass: true } }`',
    );
    expect(wire.server.requests).toHaveLength(0);
    expect(missing.record).toBeNull();
  });
});
