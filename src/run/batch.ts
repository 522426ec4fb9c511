/**
 * Batch runs (`--batch`): the clients of a run are wrapped so that `complete()` puts its request
 * into the provider's batch instead of calling. The flow itself is unchanged: calibration, the
 * calls under test and then the judge's grading each arrive as a wave (everything asked before the
 * run goes quiet for `gatherMs`), one batch per provider per wave. Replies go back through
 * callModel, so they are read, cached, priced and scored exactly as synchronous ones.
 *
 * Resumable: every submitted batch and its custom ids (the calls' cache keys) are saved in the
 * store before waiting; a later run asking the same calls attaches to those batches instead of
 * submitting again. A stop (Ctrl-C, `waitMs` reached) leaves the batches running.
 */
import { ProviderError } from '../errors.js';
import type { StopReason } from '../record/schema.js';
import type { BatchLine, BatchLineOutcome, BatchStatus, Completion, CompletionRequest, ModelClient } from '../providers/types.js';
import { CallAborted } from './call.js';
import { createLimiter, type Limiter } from './limiter.js';

/** A submitted batch, as saved between runs. */
export interface SavedBatch {
  id: string;
  /** The provider id of the task, and the base URL its client used: a batch is attached only by the same endpoint. */
  provider: string;
  baseUrl: string | null;
  /** ISO time of submission: the turnaround of its lines is measured from it. */
  submittedAt: string;
  customIds: string[];
}

/** Where submitted batches are kept between runs (a JSON file in the runs directory, commands/batch-store.ts). */
export interface BatchStore {
  load(): Promise<SavedBatch[]>;
  save(batches: SavedBatch[]): Promise<void>;
}

export interface BatchSettings {
  store: BatchStore;
  /** Longest wait for a batch to end, ms; 0 submits (or looks once) and stops. @default Infinity */
  waitMs?: number;
  /** First interval between polls of a batch, ms; it grows by half each poll up to `maxPollMs`. @default 2000 */
  pollMs?: number;
  /** @default 60000 */
  maxPollMs?: number;
  /** Quiet time that closes a wave, ms (nothing next to a batch's turnaround). @default 100 */
  gatherMs?: number;
}

/** What happened to batches, for progress lines (words: render/batch.ts). */
export type BatchEvent =
  | { kind: 'unsupported'; provider: string; message: string }
  | { kind: 'submitted'; provider: string; id: string; lines: number }
  | { kind: 'attached'; provider: string; id: string; lines: number }
  | { kind: 'progress'; provider: string; id: string; status: string; total: number; succeeded: number; failed: number; elapsedMs: number }
  | { kind: 'ended'; provider: string; id: string; succeeded: number; failed: number; expired: number; cancelled: number; elapsedMs: number }
  | { kind: 'resubmitting'; provider: string; lines: number }
  | { kind: 'left-running'; ids: string[]; reason: 'interrupted' | 'wait' }
  | { kind: 'unsaved'; message: string };

/** One saved batch as `aijourney batch status` reports it. */
export type BatchStatusRow = { id: string; provider: string; submittedAt: string; requests: number } & (
  | { state: 'known'; status: BatchStatus }
  | { state: 'error'; message: string }
  | { state: 'other-task' }
);

export interface BatcherDeps {
  /** Wall clock (ms since the epoch): turnaround spans processes. */
  clock: () => number;
  /** The user asked to stop (Ctrl-C). */
  interrupted?: () => string | null;
  signal?: AbortSignal;
  onEvent?: (event: BatchEvent) => void;
  /** Concurrency of calls that run synchronously (a server without a batch API). */
  concurrency: number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

interface Pending {
  line: BatchLine;
  resolve: (c: Completion) => void;
  reject: (e: unknown) => void;
  /** Already resubmitted once after expiring or being cancelled. */
  retried: boolean;
}

export interface Batcher {
  /** The client with its calls batched (unchanged when it has no batch API). */
  wrap(client: ModelClient): ModelClient;
  /** Ids of batches submitted or attached by this run. */
  readonly used: string[];
  /** Batches this run left running when it stopped. */
  readonly pending: string[];
  /** Resolves once every change to the saved batches is in the store. */
  saved(): Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function createBatcher(settings: BatchSettings, deps: BatcherDeps): Promise<Batcher> {
  const saved = await settings.store.load();
  const waitMs = settings.waitMs ?? Number.POSITIVE_INFINITY;
  const started = deps.clock();
  const sleep = deps.sleep ?? sleepFor;
  const queues = new Map<ModelClient, Pending[]>();
  const shared = new Map<string, Promise<Completion>>();
  const unsupported = new Set<ModelClient>();
  const syncLimit: Limiter = createLimiter(deps.concurrency);
  const used: string[] = [];
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let size = 0;
  let saving: Promise<void> = Promise.resolve();

  // A save that fails (a full disk) is said once and the run goes on: the batches are paid for, and
  // collecting them now is worth more than the record of them.
  let unsaved = false;
  const persist = () =>
    (saving = saving
      .then(() => settings.store.save(saved.filter((b) => b.customIds.length > 0)))
      .catch((err: unknown) => {
        if (!unsaved) deps.onEvent?.({ kind: 'unsaved', message: (err as Error)?.message ?? String(err) });
        unsaved = true;
      }));
  const stopReason = (): StopReason | null => {
    const signal = deps.signal?.aborted ? 'abort' : deps.interrupted?.();
    return signal ? { kind: 'interrupted', signal: signal === 'abort' ? null : signal } : null;
  };

  function schedule() {
    const seen = size;
    clearTimeout(timer);
    timer = setTimeout(() => (size === seen ? flush() : schedule()), settings.gatherMs ?? 100);
  }

  function flush() {
    timer = undefined;
    const waves = [...queues];
    queues.clear();
    size = 0;
    for (const [client, entries] of waves) {
      void runWave(client, entries).catch((err: unknown) => {
        for (const e of entries) e.reject(err);
      });
    }
  }

  function enqueue(client: ModelClient, request: CompletionRequest): Promise<Completion> {
    const customId = request.key;
    if (customId === undefined || unsupported.has(client)) return syncLimit(() => client.complete(request));
    const same = shared.get(customId);
    if (same) return same;
    const { signal: _signal, ...line } = request;
    const promise = new Promise<Completion>((resolve, reject) => {
      const queue = queues.get(client) ?? [];
      queue.push({ line: { customId, request: line }, resolve, reject, retried: false });
      queues.set(client, queue);
    });
    shared.set(customId, promise);
    const forget = () => shared.delete(customId);
    promise.then(forget, forget);
    size++;
    schedule();
    return promise;
  }

  async function runWave(client: ModelClient, entries: Pending[]): Promise<void> {
    const baseUrl = client.baseUrl ?? null;
    // Lines already in a batch of an earlier run: attached to, never submitted again.
    const byBatch = new Map<SavedBatch, Pending[]>();
    const fresh: Pending[] = [];
    const known = new Map<string, SavedBatch>();
    for (const s of saved) if (s.provider === client.spec.id && s.baseUrl === baseUrl) for (const id of s.customIds) known.set(id, s);
    for (const e of entries) {
      const b = known.get(e.line.customId);
      if (b) byBatch.set(b, [...(byBatch.get(b) ?? []), e]);
      else fresh.push(e);
    }
    const waits: Promise<void>[] = [];
    for (const [b, list] of byBatch) {
      deps.onEvent?.({ kind: 'attached', provider: client.spec.id, id: b.id, lines: list.length });
      waits.push(collect(client, b, list));
    }
    waits.push(submit(client, fresh));
    await Promise.all(waits);
  }

  async function submit(client: ModelClient, entries: Pending[]): Promise<void> {
    if (entries.length === 0) return;
    const api = client.batch!;
    const chunks: Pending[][] = [];
    for (let i = 0; i < entries.length; i += api.maxLines) chunks.push(entries.slice(i, i + api.maxLines));
    await Promise.all(
      chunks.map(async (chunk) => {
        // Asked to stop before this batch went out: nothing is submitted, the re-run will.
        const halt = stopReason();
        if (halt) {
          for (const e of chunk) e.reject(new CallAborted(halt));
          return;
        }
        let id: string;
        try {
          id = await api.submit(chunk.map((e) => e.line));
        } catch (err) {
          if (err instanceof ProviderError && (err.status === 404 || err.status === 405)) return runSync(client, chunk, err);
          for (const e of chunk) e.reject(err);
          return;
        }
        const b: SavedBatch = {
          id,
          provider: client.spec.id,
          baseUrl: client.baseUrl ?? null,
          submittedAt: new Date(deps.clock()).toISOString(),
          customIds: chunk.map((e) => e.line.customId),
        };
        saved.push(b);
        // Saved before waiting: a run stopped from here on attaches to this batch next time.
        await persist();
        deps.onEvent?.({ kind: 'submitted', provider: client.spec.id, id, lines: chunk.length });
        await collect(client, b, chunk);
      }),
    );
  }

  function runSync(client: ModelClient, entries: Pending[], err: ProviderError) {
    if (!unsupported.has(client)) {
      unsupported.add(client);
      deps.onEvent?.({ kind: 'unsupported', provider: client.spec.id, message: err.message });
    }
    for (const e of entries) syncLimit(() => client.complete(e.line.request)).then(e.resolve, e.reject);
  }

  async function collect(client: ModelClient, b: SavedBatch, entries: Pending[]): Promise<void> {
    const api = client.batch!;
    if (!used.includes(b.id)) used.push(b.id);
    let interval = settings.pollMs ?? 2000;
    const submitted = Date.parse(b.submittedAt);
    for (;;) {
      let status: Awaited<ReturnType<typeof api.status>>;
      try {
        status = await api.status(b.id);
      } catch (err) {
        // A batch the provider no longer knows (deleted, another account): its lines go out again.
        if (err instanceof ProviderError && err.status === 404) {
          forget(b, entries);
          return submit(client, entries);
        }
        for (const e of entries) e.reject(err);
        return;
      }
      const elapsedMs = deps.clock() - submitted;
      if (status.ended) break;
      deps.onEvent?.({
        kind: 'progress',
        provider: client.spec.id,
        id: b.id,
        status: status.status,
        total: status.total,
        succeeded: status.succeeded,
        failed: status.failed,
        elapsedMs,
      });
      const stop = stopReason() ?? (deps.clock() - started >= waitMs ? ({ kind: 'batch-pending', batches: [] } as StopReason) : null);
      if (stop) return leave(b, entries, stop);
      // Sleep in short slices, so Ctrl-C is answered at once and not at the next poll.
      const until = deps.clock() + Math.min(interval, Math.max(0, started + waitMs - deps.clock()));
      while (deps.clock() < until && !stopReason()) await sleep(Math.min(200, until - deps.clock()));
      interval = Math.min(interval * 1.5, settings.maxPollMs ?? 60_000);
    }
    const outcomes = await api.results(
      b.id,
      entries.map((e) => e.line),
    );
    const turnaround = Math.max(0, deps.clock() - submitted);
    const again: Pending[] = [];
    const counts = { succeeded: 0, failed: 0, expired: 0, cancelled: 0 };
    for (const e of entries) {
      const o: BatchLineOutcome = outcomes.get(e.line.customId) ?? { kind: 'expired' };
      if (o.kind === 'answered') {
        counts.succeeded++;
        e.resolve({ ...o.completion, batched: true, attempts: 1, timing: { latencyMs: turnaround, retryMs: 0 } });
      } else if (o.kind === 'failed') {
        counts.failed++;
        e.reject(Object.assign(o.error, { timing: { latencyMs: turnaround, retryMs: 0 }, batched: true }));
      } else {
        counts[o.kind]++;
        if (e.retried)
          e.reject(
            new ProviderError(
              `${client.spec.id}: batch ${b.id}: the request ${o.kind === 'expired' ? 'expired before it ran' : 'was cancelled'} (twice)`,
              'other',
            ),
          );
        else again.push({ ...e, retried: true });
      }
    }
    deps.onEvent?.({ kind: 'ended', provider: client.spec.id, id: b.id, ...counts, elapsedMs: turnaround });
    forget(b, entries);
    if (again.length > 0) {
      deps.onEvent?.({ kind: 'resubmitting', provider: client.spec.id, lines: again.length });
      await submit(client, again);
    }
  }

  function forget(b: SavedBatch, entries: Pending[]) {
    const done = new Set(entries.map((e) => e.line.customId));
    b.customIds = b.customIds.filter((id) => !done.has(id));
    void persist();
  }

  function leave(b: SavedBatch, entries: Pending[], reason: StopReason) {
    pending.add(b.id);
    for (const e of entries) e.reject(new CallAborted(reason));
  }

  return {
    wrap(client) {
      if (!client.batch) return client;
      return {
        spec: client.spec,
        ...(client.baseUrl === undefined ? {} : { baseUrl: client.baseUrl }),
        ...(client.missingKey === undefined ? {} : { missingKey: client.missingKey }),
        complete: (request) => enqueue(client, request),
      };
    },
    get used() {
      return [...used];
    },
    get pending() {
      return [...pending];
    },
    saved: () => saving,
  };
}
