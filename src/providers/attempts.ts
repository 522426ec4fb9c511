/**
 * Counts and times the HTTP requests the SDK makes for one call, retries included, by wrapping the
 * fetch it is given. One SDK client serves many concurrent calls, so each call hands the SDK its
 * own log inside the request's `fetchOptions` (both SDKs pass them to every fetch of the call,
 * retries included). An AsyncLocalStorage would do the same, but on Node 20 it puts a hook on
 * every promise, and undici's fetch makes many: 0.1 ms of CPU per call.
 *
 * An attempt's time runs from its request being written to its reply having been read (the
 * transport stamps both): the provider's latency, without the SDK's request building, connection
 * set-up, our start-up, other calls' work or the back-off between retries. A fetch that stamps
 * nothing (a test's) is timed from the SDK handing over the request to the SDK call settling.
 */
/** Where a call's log rides in the SDK's `fetchOptions`; a transport that sees it may stamp `repliedMs`. */
export const ATTEMPT_LOG = Symbol('aijourney.attemptLog');
const LOG = ATTEMPT_LOG;

export interface AttemptLog {
  /** Requests started so far in this call. */
  attempts: number;
  /** Clock time (ms) the first request started. */
  firstStartedMs?: number;
  /** Clock time the latest request started. */
  lastStartedMs?: number;
  /**
   * Clock times the latest attempt's request was written to the connection and its reply was read
   * whole, stamped by the transport (src/providers/transport.ts) in undici's own callbacks, so
   * neither connection set-up nor later work of ours (or of other calls in flight) counts.
   */
  sentMs?: number;
  repliedMs?: number;
  /** Clock time the SDK call settled: the end when no transport stamped `repliedMs` (a failure, a test's fetch). */
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
    log.sentMs = undefined;
    log.repliedMs = undefined;
    return base(input, init);
  }) as typeof fetch;
  // The SDK asks the fetch it is given which Response class reads its uploads (transport.ts).
  if ('Response' in base) Object.defineProperty(wrapped, 'Response', { value: (base as { Response: unknown }).Response });
  return {
    fetch: wrapped,
    fetchOptions: (log) => ({ [LOG]: log }),
    settle: (log) => {
      log.endedMs = now();
    },
  };
}

/** The timing of a finished call, or undefined when no request was made. */
export function callTiming(log: AttemptLog): CallTiming | undefined {
  const { firstStartedMs: first, lastStartedMs: last } = log;
  const end = log.repliedMs ?? log.endedMs;
  if (first === undefined || last === undefined || end === undefined) return undefined;
  return { latencyMs: Math.max(0, end - (log.sentMs ?? last)), retryMs: Math.max(0, last - first) };
}
