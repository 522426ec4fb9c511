import { hash } from 'node:crypto';
import type * as Prices from '../cost/prices.js';
import { ProviderError } from '../errors.js';
import type { CallTiming } from '../providers/attempts.js';
import type { CallFacts } from '../providers/translate.js';
import type { Scrubber } from '../providers/secrets.js';
import type { StopReason } from '../record/schema.js';
import type { Completion, CompletionRequest, ModelClient } from '../providers/types.js';
import type { ToolCall, Usage } from '../record/schema.js';
import { saneCompletion } from './reply.js';

/** A completion as stored in the response cache: enough to replay it exactly. */
export interface CachedCompletion {
  text: string;
  usage: Usage | null;
  toolInput?: unknown;
  toolCalls?: ToolCall[];
  /** Latency of the original call (a batched call's: the batch's turnaround). */
  latencyMs: number;
  /** The reply came from a provider batch, and is priced at the batch rate. */
  batched?: boolean;
}

/** Where completions are kept between runs. Errors are never stored. */
export interface ResponseCache {
  get(key: string): CachedCompletion | undefined;
  set(key: string, value: CachedCompletion): void;
}

export interface CallOutcome {
  completion: Completion | null;
  error: ProviderError | null;
  /** The provider's latency: the HTTP exchange of the attempt that answered (or the last that failed). */
  latencyMs: number;
  /** Earlier failed attempts and back-off before that attempt; 0 without retries. */
  retryMs: number;
  /** Cost of this call (the original cost when replayed from the cache); a failed reply the provider billed has its cost too. */
  costUsd: number | null;
  /** Tokens the provider reported, for an answer or for a billed failure (a reply cut at the token limit, a refusal). */
  usage: Usage | null;
  /** The provider's reason when the model refused. */
  refusal?: string;
  cached: boolean;
  /** The call went through the provider's batch API (priced at the batch rate; latency is the batch's turnaround). */
  batched?: boolean;
  retries: number;
}

export interface CallContext {
  cache?: ResponseCache;
  /** Monotonic clock in ms. */
  now: () => number;
  signal?: AbortSignal;
  /** Told of money actually spent now (cached replays spend nothing). */
  onSpend?: (usd: number) => void;
  /**
   * Asked before every request that is not a replay (the budget, Ctrl-C): a reason stops it before
   * it is sent. Not asked for `continuing` requests (the judge grading an output already paid for).
   */
  stop?: () => StopReason | null;
  continuing?: boolean;
  /** Masks configured secrets in replies and error messages before anything stores or shows them. */
  secrets?: Scrubber;
  /**
   * Calls in flight by cache key (with the cache on): an identical request made while the first is
   * still out waits for it instead of asking twice, so how many requests a run makes does not
   * depend on timing.
   */
  inflight?: Map<string, Promise<CallOutcome>>;
}

/** Bumped when the key material or the stored value changes shape, so old entries are ignored. */
const KEY_VERSION = 'aijourney.cache/1';

/**
 * Everything that changes an answer: provider type, base URL, model, params, messages,
 * structured-output request, tools and tool choice, and the repeat (or judge sample) index. Never
 * the API key.
 */
export function cacheKey(client: ModelClient, request: CompletionRequest, repeat: number): string {
  const { type, model, params } = client.spec;
  // Adapters merge the spec's params under the request's, so both belong in the key. A hash, so
  // nothing readable (a key pasted into a base URL, say) is ever stored. Tools are appended only
  // when there are any, so the keys of requests without them (and their cached replies) stay as they were.
  const baseUrl = client.baseUrl ?? client.spec.baseUrl ?? null;
  const tools = request.tools || request.toolChoice ? [{ tools: request.tools ?? null, toolChoice: request.toolChoice ?? null }] : [];
  const material = JSON.stringify([
    KEY_VERSION,
    type,
    baseUrl,
    model,
    params ?? null,
    request.params,
    request.messages,
    request.structured ?? null,
    repeat,
    ...tools,
  ]);
  return hash('sha256', material); // one-shot: half the CPU of a Hash object, on every call's path
}

/**
 * genai-prices' data is 480 KB of code. evaluate() loads it before the first call (compiling it
 * while requests are in flight would delay reading their replies and inflate their latency); a
 * library caller that did not gets it on the first call.
 */
let pricing: Promise<typeof Prices> | undefined;
export const loadPrices = (): Promise<typeof Prices> => (pricing ??= import('../cost/prices.js'));

/** Thrown when a call was cut short by the run's abort signal: the call is not finished, not failed. */
export class CallAborted extends Error {
  constructor(
    /** Why no request was made (the budget, Ctrl-C); absent when the run's abort signal cut it short. */
    readonly reason?: StopReason,
  ) {
    super('call aborted');
  }
}

/** One provider call with caching, timing and cost. Fatal errors (authentication) are thrown. */
export async function callModel(client: ModelClient, request: CompletionRequest, repeat: number, ctx: CallContext): Promise<CallOutcome> {
  const pricing = loadPrices();
  // The key is also a batch line's custom_id, so it is computed with the cache off too.
  const key = cacheKey(client, request, repeat);
  const hit = ctx.cache?.get(key);
  if (hit) {
    const { callCost } = await pricing;
    const completion = saneCompletion(client.spec.id, { text: hit.text, usage: hit.usage, toolInput: hit.toolInput, toolCalls: hit.toolCalls }, ctx.secrets);
    return {
      completion,
      error: null,
      latencyMs: hit.latencyMs,
      retryMs: 0,
      costUsd: callCost(client.spec, completion.usage, hit.batched === true),
      usage: completion.usage,
      cached: true,
      ...(hit.batched ? { batched: true } : {}),
      retries: 0,
    };
  }
  const pending = ctx.inflight?.get(key);
  if (pending) {
    const shared = await pending;
    if (shared.completion) return { ...shared, cached: true, retries: 0, retryMs: 0 };
    // The first request failed (errors are not shared, as they are not cached): ask anew.
  }
  const reason = ctx.continuing ? null : (ctx.stop?.() ?? null);
  if (reason) throw new CallAborted(reason);
  const own = freshCall(client, request, key, ctx, pricing);
  if (!ctx.cache || !ctx.inflight) return own;
  ctx.inflight.set(key, own);
  try {
    return await own;
  } finally {
    if (ctx.inflight.get(key) === own) ctx.inflight.delete(key);
  }
}

async function freshCall(
  client: ModelClient,
  request: CompletionRequest,
  key: string,
  ctx: CallContext,
  pricing: Promise<typeof Prices>,
): Promise<CallOutcome> {
  const started = ctx.now();
  const link = linkSignal(ctx.signal);
  // Adapters time each HTTP attempt (src/providers/attempts.ts); a client that does not (a test
  // double) is timed around the whole call.
  let ended = started;
  const timed = (timing: CallTiming | undefined) => timing ?? { latencyMs: ended - started, retryMs: 0 };
  try {
    const completion = saneCompletion(client.spec.id, await client.complete({ ...request, signal: link.signal, key }), ctx.secrets);
    ended = ctx.now();
    const { latencyMs, retryMs } = timed(completion.timing);
    const { callCost } = await pricing;
    const batched = completion.batched === true;
    const costUsd = callCost(client.spec, completion.usage, batched);
    if (costUsd !== null) ctx.onSpend?.(costUsd);
    ctx.cache?.set(key, {
      text: completion.text,
      usage: completion.usage,
      toolInput: completion.toolInput,
      toolCalls: completion.toolCalls,
      latencyMs: Math.round(latencyMs),
      ...(batched ? { batched } : {}),
    });
    const retries = Math.max(0, (completion.attempts ?? 1) - 1);
    return {
      completion,
      error: null,
      latencyMs: Math.round(latencyMs),
      retryMs: Math.round(retryMs),
      costUsd,
      usage: completion.usage,
      cached: false,
      ...(batched ? { batched } : {}),
      retries,
    };
  } catch (err) {
    ended = ctx.now();
    if (err instanceof CallAborted) throw err; // a batch left running: not finished, not failed
    if (ctx.signal?.aborted) throw new CallAborted();
    const error = err instanceof ProviderError ? err : new ProviderError(String((err as Error)?.message ?? err), 'other');
    if (ctx.secrets) error.message = ctx.secrets.text(error.message); // a server may quote the key back
    if (error.fatal) throw error;
    // Adapters' errors carry their attempts, timing and billed usage (ProviderCallError's CallFacts).
    const facts = err as (Partial<CallFacts> & { batched?: boolean }) | undefined;
    const { latencyMs, retryMs } = timed(facts?.timing);
    // A reply the provider billed but we cannot use (cut at the token limit, refused) still costs money.
    const usage = facts?.usage ?? null;
    const batched = facts?.batched === true;
    const costUsd = usage ? (await pricing).callCost(client.spec, usage, batched) : null;
    if (costUsd !== null) ctx.onSpend?.(costUsd);
    const retries = typeof facts?.attempts === 'number' && facts.attempts > 1 ? facts.attempts - 1 : 0;
    return {
      completion: null,
      error,
      latencyMs: Math.round(latencyMs),
      retryMs: Math.round(retryMs),
      costUsd,
      usage,
      ...(facts?.refusal !== undefined ? { refusal: facts.refusal } : {}),
      cached: false,
      ...(batched ? { batched } : {}),
      retries,
    };
  } finally {
    link.unlink();
  }
}

/**
 * A signal of its own for one call, aborted with the run's. The SDKs add an abort listener to the
 * signal they are given on every attempt and never remove it: handed the run-wide signal, 10,000
 * calls left 10,000 listeners (and the request state they hold) on it, each added in O(listeners).
 */
function linkSignal(run: AbortSignal | undefined): { signal: AbortSignal | undefined; unlink: () => void } {
  if (!run) return { signal: undefined, unlink: () => {} };
  const controller = new AbortController();
  if (run.aborted) controller.abort(run.reason);
  const onAbort = () => controller.abort(run.reason);
  run.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, unlink: () => run.removeEventListener('abort', onAbort) };
}
