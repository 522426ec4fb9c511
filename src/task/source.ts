/**
 * Reading a text file the user points us at (the task file or a data file), refusing what is not
 * reasonable text before any parser sees it: missing, too big, binary, not UTF-8.
 */
import { readFile as fsReadFile, stat } from 'node:fs/promises';
import type { DraftIssue } from './issues.js';

/** Reads a file's bytes; injectable so tests can load task files from memory. */
export type ReadFile = (path: string) => Promise<Uint8Array | string>;

/** Task files larger than this are refused unread. */
export const MAX_TASK_BYTES = 5 * 1024 * 1024;

export type TextResult = { ok: true; text: string } | { ok: false; issue: DraftIssue };

const fileLevel = (file: string, message: string): DraftIssue => ({ path: [], message, file, line: 1, column: 1 });

/**
 * Reads `path` as UTF-8 text of at most `maxBytes`. With the default reader the size is checked
 * with stat first so a huge file is never read into memory.
 * `issueFile` is how the file is named in messages.
 */
export async function readText(path: string, issueFile: string, maxBytes: number, readFile?: ReadFile): Promise<TextResult> {
  let data: Uint8Array | string;
  try {
    if (!readFile) {
      const info = await stat(path);
      if (info.isDirectory()) return { ok: false, issue: { path: [], message: 'is a directory, not a file', file: issueFile } };
      if (info.size > maxBytes) return { ok: false, issue: fileLevel(issueFile, tooBig(info.size, maxBytes)) };
    }
    data = await (readFile ?? fsReadFile)(path);
  } catch (error) {
    return { ok: false, issue: { path: [], message: readErrorMessage(error), file: issueFile } };
  }
  return decodeText(data, issueFile, maxBytes);
}

/** Checks size, NUL bytes and UTF-8 validity; strips a BOM. */
export function decodeText(data: Uint8Array | string, file: string, maxBytes: number): TextResult {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > maxBytes) return { ok: false, issue: fileLevel(file, tooBig(size, maxBytes)) };
  let text: string;
  if (typeof data === 'string') {
    text = data.replace(/^\uFEFF/, '');
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      const lossy = new TextDecoder('utf-8').decode(data);
      return { ok: false, issue: { ...at(lossy, lossy.indexOf('\uFFFD'), file), message: 'not valid UTF-8 text (is it a binary file?)' } };
    }
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) return { ok: false, issue: { ...at(text, nul, file), message: 'contains NUL bytes: looks like a binary file, not text' } };
  return { ok: true, text };
}

function at(text: string, index: number, file: string): DraftIssue {
  const before = text.slice(0, Math.max(0, index));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return { path: [], message: '', file, line, column };
}

function tooBig(size: number, max: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `file is ${mb(size)}, over the ${mb(max)} limit`;
}

function readErrorMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read: ${error instanceof Error ? error.message : String(error)}`;
}
