import { setMaxListeners } from 'node:events';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { SqliteCache } from '../run/cache.js';
import { write, type Io } from '../io.js';
import { EXIT, RunError, UsageError } from '../errors.js';
import { evaluate } from '../run/evaluate.js';
import { defaultRecordPath, recordJson, writeRecord } from '../record/io.js';
import type { RunRecord } from '../record/schema.js';
import { checkWritable, writeErrorReason } from '../record/files.js';
import { appendStepSummary, checkOutputs, validateOutputPath, writeOutputs } from '../render/outputs.js';
import { renderRun } from '../render/terminal.js';
import { displayText } from '../render/terminal-text.js';
import { taskSecrets } from '../providers/secrets.js';
import { createTransport, useUndiciGlobals } from '../providers/transport.js';
import { loadTask } from '../task/load.js';
import { applyCi, ciExitCode, ciOptions, preflight, tooManyErrors, type CiFlags } from './eval-ci.js';
import { startProgress } from './progress.js';
import type { BatchSettings } from '../run/batch.js';
import { batchNotes } from '../render/batch.js';

/** The flags of `eval`, as parsed by commander (commands/options.ts). */
export interface EvalFlags extends CiFlags {
  concurrency?: number;
  output?: string[];
  json?: boolean;
  runsDir: string;
  seed: number;
  color: boolean;
  /** Run only the first N examples. */
  limit?: number;
  /** Run N examples drawn at random (seeded by --seed). */
  sample?: number;
  /** Calls per day: adds a projected monthly cost column. */
  volume?: number;
  /** False with --no-cache: neither read nor write the response cache. */
  cache?: boolean;
  /** Response cache directory (relative to the cwd). */
  cacheDir?: string;
  /** Send the calls through the providers' batch APIs (also `settings.batch`). */
  batch?: boolean;
  /** Seconds to wait for batches to end; 0 submits and exits (EXIT.batchPending). */
  batchWait?: number;
}

/** How long calls in flight may finish after Ctrl-C before they are cancelled. */
const GRACE_MS = 3000;

/** The response cache, unless --no-cache; better-sqlite3 is loaded only here. Never fails the run. */
async function openCache(flags: EvalFlags, io: Io): Promise<SqliteCache | null> {
  if (flags.cache === false) return null;
  const { openSqliteCache, DEFAULT_CACHE_DIR } = await import('../run/cache.js');
  const dir = resolve(io.cwd, flags.cacheDir ?? DEFAULT_CACHE_DIR);
  return openSqliteCache(dir, { warn: (message) => void io.stderr.write(`aijourney: warning: ${message}\n`) });
}

/** Where batches are saved, how long to wait; AIJOURNEY_BATCH_POLL_MS sets the first poll interval (tests, impatient users). */
async function batchSettings(runsDir: string, flags: EvalFlags, io: Io): Promise<BatchSettings> {
  const { fileBatchStore } = await import('./batch-store.js');
  const poll = Number(io.env.AIJOURNEY_BATCH_POLL_MS);
  return {
    store: fileBatchStore(runsDir),
    ...(flags.batchWait === undefined ? {} : { waitMs: flags.batchWait * 1000 }),
    ...(Number.isFinite(poll) && poll > 0 ? { pollMs: poll, maxPollMs: Math.max(poll, 1000) } : {}),
  };
}

export async function runEvalCommand(file: string, flags: EvalFlags, io: Io): Promise<number> {
  // When collecting is cheap, V8 lets the old generation grow to ~4x what survived the last full GC
  // before the next. An eval's garbage is per call and dies young but not young enough (replies in
  // flight), so that factor made peak memory grow far faster than the work (50,000 calls: 668 MiB);
  // 1.6x keeps it in proportion (424 MiB; 2x: 470) at no CPU cost we could measure (bench/RESULTS.md).
  // Set here, not in bin/: importing node:v8 there cost every command ~30 ms of start-up.
  setFlagsFromString('--heap-growing-percent=60');
  useUndiciGlobals();
  const { concurrency, seed, limit, sample, volume } = flags;
  const outputs = flags.output ?? [];
  for (const out of outputs) validateOutputPath(out);
  const runsDir = resolve(io.cwd, flags.runsDir);
  const notes: string[] = [];
  const task = await loadTask(file, { cwd: io.cwd, env: io.env, onNote: (line) => notes.push(line) });
  io.secrets?.add(taskSecrets(task, io.env));
  for (const line of notes) await write(io.stderr, `aijourney: ${line}\n`);
  const color = flags.color && !io.env.NO_COLOR && Boolean(io.stdout.isTTY);
  const ci = await ciOptions(task, flags, io);
  const select = limit !== undefined || sample !== undefined ? { limit, sample, seed } : undefined;
  const early = await preflight(task, ci, select, io, color, flags.json === true);
  if (early !== null) return early;
  // Before the first call: a run whose results could not be saved is not started.
  await checkOutputs(outputs, io.cwd);
  await checkWritable(join(runsDir, 'run.json')).catch((err: unknown) => {
    throw new UsageError(`--runs-dir ${flags.runsDir}: cannot be written: ${writeErrorReason(err)}`);
  });
  if (task.checks.length === 0 && !task.judge && !flags.json) {
    await write(io.stderr, 'aijourney: note: the task has no checks and no judge, so every answered call counts as passed\n');
  }
  const progress = flags.json ? null : startProgress(io, task.name);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every call in flight listens to it
  let interrupted: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return controller.abort(); // a second Ctrl-C: stop waiting
    interrupted = signal;
    progress?.note(`${signal}: finishing calls in flight (up to ${GRACE_MS / 1000} s), then saving what is done`);
    setTimeout(() => controller.abort(), GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const batched = flags.batch === true || task.settings.batch;
  if (flags.batchWait !== undefined && !batched) throw new UsageError('--batch-wait: only with --batch (or settings.batch: true)');
  const batch = batched ? await batchSettings(runsDir, flags, io) : undefined;
  const cache = await openCache(flags, io);
  // Never closed: the process exits when the command returns, and the system closes its
  // connections. Closed here, undici would make an error object per connection and format its
  // stack, ~3 ms with nothing to show for it; idle connections do not keep the process alive.
  const transport = createTransport(io.env);
  let record: RunRecord;
  let failure: RunError | null = null;
  try {
    record = await evaluate(task, {
      ...(cache ? { cache } : {}),
      env: io.env,
      fetch: transport.fetch,
      concurrency,
      seed,
      ...(select ? { select } : {}),
      // The recommendation's bar: --min-quality when given, else the task's (evaluate's default).
      ...(flags.minQuality !== undefined ? { minQuality: ci.gates.minQuality } : {}),
      ...(flags.confidence !== undefined ? { confidence: ci.gates.confidence } : {}),
      signal: controller.signal,
      ...(ci.shard ? { shard: ci.shard } : {}),
      interrupted: () => interrupted,
      ...(ci.budget !== undefined ? { maxCostUsd: ci.budget } : {}),
      warn: (message) => (progress ? progress.note(`aijourney: warning: ${message}`) : void io.stderr.write(`aijourney: warning: ${message}\n`)),
      onProgress: (p) => progress?.update(p),
      ...(batch
        ? {
            batch,
            onBatch: batchNotes(
              (line) => (progress ? progress.note(`aijourney: ${line}`) : void io.stderr.write(`aijourney: ${line}\n`)),
              progress?.tty === true,
            ),
          }
        : {}),
      // SDK debug logs (OPENAI_LOG=debug) go to stderr, so --json stays JSON.
      log: (line) => void io.stderr.write(`${line}\n`),
    });
  } catch (err) {
    if (!(err instanceof RunError) || !err.partial) throw err;
    failure = err;
    record = err.partial as RunRecord;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress?.stop();
    cache?.close();
  }

  applyCi(record, ci);
  // Paid for: every file is attempted, and the tables print whatever the disk says.
  const saved = defaultRecordPath(runsDir, record);
  const unsaved: string[] = await writeRecord(saved, record).then(
    () => [],
    (err: unknown) => [`${saved}: ${writeErrorReason(err)}`],
  );
  unsaved.push(...(await writeOutputs(record, outputs, io.cwd)));
  if (io.env.GITHUB_STEP_SUMMARY)
    await appendStepSummary(record, resolve(io.cwd, io.env.GITHUB_STEP_SUMMARY), (m) => void io.stderr.write(`aijourney: warning: ${m}\n`));

  const where = unsaved.some((u) => u.startsWith(`${saved}: `)) ? 'not saved (see below)' : displayText(saved);
  if (flags.json) for (const chunk of recordJson(record)) await write(io.stdout, chunk);
  else await write(io.stdout, `${renderRun(record, { color, ...(volume === undefined ? {} : { volumePerDay: volume }) })}\nRun record: ${where}\n`);
  if (unsaved.length > 0) await write(io.stderr, unsaved.map((u) => `aijourney: could not write ${displayText(u)}\n`).join(''));

  if (failure) throw failure;
  if (interrupted) return EXIT.interrupted;
  if (record.stopReason?.kind === 'batch-pending') return EXIT.batchPending;
  if (unsaved.length > 0) {
    throw new RunError(
      `the run finished but ${unsaved.length === 1 ? 'a file' : `${unsaved.length} files`} could not be written (above)`,
      'the tables printed are the only copy: free some space or choose another place with --runs-dir or -o',
    );
  }
  const errors = tooManyErrors(record, ci.gates);
  if (errors) throw new RunError(errors, 'check the provider, its base URL and the model name; gates.max_error_rate sets how many errors a run may have');
  return ciExitCode(record);
}
