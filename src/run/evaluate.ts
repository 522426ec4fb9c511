import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import type * as Prices from '../cost/prices.js';
import { RunError, type ProviderError } from '../errors.js';
import { calibrate, toFewShot, type Calibration, type LabeledItem } from '../judge/calibrate.js';
import { suggestLabels } from '../judge/label-next.js';
import { trustLevel } from '../judge/trust.js';
import { assembleSummary } from '../record/assemble.js';
import { createClient as defaultCreateClient } from '../providers/registry.js';
import type { ClientOptions, SdkLogger } from '../providers/types.js';
import { Scrubber, taskSecrets } from '../providers/secrets.js';
import { createTransport } from '../providers/transport.js';
import { RUN_SCHEMA, type JudgeRecord, type ProviderInfo, type RunRecord } from '../record/schema.js';
import { loadPrices, type CallContext, type ResponseCache } from './call.js';
import { executePlan, type Progress } from './execute.js';
import { requireKeys } from './keys.js';
import { createLimiter } from './limiter.js';
import { planCalls, renderMessages } from '../plan/plan.js';
import { makeCheck } from '../score/checks.js';
import type { ScorerConfig } from '../score/score.js';
import { rng } from '../stats/index.js';
import { exampleFingerprint, planInfo, shardExamples } from '../plan/shard.js';
import { type Shard } from '../record/schema.js';
import { DEFAULT_MIN_QUALITY } from '../summary/decide.js';
import { type DecisionSettings } from '../record/schema.js';
import type { CallResult } from '../record/schema.js';
import type { Confidence, Example, ProviderSpec, Task } from '../task/types.js';
import type { ModelClient } from '../providers/types.js';
import { VERSION } from '../version.js';

export interface EvalOptions {
  /** Environment to read keys and base URLs from (never process.env behind the caller's back). */
  env: Record<string, string | undefined>;
  /** Overrides `settings.concurrency`. */
  concurrency?: number;
  cache?: ResponseCache;
  /** Aborting stops issuing calls; calls in flight are cancelled. */
  signal?: AbortSignal;
  /** Stops issuing new calls when it returns a reason (budgets, interrupts). */
  stopReason?: (spentUsd: number) => string | null;
  onProgress?: (progress: Progress) => void;
  /** Injectable for tests. */
  createClient?: (spec: ProviderSpec, options: ClientOptions) => Promise<ModelClient>;
  /** The fetch the SDKs use. @default undici with the proxies of `env` (src/providers/transport.ts), closed when the run ends */
  fetch?: typeof fetch;
  /** Told once per distinct message what an SDK would otherwise print on every call. */
  warn?: (message: string) => void;
  now?: () => number;
  clock?: () => Date;
  /** Seed of the corrected-quality Monte Carlo. */
  seed?: number;
  /** Run only some of the task's examples (`--limit`, `--sample`); calibration still uses every label. */
  select?: ExampleSelection;
  /** Run one shard of the calls (`--shard K/N`): whole examples, round-robin by index (src/shard.ts). */
  shard?: Shard;
  /** Quality threshold of decisions when the command line sets one (else the task's gates, else 0.8). */
  minQuality?: number;
  /** Where the SDKs' log lines go (OPENAI_LOG / ANTHROPIC_LOG), secrets masked. @default the SDKs' own (console) */
  log?: (line: string) => void;
  /** How quality is decided when the command line says (else the task's gates, else 'estimate'). */
  confidence?: Confidence;
}

/** The decision rule of a run: flags over the task's gates over the defaults. */
export function decisionSettings(task: Task, options: Pick<EvalOptions, 'minQuality' | 'confidence'>): DecisionSettings {
  return {
    minQuality: options.minQuality ?? task.gates.minQuality ?? DEFAULT_MIN_QUALITY,
    minQualitySource: options.minQuality !== undefined ? 'flag' : task.gates.minQuality !== undefined ? 'task' : 'default',
    confidence: options.confidence ?? task.gates.confidence ?? 'estimate',
    allowUntrustedJudge: task.gates.allowUntrustedJudge ?? false,
  };
}

/** A quick litmus test on a big data file: the first `limit` examples, then `sample` of them at random. */
export interface ExampleSelection {
  limit?: number;
  /** How many examples to draw, without replacement, seeded by `seed`; kept in file order. */
  sample?: number;
  /** @default 1 */
  seed?: number;
}

/**
 * The examples a run uses. Each keeps its original `index`, so results, labels and `aijourney label`
 * still point at the right example. The same seed on the same file always draws the same examples.
 */
export function selectExamples(examples: Example[], selection: ExampleSelection): Example[] {
  const limited = selection.limit === undefined ? examples : examples.slice(0, selection.limit);
  if (selection.sample === undefined || selection.sample >= limited.length) return limited;
  const random = rng(selection.seed ?? 1);
  const order = limited.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const chosen = new Set(order.slice(0, selection.sample));
  return limited.filter((_, i) => chosen.has(i));
}

function addCost(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/**
 * Every labeled output, with the input shown for it: the prompt variant that produced it when the
 * label says (random labels do), else the first, rendered for its example.
 */
export function labeledItems(task: Task): LabeledItem[] {
  const userText = (promptId: string | undefined, example: Example) => {
    const prompt = task.prompts.find((p) => p.id === promptId) ?? task.prompts[0]!;
    return renderMessages(prompt, example.vars).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  };
  return task.examples.flatMap((example) => example.labels.map((label) => ({ example, label, input: userText(label.sample?.prompt, example) })));
}

/** The SDKs' logger, one scrubbed line per call (their debug lines hold request and reply bodies). */
function sdkLogger(log: (line: string) => void, secrets: Scrubber): SdkLogger {
  const line = (...args: unknown[]) => log(secrets.text(format(...args)));
  return { error: line, warn: line, info: line, debug: line };
}

/** A base URL fit for a record: credentials and query values (some proxies take a key there) are masked. */
export function publicUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/[?#].*$/, '');
  }
  if (parsed.username) parsed.username = 'redacted';
  if (parsed.password) parsed.password = 'redacted';
  for (const name of [...parsed.searchParams.keys()]) parsed.searchParams.set(name, 'redacted');
  parsed.hash = '';
  return parsed.toString();
}

function providerInfo(client: ModelClient, role: ProviderInfo['role'], resolvePrice: typeof Prices.resolvePrice): ProviderInfo {
  const price = resolvePrice(client.spec);
  return {
    id: client.spec.id,
    type: client.spec.type,
    model: client.spec.model,
    baseUrl: client.baseUrl ? publicUrl(client.baseUrl) : null,
    price: price && { source: price.source, inputPerMtok: price.inputPerMtok, outputPerMtok: price.outputPerMtok },
    role,
  };
}

export function judgeRecord(calibration: Calibration): JudgeRecord {
  const selected = calibration.candidates.find((c) => c.selected);
  return {
    selected: calibration.selected.id,
    trust: trustLevel(selected?.confusion),
    candidates: calibration.candidates.map(({ verdicts: _verdicts, ...rest }) => rest),
    labels: calibration.items.map((item, i) => ({
      example: item.example.index,
      output: item.label.output,
      verdict: item.label.verdict,
      judged: Object.fromEntries(calibration.candidates.map((c) => [c.id, c.verdicts[i] ?? null])),
      ...(item.label.sample ? { sample: item.label.sample } : {}),
    })),
  };
}

/**
 * The whole flow for one task: plan, create clients (a missing key fails here, before any call),
 * calibrate the judge on the labels, run and score every call, summarize. Returns the run record,
 * complete or not; throws RunError when a key is rejected (the partial record rides on the error).
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
  const selected = options.select ? { ...task, examples: selectExamples(task.examples, options.select) } : task;
  const runTask = options.shard ? { ...selected, examples: shardExamples(selected.examples, options.shard) } : selected;
  const plan = planCalls(runTask);
  const create = options.createClient ?? defaultCreateClient;
  // Every configured secret is masked in replies, error messages, logs and the record itself.
  const secrets = new Scrubber(taskSecrets(task, options.env));
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
  // Price data loads with the clients, before the first call: no clock runs while it compiles.
  const pricesLoaded = loadPrices();

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

  const items = labeledItems(task);
  requireKeys(runTask, plan, items, clients, options.cache);

  let spentUsd = 0;
  let done = 0;
  let errors = 0;
  let judgeCost: number | null = 0;
  const ctx: CallContext = {
    cache: options.cache,
    now,
    signal: options.signal,
    onSpend: (usd) => (spentUsd += usd),
    secrets,
    ...(options.cache ? { inflight: new Map() } : {}),
  };
  const limit = createLimiter(options.concurrency ?? task.settings.concurrency);
  const stopReason = () => (options.signal?.aborted ? 'interrupted' : (options.stopReason?.(spentUsd) ?? null));

  let calibration: Calibration | null = null;
  let stoppedEarly: string | null = null;
  let fatal: ProviderError | null = null;
  if (task.judge) {
    // Stopped early (a rejected judge key, Ctrl-C, the budget), calibration still reports the calls
    // that finished, with their cost; no model under test is then called.
    calibration = await calibrate(task.judge, clients, items, ctx, limit, stopReason);
    for (const c of calibration.candidates) judgeCost = addCost(judgeCost, c.costUsd);
    fatal = calibration.stopped?.fatal ?? null;
    stoppedEarly = fatal ? `stopped: ${fatal.message}` : (calibration.stopped?.reason ?? null);
  }
  const scorer: ScorerConfig = { checks: task.checks.map(makeCheck) };
  if (task.judge && calibration && !stoppedEarly) {
    scorer.judge = {
      client: clients.get(calibration.selected.provider.id)!,
      candidate: calibration.selected,
      fewShot: calibration.items.map(toFewShot),
      samples: task.judge.samples,
    };
  }

  const splits = new Set<CallResult>();
  const outcome = await executePlan(stoppedEarly ? [] : plan, {
    clients,
    scorer,
    limit,
    ctx,
    stopReason,
    onResult: (result, extra) => {
      done++;
      if (result.pass === null) errors++;
      if (extra.judgeSplit) splits.add(result);
      if (extra.judged) judgeCost = addCost(judgeCost, extra.judgeCostUsd);
      options.onProgress?.({ done, total: plan.length, errors, spentUsd });
    },
  });

  const results = outcome.results.filter((r): r is CallResult => r !== undefined);
  const judge = calibration ? judgeRecord(calibration) : null;
  const decision = decisionSettings(task, options);
  const fingerprints = new Map(task.examples.map((e) => [e.index, exampleFingerprint(e)]));
  const { summary, recommendation } = assembleSummary({
    plan: runTask,
    results,
    judge,
    decision,
    fingerprint: (i) => fingerprints.get(i) ?? '',
    seed: options.seed ?? 1,
  });
  const models = summary.reduce<number | null>((sum, row) => addCost(sum, row.costUsd.total), 0);
  fatal ??= outcome.fatal;
  const stop = stoppedEarly ?? (fatal ? `stopped: ${fatal.message}` : outcome.stoppedBy);
  const record: RunRecord = secrets.deep({
    schema: RUN_SCHEMA,
    tool: { name: 'aijourney', version: VERSION },
    task: { name: task.name, file: task.file },
    startedAt,
    finishedAt: clock().toISOString(),
    complete: results.length === plan.length,
    stopReason: results.length === plan.length ? null : stop,
    plannedCalls: plan.length,
    providers: [...clients.values()].map((c) => providerInfo(c, roles.get(c.spec.id)!, prices.resolvePrice)),
    priceData: prices.priceDataInfo(),
    results,
    summary,
    judge,
    judgeCostUsd: task.judge ? judgeCost : null,
    costUsd: { models, judge: task.judge ? judgeCost : 0, total: addCost(models, task.judge ? judgeCost : 0), spentNow: spentUsd },
    labelNext: task.judge ? suggestLabels(task, results, splits) : [],
    seed: options.seed ?? 1,
    decision,
    recommendation,
    plan: planInfo(selected),
    shard: options.shard ?? null,
  } satisfies RunRecord);
  if (fatal) throw new RunError(fatal.message, undefined, record);
  return record;
}
