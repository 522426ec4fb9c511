import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, runCli, workdir } from '../helpers/cli.js';
import { wireFixture } from '../helpers/wire.js';
import type { WireRequestView, WireServer } from '../server/wire-server.mjs';

// Models say whether a number is even; the judge passes "even" and fails "odd" (so its verdicts on
// the labels are known), which makes every figure of the run the same however it is run.
function task(examples: number, extra = '') {
  const lines = ['name: parity', 'prompts:', '  - id: p', '    user: "Is {{n}} even or odd? One word."', 'providers:'];
  lines.push('  - openai:gpt-4o-mini', '  - anthropic:claude-haiku-4-5', 'examples:');
  for (let i = 0; i < examples; i++) {
    lines.push(`  - vars: { n: "${i}" }`);
    if (i < 4)
      lines.push(`    labels: [{ output: "${i % 2 === 0 ? 'odd' : 'even'}", verdict: fail }, { output: "${i % 2 === 0 ? 'even' : 'odd'}", verdict: pass }]`);
  }
  lines.push('judge:', '  model: openai:gpt-4o', '  rubric: Pass if the answer is the right parity.', 'settings: { concurrency: 4, max_retries: 0 }', extra);
  return lines.join('\n');
}

const judgeReply = (v: WireRequestView) => JSON.stringify({ verdict: /<output_to_grade>\neven/.test(v.text) ? 'pass' : 'fail', reason: 'scripted' });
const modelReply = (v: WireRequestView) => {
  const n = Number(/Is (\d+)/.exec(v.lastUser)?.[1] ?? 0);
  // claude gets every fifth number wrong, so the two rows differ
  const right = n % 2 === 0 ? 'even' : 'odd';
  return v.protocol === 'anthropic' && n % 5 === 3 ? (right === 'even' ? 'odd' : 'even') : right;
};

let server: WireServer;
let env: Record<string, string>;

const wire = wireFixture();
beforeAll(() => {
  server = wire.server;
  env = { ...wire.env, AIJOURNEY_BATCH_POLL_MS: '2' };
});
beforeEach(() => {
  server.setOptions({ rules: [{ match: '<output_to_grade>', reply: judgeReply }], defaultReply: modelReply, batch: { polls: 2 } });
  server.reset();
});

const synchronous = () => server.requests.filter((r) => r.batch === undefined);
/** What a result is, apart from how it was made (cost, latency, caching, batching). */
const outcome = (r: any) => ({
  prompt: r.prompt,
  provider: r.provider,
  example: r.example,
  output: r.output,
  usage: r.usage,
  pass: r.pass,
  judge: r.judge,
  error: r.error,
});

// The synchronous run of the same task: the baseline every --batch test compares with.
describe('the concurrency limit, synchronous', () => {
  it("holds every request in flight, the judge's included: at most `concurrency` open at once, and that many reached", async () => {
    server.setOptions({ latencyMs: 15 });
    const dir = await workdir({ 'task.yaml': task(24) });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    server.setOptions({ latencyMs: 0 });
    expect(res.code, res.stderr).toBe(0);
    const judged = server.requests.filter((r) => JSON.stringify(r.messages).includes('<output_to_grade>'));
    expect(judged.length).toBeGreaterThan(24); // calibration and the outputs under test
    expect(server.stats().peakInFlight).toBe(4);
  });
});

describe('--batch', () => {
  it('makes no synchronous call, matches the synchronous run exactly, and costs half', async () => {
    const sync = await workdir({ 'task.yaml': task(200) });
    const a = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: sync });
    expect(a.code, a.stderr).toBe(0);
    const syncRecord = JSON.parse(a.stdout);
    const syncRequests = synchronous();
    const syncCalls = syncRequests.length;
    expect(syncCalls).toBeGreaterThan(400);
    server.reset();

    const dir = await workdir({ 'task.yaml': task(200) });
    const b = await runCli(['eval', 'task.yaml', '--json', '--batch'], { env, cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    const record = JSON.parse(b.stdout);
    expect(synchronous()).toEqual([]);
    // Every synchronous request was made as a batch line instead, once.
    const lines = server.requests.map((q) => JSON.stringify([q.system, q.messages]));
    const syncLines = syncRequests.map((q) => JSON.stringify([q.system, q.messages]));
    expect(lines.filter((l) => !syncLines.includes(l)).slice(0, 2)).toEqual([]);
    expect(syncLines.filter((l) => !lines.includes(l)).slice(0, 2)).toEqual([]);
    expect(server.stats().batchLines).toBe(syncCalls);
    // Two waves: calibration (the judge) with the models under test, one batch per model; then grading.
    // (A wave is what was asked before the run went quiet for a moment: a loaded machine may split one.)
    const made = server.batches();
    expect(made.filter((x) => x.protocol === 'anthropic')).toHaveLength(1);
    expect(made.filter((x) => x.protocol === 'openai').length).toBeGreaterThanOrEqual(3);
    const ids = made.flatMap((x) => x.customIds);
    expect(new Set(ids).size).toBe(ids.length);

    expect(record.results.map(outcome)).toEqual(syncRecord.results.map(outcome));
    expect(record.judge.candidates).toEqual(
      syncRecord.judge.candidates.map((c: any) => ({ ...c, costUsd: expect.closeTo(c.costUsd / 2, 12), latencyP50Ms: expect.any(Number) })),
    );
    expect(record.results.every((r: any) => r.batched === true && r.cached === false)).toBe(true);
    for (const [i, row] of record.summary.entries()) {
      expect(row.passed).toBe(syncRecord.summary[i].passed);
      expect(row.costUsd.total).toBeCloseTo(syncRecord.summary[i].costUsd.total / 2, 12);
    }
    expect(record.judgeCostUsd).toBeCloseTo(syncRecord.judgeCostUsd / 2, 12);
    expect(b.stderr).toMatch(/submitted batch batch_\w+ \(\d+ requests\)/);

    // Finished lines went into the cache: the same task synchronously is free, and calls nothing.
    server.reset();
    const c = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect(server.requests).toEqual([]);
    const replay = JSON.parse(c.stdout);
    expect(replay.results.map(outcome)).toEqual(syncRecord.results.map(outcome));
    expect(replay.summary[0].costUsd.total).toBeCloseTo(syncRecord.summary[0].costUsd.total / 2, 12);
  }, 60_000);

  it('--batch-wait 0 submits and exits 4; each re-run attaches and collects, never submitting a call twice', async () => {
    const dir = await workdir({ 'task.yaml': task(6) });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await runCli(['eval', 'task.yaml', '--json', '--batch', '--batch-wait', '0'], { env, cwd: dir });
      codes.push(r.code ?? -1);
      if (r.code === 0) break;
      expect(r.code, r.stderr).toBe(4);
      const stop = JSON.parse(r.stdout).stopReason;
      expect(stop.kind).toBe('batch-pending');
      expect(stop.batches.length).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/left running .* run the same command again/);
      const state = JSON.parse(await readFile(join(dir, '.aijourney/runs/batches.json'), 'utf8'));
      expect(state.batches.length).toBeGreaterThan(0);
    }
    expect(codes.at(-1)).toBe(0);
    expect(codes.slice(0, -1).every((c) => c === 4)).toBe(true);
    const ids = server.batches().flatMap((b) => b.customIds);
    expect(new Set(ids).size).toBe(ids.length);
    expect(synchronous()).toEqual([]);
    const state = JSON.parse(await readFile(join(dir, '.aijourney/runs/batches.json'), 'utf8'));
    expect(state.batches).toEqual([]);
  }, 60_000);

  it('turns per-line errors into error rows with the provider message, retries expired lines once, then reports them', async () => {
    server.setOptions({
      rules: [
        { match: '<output_to_grade>', reply: judgeReply },
        { match: 'Is 4 even', error: { status: 400, message: 'the line is refused (scripted)' } },
      ],
      batch: { polls: 1, expire: /Is 5 even/ },
    });
    const dir = await workdir({ 'task.yaml': task(8) });
    const r = await runCli(['eval', 'task.yaml', '--json', '--batch'], { env, cwd: dir });
    const record = JSON.parse(r.stdout);
    const row = (provider: string, example: number) => record.results.find((x: any) => x.provider === provider && x.example === example);
    expect(row('openai:gpt-4o-mini', 4)).toMatchObject({
      output: null,
      pass: null,
      error: expect.stringMatching(/HTTP 400 bad request: the line is refused \(scripted\)/),
    });
    expect(row('anthropic:claude-haiku-4-5', 4).error).toMatch(/the line is refused \(scripted\)/);
    expect(row('openai:gpt-4o-mini', 5)).toMatchObject({ pass: null, error: expect.stringMatching(/expired before it ran/) });
    expect(row('openai:gpt-4o-mini', 7)).toMatchObject({ output: 'odd', pass: false, batched: true });
    expect(r.stderr).toMatch(/expired or cancelled: submitting them once more/);
    // Each expired line was submitted twice, in two batches, and nothing was counted as a pass or as $0.
    const times = new Map<string, number>();
    for (const id of server.batches().flatMap((b) => b.customIds)) times.set(id, (times.get(id) ?? 0) + 1);
    expect([...times.values()].filter((n) => n > 1)).toEqual([2, 2]); // example 5 of each model
    expect(row('openai:gpt-4o-mini', 5).costUsd).toBeNull();
    expect(synchronous()).toEqual([]);
  }, 60_000);

  it('a server without a batch API runs synchronously, said once', async () => {
    server.setOptions({ batch: false });
    const dir = await workdir({
      'task.yaml': task(4, 'settings: { batch: true, max_retries: 0 }').replace('settings: { concurrency: 4, max_retries: 0 }\n', ''),
    });
    const r = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/openai:gpt-4o: the server has no batch API/g)).toHaveLength(1);
    expect(r.stderr.match(/openai:gpt-4o-mini: the server has no batch API/g)).toHaveLength(1);
    const record = JSON.parse(r.stdout);
    expect(record.results.some((x: any) => x.batched)).toBe(false);
    expect(synchronous().length).toBeGreaterThan(8);
  }, 60_000);

  it('a key the batch API rejects stops the run with exit 3, naming the variable and no key', async () => {
    server.setOptions({ apiKey: 'the-right-key' });
    try {
      const dir = await workdir({ 'task.yaml': task(2) });
      const r = await runCli(['eval', 'task.yaml', '--batch'], { env, cwd: dir });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/authentication failed for openai:gpt-4o: the key in OPENAI_API_KEY was rejected/);
      expect(r.stderr + r.stdout).not.toContain('sk-test-wire');
    } finally {
      server.setOptions({ apiKey: undefined });
    }
  });

  it('a judge key rejected while the models ran alongside calibration keeps every paid output, ungraded, with its cost', async () => {
    // No batch API: calibration and the calls under test run at the same time; only the judge's key is wrong.
    server.setOptions({ batch: false, apiKey: 'sk-ant-test-wire' });
    try {
      const body = task(4)
        .replace('  - openai:gpt-4o-mini\n', '')
        .replace('  model: openai:gpt-4o', '  model: { type: openai, model: gpt-4o, api_key_env: JUDGE_KEY }');
      const dir = await workdir({ 'task.yaml': body });
      const r = await runCli(['eval', 'task.yaml', '--batch', '--json'], { env: { ...env, JUDGE_KEY: 'sk-wrong-judge' }, cwd: dir });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/the key in JUDGE_KEY was rejected/);
      const record = JSON.parse(r.stdout);
      const answered = server.requests.filter((q) => q.protocol === 'anthropic' && q.status === 200).length;
      const kept = record.results.filter((x: any) => x.output !== null);
      expect(kept.length).toBe(answered);
      for (const x of kept) {
        expect(x).toMatchObject({ pass: null, judge: null, error: expect.stringMatching(/^not graded: the run stopped before the judge was calibrated/) });
        expect(x.costUsd).toBeGreaterThan(0);
      }
    } finally {
      server.setOptions({ apiKey: undefined });
    }
  });

  it('--batch-wait without --batch is a usage error', async () => {
    const dir = await workdir({ 'task.yaml': task(2) });
    const r = await runCli(['eval', 'task.yaml', '--batch-wait', '0'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch-wait: only with --batch/);
  });
});

describe('--batch, interrupted', () => {
  it('Ctrl-C after submission exits 130 and leaves the batch running; the re-run attaches and finishes without a second batch for the same calls', async () => {
    server.setOptions({ batch: { polls: 1_000_000 } }); // never ends while the first run waits
    const dir = await workdir({ 'task.yaml': task(10) });
    const state = join(dir, '.aijourney/runs/batches.json');
    const child = spawn(process.execPath, [BIN, 'eval', 'task.yaml', '--batch'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    // Interrupted once its first batch is saved (and so running on the server).
    for (let i = 0; i < 400 && !(await readFile(state, 'utf8').catch(() => '')).includes('"id"'); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    const code = await exited;
    clearTimeout(killer);
    expect(code, stderr).toBe(130);
    const first = server.batches();
    expect(first.length).toBeGreaterThan(0);
    const left = /(\d+) batch(?:es)? left running \(([^)]*)\); run the same command again/.exec(stderr);
    expect(left?.[2]?.split(', ').sort()).toEqual(first.map((b) => b.id).sort());
    expect(first.every((b) => b.status === 'running')).toBe(true);
    expect(
      JSON.parse(await readFile(state, 'utf8'))
        .batches.map((b: any) => b.id)
        .sort(),
    ).toEqual(first.map((b) => b.id).sort());

    server.setOptions({ batch: { polls: 1 } });
    const again = await runCli(['eval', 'task.yaml', '--json', '--batch'], { env, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    for (const b of first) expect(again.stderr).toContain(`attached to batch ${b.id} submitted earlier`);
    const all = server.batches();
    const ids = all.flatMap((b) => b.customIds);
    expect(new Set(ids).size).toBe(ids.length); // no call in two batches
    expect(synchronous()).toEqual([]);
    expect(JSON.parse(again.stdout).results).toHaveLength(20);
  }, 60_000);
});

describe('--batch, reported', () => {
  it('the tables say which calls were batched, show batch turnaround for latency, and latency gates do not apply', async () => {
    const dir = await workdir({ 'task.yaml': task(6) });
    const r = await runCli(['eval', 'task.yaml', '--batch', '--max-p95-ms', '1', '-o', 'run.json', '-o', 'run.md'], { env, cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/every call went through a provider batch, priced at the batch rate/);
    expect(r.stdout).toMatch(/batch \d+ ms/);
    expect(r.stdout).toMatch(/does not apply: the calls were batched/);
    expect(await readFile(join(dir, 'run.md'), 'utf8')).toMatch(/\| batch \d+ ms \| - \|/);
    const record = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(record.summary[0]).toMatchObject({ batched: 6, latencyMs: { p50: null, p95: null, max: null } });
    expect(record.summary[0].batchTurnaroundMs.max).toBeGreaterThanOrEqual(0);
    expect(record.gates.checks.filter((c: any) => c.name === 'max-p95-ms')).toEqual([
      expect.objectContaining({ pass: true, why: { code: 'batched' } }),
      expect.objectContaining({ pass: true, why: { code: 'batched' } }),
    ]);
  }, 60_000);
});

describe('--dry-run --batch', () => {
  it('shows both the synchronous and the batch estimate, the batch one half of it, and calls nothing', async () => {
    const dir = await workdir({ 'task.yaml': task(6) });
    const text = await runCli(['eval', 'task.yaml', '--dry-run', '--batch'], { env, cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Estimated cost: \$[\d.]+ – \$[\d.]+\./);
    expect(text.stdout).toMatch(
      /With --batch \(the providers' batch rate, src\/cost\/batch\.ts\): \$[\d.]+ – \$[\d.]+; the line above is the synchronous price/,
    );
    const r = await runCli(['eval', 'task.yaml', '--dry-run', '--batch', '--json'], { env, cwd: dir });
    const plan = JSON.parse(r.stdout);
    expect(plan.batch.costUsd.low).toBeCloseTo(plan.costUsd.low / 2, 12);
    expect(plan.batch.costUsd.high).toBeCloseTo(plan.costUsd.high / 2, 12);
    expect(plan.batch.rows.map((x: any) => x.costUsd.high)).toEqual(plan.rows.map((x: any) => expect.closeTo(x.costUsd.high / 2, 12)));
    expect(server.requests).toEqual([]);
    const plain = JSON.parse((await runCli(['eval', 'task.yaml', '--dry-run', '--json'], { env, cwd: dir })).stdout);
    expect(plain.batch).toBeUndefined();
  });
});

describe('aijourney batch status', () => {
  it('lists the batches a run left running with their status at the provider, and none once collected', async () => {
    server.setOptions({ batch: { polls: 10 } }); // every retrieve, ours included, counts
    const dir = await workdir({ 'task.yaml': task(4) });
    const first = await runCli(['eval', 'task.yaml', '--batch', '--batch-wait', '0'], { env, cwd: dir });
    expect(first.code, first.stderr).toBe(4);
    const b = server.batches().find((x) => x.customIds.length === 8); // the judge's calibration
    expect(server.batches()).toHaveLength(3); // with each model's calls, in one wave
    const s = await runCli(['batch', 'status', 'task.yaml'], { env, cwd: dir });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(new RegExp(`${b!.id} · openai:gpt-4o · 8 requests of this run · submitted \\d+ s ago · in_progress: 0/8 done`));
    expect(s.stdout).toMatch(/anthropic:claude-haiku-4-5 · 4 requests of this run .* in_progress: 0\/4 done/);
    expect(s.stdout).toMatch(/Run the same `aijourney eval \.\.\. --batch` again/);
    const json = JSON.parse((await runCli(['batch', 'status', 'task.yaml', '--json'], { env, cwd: dir })).stdout);
    expect(json.batches).toContainEqual(expect.objectContaining({ id: b!.id, state: 'known', status: expect.objectContaining({ ended: false, total: 8 }) }));
    server.setOptions({ batch: { polls: 1 } });
    expect((await runCli(['eval', 'task.yaml', '--batch'], { env, cwd: dir })).code).toBe(0);
    expect((await runCli(['batch', 'status', 'task.yaml'], { env, cwd: dir })).stdout).toMatch(/^No batches waiting/);
    expect(synchronous()).toEqual([]);
  }, 60_000);
});
