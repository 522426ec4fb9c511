import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// Paid results are always written: unwritable targets are refused before the first call (exit 2,
// zero requests), a disk that fills up after the calls still gets the tables printed and a clear
// exit 3, files are written atomically (no half file, no temp file left), and judge failures keep
// every finished call with its cost.

const TASK = `
name: writes
prompt: "Say {{w}}, in a sentence long enough that thirty replies fill a few kilobytes of record"
providers: [openai:gpt-4o-mini]
examples:
${Array.from({ length: 30 }, (_, i) => `  - vars: { w: word${i} }`).join('\n')}
checks: [{ type: contains, value: echo }]
settings: { max_retries: 0 }
`;

let server: WireServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startWireServer();
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** Mounts a tmpfs (CI runs as root); null when this machine will not let us. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const mounted: string[] = [];
const canMount = (() => {
  const probe = execFileSync('mktemp', ['-d']).toString().trim();
  const ok = mountTmpfs(probe, 'size=16k');
  if (ok) execFileSync('umount', [probe]);
  if (!ok) console.warn('write-failures: cannot mount a tmpfs here (not root?): the full-disk and read-only tests are skipped');
  return ok;
})();
afterAll(() => {
  for (const dir of mounted) execFileSync('umount', [dir], { stdio: 'ignore' });
});

async function tmpfs(dir: string, options: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (!mountTmpfs(dir, options)) throw new Error(`mount ${dir} failed`);
  mounted.push(dir);
  return dir;
}

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('before the first call', () => {
  it.each([
    [['-o', 'file.txt/out.json'], '-o file.txt/out.json: cannot be written: a part of the path is a file, not a directory'],
    [['-o', 'adir.html'], '-o adir.html: cannot be written: is a directory'],
    [['--runs-dir', 'file.txt/runs'], '--runs-dir file.txt/runs: cannot be written: a part of the path is a file, not a directory'],
    [['-o', 'fine.json', '-o', 'file.txt/x.md'], '-o file.txt/x.md: cannot be written'],
  ])('eval %j: exit 2, zero requests', async (flags, message) => {
    const dir = await workdir({ 'task.yaml': TASK, 'file.txt': 'x' });
    await mkdir(join(dir, 'adir.html'));
    const res = await runCli(['eval', 'task.yaml', '--no-cache', ...flags], { cwd: dir, env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`aijourney: ${message}`);
    expect(server.stats().total).toBe(0);
    expect(await filesIn(dir)).not.toContain('fine.json');
  });

  it('a FIFO as -o is refused instead of blocking', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'pipe.json'], { cwd: dir, env, timeoutMs: 20_000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('-o pipe.json: cannot be written: is not a regular file');
    expect(server.stats().total).toBe(0);
  });

  it.skipIf(!canMount)('a read-only file system: eval, report and merge refuse before doing anything', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const ro = await tmpfs(join(dir, 'ro'), 'ro,size=16k');
    for (const flags of [
      ['-o', 'ro/out.json'],
      ['--runs-dir', 'ro/runs'],
    ]) {
      const res = await runCli(['eval', 'task.yaml', '--no-cache', ...flags], { cwd: dir, env });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('cannot be written: read-only file system');
    }
    expect(server.stats().total).toBe(0);
    expect((await runCli(['eval', 'task.yaml', '-o', 'run.json'], { cwd: dir, env })).code).toBe(0);
    const report = await runCli(['report', 'run.json', '-o', 'ro/r.html'], { cwd: dir });
    expect(report.code).toBe(2);
    expect(report.stderr).toBe('aijourney: -o ro/r.html: cannot be written: read-only file system\n');
    const merge = await runCli(['merge', 'run.json', '-o', 'ro/m.json'], { cwd: dir });
    expect(merge.code).toBe(2);
    expect(await filesIn(ro)).toEqual([]);
  });
});

describe.skipIf(!canMount)('a disk that fills up after the calls', () => {
  it('the tables still print, nothing half-written is left, exit 3', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const tiny = await tmpfs(join(dir, 'tiny'), 'size=12k');
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '--runs-dir', 'tiny/runs', '-o', 'tiny/report.html', '-o', 'ok.csv'], { cwd: dir, env });
    expect(server.stats().total).toBe(30);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('Results');
    expect(res.stdout).toContain('Run record: not saved (see below)');
    expect(res.stderr).toMatch(/aijourney: could not write .*tiny\/runs\/[^ ]+\.json: no space left on the device\n/);
    expect(res.stderr).toContain('aijourney: could not write tiny/report.html: no space left on the device\n');
    expect(res.stderr).toContain('the tables printed are the only copy');
    expect(await filesIn(tiny)).toEqual(['runs']); // no temp file, no half file
    expect((await readFile(join(dir, 'ok.csv'), 'utf8')).split('\r\n').length).toBe(32); // the other target is written
  });

  it('--json still prints the whole record on stdout', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    await tmpfs(join(dir, 'tiny'), 'size=12k');
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '--json', '--runs-dir', 'tiny/runs'], { cwd: dir, env });
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout).results).toHaveLength(30);
  });
});

describe('files are replaced atomically', () => {
  it('a report over an existing file leaves no temp file and keeps a symlink a link', async () => {
    const dir = await workdir({ 'task.yaml': TASK, 'old.md': 'old\n' });
    execFileSync('ln', ['-s', 'old.md', join(dir, 'link.md')]);
    const res = await runCli(['eval', 'task.yaml', '-o', 'link.md', '-o', 'run.json'], { cwd: dir, env });
    expect(res.code).toBe(0);
    expect(await readFile(join(dir, 'old.md'), 'utf8')).toContain('writes');
    expect(
      execFileSync('readlink', [join(dir, 'link.md')])
        .toString()
        .trim(),
    ).toBe('old.md');
    expect((await filesIn(dir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.check'))).toEqual([]);
  });
});

describe('judge failures keep what was paid for', () => {
  const JUDGED = (labels: boolean, extra = '') => `
name: judged
prompt: "Say {{w}}"
providers: [openai:gpt-4o-mini]
examples:
  - vars: { w: a }
${labels ? '    labels: [{ output: "echo: Say a", verdict: pass }, { output: "no", verdict: fail }, { output: "nope", verdict: fail }]' : ''}
  - vars: { w: b }
  - vars: { w: c }
judge:
  rubric: Pass if it echoes.
  candidates:
    - { id: good, model: { type: openai, model: gpt-4o, api_key_env: GOOD_KEY } }
    - { id: bad, model: { type: openai, model: gpt-4.1-mini, api_key_env: BAD_KEY } }
${extra}
settings: { max_retries: 0, concurrency: 1 }
`;
  const judgeEnv = () => ({ ...env, OPENAI_API_KEY: 'good', GOOD_KEY: 'good', BAD_KEY: 'bad' });
  beforeEach(() =>
    server.setOptions({
      apiKey: 'good',
      defaultReply: (req) => (req.system.includes('impartial grader') ? JSON.stringify({ verdict: 'pass', reason: 'ok' }) : `echo: ${req.lastUser}`),
    }),
  );
  afterAll(() => server.setOptions({ apiKey: undefined, defaultReply: undefined }));

  it('a 401 during calibration: exit 3, one line, a partial record with the calibration calls and their cost', async () => {
    const dir = await workdir({ 'task.yaml': JUDGED(true) });
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '--json'], { cwd: dir, env: judgeEnv() });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      'aijourney: authentication failed for openai:gpt-4.1-mini: the key in BAD_KEY was rejected (HTTP 401): Incorrect API key provided.\n',
    );
    const record = JSON.parse(res.stdout);
    expect(record.complete).toBe(false);
    expect(record.results).toEqual([]);
    const good = record.judge.candidates.find((c: { id: string }) => c.id === 'good');
    expect(good.n).toBe(3); // -j 1: the good candidate's three questions ran before the bad one's first
    expect(good.costUsd).toBeGreaterThan(0);
    expect(record.costUsd.judge).toBeCloseTo(good.costUsd, 12);
    expect(record.costUsd.spentNow).toBeCloseTo(good.costUsd, 12);
    const saved = await readdir(join(dir, '.aijourney/runs'));
    expect(saved).toHaveLength(1);
  });

  it('a 401 while grading: exit 3, every model call kept with its cost, the error names the judge', async () => {
    const dir = await workdir({ 'task.yaml': JUDGED(false).replace(/ {4}- \{ id: good.*\n/, '') });
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '--json'], { cwd: dir, env: judgeEnv() });
    expect(res.code).toBe(3);
    const record = JSON.parse(res.stdout);
    expect(server.stats().total).toBe(2); // one model call, then its judge call was refused; -j 1 starts no other
    expect(record.results).toHaveLength(1);
    expect(record.results[0]).toMatchObject({ output: 'echo: Say a', pass: null });
    expect(record.results[0].error).toMatch(/^judge bad: authentication failed .*BAD_KEY/);
    expect(record.results[0].costUsd).toBeGreaterThan(0);
    expect(record.costUsd.models).toBe(record.results[0].costUsd);
  });

  it('judge retries are counted, in calibration and in grading', async () => {
    server.setOptions({ failFirst: { count: 1, kind: '500' }, retryAfterMs: 1 });
    try {
      const task = JUDGED(true)
        .replace(/ {4}- \{ id: bad.*\n/, '')
        .replace('max_retries: 0', 'max_retries: 2');
      const dir = await workdir({ 'task.yaml': task });
      const res = await runCli(['eval', 'task.yaml', '--no-cache', '--json'], { cwd: dir, env: judgeEnv() });
      expect(res.code).toBe(0);
      const record = JSON.parse(res.stdout);
      expect(record.judge.candidates[0].retries).toBe(3);
      const judged = record.results.filter((r: { judge: { source: string } | null }) => r.judge?.source === 'judge');
      expect(judged.length).toBeGreaterThan(0);
      for (const r of judged) expect(r.judge.retries).toBe(1);
      for (const r of record.results) expect(r.retries).toBe(1);
    } finally {
      server.setOptions({ failFirst: undefined });
    }
  });
});

describe('Ctrl-C during calibration', () => {
  it('saves the finished calibration calls and their cost, exit 130', async () => {
    const labels = Array.from({ length: 12 }, (_, i) => `{ output: "out ${i}", verdict: ${i % 2 ? 'pass' : 'fail'} }`).join(', ');
    const task = `
name: interrupted
prompt: "Say {{w}}"
providers: [openai:gpt-4o-mini]
examples:
  - vars: { w: a }
    labels: [${labels}]
judge: { model: openai:gpt-4o, rubric: Pass if it echoes. }
settings: { concurrency: 2 }
`;
    const dir = await workdir({ 'task.yaml': task });
    server.setOptions({ latencyMs: 300, defaultReply: JSON.stringify({ verdict: 'pass', reason: 'ok' }) });
    try {
      const { spawn } = await import('node:child_process');
      const { BIN } = await import('../helpers/cli.js');
      const child = spawn(process.execPath, [BIN, 'eval', 'task.yaml', '--no-cache', '--json'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const timer = setInterval(() => {
        if (server.requests.length >= 3) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 5);
      const code = await new Promise<number | null>((done) => child.on('close', done));
      clearInterval(timer);
      expect(code).toBe(130);
      const record = JSON.parse(stdout);
      expect(record.complete).toBe(false);
      expect(record.stopReason).toEqual({ kind: 'interrupted', signal: 'SIGINT' });
      expect(record.results).toEqual([]);
      const candidate = record.judge.candidates[0];
      expect(candidate.n).toBeGreaterThanOrEqual(3);
      expect(candidate.n).toBeLessThan(12);
      expect(record.costUsd.judge).toBeGreaterThan(0);
      expect(record.costUsd.spentNow).toBeCloseTo(record.costUsd.judge, 12);
    } finally {
      server.setOptions({ latencyMs: 0, defaultReply: undefined });
    }
  });
});
