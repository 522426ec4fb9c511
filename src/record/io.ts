/**
 * Reading and writing run records. Every reader (report, compare, merge, label, --baseline) goes
 * through `readRunRecord`, which validates against the zod schema (record/schema.ts) and says in one
 * line where a damaged record is wrong.
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { readRegularFile } from '../task/source.js';
import { writeFileAtomic } from './files.js';
import type { RunRecord, runRecordSchema as RunRecordSchema } from './schema.js';
import { RUN_SCHEMA } from './schema-id.js';

/** Run records larger than this are refused unread (10,000 calls with long outputs stay far below). */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function defaultRecordPath(dir: string, record: Pick<RunRecord, 'startedAt' | 'task'>): string {
  const stamp = record.startedAt.replace(/[:.]/g, '-');
  const slug = record.task.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'task';
  return join(dir, `${stamp}-${slug}.json`);
}

/** Writes the record atomically (record/files.ts): a reader never sees half a record. */
export async function writeRecord(path: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(path, recordJson(record));
}

/**
 * The record's JSON text (as `JSON.stringify(record, null, 2)`, and a line feed) in chunks of about
 * 64 KiB, each ending between two values: what `--json` prints, a chunk a write, so a secret is
 * never cut in two between the writes the masked stdout sees.
 */
export function recordJson(record: RunRecord): Iterable<string> {
  return inPieces(recordText(record));
}

/**
 * `JSON.stringify(record, null, 2)` and a line feed, in pieces: each element of a top-level list
 * (the results, above all) is serialized on its own, so writing a record of 10,000 results never
 * holds the whole text as one string (and its bytes as one buffer), ~15 MiB at the end of a run.
 */
function* recordText(record: RunRecord): Generator<string> {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const end = i < entries.length - 1 ? ',\n' : '\n';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < value.length; j++) yield `    ${nested(value[j] ?? null, 2)}${j < value.length - 1 ? ',' : ''}\n`;
      yield `  ]${end}`;
    } else {
      yield `  ${JSON.stringify(key)}: ${nested(value, 1)}${end}`;
    }
  }
  yield '}\n';
}

/**
 * A value as JSON.stringify indents it one or two levels down, its first line not indented: the
 * value is stringified inside one or two arrays, which are cut off again (`[\n  ` and `\n]`, or
 * `[\n  [\n    ` and `\n  ]\n]`). Indenting the value's own text by replacing each line feed took
 * a third longer: 20 ms more for 10,000 results.
 */
function nested(value: unknown, depth: 1 | 2): string {
  return depth === 1 ? JSON.stringify([value], null, 2).slice(4, -2) : JSON.stringify([[value]], null, 2).slice(10, -6);
}

/** Pieces joined into chunks of about 64 KiB: one write each. */
function* inPieces(pieces: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Reads a saved run record, refusing anything else with one line (exit 2). */
export async function readRunRecord(file: string, cwd: string): Promise<RunRecord> {
  const read = await readRegularFile(resolve(cwd, file), MAX_RECORD_BYTES);
  if (!read.ok) throw new UsageError(`${file}: ${read.failure.reason}`);
  let data: unknown;
  try {
    data = JSON.parse(read.data.toString('utf8'));
  } catch {
    throw new UsageError(
      `${file}: not a run record (not valid JSON)`,
      'run records are the .json files aijourney eval saves under .aijourney/runs or writes with -o run.json',
    );
  }
  // The zod schema is built on first use: commands that only write records (eval) never build it.
  const { runRecordSchema } = await import('./schema.js');
  return parseRunRecord(data, file, runRecordSchema);
}

/** Validates parsed JSON as a run record of this version. */
function parseRunRecord(data: unknown, file: string, runRecordSchema: typeof RunRecordSchema): RunRecord {
  const schema = typeof data === 'object' && data !== null ? (data as { schema?: unknown }).schema : undefined;
  if (schema !== RUN_SCHEMA) {
    if (typeof schema === 'string' && schema.startsWith('aijourney.run/')) {
      throw new UsageError(
        `${file}: a run record of another aijourney version (${schema}); this version reads ${RUN_SCHEMA}`,
        'run the task again with this version to get a record it can read (cached replies make that cheap)',
      );
    }
    const found = typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" field';
    throw new UsageError(`${file}: not an aijourney run record (${found}; expected "${RUN_SCHEMA}")`);
  }
  const parsed = runRecordSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    throw new UsageError(`${file}: damaged run record: ${issue.path.join('.') || '(top)'}: ${issue.message}${more}`);
  }
  return parsed.data;
}
