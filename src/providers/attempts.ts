/**
 * Counts and times the HTTP requests the SDK makes for one call, retries included, by wrapping the
 * fetch it is given. One SDK client serves many concurrent calls, so each call hands the SDK its
 * own log inside the request's `fetchOptions` (both SDKs pass them to every fetch of the call,
 * retries included). An AsyncLocalStorage would do the same, but on Node 20 it puts a hook on
 * every promise, and undici's fetch makes many: 0.1 ms of CPU per call.
 *
 * An attempt's time runs from the request being handed to the HTTP stack to the SDK having read
 * the reply: the provider's latency, without the SDK's request building, our start-up or the
 * back-off between retries.
 */
const LOG = Symbol('aijourney.attemptLog');

export interface AttemptLog {
  /** Requests started so far in this call. */
  attempts: number;
  /** Clock time (ms) the first request started. */
  firstStartedMs?: number;
  /** Clock time the latest request started. */
  lastStartedMs?: number;
  /** Clock time the SDK call settled: the last reply read, or the last failure. */
  endedMs?: number;
}

/** How long one call took on the wire: the HTTP exchange of its last attempt, and what came before it. */
export interface CallTiming {
  /** Request sent to reply read, for the attempt that answered (or the last one that failed). */
  latencyMs: number;
  /** Earlier failed attempts and the back-off between them; 0 without a retry. */
  retryMs: number;
}

export interface CountingFetch {
  /** Hand this to the SDK's `fetch` option. */
  fetch: typeof fetch;
  /** Per-request SDK options (`fetchOptions`) that record this call's attempts in `log`; opaque to the SDK. */
  fetchOptions(log: AttemptLog): Record<symbol, unknown>;
  /** Stamps the end of the call on its log, when the SDK call has settled. */
  settle(log: AttemptLog): void;
}

export function countingFetch(base: typeof fetch, now: () => number): CountingFetch {
  const wrapped = ((input: Parameters<typeof fetch>[0], init?: RequestInit & { [LOG]?: AttemptLog }) => {
    const log = init?.[LOG];
    if (!log) return base(input, init);
    log.attempts++;
    const started = now();
    log.firstStartedMs ??= started;
    log.lastStartedMs = started;
    return base(input, init);
  }) as typeof fetch;
  return {
    fetch: wrapped,
    fetchOptions: (log) => ({ [LOG]: log }),
    settle: (log) => void (log.endedMs = now()),
  };
}

/** The timing of a finished call, or undefined when no request was made. */
export function callTiming(log: AttemptLog): CallTiming | undefined {
  const { firstStartedMs: first, lastStartedMs: last, endedMs: end } = log;
  if (first === undefined || last === undefined || end === undefined) return undefined;
  return { latencyMs: Math.max(0, end - last), retryMs: Math.max(0, last - first) };
}
