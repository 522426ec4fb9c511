/**
 * The whole flow for one task, as a short chain of named steps: plan the calls, connect the clients,
 * calibrate the judge, execute the plan, assemble the record. Every input comes through
 * EvalOptions (env, clock, clients, cache, signal, seed): nothing here reads the process.
 */
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import type * as Prices from '../cost/prices.js';
import { RunError, type ProviderError } from '../errors.js';
import { calibrate, toFewShot, type Calibration } from '../judge/calibrate.js';
import { labeledItems } from '../judge/labeled.js';
import { rankLabels } from '../judge/label-next.js';
import { createBudget } from '../plan/budget.js';
import { planRun, type ExampleSelection } from '../plan/select.js';
import { exampleFingerprint, planInfo } from '../plan/shard.js';
import { createClient as defaultCreateClient } from '../providers/registry.js';
import { Scrubber, taskSecrets } from '../providers/secrets.js';
import { createTransport } from '../providers/transport.js';
import type { ClientOptions, ModelClient, SdkLogger } from '../providers/types.js';
import { assembleRecord, judgeRecord, providerInfo, recordInputs } from '../record/assemble.js';
import type { CallResult, JudgeRecord, PairwiseResult, ProviderInfo, RunRecord, Shard, StopReason } from '../record/schema.js';
import { comparePrompts } from '../judge/compare.js';
import { biasProbes, probeInputOf } from '../judge/bias.js';
import { prepareChecks } from '../score/checks.js';
import type { ScorerConfig } from './score.js';
import { decisionSettings } from '../summary/decide.js';
import type { Confidence, ProviderSpec, Task } from '../task/types.js';
import { loadPrices, type CallContext, type ResponseCache } from './call.js';
import { executePlan, type Progress } from './execute.js';
import { requireKeys } from './keys.js';
import { createLimiter } from './limiter.js';
import { addCost } from '../cost/sum.js';
import { createBatcher, type BatchEvent, type BatchSettings } from './batch.js';

export interface EvalOptions {
  /** Environment to read keys and base URLs from (never process.env behind the caller's back). */
  env: Record<string, string | undefined>;
  /** Overrides `settings.concurrency`. */
  concurrency?: number;
  cache?: ResponseCache;
  /** Aborting cancels the calls in flight. */
  signal?: AbortSignal;
  /** The signal's name once the user asked to stop (Ctrl-C): no new request starts, calls in flight finish. */
  interrupted?: () => string | null;
  /** The budget: no new request starts once this much is spent (USD). */
  maxCostUsd?: number;
  onProgress?: (progress: Progress) => void;
  /** Injectable for tests. */
  createClient?: (spec: ProviderSpec, options: ClientOptions) => Promise<ModelClient>;
  /** The fetch the SDKs use. @default undici with the proxies of `env` (src/providers/transport.ts), closed when the run ends */
  fetch?: typeof fetch;
  /** Told once per distinct message what an SDK would otherwise print on every call. */
  warn?: (message: string) => void;
  /** Where the SDKs' log lines go (OPENAI_LOG / ANTHROPIC_LOG), secrets masked. @default the SDKs' own (console) */
  log?: (line: string) => void;
  now?: () => number;
  clock?: () => Date;
  /** Seed of the corrected-quality Monte Carlo. @default 1 */
  seed?: number;
  /** Run only some of the task's examples (`--limit`, `--sample`); calibration still uses every label. */
  select?: ExampleSelection;
  /** Run one shard of the calls (`--shard K/N`): whole examples, round-robin by index (plan/shard.ts). */
  shard?: Shard;
  /** Quality threshold of decisions when the command line sets one (else the task's gates, else 0.8). */
  minQuality?: number;
  /** How quality is decided when the command line says (else the task's gates, else 'estimate'). */
  confidence?: Confidence;
  /** Send the calls through the providers' batch APIs (`--batch`, `settings.batch`), resumably (run/batch.ts). */
  batch?: BatchSettings;
  /** Told what happens to batches (submitted, attached, progress, ended, left running). */
  onBatch?: (event: BatchEvent) => void;
}

/**
 * Runs one task and returns its run record, complete or not; throws RunError when a key is rejected
 * (the partial record rides on the error).
 */
export async function evaluate(task: Task, options: EvalOptions): Promise<RunRecord> {
  if (options.fetch) return evaluateWith(task, options, options.fetch);
  const transport = createTransport(options.env, options.now);
  try {
    return await evaluateWith(task, options, transport.fetch);
  } finally {
    await transport.close();
  }
}

async function evaluateWith(task: Task, options: EvalOptions, fetch: typeof globalThis.fetch): Promise<RunRecord> {
  const now = options.now ?? (() => performance.now());
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  const plan = planRun(task, options.select, options.shard);
  // Every configured secret is masked in replies, error messages, logs and the record itself.
  const secrets = new Scrubber(taskSecrets(task, options.env));
  // Script checks are imported before any call (validation has, so Node hands back the same module).
  const checks = await prepareChecks(task.checks);
  const connected = await connect(task, options, fetch, now, secrets);
  const { roles, prices } = connected;
  const items = labeledItems(task);
  requireKeys(plan.runTask, plan.calls, items, connected.clients, options.cache);
  const concurrency = options.concurrency ?? task.settings.concurrency;
  const batcher = options.batch
    ? await createBatcher(options.batch, {
        clock: () => clock().getTime(),
        concurrency,
        ...(options.interrupted ? { interrupted: options.interrupted } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onBatch ? { onEvent: options.onBatch } : {}),
      })
    : null;
  const clients = batcher ? new Map([...connected.clients].map(([id, c]) => [id, batcher.wrap(c)])) : connected.clients;

  const budget = createBudget(options.maxCostUsd);
  const ctx: CallContext = {
    cache: options.cache,
    now,
    signal: options.signal,
    onSpend: (usd) => budget.spend(usd),
    stop: () => {
      const signal = options.signal?.aborted ? 'abort' : options.interrupted?.();
      return signal ? { kind: 'interrupted', signal: signal === 'abort' ? null : signal } : budget.exceeded();
    },
    secrets,
    ...(options.cache ? { inflight: new Map() } : {}),
  };
  // Batched, every call of a wave is asked at once (a provider without a batch API keeps its own limit, run/batch.ts).
  const limit = createLimiter(batcher ? Number.MAX_SAFE_INTEGER : concurrency);

  // Calibrate: stopped early (a rejected judge key, Ctrl-C, the budget), it still reports the calls
  // that finished, with their cost; no model under test is then called. Batched, the models' calls
  // go in the same wave as calibration (they do not depend on it) and only their scoring waits.
  let calibration = null as Calibration | null;
  let judgeCost: number | null = 0;
  let stopped = null as StopReason | null;
  let fatal = null as ProviderError | null;
  const scorer: ScorerConfig = { checks };
  let calibrated: Promise<void> | undefined;
  if (task.judge) {
    const judge = task.judge;
    calibrated = calibrate(judge, clients, items, ctx, limit).then((c) => {
      calibration = c;
      for (const cand of c.candidates) judgeCost = addCost(judgeCost, cand.costUsd);
      fatal = c.stopped?.fatal ?? null;
      stopped = fatal ? { kind: 'fatal', message: fatal.message } : (c.stopped?.reason ?? null);
      if (!stopped) {
        scorer.judge = {
          clientOf: (candidate) => clients.get(candidate.provider.id)!,
          grader: c.selected,
          fewShot: c.items.map(toFewShot),
          samples: judge.samples,
        };
      }
    });
    if (!batcher) await calibrated;
  }

  // Execute: every planned call under the shared limit, scored as it lands.
  const splits = new Set<CallResult>();
  // What grading each output cost, added up in plan order below: the same total however the calls finished.
  const gradingCost = new Map<CallResult, number | null>();
  let done = 0;
  let errors = 0;
  const outcome = await executePlan(stopped ? [] : plan.calls, {
    clients,
    scorer,
    limit,
    ctx,
    ...(batcher && calibrated ? { beforeScoring: () => calibrated.then(() => stopped) } : {}),
    onResult: (result, extra) => {
      done++;
      if (result.pass === null) errors++;
      if (extra.judgeSplit) splits.add(result);
      if (extra.judged) gradingCost.set(result, extra.judgeCostUsd);
      options.onProgress?.({ done, total: plan.calls.length, errors, spentUsd: budget.spentUsd });
    },
  });
  if (calibrated) await calibrated; // batched, calibration may outlast every call (all errors)
  fatal ??= outcome.fatal;
  const results = outcome.results.filter((r): r is CallResult => r !== undefined);
  for (const result of results) if (gradingCost.has(result)) judgeCost = addCost(judgeCost, gradingCost.get(result)!);
  if (batcher) {
    await batcher.saved();
    if (batcher.pending.length > 0) options.onBatch?.({ kind: 'left-running', ids: batcher.pending, reason: options.interrupted?.() ? 'interrupted' : 'wait' });
  }
  const stoppedBy = stopped ?? (fatal ? { kind: 'fatal', message: fatal.message } : outcome.stoppedBy) ?? { kind: 'interrupted', signal: null };

  // Compare: with `judge.mode: pairwise`, each prompt variant against the first, in both orders.
  let pairwise: PairwiseResult[] | undefined;
  if (task.judge?.mode === 'pairwise' && calibration && !stopped && !fatal && !outcome.stoppedBy) {
    const compared = await comparePrompts(plan.runTask, plan.calls, results, calibration, clients, ctx, limit);
    pairwise = compared.comparisons;
    judgeCost = addCost(judgeCost, compared.costUsd);
  }

  // Assemble: summary, decisions, recommendation, costs; every secret masked.
  const fingerprints = new Map(task.examples.map((e) => [e.index, exampleFingerprint(e)]));
  const record = secrets.deep(
    assembleRecord({
      task: { name: task.name, file: task.file },
      startedAt,
      finishedAt: clock().toISOString(),
      stopReason: stoppedBy.kind === 'batch-pending' ? { kind: 'batch-pending', batches: batcher?.pending ?? [] } : stoppedBy,
      plannedCalls: plan.calls.length,
      providers: [...clients.values()].map((c) => providerInfo(c, roles.get(c.spec.id)!, prices.resolvePrice)),
      priceData: prices.priceDataInfo(),
      results,
      inputs: recordInputs(plan.calls, results),
      judge: calibration ? withProbes(judgeRecord(calibration), calibration, task, results) : null,
      judgeCostUsd: task.judge ? judgeCost : null,
      ...(pairwise ? { pairwise } : {}),
      labelNext: task.judge
        ? rankLabels(task.examples, results, {
            confusion: selectedConfusion(calibration),
            seed: options.seed ?? 1,
            split: (r) => splits.has(r),
            ...gateLimit(task, options),
          })
        : [],
      seed: options.seed ?? 1,
      decision: decisionSettings(task.gates, options),
      plan: planInfo(plan.selected),
      shard: options.shard ?? null,
      summaryPlan: plan.runTask,
      spentNow: budget.spentUsd,
      fingerprint: (i) => fingerprints.get(i) ?? '',
    }),
  );
  if (fatal) throw new RunError(fatal.message, undefined, record);
  return record;
}

/** The min-quality limit when the task or a flag sets one (the default 0.8 is no gate to rank for). */
function gateLimit(task: Task, options: EvalOptions): { minQuality?: number } {
  const settings = decisionSettings(task.gates, options);
  return settings.minQualitySource === 'default' ? {} : { minQuality: settings.minQuality };
}

/** The confusion the corrected quality uses: the selected judge's (none without labels). */
function selectedConfusion(calibration: Calibration | null) {
  return calibration?.candidates.find((c) => c.selected)?.confusion ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
}

/** The judge's record with its bias probes, when it was calibrated on labels. */
function withProbes(judge: JudgeRecord, calibration: Calibration, task: Task, results: CallResult[]): JudgeRecord {
  const input = probeInputOf(calibration, task, results, task.judge?.samples ?? 1);
  return input ? { ...judge, probes: biasProbes(input) } : judge;
}

/**
 * One client per distinct provider (a missing key fails here, before any call), with the price data
 * loaded and each model's price resolved before the first clock starts.
 */
async function connect(task: Task, options: EvalOptions, fetch: typeof globalThis.fetch, now: () => number, secrets: Scrubber) {
  const create = options.createClient ?? defaultCreateClient;
  const clientOptions: ClientOptions = {
    env: options.env,
    timeoutMs: task.settings.timeoutMs,
    maxRetries: task.settings.maxRetries,
    fetch,
    now,
    ...(options.warn ? { warn: options.warn } : {}),
    ...(options.log ? { logger: sdkLogger(options.log, secrets) } : {}),
    // With a cache, a provider without its key may stay if the cache answers all its calls (run/keys.ts).
    ...(options.cache ? { allowMissingKey: true } : {}),
  };
  const pricesLoaded: Promise<typeof Prices> = loadPrices();
  const clients = new Map<string, ModelClient>();
  const roles = new Map<string, ProviderInfo['role']>();
  const specs: Array<[ProviderSpec, ProviderInfo['role']]> = [
    ...task.providers.map((p): [ProviderSpec, ProviderInfo['role']] => [p, 'model']),
    ...(task.judge?.candidates ?? []).map((c): [ProviderSpec, ProviderInfo['role']] => [c.provider, 'judge']),
  ];
  for (const [spec, role] of specs) {
    if (!clients.has(spec.id)) clients.set(spec.id, await create(spec, clientOptions));
    if (!roles.has(spec.id)) roles.set(spec.id, role);
  }
  const prices = await pricesLoaded;
  // Resolving a model's price searches the whole price list once (memoized): done now, it delays no reply.
  for (const [spec] of specs) prices.resolvePrice(spec);
  return { clients, roles, prices };
}

/** The SDKs' logger, one scrubbed line per call (their debug lines hold request and reply bodies). */
function sdkLogger(log: (line: string) => void, secrets: Scrubber): SdkLogger {
  const line = (...args: unknown[]) => log(secrets.text(format(...args)));
  return { error: line, warn: line, info: line, debug: line };
}
