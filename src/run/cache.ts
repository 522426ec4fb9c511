/**
 * The response cache on disk: one SQLite database in WAL mode (better-sqlite3), so several aijourney
 * processes can share a cache directory at once; writers wait for each other (busy_timeout) instead
 * of failing. The cache is an accelerator, never a reason to fail a run: a corrupt, locked or
 * unwritable store warns once and the run goes on uncached.
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { CachedCompletion, ResponseCache } from './call.js';

/** Default cache directory, relative to the working directory. */
export const DEFAULT_CACHE_DIR = '.aijourney/cache';

/** File name of the database inside the cache directory. */
export const CACHE_FILE = 'responses.sqlite';

/** How long answers wait to be written together (see openSqliteCache). */
const FLUSH_MS = 250;

export interface SqliteCacheOptions {
  /** Told once, the first time the cache fails; the cache is off from then on. */
  warn: (message: string) => void;
  /** How long a write waits for another process holding the lock, in ms. @default 10000 */
  busyTimeoutMs?: number;
}

/** A ResponseCache that can be closed (flushes the write-ahead log into the database). */
export interface SqliteCache extends ResponseCache {
  /** False once the cache has failed and is bypassed. */
  readonly enabled: boolean;
  close(): void;
}

type Statement = { get(...args: unknown[]): unknown; run(...args: unknown[]): unknown };
type Database = {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
};

const SCHEMA = `CREATE TABLE IF NOT EXISTS responses (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID`;

function reason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** A stored row back into a completion; anything malformed is a miss, never an error. */
function decode(text: unknown): CachedCompletion | undefined {
  if (typeof text !== 'string') return undefined;
  let value: Partial<CachedCompletion>;
  try {
    value = JSON.parse(text) as Partial<CachedCompletion>;
  } catch {
    return undefined;
  }
  if (!value || typeof value.text !== 'string' || typeof value.latencyMs !== 'number') return undefined;
  const usage = value.usage ?? null;
  if (usage !== null && (typeof usage.inputTokens !== 'number' || typeof usage.outputTokens !== 'number')) return undefined;
  const out: CachedCompletion = { text: value.text, usage, latencyMs: value.latencyMs };
  if (value.toolInput !== undefined) out.toolInput = value.toolInput;
  if (value.batched === true) out.batched = true;
  if (value.toolCalls !== undefined) {
    const calls: unknown = value.toolCalls;
    if (!Array.isArray(calls) || !calls.every((c) => typeof c === 'object' && c !== null && typeof c.name === 'string')) return undefined;
    out.toolCalls = calls;
  }
  return out;
}

/**
 * Opens (creating if needed) the cache in `dir`. This module, and better-sqlite3 with it, is
 * imported only to open a cache, so a run with `--no-cache` and the commands that never cache do
 * not load it. Never throws: a cache that cannot be opened is returned disabled, after one warning.
 */
export async function openSqliteCache(dir: string, options: SqliteCacheOptions): Promise<SqliteCache> {
  let db: Database | null = null;
  let get: Statement | null = null;
  let set: Statement | null = null;
  let warned = false;
  // Answers are written together, in one transaction at most FLUSH_MS after the first of them. Each
  // answer lands on a random page of the table (its key is a hash), and a commit writes every page
  // it touched to the WAL: 16 answers a commit cost ~30 µs of CPU each, a few hundred ~10 µs (a
  // commit per answer was 0.1 ms a call). close() writes what is left; a process killed outright
  // loses at most FLUSH_MS of answers, which the next run asks again. `pending` is read before the
  // database, so a get never misses a set.
  const pending = new Map<string, string>();
  let flushing: NodeJS.Timeout | null = null;
  let writeMany: ((rows: Array<[string, string]>) => void) | null = null;
  const flush = () => {
    flushing = null;
    if (pending.size === 0) return;
    const rows = [...pending];
    pending.clear();
    try {
      writeMany?.(rows);
    } catch (err) {
      fail('cannot be written', err);
    }
  };

  const fail = (what: string, err: unknown) => {
    if (!warned) options.warn(`response cache in ${dir} ${what} (${reason(err)}); running without the cache`);
    warned = true;
    get = set = writeMany = null;
    pending.clear();
    try {
      db?.close();
    } catch {
      // already unusable; nothing more to release
    }
    db = null;
  };

  try {
    mkdirSync(dir, { recursive: true });
    // The addon's own file: without it, better-sqlite3 looks for it with the `bindings` package, ~1.5 ms.
    const nativeBinding = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
    db = new (Sqlite as unknown as new (file: string, options?: object) => Database)(join(dir, CACHE_FILE), {
      timeout: options.busyTimeoutMs ?? 10_000,
      nativeBinding,
    });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives a crash of the process (not of the OS) and avoids an fsync per answer.
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    get = db.prepare('SELECT value FROM responses WHERE key = ?');
    set = db.prepare('INSERT OR REPLACE INTO responses (key, value, created_at) VALUES (?, ?, ?)');
    const insert = set;
    writeMany = db.transaction((rows: Array<[string, string]>) => {
      const now = Date.now();
      for (const [key, value] of rows) insert.run(key, value, now);
    });
  } catch (err) {
    fail('cannot be opened', err);
  }

  return {
    get enabled() {
      return db !== null;
    },
    get(key) {
      if (!get) return undefined;
      const written = pending.get(key);
      if (written !== undefined) return decode(written);
      try {
        const row = get.get(key) as { value?: unknown } | undefined;
        return row ? decode(row.value) : undefined;
      } catch (err) {
        fail('cannot be read', err);
        return undefined;
      }
    },
    set(key, value) {
      if (!set) return;
      const stored: CachedCompletion = { text: value.text, usage: value.usage, latencyMs: value.latencyMs };
      if (value.toolInput !== undefined) stored.toolInput = value.toolInput;
      if (value.toolCalls !== undefined) stored.toolCalls = value.toolCalls;
      if (value.batched) stored.batched = true;
      pending.set(key, JSON.stringify(stored));
      flushing ??= setTimeout(flush, FLUSH_MS);
    },
    close() {
      if (flushing) clearTimeout(flushing);
      flush();
      try {
        db?.close();
      } catch {
        // closing is best effort: the WAL is replayed by the next process that opens the cache
      }
      db = null;
      get = set = writeMany = null;
    },
  };
}
