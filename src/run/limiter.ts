/**
 * A bounded concurrency limiter: at most `limit` tasks run at once, the rest wait in FIFO order.
 * One limiter is shared by every call of a run (models under test and judge), so `-j 8` means
 * eight requests in flight, whatever their kind.
 */
export interface Limiter {
  <T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly pending: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  const queue: Array<() => void> = [];
  let active = 0;

  const next = () => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start) start();
  };

  const run = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });

  Object.defineProperties(run, {
    active: { get: () => active },
    pending: { get: () => queue.length },
  });
  return run as Limiter;
}
