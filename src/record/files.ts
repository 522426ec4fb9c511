/**
 * Writing what a run produced (records, reports) so that nothing paid for is lost: every target is
 * checked writable before the first call, and every file is written atomically (a temp file in the
 * same directory, then a rename), so a crash, Ctrl-C or a full disk never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Why a path cannot be written, in a few words (the errno code, the file kind), for one-line messages. */
export function writeErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST': // mkdir -p over a file
      return 'a part of the path is a file, not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOENT':
      return 'files cannot be created there';
    default: {
      const message = String((err as Error)?.message ?? err);
      return code && !message.includes(code) ? `${code}: ${message}` : message;
    }
  }
}

/** The file a write replaces: the target of a symlink (so the link stays), else the path itself. */
async function finalPath(path: string): Promise<string> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await realpath(path) : path;
  } catch {
    return path; // does not exist yet (or a dangling link: written as a new file next to it)
  }
}

/**
 * Throws (with a one-line reason) unless `path` can be written: its directory exists or can be
 * made, a file can be created and written there, and `path` is not a directory, FIFO or device
 * (a rename would replace a device node; a FIFO would block the write).
 */
export async function checkWritable(path: string): Promise<void> {
  const target = await finalPath(path);
  const existing = await stat(target).catch(() => null);
  if (existing && !existing.isFile()) throw new Error(existing.isDirectory() ? 'is a directory' : 'is not a regular file');
  const dir = dirname(target);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    // mkdir -p says ENOENT under a read-only or unwritable parent: a probe in the nearest directory
    // that exists gives the real reason (EROFS, EACCES).
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let parent = dirname(dir);
    while (!(await stat(parent).catch(() => null))?.isDirectory() && dirname(parent) !== parent) parent = dirname(parent);
    await probe(parent, target);
    throw err;
  }
  await probe(dir, target);
}

/** Creates, writes and removes a small file in `dir`: the one sure test that files can be written there. */
async function probe(dir: string, target: string): Promise<void> {
  const path = join(dir, `.${basename(target)}.${randomBytes(4).toString('hex')}.check`);
  const handle = await open(path, 'wx');
  try {
    await handle.write('x');
  } finally {
    await handle.close();
    await unlink(path).catch(() => undefined);
  }
}

/** Writes `text` (or its pieces, in order) to `path` atomically, creating the directory as needed. */
export async function writeFileAtomic(path: string, text: string | Iterable<string>): Promise<void> {
  const target = await finalPath(path);
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
