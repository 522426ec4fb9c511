/**
 * Counts the HTTP requests the SDK makes for one call, retries included, by wrapping the fetch it
 * is given. One SDK client serves many concurrent calls, so the count lives in the async context of
 * the call rather than on the client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AttemptCounter {
  /** Requests started so far in this call. */
  attempts: number;
}

export interface CountingFetch {
  /** Hand this to the SDK's `fetch` option. */
  fetch: typeof fetch;
  /** Runs one call with its own counter; the counter stays readable after a failure. */
  track<T>(counter: AttemptCounter, call: () => Promise<T>): Promise<T>;
}

export function countingFetch(base: typeof fetch): CountingFetch {
  const store = new AsyncLocalStorage<AttemptCounter>();
  const wrapped = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const counter = store.getStore();
    if (counter) counter.attempts++;
    return base(input, init);
  }) as typeof fetch;
  return {
    fetch: wrapped,
    track: (counter, call) => store.run(counter, call),
  };
}
