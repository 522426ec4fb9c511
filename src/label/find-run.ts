import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readRunRecord } from '../record/io.js';
import type { RunRecord } from '../record/schema.js';

/** Reads a run record, or null when the file is not one (another JSON file in the runs directory). */
async function tryReadRunRecord(path: string): Promise<RunRecord | null> {
  return readRunRecord(path, '/').catch(() => null);
}

/**
 * The latest run record (by start time) of the task in `runsDir`: same task name and the same task
 * file (resolved against `cwd`); when no record names that file, the latest with the same name
 * (the task was run from elsewhere or renamed). Null when the task has no run.
 */
export async function findLatestRun(runsDir: string, task: { name: string; file: string }, cwd: string): Promise<{ path: string; record: RunRecord } | null> {
  let names: string[];
  try {
    names = (await readdir(runsDir)).filter((n) => n.endsWith('.json'));
  } catch {
    return null;
  }
  const target = resolve(cwd, task.file);
  let exact: { path: string; record: RunRecord } | null = null;
  let byName: { path: string; record: RunRecord } | null = null;
  const later = (a: RunRecord, b: { record: RunRecord } | null) => !b || a.startedAt > b.record.startedAt;
  for (const name of names) {
    const path = join(runsDir, name);
    const record = await tryReadRunRecord(path);
    if (!record || record.task.name !== task.name) continue;
    if (resolve(cwd, record.task.file) === target && later(record, exact)) exact = { path, record };
    if (later(record, byName)) byName = { path, record };
  }
  return exact ?? byName;
}
