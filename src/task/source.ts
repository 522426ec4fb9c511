/**
 * Reading a text file the user points us at (the task file, a data file, a run record), refusing
 * what is not reasonable text before any parser sees it: missing, not a regular file, too big,
 * binary, not UTF-8, lone-CR line endings.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { DraftIssue } from './issues.js';

/** Reads a file's bytes; injectable so tests can load task files from memory. */
export type ReadFile = (path: string) => Promise<Uint8Array | string>;

/** Task files larger than this are refused unread. */
export const MAX_TASK_BYTES = 5 * 1024 * 1024;

export type TextResult = { ok: true; text: string } | { ok: false; issue: DraftIssue };

const fileLevel = (file: string, message: string): DraftIssue => ({ path: [], message, file, line: 1, column: 1 });

/** Why a user-named file could not be read: a one-line reason, or the file was over the limit. */
export type ReadFailure = { reason: string; size?: number };

/**
 * The bytes of a regular file of at most `maxBytes`. Anything else is refused before a byte is
 * read: a directory, a FIFO (reading one blocks until a writer comes), a character device such as
 * /dev/zero (endless), also behind a symlink. The file is opened non-blocking and checked again on
 * the open descriptor, and at most `maxBytes + 1` bytes are ever read, so a file that grows (or
 * lies about its size, like /proc files) cannot make us hang or fill memory.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<{ ok: true; data: Buffer } | { ok: false; failure: ReadFailure }> {
  let handle: FileHandle | undefined;
  try {
    const kind = fileKind(await stat(path));
    if (kind) return { ok: false, failure: { reason: kind } };
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    const again = fileKind(info);
    if (again) return { ok: false, failure: { reason: again } };
    if (info.size > maxBytes) return { ok: false, failure: { reason: tooBig(info.size, maxBytes), size: info.size } };
    // Chunks until EOF or one byte past the limit: the size stat reports is only a hint.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(maxBytes + 1 - total, Math.max(info.size - total + 1, 64 * 1024)));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { ok: false, failure: { reason: tooBig(total, maxBytes, true), size: total } };
    }
    return { ok: true, data: Buffer.concat(chunks, total) };
  } catch (error) {
    return { ok: false, failure: { reason: readErrorMessage(error) } };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Null for a regular file; otherwise what the path is instead, as the message says it. */
function fileKind(info: Stats): string | null {
  if (info.isFile()) return null;
  if (info.isDirectory()) return 'is a directory, not a file';
  if (info.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'is a device, not a regular file';
  if (info.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/**
 * Reads `path` as UTF-8 text of at most `maxBytes` (a regular file only, read with a bound: see
 * readRegularFile). `issueFile` is how the file is named in messages.
 */
export async function readText(path: string, issueFile: string, maxBytes: number, readFile?: ReadFile, options: DecodeOptions = {}): Promise<TextResult> {
  let data: Uint8Array | string;
  if (readFile) {
    try {
      data = await readFile(path);
    } catch (error) {
      return { ok: false, issue: { path: [], message: readErrorMessage(error), file: issueFile } };
    }
  } else {
    const read = await readRegularFile(path, maxBytes);
    if (!read.ok) {
      const issue = read.failure.size === undefined ? { path: [], message: read.failure.reason, file: issueFile } : fileLevel(issueFile, read.failure.reason);
      return { ok: false, issue };
    }
    data = read.data;
  }
  return decodeText(data, issueFile, maxBytes, options);
}

export interface DecodeOptions {
  /**
   * Refuse a carriage return not followed by a line feed. YAML and JSON Lines parsers read such a
   * file as one long line and report a cascade of wrong errors; CSV allows a CR inside a quoted
   * field. @default true
   */
  refuseLoneCr?: boolean;
}

/** Checks size, NUL bytes, UTF-8 validity and (by default) lone CRs; strips a BOM. */
function decodeText(data: Uint8Array | string, file: string, maxBytes: number, options: DecodeOptions = {}): TextResult {
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
  const cr = options.refuseLoneCr === false ? -1 : text.search(/\r(?!\n)/);
  if (cr >= 0) {
    return {
      ok: false,
      issue: { ...at(text, cr, file), message: 'line ends with a lone CR (classic Mac line endings): save the file with LF or CRLF line endings' },
    };
  }
  return { ok: true, text };
}

function at(text: string, index: number, file: string): DraftIssue {
  const before = text.slice(0, Math.max(0, index));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return { path: [], message: '', file, line, column };
}

function tooBig(size: number, max: number, atLeast = false): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return atLeast ? `file is over the ${mb(max)} limit` : `file is ${mb(size)}, over the ${mb(max)} limit`;
}

function readErrorMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read: ${error instanceof Error ? error.message : String(error)}`;
}
