import { appendFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeRecord } from '../record/io.js';
import type { RunRecord } from '../record/schema.js';
import { checkWritable, writeErrorReason, writeFileAtomic } from '../record/files.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

/** Report files by extension (`-o FILE`, repeatable), each rendered from the run record alone. */

export { renderMarkdown };

export type OutputFormat = 'json' | 'junit' | 'md' | 'csv' | 'html';

/** A plain `.xml` is refused: only `.junit.xml` says which XML is meant. */
const EXTENSIONS: Array<[string, OutputFormat]> = [
  ['.json', 'json'],
  ['.junit.xml', 'junit'],
  ['.md', 'md'],
  ['.csv', 'csv'],
  ['.html', 'html'],
];

const SUPPORTED_EXTENSIONS = EXTENSIONS.map(([ext]) => ext);

/** The format a file name asks for, or null when its extension is not one we write. */
export function outputFormat(file: string): OutputFormat | null {
  const lower = file.toLowerCase();
  return EXTENSIONS.find(([ext]) => lower.endsWith(ext) && lower.length > ext.length)?.[1] ?? null;
}

/** Throws UsageError (exit 2) for an extension we cannot write, so a run refuses before calling any model. */
export function validateOutputPath(file: string): OutputFormat {
  const format = outputFormat(file);
  if (!format) {
    const hint = file.toLowerCase().endsWith('.xml') ? 'JUnit XML files must end in .junit.xml' : undefined;
    throw new UsageError(`-o ${file}: unsupported output format (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`, hint);
  }
  return format;
}

export function renderOutput(record: RunRecord, format: Exclude<OutputFormat, 'json'>): string {
  switch (format) {
    case 'junit':
      return renderJunit(record);
    case 'md':
      return renderMarkdown(record);
    case 'csv':
      return renderCsv(record);
    case 'html':
      return renderHtml(record);
  }
}

/**
 * Before anything is paid for: every `-o` file has a format we write and can be written (its
 * directory made, a file created in it). Throws UsageError (exit 2) naming the first that cannot.
 */
export async function checkOutputs(files: string[], cwd: string, flag = '-o'): Promise<void> {
  for (const file of files) {
    validateOutputPath(file);
    await checkWritable(resolve(cwd, file)).catch((err: unknown) => {
      throw new UsageError(`${flag} ${file}: cannot be written: ${writeErrorReason(err)}`);
    });
  }
}

/**
 * Writes each file (relative paths against `cwd`) atomically, creating directories as needed.
 * Every file is attempted; the ones that failed come back as `file: reason` lines.
 */
export async function writeOutputs(record: RunRecord, files: string[], cwd: string): Promise<string[]> {
  const failed: string[] = [];
  for (const file of files) {
    const format = validateOutputPath(file);
    const path = resolve(cwd, file);
    try {
      if (format === 'json') await writeRecord(path, record);
      else await writeFileAtomic(path, renderOutput(record, format));
    } catch (err) {
      failed.push(`${file}: ${writeErrorReason(err)}`);
    }
  }
  return failed;
}

/**
 * Appends the Markdown report to a GitHub Actions job summary file (`$GITHUB_STEP_SUMMARY`).
 * A summary that cannot be written is reported through `warn` (when given) rather than failing a
 * run whose results are already saved.
 */
export async function appendStepSummary(record: RunRecord, file: string, warn?: (message: string) => void): Promise<void> {
  try {
    // Appending to a FIFO would block until something reads it; a device is no summary either.
    const info = await stat(file).catch(() => null);
    if (info && !info.isFile()) throw new Error('not a regular file');
    await appendFile(file, `${renderMarkdown(record)}\n`);
  } catch (err) {
    if (!warn) throw err;
    warn(`cannot append to GITHUB_STEP_SUMMARY (${file}): ${(err as Error).message}`);
  }
}
