import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workdir, type CliResult } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// A recognizable fake key goes into the environment; every command and output format runs; the key
// (or its distinctive middle) must appear in no output, record, cache entry, report or message.

const KEY = 'sk-test-PLANTED-abc123def456ghi789jkl';
const MARKERS = [KEY, 'PLANTED-abc123', 'abc123def456ghi789'];

const TASK = `
name: secrets
prompts:
  - id: p
    user: "Say {{word}}"
  - id: q
    system: Be brief.
    user: "Please say {{word}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
examples:
  - vars: { word: alpha }
    expected: "echo: Say alpha"
    labels:
      - { output: "echo: Say alpha", verdict: pass }
      - { output: "nope", verdict: fail }
  - vars: { word: beta }
    expected: "echo: Say beta"
  - vars: { word: gamma }
    expected: "echo: Say gamma"
checks:
  - type: contains
    value: echo
judge:
  model: openai:gpt-4o
  rubric: Pass if it echoes.
settings: { concurrency: 4, max_retries: 1 }
`;

let server: WireServer;
let dir: string;
const outputs: Array<{ what: string; res: CliResult }> = [];

beforeAll(async () => {
  server = await startWireServer({
    apiKey: KEY,
    defaultReply: (req) => (req.system.includes('impartial grader') ? JSON.stringify({ verdict: 'pass', reason: 'fine' }) : `echo: ${req.lastUser}`),
  });
  dir = await workdir({ 'task.yaml': TASK, 'broken.yaml': 'name: [unclosed\nprompts: 3\n', 'wrongkey.yaml': TASK.replace('name: secrets', 'name: wrongkey') });
});
afterAll(() => server.close());

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    OPENAI_API_KEY: KEY,
    ANTHROPIC_API_KEY: KEY,
    ...extra,
  };
}

async function run(what: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const res = await runCli(args, { env: options.env ?? env(), cwd: dir, input: options.input });
  outputs.push({ what, res });
  if (process.env.SECRETS_DEBUG) console.log(what, res.code, res.stderr.split('\n')[0]);
  return res;
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

const REPORTS = ['out.json', 'out.junit.xml', 'out.md', 'out.csv', 'out.html'];

describe('a planted key never leaks', () => {
  // Every command and output format runs once, before the checks; each check reads what they left.
  let commands: string[] = [];
  beforeAll(async () => {
    const help = await run('--help', ['--help']);
    commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toContain('eval');
    await run('--version', ['--version']);

    const evalRun = await run('eval -o every format', ['eval', 'task.yaml', '--no-color', ...REPORTS.flatMap((f) => ['-o', f])]);
    expect(evalRun.code).toBe(0);
    for (const f of REPORTS) expect((await stat(join(dir, f))).size).toBeGreaterThan(0);
    expect((await run('eval --json (cached)', ['eval', 'task.yaml', '--json', '-o', 'second.json'])).code).toBe(0);
    await run('eval with SDK debug logs', ['eval', 'task.yaml', '--no-cache', '--json', '-o', 'debug.json'], {
      env: env({ OPENAI_LOG: 'debug', ANTHROPIC_LOG: 'debug' }),
    });
    await run('eval --dry-run', ['eval', 'task.yaml', '--dry-run']);
    await run('eval shard 1/2', ['eval', 'task.yaml', '--shard', '1/2', '--json', '-o', 'shard1.json']);
    await run('eval shard 2/2', ['eval', 'task.yaml', '--shard', '2/2', '--json', '-o', 'shard2.json']);
    await run('eval gate fails', ['eval', 'task.yaml', '--min-quality', '0.999', '--max-p95-ms', '1', '--baseline', 'second.json']);
    await run('eval with a rejected key', ['eval', 'wrongkey.yaml', '--no-cache'], { env: env({ ANTHROPIC_API_KEY: `${KEY}-but-wrong` }) });
    await run('eval with the key in a base URL', ['eval', 'task.yaml', '--no-cache', '--json'], {
      env: env({ OPENAI_BASE_URL: `${server.openaiBaseUrl}?key=${KEY}` }),
    });
    await run('eval on a broken task', ['eval', 'broken.yaml']);
    await run('eval on a missing file', ['eval', 'missing.yaml']);
    await run('eval with a bad flag', ['eval', 'task.yaml', '--concurrency', 'lots']);
    await run('eval with an unwritable output', ['eval', 'task.yaml', '-o', 'x.pdf']);
    await run('unknown command', ['frobnicate']);
    await run('validate', ['validate', 'task.yaml']);
    await run('validate broken', ['validate', 'broken.yaml']);
    await run('report', ['report', 'second.json', '--no-color', ...REPORTS.flatMap((f) => ['-o', `report-${f}`])]);
    await run('compare', ['compare', 'second.json', 'debug.json', '--no-color']);
    await run('compare --json', ['compare', 'second.json', 'debug.json', '--json']);
    await run('merge', ['merge', 'shard1.json', 'shard2.json', '-o', 'merged.json', '--json']);
    await run('init', ['init', 'starter']);
    await run('models', ['models', 'gpt']);
    await run('models --json', ['models', '--json']);
    await run('label', ['label', 'task.yaml', '--no-color'], { input: 'p\nf looks wrong\ns\nq\n' });
    // Batches: submitted, saved in batches.json, listed, collected.
    server.setOptions({ batch: { polls: 2 } });
    expect((await run('eval --batch --batch-wait 0', ['eval', 'task.yaml', '--batch', '--batch-wait', '0', '--no-cache', '--json'])).code).toBe(4);
    await run('batch status', ['batch', 'status', 'task.yaml']);
    await run('batch status --json', ['batch', 'status', 'task.yaml', '--json']);
    expect((await run('eval --batch (collects)', ['eval', 'task.yaml', '--batch', '--no-cache', '--no-color'])).code).toBe(0);
  }, 180_000);

  it('runs every command and output format', () => {
    const exercised = new Set(outputs.map((o) => o.what.split(' ')[0]));
    for (const command of commands) expect(exercised, `command "${command}" is not exercised`).toContain(command);
    expect(server.requests.length).toBeGreaterThan(0);
  });

  it('appears in no stdout or stderr', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const { what, res } of outputs) {
      for (const marker of MARKERS) {
        expect(res.stdout.includes(marker), `${what}: stdout`).toBe(false);
        expect(res.stderr.includes(marker), `${what}: stderr`).toBe(false);
      }
    }
  });

  it('appears in no file written: run records, reports, cache (database and WAL), task files', async () => {
    const files = await filesUnder(dir);
    expect(files.some((f) => f.includes('.aijourney/cache'))).toBe(true);
    expect(files.some((f) => f.includes('.aijourney/runs'))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const marker of MARKERS) expect(bytes.includes(Buffer.from(marker)), `${file} holds the key`).toBe(false);
    }
  });
});

// Secrets echoed back: a model that repeats its key, a server that quotes it in an error body or a
// 401, a judge that quotes it in its reason, a key from a custom api_key_env, SDK debug logs. The
// mask covers every configured secret, wherever it turns up, and never reaches another provider.
describe('a secret echoed by a server or a model never leaks', () => {
  const OPENAI = 'sk-proj-ECHOED-0123456789abcdefghij';
  const ANTHROPIC = 'sk-ant-ECHOED-zyxwvutsrqponm98765';
  const CUSTOM = 'gw_"quoted\\slash"-ECHOED-key-424242';
  const ECHOED = [OPENAI, ANTHROPIC, CUSTOM, 'ECHOED-0123', 'ECHOED-zyx', 'ECHOED-key', JSON.stringify(CUSTOM).slice(1, -1), encodeURIComponent(CUSTOM)];
  const TASK2 = `
name: echoes
prompts:
  - id: p
    user: "{{ask}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
  - { id: gateway, type: openai, model: gw-model, base_url: "BASE", api_key_env: GATEWAY_KEY, price: { input_per_mtok: 1, output_per_mtok: 1 } }
examples:
  - vars: { ask: "echo key" }
  - vars: { ask: "quote key" }
  - vars: { ask: "plain" }
checks: [{ type: max-length, value: 500 }]
judge: { model: openai:gpt-4o, rubric: Pass if it answers. }
settings: { max_retries: 0 }
`;
  let echo: WireServer;
  let echoDir: string;
  const runs: Array<{ what: string; res: CliResult }> = [];

  // What the judge was sent, kept before the last check resets the server.
  let judged: Array<{ body: unknown }> = [];
  let first: CliResult;
  let debug: CliResult;
  let rejected: CliResult;
  beforeAll(async () => {
    echo = await startWireServer({
      rules: [
        { match: 'impartial grader', reply: (req) => JSON.stringify({ verdict: 'pass', reason: `graded with key ${req.apiKey}` }) },
        { match: 'echo key', reply: (req) => `your key is ${req.apiKey}; as JSON ${JSON.stringify(req.apiKey)}` },
        { match: 'quote key', reply: 'x', error: { status: 400, message: (req) => `key ${req.apiKey} may not ask this` } },
      ],
    });
    echoDir = await workdir({ 'task.yaml': TASK2.replace('BASE', `${echo.url}/v1`) });
    first = await go('eval', ['eval', 'task.yaml', '--no-color', ...REPORTS.flatMap((f) => ['-o', f])]);
    debug = await go(
      'eval --json debug',
      ['eval', 'task.yaml', '--no-cache', '--json', '-o', 'debug.json'],
      echoEnv({ OPENAI_LOG: 'debug', ANTHROPIC_LOG: 'debug' }),
    );
    await go('report', ['report', 'debug.json', '--no-color', ...REPORTS.flatMap((f) => ['-o', `r-${f}`])]);
    await go('report terminal', ['report', 'debug.json', '--no-color']);
    await go('compare', ['compare', 'out.json', 'debug.json', '--no-color']);
    await go('label', ['label', 'task.yaml', '--no-color'], echoEnv());
    // A 401 whose body quotes the key.
    echo.setOptions({ rules: [{ match: /./, reply: 'x', error: { status: 401, message: (req) => `bad key ${req.apiKey}` } }] });
    rejected = await go('eval rejected', ['eval', 'task.yaml', '--no-cache'], echoEnv());
    judged = echo.requests.filter((r) => JSON.stringify(r.body).includes('impartial grader'));
  }, 120_000);
  afterAll(() => echo.close());

  const echoEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    OPENAI_BASE_URL: echo.openaiBaseUrl,
    ANTHROPIC_BASE_URL: echo.anthropicBaseUrl,
    OPENAI_API_KEY: OPENAI,
    ANTHROPIC_API_KEY: ANTHROPIC,
    GATEWAY_KEY: CUSTOM,
    ...extra,
  });
  const go = async (what: string, args: string[], env = echoEnv()) => {
    const res = await runCli(args, { cwd: echoDir, env });
    runs.push({ what, res });
    return res;
  };

  it('runs eval (with debug logs), report, compare and label against the echoing server; echoes are masked', () => {
    expect(first.code).toBe(0);
    const record = JSON.parse(debug.stdout); // debug logs go to stderr: stdout is the record alone
    expect(debug.stderr).toMatch(/sending request/);
    expect(record.results.some((r: { output: string | null }) => r.output?.includes('[redacted]'))).toBe(true);
    expect(record.results.some((r: { error: string | null }) => r.error?.includes('key [redacted] may not ask this'))).toBe(true);
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toContain('bad key [redacted]');
  });

  it('reaches no provider: a model output quoting a key is masked before the judge sees it', () => {
    expect(judged.length).toBeGreaterThan(0);
    for (const r of judged) for (const marker of ECHOED) expect(JSON.stringify(r.body)).not.toContain(marker);
  });

  it('appears in no stdout, stderr or file written (records, reports, cache, task file)', async () => {
    for (const { what, res } of runs) {
      for (const marker of ECHOED) {
        expect(res.stdout.includes(marker), `${what}: stdout holds ${marker}`).toBe(false);
        expect(res.stderr.includes(marker), `${what}: stderr holds ${marker}`).toBe(false);
      }
    }
    for (const file of await filesUnder(echoDir)) {
      const bytes = await readFile(file);
      for (const marker of ECHOED) expect(bytes.includes(Buffer.from(marker)), `${file} holds ${marker}`).toBe(false);
    }
  });

  it('a fully cached re-run needs no key; one that would have to call still says which is missing', async () => {
    const env = { OPENAI_BASE_URL: echo.openaiBaseUrl, ANTHROPIC_BASE_URL: echo.anthropicBaseUrl };
    echo.setOptions({ rules: [] });
    echo.reset();
    const dir = await workdir({ 'task.yaml': TASK.replace('name: secrets', 'name: cached') });
    const withKeys = await runCli(['eval', 'task.yaml', '--no-color'], {
      cwd: dir,
      env: { ...env, OPENAI_API_KEY: 'k1-abcdef', ANTHROPIC_API_KEY: 'k2-abcdef' },
    });
    expect(withKeys.code).toBe(0);
    const made = echo.stats().total;
    const replay = await runCli(['eval', 'task.yaml', '--no-color'], { cwd: dir, env });
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('spent now $0');
    expect(echo.stats().total).toBe(made);
    const fresh = await runCli(['eval', 'task.yaml', '--no-cache'], { cwd: dir, env });
    expect(fresh.code).toBe(3);
    expect(fresh.stderr).toMatch(/^aijourney: missing API key: set OPENAI_API_KEY/);
    expect(echo.stats().total).toBe(made);
  });
});
