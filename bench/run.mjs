#!/usr/bin/env node
// `npm run bench`: speed and memory of the built CLI, run as child processes against the local
// wire server (started here, in this process, so its work is not counted as aijourney's).
// Prints each figure with its target and ratio (value / target: under 1 meets it) and the core count.
// Options: --only NAME[,NAME] runs some scenarios (startup, plain, judge, errors, big, warm, scale);
// --sizes N[,N] the scale rows' example counts.
// AIJOURNEY_BENCH_BIN=path measures another build (e.g. the main checkout's, for before/after figures).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startWireServer } from '../tests/server/wire-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = process.env.AIJOURNEY_BENCH_BIN ?? join(ROOT, 'bin/aijourney.js');
const USAGE = join(ROOT, 'bench/usage.cjs');
const CORES = os.availableParallelism?.() ?? os.cpus().length;
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? new Set(process.argv[i + 1].split(',')) : null;
})();
const wanted = (name) => !only || only.has(name);
/** --sizes N[,N]: the scale rows' example counts (default 1000,10000,50000). */
const sizes = (() => {
  const i = process.argv.indexOf('--sizes');
  return i > 0 ? process.argv[i + 1].split(',').map(Number) : [1000, 10_000, 50_000];
})();

const MiB = 1024;
const rows = [];
const tmp = await mkdtemp(join(os.tmpdir(), 'aijourney-bench-'));

function report(name, value, unit, target, note = '') {
  const ratio = value / target;
  rows.push({ name, value, unit, target, ratio, note });
  const fmt = (v) => (Math.abs(v) < 10 ? v.toFixed(3) : unit === 'MiB' ? v.toFixed(1) : v.toFixed(0));
  const verdict = ratio <= 1 ? 'ok' : 'OVER';
  console.log(
    `  ${name.padEnd(58)} ${`${fmt(value)} ${unit}`.padStart(12)}  target ${`${fmt(target)} ${unit}`.padEnd(12)} ratio ${ratio.toFixed(2)} ${verdict}${note ? `  (${note})` : ''}`,
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the CLI once; wall time from spawn to exit, plus its own peak RSS and CPU (from the preload). */
async function runCli(args, { env = {}, cwd = tmp, preload = true } = {}) {
  const usageFile = join(tmp, `usage-${process.hrtime.bigint()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [...(preload ? ['-r', USAGE] : []), BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', AIJOURNEY_BENCH_USAGE: usageFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((done) => child.on('close', (c) => done(c)));
  const wallMs = performance.now() - started;
  const first = server.requests[0]?.receivedAt;
  const firstRequestMs = first === undefined ? NaN : first - started;
  const usage = preload && existsSync(usageFile) ? JSON.parse(await readFile(usageFile, 'utf8')) : null;
  return { code, stdout, stderr, wallMs, firstRequestMs, usage };
}

/**
 * Runs the CLI under `/usr/bin/time -v` (peak RSS and CPU as the kernel counts them, the way the
 * issue checks them); wall from spawn to exit and time to the first request (from the server's log).
 */
async function runTimed(args, { env: extra = {}, cwd = tmp } = {}) {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((done) => child.on('close', (c) => done(c)));
  const wallMs = performance.now() - started;
  const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
  const first = server.requests[0]?.receivedAt;
  return {
    code,
    stderr,
    wallMs,
    maxRssKb: field('Maximum resident set size \\(kbytes\\)'),
    cpuMs: (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000,
    firstRequestMs: first === undefined ? NaN : first - started,
  };
}

/** Every generated task's `settings.max_retries`. */
const MAX_RETRIES = 3;

/** A task file with `examples` inline examples; the wire server echoes, so `equals` passes. */
function taskYaml({ name, examples, providers, judge = false, repeat = 1, file = null }) {
  const lines = [`name: ${name}`, 'prompts:', '  - id: p', '    user: "Say {{word}}"', 'providers:', ...providers.map((p) => `  - ${p}`)];
  if (file) lines.push(`examples: { file: ${file} }`);
  else lines.push('examples:');
  for (let i = 0; i < (file ? 0 : examples); i++) lines.push(`  - vars: { word: w${i} }`, `    expected: "echo: Say w${i}"`);
  if (judge) lines.push('judge:', '  model: openai:gpt-4o-mini', '  rubric: Pass if the reply echoes the request.');
  else lines.push('checks:', '  - type: equals');
  lines.push(`settings: { repeat: ${repeat}, max_retries: ${MAX_RETRIES} }`);
  return `${lines.join('\n')}\n`;
}

async function latestRecord(dir) {
  const runs = join(dir, 'runs');
  const files = (await readdir(runs)).filter((f) => f !== 'batches.json').sort();
  return JSON.parse(await readFile(join(runs, files.at(-1)), 'utf8'));
}

const server = await startWireServer({
  defaultReply: (req) => (req.system.includes('impartial grader') ? '{"verdict":"pass","reason":"echoes"}' : `echo: ${req.lastUser}`),
});
const env = { OPENAI_BASE_URL: server.openaiBaseUrl, ANTHROPIC_BASE_URL: server.anthropicBaseUrl, OPENAI_API_KEY: 'bench-key', ANTHROPIC_API_KEY: 'bench-key' };

/** One eval of a generated task in its own directory (own cache and runs); returns timings and the record. */
async function evalRun(label, task, flags, { latencyMs, faults = null, dir, env: extra = {} } = {}) {
  dir ??= await mkdtemp(join(tmp, `${label}-`));
  await writeFile(join(dir, 'task.yaml'), task);
  server.setOptions({ latencyMs, faults: faults ?? { rate: 0, kinds: [] } });
  server.reset();
  const res = await runCli(['eval', 'task.yaml', '--no-color', '--runs-dir', 'runs', '--cache-dir', 'cache', ...flags], {
    env: { ...env, ...extra },
    cwd: dir,
  });
  if (res.code !== 0) throw new Error(`${label}: exit ${res.code}\n${res.stderr.slice(0, 2000)}`);
  const record = await latestRecord(dir);
  const errors = record.results.filter((r) => r.pass === null).length;
  return { ...res, record, errors, requests: server.stats().total, dir };
}

console.log(`aijourney bench: ${CORES} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);

if (wanted('startup')) {
  console.log('\nStart-up (median of 15 runs; peak RSS the largest of 5)');
  for (const flag of ['--version', '--help']) {
    const walls = [];
    for (let i = 0; i < 15; i++) walls.push((await runCli([flag], { preload: false })).wallMs);
    const rss = [];
    for (let i = 0; i < 5; i++) rss.push((await runCli([flag])).usage.maxRssKb);
    report(`${flag} wall`, median(walls), 'ms', 150);
    report(`${flag} peak RSS`, Math.max(...rss) / MiB, 'MiB', 70);
  }
}

const LAT = 200;
const ideal = (calls, conc, latency = LAT) => Math.ceil(calls / conc) * latency;

if (wanted('plain')) {
  console.log(`\n200 examples x 1 provider, ${LAT} ms server latency (wall from spawn to exit, start-up included)`);
  for (const conc of [4, 16]) {
    const r = await evalRun(`plain-j${conc}`, taskYaml({ name: 'plain', examples: 200, providers: ['openai:gpt-4o-mini'] }), ['-j', String(conc)], {
      latencyMs: LAT,
    });
    const best = ideal(200, conc);
    report(`-j ${conc}: wall / ideal ${best} ms`, r.wallMs / best, 'x', 1.15, `${Math.round(r.wallMs)} ms, ${r.requests} requests, ${r.errors} errors`);
    if (conc === 16) report('-j 16: time to first request (server log)', r.firstRequestMs, 'ms', 500);
  }
}

if (wanted('judge')) {
  console.log(`\nThe same with the judge on (two calls per example)`);
  for (const conc of [4, 16]) {
    const r = await evalRun(
      `judge-j${conc}`,
      taskYaml({ name: 'judged', examples: 200, providers: ['openai:gpt-4o-mini'], judge: true }),
      ['-j', String(conc)],
      { latencyMs: LAT },
    );
    const best = ideal(400, conc);
    report(`-j ${conc}: wall / ideal ${best} ms`, r.wallMs / best, 'x', 1.15, `${Math.round(r.wallMs)} ms, ${r.requests} requests, ${r.errors} errors`);
  }
}

if (wanted('errors')) {
  // A call fails only if its request and all 3 retries are faulted: 0.2^4 = 0.16% a call, 0.32 error
  // rows expected in 200 (a run with one happens about one time in four). The target is the 99.5%
  // bound of that count (Poisson, mean 0.32): more error rows than 2 means the retries are not doing
  // what they promise.
  const perCall = 0.2 ** (MAX_RETRIES + 1);
  console.log(`\n20% injected 429/500 (retry-after 1 ms), -j 4, ${MAX_RETRIES} retries: error rows within what the retries promise`);
  const r = await evalRun('errors', taskYaml({ name: 'faulty', examples: 200, providers: ['openai:gpt-4o-mini'] }), ['-j', '4'], {
    latencyMs: LAT,
    faults: { rate: 0.2, kinds: ['429', '500'], seed: 7 },
  });
  const best = ideal(200, 4);
  const passed = r.record.results.filter((x) => x.pass === true).length;
  report(
    `wall / error-free ideal ${best} ms`,
    r.wallMs / best,
    'x',
    1.6,
    `${Math.round(r.wallMs)} ms, ${r.requests} requests, ${server.stats().faults} faults`,
  );
  report('error rows (of 200)', r.errors, 'rows', 2, `${passed} passed; ${(200 * perCall).toFixed(2)} expected from ${(perCall * 100).toFixed(2)}% a call`);
}

if (wanted('big')) {
  console.log('\n10,000 calls: 2,000 examples x 5 providers, latency 0, -j 16');
  const providers = ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:gpt-4.1-mini', 'anthropic:claude-haiku-4-5', 'anthropic:claude-sonnet-4-6'];
  const task = taskYaml({ name: 'big', examples: 2000, providers });
  // Its estimate's high end (1024 output tokens a call at gpt-4o and sonnet prices) is over the $10 default ceiling.
  const cold = await evalRun('big', task, ['-j', '16', '--yes'], { latencyMs: 0 });
  const calls = cold.record.results.length;
  if (calls !== 10_000 || cold.errors) throw new Error(`big: ${calls} results, ${cold.errors} errors`);
  const cpuMs = cold.usage.userMs + cold.usage.systemMs;
  report('peak RSS', cold.usage.maxRssKb / MiB, 'MiB', 250, `wall ${Math.round(cold.wallMs)} ms`);
  // 1.0 ms (issue 16) with the SDKs over undici's fetch, the standard transport of issue 10.
  report('CPU (user+sys) per call', cpuMs / calls, 'ms', 1.0, `${Math.round(cpuMs)} ms for ${calls} calls`);
  const warm = await evalRun('big', task, ['-j', '16', '--yes'], { latencyMs: 0, dir: cold.dir });
  if (warm.requests !== 0) throw new Error(`big warm: ${warm.requests} requests`);
  report(
    'warm re-run of 10,000 cached calls, wall per 1,000',
    (warm.wallMs / calls) * 1000,
    'ms',
    2000,
    `${Math.round(warm.wallMs)} ms in all, peak ${(warm.usage.maxRssKb / MiB).toFixed(0)} MiB`,
  );
}

if (wanted('batch')) {
  console.log('\n10,000 calls through the batch APIs (--batch): 2,000 examples x 5 providers, against the same run synchronously (-j 16)');
  const providers = ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:gpt-4.1-mini', 'anthropic:claude-haiku-4-5', 'anthropic:claude-sonnet-4-6'];
  const task = taskYaml({ name: 'batch', examples: 2000, providers });
  const sync = await evalRun('batch-sync', task, ['-j', '16', '--yes'], { latencyMs: 0 });
  const batched = await evalRun('batch', task, ['--batch', '--yes'], { latencyMs: 0, env: { AIJOURNEY_BATCH_POLL_MS: '5' } });
  const calls = batched.record.results.length;
  if (calls !== 10_000 || batched.errors || batched.requests !== 0)
    throw new Error(`batch: ${calls} results, ${batched.errors} errors, ${batched.requests} synchronous requests`);
  const cost = (r) => r.record.costUsd.total;
  const cpu = (r) => r.usage.userMs + r.usage.systemMs;
  report('batched cost / synchronous cost', cost(batched) / cost(sync), 'x', 0.5, `$${cost(batched).toFixed(4)} vs $${cost(sync).toFixed(4)}`);
  report(
    'CPU (user+sys) per batched call',
    cpu(batched) / calls,
    'ms',
    1.5,
    `synchronous: ${(cpu(sync) / calls).toFixed(3)} ms; ${server.stats().batchLines} batch lines`,
  );
  report(
    'peak RSS, batched',
    batched.usage.maxRssKb / MiB,
    'MiB',
    250,
    `wall ${Math.round(batched.wallMs)} ms; synchronous: ${(sync.usage.maxRssKb / MiB).toFixed(0)} MiB, ${Math.round(sync.wallMs)} ms`,
  );
}

if (wanted('warm')) {
  console.log(`\nWarm cache: 1,000 calls (200 examples x 5 providers, ${LAT} ms latency cold), re-run`);
  const providers = ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:gpt-4.1-mini', 'anthropic:claude-haiku-4-5', 'anthropic:claude-sonnet-4-6'];
  const task = taskYaml({ name: 'warm', examples: 200, providers });
  const cold = await evalRun('warm', task, ['-j', '16'], { latencyMs: LAT });
  const warm = await evalRun('warm', task, ['-j', '16'], { latencyMs: LAT, dir: cold.dir });
  if (warm.requests !== 0 || warm.record.results.some((r) => !r.cached)) throw new Error('warm: not all replayed from the cache');
  report('warm re-run, 1,000 cached calls, wall', warm.wallMs, 'ms', 2000, `cold ${Math.round(cold.wallMs)} ms, ideal ${ideal(1000, 16)} ms`);
}

if (wanted('scale')) {
  // Targets: the issue's (time to first request under 1.0 s at 10,000 inline examples, peak RSS under
  // 200 MiB at 10,000 and 500 MiB at 50,000, CPU at most 1.0 ms a call); 1,000 gets the 10,000 ones,
  // 50,000 a first request under 2.5 s (ours, by proportion); wall: that first-request target plus 1 ms a call.
  console.log('\nScale: N examples x 1 provider, latency 0, -j 16, inline and from JSONL (peak RSS and CPU from /usr/bin/time -v)');
  const targets = { 1000: { first: 1000, rss: 200 }, 10000: { first: 1000, rss: 200 }, 50000: { first: 2500, rss: 500 } };
  // What loading keeps alive: the heap a loaded task holds after a full GC (nothing of the parse, the
  // Document or the events should be in it), in a child with --expose-gc, for the largest size inline.
  {
    const n = Math.max(...sizes);
    const file = join(tmp, `retain-${n}.yaml`);
    await writeFile(file, taskYaml({ name: 'retain', examples: n, providers: ['openai:gpt-4o-mini'] }));
    const loader = pathToFileURL(join(dirname(dirname(BIN)), 'dist/task/load.js')).href;
    const probe = `const { loadTask } = await import(${JSON.stringify(loader)});
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const before = heap(); const task = await loadTask(${JSON.stringify(file)}); const kept = heap() - before;
      if (task.examples.length !== ${n}) throw new Error('wrong task');
      console.log(JSON.stringify({ kept }));`;
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((done) => child.on('close', done));
    const { kept } = JSON.parse(out);
    const size = (await readFile(file)).length;
    report(
      `${n.toLocaleString('en-US')} inline: heap a loaded task keeps (after GC)`,
      kept / MiB / MiB,
      'MiB',
      (n * 1024) / MiB / MiB,
      `file ${(size / MiB / MiB).toFixed(1)} MiB; target ours, 1 KiB an example`,
    );
  }
  for (const n of sizes) {
    for (const from of ['inline', 'jsonl']) {
      const dir = await mkdtemp(join(tmp, `scale-${n}-${from}-`));
      if (from === 'jsonl') {
        const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ word: `w${i}`, expected: `echo: Say w${i}` }));
        await writeFile(join(dir, 'data.jsonl'), `${rows.join('\n')}\n`);
      }
      await writeFile(
        join(dir, 'task.yaml'),
        taskYaml({ name: 'scale', examples: n, providers: ['openai:gpt-4o-mini'], file: from === 'jsonl' ? 'data.jsonl' : null }),
      );
      server.setOptions({ latencyMs: 0, faults: { rate: 0, kinds: [] } });
      server.reset();
      const r = await runTimed(['eval', 'task.yaml', '--no-color', '--runs-dir', 'runs', '--cache-dir', 'cache', '-j', '16', '--yes'], { env, cwd: dir });
      if (r.code !== 0) throw new Error(`scale ${n} ${from}: exit ${r.code}\n${r.stderr.slice(-2000)}`);
      if (server.stats().total !== n) throw new Error(`scale ${n} ${from}: ${server.stats().total} requests`);
      const t = targets[n] ?? { first: 1000, rss: 200 };
      const label = `${n.toLocaleString('en-US')} ${from}`;
      report(`${label}: wall`, r.wallMs, 'ms', t.first + n, `target = first-request target + 1 ms a call`);
      report(`${label}: CPU (user+sys) per call`, r.cpuMs / n, 'ms', 1.0, `${Math.round(r.cpuMs)} ms in all`);
      report(`${label}: peak RSS`, r.maxRssKb / MiB, 'MiB', t.rss);
      report(`${label}: time to first request`, r.firstRequestMs, 'ms', t.first);
      await rm(dir, { recursive: true, force: true });
    }
  }
}

await server.close();
await rm(tmp, { recursive: true, force: true });
const over = rows.filter((r) => r.ratio > 1);
console.log(`\n${rows.length} figures, ${over.length} over target${over.length ? `: ${over.map((r) => r.name).join('; ')}` : ''}. Cores: ${CORES}.`);
