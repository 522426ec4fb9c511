import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { BatchApi, BatchLine, BatchLineOutcome, ModelClient } from '../../src/providers/types.js';
import { createBatcher, type BatchEvent, type SavedBatch } from '../../src/run/batch.js';
import { CallAborted } from '../../src/run/call.js';
import type { ProviderSpec } from '../../src/task/types.js';

/** A provider batch engine in memory: batches end after `polls` status calls; answers echo the text. */
function fakeApi(options: { maxLines?: number; polls?: number; gone?: Set<string>; submitError?: ProviderError } = {}) {
  const batches = new Map<string, { lines: BatchLine[]; polls: number }>();
  let n = 0;
  const api: BatchApi = {
    maxLines: options.maxLines ?? 100,
    async submit(lines) {
      if (options.submitError) throw options.submitError;
      const id = `b${++n}`;
      batches.set(id, { lines, polls: 0 });
      return id;
    },
    async status(id) {
      const b = batches.get(id);
      if (!b || options.gone?.has(id)) throw new ProviderError('no such batch', 'bad-request', 404);
      b.polls++;
      const ended = b.polls >= (options.polls ?? 1);
      return { ended, status: ended ? 'ended' : 'in_progress', total: b.lines.length, succeeded: ended ? b.lines.length : 0, failed: 0 };
    },
    async results(id, lines) {
      const out = new Map<string, BatchLineOutcome>();
      for (const l of lines) out.set(l.customId, { kind: 'answered', completion: { text: `re: ${l.request.messages[0]!.content}`, usage: null } });
      void id;
      return out;
    },
    async cancel() {},
  };
  return { api, batches };
}

const spec = { id: 'openai:m', type: 'openai', model: 'm', params: {} } as unknown as ProviderSpec;
const client = (api: BatchApi): ModelClient => ({
  spec,
  baseUrl: 'http://x/v1',
  batch: api,
  complete: async () => {
    throw new Error('no synchronous call expected');
  },
});
const ask = (c: ModelClient, text: string, key = text) => c.complete({ messages: [{ role: 'user', content: text }], params: {}, key });

function memoryStore(initial: SavedBatch[] = []) {
  let saved = initial;
  return {
    load: async () => saved,
    save: async (b: SavedBatch[]) => {
      saved = structuredClone(b);
    },
    get: () => saved,
  };
}

const deps = (events: BatchEvent[] = []) => ({ clock: () => Date.now(), concurrency: 2, onEvent: (e: BatchEvent) => events.push(e), sleep: async () => {} });

describe('the batch engine', () => {
  it('a state that cannot be saved is said once, and the batches are still collected', async () => {
    const { api } = fakeApi();
    const events: BatchEvent[] = [];
    const store = { load: async () => [], save: async () => Promise.reject(new Error('ENOSPC: no space left on device')) };
    const batcher = await createBatcher({ store, gatherMs: 5 }, deps(events));
    const c = batcher.wrap(client(api));
    expect((await Promise.all([ask(c, 'a'), ask(c, 'b')])).map((r) => r.text)).toEqual(['re: a', 're: b']);
    await batcher.saved();
    expect(events.filter((e) => e.kind === 'unsaved')).toEqual([{ kind: 'unsaved', message: 'ENOSPC: no space left on device' }]);
  });

  it('splits a wave into batches of at most maxLines, asks each identical call once, and forgets collected lines', async () => {
    const { api, batches } = fakeApi({ maxLines: 3 });
    const store = memoryStore();
    const batcher = await createBatcher({ store, pollMs: 1, gatherMs: 5 }, deps());
    const c = batcher.wrap(client(api));
    const replies = await Promise.all(['a', 'b', 'c', 'd', 'e', 'a'].map((t) => ask(c, t)));
    expect(replies.map((r) => r.text)).toEqual(['re: a', 're: b', 're: c', 're: d', 're: e', 're: a']);
    expect(replies.every((r) => r.batched)).toBe(true);
    expect([...batches.values()].map((b) => b.lines.map((l) => l.customId))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    await batcher.saved();
    expect(store.get()).toEqual([]);
  });

  it('attaches to a saved batch for the calls in it and submits only the others', async () => {
    const { api, batches } = fakeApi();
    const first = await createBatcher({ store: memoryStore(), gatherMs: 5 }, deps());
    await ask(first.wrap(client(api)), 'warm-up'); // b1
    batches.set('b-old', { lines: [{ customId: 'x', request: { messages: [{ role: 'user', content: 'x' }], params: {} } }], polls: 0 });
    const store = memoryStore([{ id: 'b-old', provider: spec.id, baseUrl: 'http://x/v1', submittedAt: new Date().toISOString(), customIds: ['x'] }]);
    const events: BatchEvent[] = [];
    const batcher = await createBatcher({ store, gatherMs: 5 }, deps(events));
    const c = batcher.wrap(client(api));
    expect((await Promise.all([ask(c, 'x'), ask(c, 'y')])).map((r) => r.text)).toEqual(['re: x', 're: y']);
    expect(events.filter((e) => e.kind === 'attached').map((e) => (e as { id: string }).id)).toEqual(['b-old']);
    expect([...batches.keys()]).toEqual(['b1', 'b-old', 'b2']); // y alone went out
    expect(batches.get('b2')!.lines.map((l) => l.customId)).toEqual(['y']);
  });

  it('resubmits the calls of a saved batch the provider no longer knows', async () => {
    const { api, batches } = fakeApi({ gone: new Set(['lost']) });
    batches.set('lost', { lines: [], polls: 0 });
    const store = memoryStore([{ id: 'lost', provider: spec.id, baseUrl: 'http://x/v1', submittedAt: new Date().toISOString(), customIds: ['x'] }]);
    const batcher = await createBatcher({ store, gatherMs: 5 }, deps());
    expect((await ask(batcher.wrap(client(api)), 'x')).text).toBe('re: x');
    expect(batches.get('b1')!.lines.map((l) => l.customId)).toEqual(['x']);
  });

  it('a submission the provider refuses fails its calls with that error; a stop while waiting leaves the batch saved', async () => {
    const refusing = fakeApi({ submitError: new ProviderError('openai:m: HTTP 400 bad request: too big', 'bad-request', 400) });
    const b1 = await createBatcher({ store: memoryStore(), gatherMs: 5 }, deps());
    await expect(ask(b1.wrap(client(refusing.api)), 'x')).rejects.toThrow(/too big/);

    const slow = fakeApi({ polls: 1_000 });
    const store = memoryStore();
    let stop: string | null = null;
    const b2 = await createBatcher(
      { store, gatherMs: 5, pollMs: 1 },
      {
        ...deps(),
        interrupted: () => stop,
        sleep: async () => {
          stop = 'SIGINT'; // Ctrl-C during the first wait
        },
      },
    );
    const pending = ask(b2.wrap(client(slow.api)), 'x');
    await expect(pending).rejects.toBeInstanceOf(CallAborted);
    await b2.saved();
    expect(store.get().map((b) => [b.id, b.customIds])).toEqual([['b1', ['x']]]);
    expect(b2.pending).toEqual(['b1']);
  });
});
