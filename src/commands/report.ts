import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { write, type Io } from '../cli.js';
import { EXIT, UsageError } from '../errors.js';
import { RUN_SCHEMA, type RunRecord } from '../record.js';
import { validateOutputPath, writeOutputs } from '../render/outputs.js';
import { renderRun } from '../render/terminal.js';

export interface ReportFlags {
  output?: string[];
  color: boolean;
}

/** Reads a saved run record, refusing anything else with one line (exit 2). */
export async function readRunRecord(file: string, cwd: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a run record' : `cannot read (${code ?? (err as Error).message})`}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not a run record (not valid JSON)`, 'run records are the .json files aijourney eval saves under .aijourney/runs or writes with -o run.json');
  }
  const schema = typeof data === 'object' && data !== null ? (data as { schema?: unknown }).schema : undefined;
  if (schema !== RUN_SCHEMA) {
    const found = typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" field';
    throw new UsageError(`${file}: not an aijourney run record (${found}; expected "${RUN_SCHEMA}")`);
  }
  const record = data as RunRecord;
  if (!Array.isArray(record.results) || !Array.isArray(record.summary) || typeof record.task !== 'object' || record.task === null) {
    throw new UsageError(`${file}: damaged run record (missing results, summary or task)`);
  }
  return record;
}

/** `aijourney report run.json [-o FILE ...]`: re-renders a saved run; never calls a model. */
export async function runReportCommand(file: string, flags: ReportFlags, io: Io): Promise<number> {
  const outputs = flags.output ?? [];
  for (const out of outputs) validateOutputPath(out);
  const record = await readRunRecord(file, io.cwd);
  if (outputs.length === 0) {
    const color = flags.color && !io.env.NO_COLOR && Boolean(io.stdout.isTTY);
    await write(io.stdout, `${renderRun(record, { color })}\n`);
    return EXIT.ok;
  }
  await writeOutputs(record, outputs, io.cwd);
  await write(io.stdout, outputs.map((out) => `Wrote ${resolve(io.cwd, out)}\n`).join(''));
  return EXIT.ok;
}
