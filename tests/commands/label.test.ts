import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addLabelToText } from '../../src/label/write.js';
import { parseAnswer } from '../../src/label/answers.js';
import { buildQueue } from '../../src/label/queue.js';
import type { CallResult } from '../../src/record/schema.js';
import type { Example } from '../../src/task/types.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { BIN, runCli, workdir } from '../helpers/cli.js';

// Three examples, one already labeled; the model answers each; the judge passes "Paris" and "Rome".
const TASK = `# Capitals: a commented task file. Every comment must survive labeling.
name: capitals
prompts:
  - id: p1
    user: "Capital of {{country}}?"   # one short question

providers:
  - openai:gpt-4o-mini

# The examples, in this order.
examples:
  - vars: { country: France }
    expected: Paris
    labels:
      - { output: "Lyon", verdict: fail }   # a hand-written label
  - vars: { country: Italy }
    expected: Rome
  - vars: { country: Spain }   # no labels yet
    expected: Madrid

judge:
  model: openai:gpt-4o
  rubric: >
    Pass if the answer names the capital,
    folded over two lines.
settings: { concurrency: 2, max_retries: 0 }
`;

const graded = (output: string) => new RegExp(`<output_to_grade>\\n${output}\\n</output_to_grade>`);
const verdict = (v: 'pass' | 'fail') => JSON.stringify({ verdict: v, reason: `scripted ${v}` });

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({
    rules: [
      { match: graded('Paris'), reply: verdict('pass') },
      { match: graded('Rome'), reply: verdict('pass') },
      { match: /impartial grader/, reply: verdict('fail') },
      { match: 'Capital of France?', reply: 'Paris' },
      { match: 'Capital of Italy?', reply: 'Rome' },
      { match: 'Capital of Spain?', reply: 'Barcelona' },
    ],
  });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function evaluated(): Promise<string> {
  const dir = await workdir({ 'task.yaml': TASK });
  const res = await runCli(['eval', 'task.yaml', '--no-cache'], { env, cwd: dir });
  expect(res.code, res.stderr).toBe(0);
  return dir;
}

/** Every comment line of the original, in order, is still in the file. */
function expectCommentsKept(text: string): void {
  const comments = TASK.split('\n').flatMap((l) => (l.includes('#') ? [l] : []));
  let at = 0;
  for (const line of comments) {
    const found = text.indexOf(line, at);
    expect(found, `comment line kept: ${line}`).toBeGreaterThanOrEqual(0);
    at = found;
  }
  expect(text).toContain('  rubric: >\n    Pass if the answer names the capital,\n    folded over two lines.\n');
  expect(Object.keys(parse(text))).toEqual(['name', 'prompts', 'providers', 'examples', 'judge', 'settings']);
}

describe('aijourney label with piped answers', () => {
  it('writes each answer under its example, keeps the comments, and re-measures only the judge', async () => {
    const dir = await evaluated();
    server.reset();
    // Queue: the run's "label next" by value of information. With one fail label (Lyon, judged
    // fail) a judged-fail output (Barcelona) is worth slightly more than a judged-pass one; of the
    // two judged-pass outputs, worth the same, Rome's example has no label yet.
    const res = await runCli(['label', 'task.yaml'], { env, cwd: dir, input: 'f Barcelona is not the capital\np\nfail\n' });
    expect(res.stdout.indexOf('Output:\n    Barcelona')).toBeLessThan(res.stdout.indexOf('Output:\n    Rome'));
    expect(res.stdout.indexOf('Output:\n    Rome')).toBeLessThan(res.stdout.indexOf('Output:\n    Paris'));
    expect(res.stdout).toMatch(/\(label next: expected to narrow the corrected intervals by \d+\.\d pts; example has no labels yet\)/);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Output:\n    Paris');
    expect(res.stdout).toContain('Reference answer:\n    Paris');
    expect(res.stdout).toMatch(/Judge: FAIL — scripted fail/); // Barcelona
    expect(res.stdout).toMatch(/Judge: PASS — scripted pass/);
    expect(res.stdout).toContain('3 new label(s) (1 pass, 2 fail)');
    expect(res.stdout).toMatch(/Judge agreement with your 4 labels/);
    expect(res.stdout).toMatch(/Judge openai:gpt-4o: (UNTRUSTED|PROVISIONAL|TRUSTED)/);
    // The re-measured judge's bias probes: an OpenAI judge of an OpenAI model is flagged.
    expect(res.stdout).toContain('Bias probes of openai:gpt-4o');
    expect(res.stdout).toContain('self-preference: FLAGGED: openai:gpt-4o and openai:gpt-4o-mini are both openai');
    const text = await readFile(join(dir, 'task.yaml'), 'utf8');
    expectCommentsKept(text);
    const task = parse(text);
    expect(task.examples[0].labels).toEqual([
      { output: 'Lyon', verdict: 'fail' },
      { output: 'Paris', verdict: 'fail' },
    ]);
    expect(task.examples[1].labels).toEqual([{ output: 'Rome', verdict: 'pass' }]);
    expect(task.examples[2].labels).toEqual([{ output: 'Barcelona', verdict: 'fail', critique: 'Barcelona is not the capital' }]);
    // The models under test were not called again; only the judge was.
    expect(server.requests.filter((r) => r.body.model === 'gpt-4o-mini')).toHaveLength(0);
    expect(server.requests.filter((r) => r.body.model === 'gpt-4o').length).toBe(4);
    expect((await runCli(['validate', 'task.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('quits half-way without losing an answer, and resumes where it stopped', async () => {
    const dir = await evaluated();
    const first = await runCli(['label', 'task.yaml'], { env, cwd: dir, input: 'pass good\nq\n' });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Stopped: 1 new label(s)');
    expect(first.stdout).toContain('2 not shown');
    let task = parse(await readFile(join(dir, 'task.yaml'), 'utf8'));
    expect(task.examples[2].labels).toEqual([{ output: 'Barcelona', verdict: 'pass', critique: 'good' }]);
    expect(task.examples[1].labels).toBeUndefined();

    // EOF is a quit too: nothing is written for the unanswered output.
    const second = await runCli(['label', 'task.yaml'], { env, cwd: dir, input: 'nonsense\ns\n' });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('"nonsense" is not an answer');
    expect(second.stdout).toContain('Labeling 2 output(s)');
    expect(second.stdout).toContain('Output:\n    Rome');
    expect(second.stdout).toContain('Output:\n    Paris');
    expect(second.stdout).not.toContain('Output:\n    Barcelona');
    task = parse(await readFile(join(dir, 'task.yaml'), 'utf8'));
    expect(task.examples[1].labels).toBeUndefined();

    const third = await runCli(['label', 'task.yaml'], { env, cwd: dir, input: 'p\np\n' });
    expect(third.stdout).toContain('Labeling 2 output(s)');
    task = parse(await readFile(join(dir, 'task.yaml'), 'utf8'));
    expect(task.examples[0].labels).toEqual([
      { output: 'Lyon', verdict: 'fail' },
      { output: 'Paris', verdict: 'pass' },
    ]);
    expect(task.examples[1].labels).toEqual([{ output: 'Rome', verdict: 'pass' }]);
    expect(task.examples[2].labels).toEqual([{ output: 'Barcelona', verdict: 'pass', critique: 'good' }]);
    expectCommentsKept(await readFile(join(dir, 'task.yaml'), 'utf8'));
  });

  it('--next N offers the N outputs worth most and shows how each label moved the interval and the trust level', async () => {
    const dir = await evaluated();
    const [run] = await readdir(join(dir, '.aijourney/runs'));
    const record = JSON.parse(await readFile(join(dir, '.aijourney/runs', run!), 'utf8'));
    const best = record.labelNext[0];
    server.reset();
    const res = await runCli(['label', 'task.yaml', '--next', '1'], { env, cwd: dir, input: 'f\n' });
    expect(res.code, res.stderr).toBe(0);
    // Only the first of the run's "label next" list, which the eval ranked the same way.
    expect(res.stdout).toContain('Labeling 1 output(s)');
    expect(res.stdout).toContain(`Output:\n    ${best.output}`);
    expect(best.output).toBe('Barcelona');
    // Barcelona was judged fail and the human says fail: TNR 1/1 → 2/2.
    expect(res.stdout).toMatch(
      /corrected quality of p1 × openai:gpt-4o-mini: \[\d+%, \d+%\] → \[\d+%, \d+%\] \(width \d+ → \d+ pts\); judge: UNTRUSTED → UNTRUSTED \(TNR 1\/1 → 2\/2\)/,
    );
    const widths = /width (\d+) → (\d+) pts/.exec(res.stdout)!;
    expect(Number(widths[2])).toBeLessThan(Number(widths[1]));
    const both = await runCli(['label', 'task.yaml', '--next', '1', '--random', '1'], { env, cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('use either --random or --next');
  });

  it('labels the run given with --run, and refuses a task without runs', async () => {
    const dir = await evaluated();
    const [run] = await readdir(join(dir, '.aijourney/runs'));
    const res = await runCli(['label', 'task.yaml', '--run', `.aijourney/runs/${run}`, '--runs-dir', 'nowhere'], { env, cwd: dir, input: 'q\n' });
    expect(res.code).toBe(0);
    const none = await runCli(['label', 'task.yaml', '--runs-dir', 'nowhere'], { env, cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no run of task "capitals"');
  });
});

/**
 * Drives the built CLI inside a pseudo-terminal (util-linux `script`): waits for each prompt, then
 * types the next answer. Returns everything the terminal showed and the exit code.
 */
function inPty(args: string[], cwd: string, answers: string[]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', SHELL: '/bin/sh', TERM: 'dumb', NO_COLOR: '1', ...env },
    });
    let screen = '';
    let seen = 0;
    const prompt = /(may follow|leave it out\)) > /g;
    child.stdout.on('data', (chunk) => {
      screen += chunk;
      prompt.lastIndex = seen;
      const match = prompt.exec(screen);
      if (match) {
        seen = match.index + match[0].length;
        const answer = answers.shift();
        child.stdin.write(answer === undefined ? '\x04' : `${answer}\r`);
      }
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, screen }));
  });
}

describe('aijourney label on a terminal', () => {
  it('asks for a critique after pass/fail, writes at once, and quits cleanly', async () => {
    const dir = await evaluated();
    // Barcelona: fail + critique on the second question; Rome: pass, critique left out; then quit.
    const { code, screen } = await inPty(['label', 'task.yaml'], dir, ['f', 'Not the capital', 'p', '', 'quit']);
    expect(code).toBe(0);
    expect(screen).toContain('critique (optional; Enter to leave it out) > ');
    expect(screen).toContain('Stopped: 2 new label(s) (1 pass, 1 fail)');
    const text = await readFile(join(dir, 'task.yaml'), 'utf8');
    expectCommentsKept(text);
    const task = parse(text);
    expect(task.examples[0].labels).toEqual([{ output: 'Lyon', verdict: 'fail' }]);
    expect(task.examples[1].labels).toEqual([{ output: 'Rome', verdict: 'pass' }]);
    expect(task.examples[2].labels).toEqual([{ output: 'Barcelona', verdict: 'fail', critique: 'Not the capital' }]);
  });
});

describe('label building blocks', () => {
  it('parses answers: word or letter first, the rest is the critique', () => {
    expect(parseAnswer('p')).toEqual({ decision: 'pass', critique: '' });
    expect(parseAnswer('  FAIL  too long, and rude ')).toEqual({ decision: 'fail', critique: 'too long, and rude' });
    expect(parseAnswer('s')).toEqual({ decision: 'skip', critique: '' });
    expect(parseAnswer('quit')).toEqual({ decision: 'quit', critique: '' });
    expect(parseAnswer('maybe')).toBeNull();
    expect(parseAnswer('')).toBeNull();
  });

  it('puts label-next first, skips labeled outputs (trimmed) and repeats of one output', () => {
    const ex = (index: number, labels: Example['labels'] = []): Example => ({ index, vars: { q: String(index) }, labels });
    const result = (example: number, output: string, repeat = 0): CallResult => ({
      prompt: 'p1',
      provider: 'm',
      example,
      repeat,
      output,
      error: null,
      usage: null,
      costUsd: null,
      latencyMs: 1,
      cached: false,
      retries: 0,
      checks: [],
      judge: null,
      pass: true,
    });
    const results = [result(0, 'a'), result(0, 'a ', 1), result(0, 'done'), result(1, 'b'), result(1, 'c'), result(7, 'gone')];
    const labelNext = [{ prompt: 'p1', provider: 'm', example: 1, repeat: 0, output: 'c', why: 'judge samples split' }];
    const { items, missing } = buildQueue({ results, labelNext }, [ex(0, [{ output: ' done', verdict: 'pass' }]), ex(1)]);
    expect(items.map((i) => [i.example.index, i.output, i.why])).toEqual([
      [1, 'c', 'judge samples split'],
      [0, 'a', null],
      [1, 'b', null],
    ]);
    expect(missing).toBe(1);
  });

  it('adds a top-level labels list naming the example by its vars, for data-file examples', async () => {
    const text = 'name: t\n# data from a file\nexamples: { file: rows.csv }   # keep me\nprompt: "{{q}}"\n';
    const example: Example = { index: 3, vars: { q: 'What is 2+2?', n: '4' }, labels: [] };
    const once = addLabelToText(text, example, { output: '4', verdict: 'pass' });
    const twice = addLabelToText(once, example, { output: 'four\nI think', verdict: 'fail', critique: 'digits only' });
    expect(twice.startsWith(text)).toBe(true);
    expect(parse(twice).labels).toEqual([
      { vars: { q: 'What is 2+2?', n: '4' }, output: '4', verdict: 'pass' },
      { vars: { q: 'What is 2+2?', n: '4' }, output: 'four\nI think', verdict: 'fail', critique: 'digits only' },
    ]);
    // The loader accepts it and attaches the labels to the example with these vars.
    const dir = await workdir({
      'task.yaml': `${twice.replace('prompt: "{{q}}"', 'prompt: "{{q}} {{n}}"\nproviders: [openai:gpt-4o-mini]')}`,
      'rows.csv': 'q,n\nWhat is 2+2?,4\n',
    });
    const res = await runCli(['validate', 'task.yaml'], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
  });

  it('falls back to editing nodes for a flow-style example, still valid and in place', () => {
    const text = 'name: t\nexamples:\n  - { vars: { q: a }, expected: x }  # flow\n  - vars: { q: b }\n';
    const out = addLabelToText(text, { index: 0, vars: { q: 'a' }, labels: [] }, { output: 'x', verdict: 'pass' });
    expect(parse(out).examples[0].labels).toEqual([{ output: 'x', verdict: 'pass' }]);
    expect(out).toContain('# flow');
  });
});
