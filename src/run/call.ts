import { createHash } from 'node:crypto';
import type * as Prices from '../cost/prices.js';
import { ProviderError } from '../errors.js';
import type { Scrubber } from '../providers/secrets.js';
import type { Completion, CompletionRequest, ModelClient, Usage } from '../types.js';
import { saneCompletion } from './reply.js';

/** A completion as stored in the response cache: enough to replay it exactly. */
export interface CachedCompletion {
  text: string;
  usage: Usage | null;
  toolInput?: unknown;
  /** Latency of the original call. */
  latencyMs: number;
}

/** Where completions are kept between runs. Errors are never stored. */
export interface ResponseCache {
  get(key: string): CachedCompletion | undefined;
  set(key: string, value: CachedCompletion): void;
}

export interface CallOutcome {
  completion: Completion | null;
  error: ProviderError | null;
  latencyMs: number;
  /** Cost of this answer (the original cost when replayed from the cache). */
  costUsd: number | null;
  cached: boolean;
  retries: number;
}

export interface CallContext {
  cache?: ResponseCache;
  /** Monotonic clock in ms. */
  now: () => number;
  signal?: AbortSignal;
  /** Told of money actually spent now (cached replays spend nothing). */
  onSpend?: (usd: number) => void;
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
 * structured-output request and the repeat (or judge sample) index. Never the API key.
 */
export function cacheKey(client: ModelClient, request: CompletionRequest, repeat: number): string {
  const { type, model, params } = client.spec;
  // Adapters merge the spec's params under the request's, so both belong in the key. A hash, so
  // nothing readable (a key pasted into a base URL, say) is ever stored.
  const baseUrl = client.baseUrl ?? client.spec.baseUrl ?? null;
  const material = JSON.stringify([KEY_VERSION, type, baseUrl, model, params ?? null, request.params, request.messages, request.structured ?? null, repeat]);
  return createHash('sha256').update(material).digest('hex');
}

/**
 * genai-prices' data is 480 KB of code: its import starts with the first call and is awaited only
 * once a reply is in, so the first requests go out without waiting for it to compile.
 */
let pricing: Promise<typeof Prices> | undefined;
const prices = (): Promise<typeof Prices> => (pricing ??= import('../cost/prices.js'));

/** Thrown when a call was cut short by the run's abort signal: the call is not finished, not failed. */
export class CallAborted extends Error {
  constructor() {
    super('call aborted');
  }
}

/** One provider call with caching, timing and cost. Fatal errors (authentication) are thrown. */
export async function callModel(
  client: ModelClient,
  request: CompletionRequest,
  repeat: number,
  ctx: CallContext,
): Promise<CallOutcome> {
  const pricing = prices();
  const key = ctx.cache ? cacheKey(client, request, repeat) : '';
  const hit = ctx.cache?.get(key);
  if (hit) {
    const { callCost } = await pricing;
    const completion = saneCompletion(client.spec.id, { text: hit.text, usage: hit.usage, toolInput: hit.toolInput }, ctx.secrets);
    return { completion, error: null, latencyMs: hit.latencyMs, costUsd: callCost(client.spec, completion.usage), cached: true, retries: 0 };
  }
  const pending = ctx.inflight?.get(key);
  if (pending) {
    const shared = await pending;
    if (shared.completion) return { ...shared, cached: true, retries: 0 };
    // The first request failed (errors are not shared, as they are not cached): ask anew.
  }
  const own = freshCall(client, request, key, ctx, pricing);
  if (!ctx.cache || !ctx.inflight) return own;
  ctx.inflight.set(key, own);
  try {
    return await own;
  } finally {
    if (ctx.inflight.get(key) === own) ctx.inflight.delete(key);
  }
}

async function freshCall(client: ModelClient, request: CompletionRequest, key: string, ctx: CallContext, pricing: Promise<typeof Prices>): Promise<CallOutcome> {
  const started = ctx.now();
  const link = linkSignal(ctx.signal);
  try {
    const completion = saneCompletion(client.spec.id, await client.complete({ ...request, signal: link.signal }), ctx.secrets);
    const latencyMs = Math.round(ctx.now() - started);
    const { callCost } = await pricing;
    const costUsd = callCost(client.spec, completion.usage);
    if (costUsd !== null) ctx.onSpend?.(costUsd);
    ctx.cache?.set(key, { text: completion.text, usage: completion.usage, toolInput: completion.toolInput, latencyMs });
    return { completion, error: null, latencyMs, costUsd, cached: false, retries: Math.max(0, (completion.attempts ?? 1) - 1) };
  } catch (err) {
    if (ctx.signal?.aborted) throw new CallAborted();
    const error = err instanceof ProviderError ? err : new ProviderError(String((err as Error)?.message ?? err), 'other');
    if (ctx.secrets) error.message = ctx.secrets.text(error.message); // a server may quote the key back
    if (error.fatal) throw error;
    // Adapters say how many HTTP attempts the SDK made (ProviderCallError.attempts).
    const attempts = (err as { attempts?: unknown }).attempts;
    const retries = typeof attempts === 'number' && attempts > 1 ? attempts - 1 : 0;
    return { completion: null, error, latencyMs: Math.round(ctx.now() - started), costUsd: null, cached: false, retries };
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
