import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

const EXAMPLES = 12;
const TASK = `
name: slow
prompts:
  - id: p
    user: "Say {{word}}"
providers:
  - openai:gpt-4o-mini
examples:
${Array.from({ length: EXAMPLES }, (_, i) => `  - vars: { word: w${i} }\n    expected: "echo: Say w${i}"`).join('\n')}
checks:
  - type: equals
settings: { concurrency: 3 }
`;

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer({ latencyMs: 600 });
});
afterAll(() => server.close());

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs eval and sends `signal` once the server has seen `after` requests. */
function evalUntil(dir: string, signal: NodeJS.Signals | null, after: number): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'eval', 'task.yaml', '--no-color'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = signal
      ? setInterval(() => {
          if (server.requests.length >= after) {
            clearInterval(timer);
            child.kill(signal);
          }
        }, 5)
      : undefined;
    child.on('close', (code, sig) => {
      clearInterval(timer);
      done({ code, signal: sig, stdout, stderr });
    });
  });
}

async function records(dir: string): Promise<any[]> {
  const runs = join(dir, '.aijourney/runs');
  const files = (await readdir(runs)).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(runs, f), 'utf8'))));
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s mid-run', (signal) => {
  it('saves what finished, exits 130, and a re-run makes only the missing calls', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    server.reset();
    // The signal lands while the second batch of three is in flight: those may finish in the grace period.
    const run = await evalUntil(dir, signal, 4);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(`${signal}: finishing calls in flight`);
    const made = server.stats().total;
    expect(made).toBeLessThan(EXAMPLES);

    const [partial] = await records(dir);
    expect(partial.complete).toBe(false);
    expect(partial.stopReason).toEqual({ kind: 'interrupted', signal });
    expect(partial.plannedCalls).toBe(EXAMPLES);
    const finished = partial.results.length;
    expect(finished).toBeGreaterThanOrEqual(3);
    expect(finished).toBeLessThanOrEqual(made);
    expect(partial.results.every((r: any) => r.pass === true)).toBe(true);
    expect(partial.summary[0]).toMatchObject({ n: EXAMPLES, passed: finished, errors: 0 });
    // The tables of what finished are printed.
    expect(run.stdout).toContain(`Incomplete run: ${finished} of ${EXAMPLES} calls finished`);
    expect(run.stdout).toMatch(/openai:gpt-4o-mini/);
    expect(run.stdout).toMatch(/Run record: /);

    server.reset();
    const resumed = await evalUntil(dir, null, 0);
    expect(resumed.code).toBe(0);
    expect(server.stats().total).toBe(EXAMPLES - finished);
    const asked = new Set(server.requests.map((r) => r.body.messages.at(-1).content));
    for (const r of partial.results) expect(asked.has(`Say w${r.example}`)).toBe(false);
    const full = (await records(dir)).find((r) => r.complete);
    expect(full.results).toHaveLength(EXAMPLES);
    expect(full.results.filter((r: any) => r.cached)).toHaveLength(finished);
    expect(full.summary[0]).toMatchObject({ n: EXAMPLES, passed: EXAMPLES, errors: 0, cached: finished });
  });
});

it('a second Ctrl-C cancels the calls in flight at once', async () => {
  const dir = await workdir({ 'task.yaml': TASK });
  server.reset();
  server.setOptions({ latencyMs: 20_000 });
  try {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'eval', 'task.yaml', '--no-color'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<number | null>((done) => child.on('close', done));
    while (server.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(Date.now() - started).toBeLessThan(15_000);
    const [partial] = await records(dir);
    expect(partial).toMatchObject({ complete: false, results: [] });
  } finally {
    server.setOptions({ latencyMs: 600 });
  }
});
