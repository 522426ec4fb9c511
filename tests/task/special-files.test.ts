import { execFileSync } from 'node:child_process';
import { mkdir, open, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCommand, runCli, workdir } from '../helpers/cli.js';

// Task files, data files and run records must be regular files under a size limit, read with a
// bound: a FIFO (blocks until a writer comes), /dev/zero behind a symlink (endless) or a directory
// is refused at once with one located line and exit 2.

const hasMkfifo = hasCommand('mkfifo');

const TASK = (data: string) => `
name: special
prompt: "Say {{word}}"
providers: [openai:gpt-4o-mini]
examples: { file: ${data} }
checks: [{ type: contains, value: x }]
`;

/** A directory with every kind of non-regular file under the names given. */
async function specials(extra: Record<string, string> = {}): Promise<string> {
  const dir = await workdir(extra);
  execFileSync('mkfifo', [join(dir, 'fifo.yaml'), join(dir, 'fifo.csv'), join(dir, 'fifo.json')]);
  await symlink('/dev/zero', join(dir, 'zero.yaml'));
  await symlink('/dev/zero', join(dir, 'zero.csv'));
  await symlink('/dev/zero', join(dir, 'zero.json'));
  await mkdir(join(dir, 'dir.yaml'));
  await mkdir(join(dir, 'dir.csv'));
  await mkdir(join(dir, 'dir.json'));
  return dir;
}

const run = (args: string[], cwd: string) => runCli(args, { cwd, env: { OPENAI_API_KEY: 'k' }, timeoutMs: 20_000 });

describe.skipIf(!hasMkfifo)('special files', () => {
  it.each([
    ['fifo.yaml', 'is a named pipe (FIFO), not a regular file'],
    ['zero.yaml', 'is a device, not a regular file'],
    ['dir.yaml', 'is a directory, not a file'],
  ])('task file %s: validate and eval refuse it at once', async (name, message) => {
    const dir = await specials();
    for (const command of ['validate', 'eval', 'label']) {
      const res = await run([command, name], dir);
      expect(res.timedOut).toBeUndefined();
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(`aijourney: ${name}: ${message}\n`);
    }
  });

  it.each([
    ['fifo.csv', 'is a named pipe (FIFO), not a regular file'],
    ['zero.csv', 'is a device, not a regular file'],
    ['dir.csv', 'is a directory, not a file'],
  ])('data file %s is refused, located at examples.file', async (name, message) => {
    const dir = await specials({ 'task.yaml': TASK(name) });
    const res = await run(['validate', 'task.yaml'], dir);
    expect(res.timedOut).toBeUndefined();
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`^aijourney: task\\.yaml:5:\\d+: examples\\.file: .*${name}: ${message.replace(/[()]/g, '\\$&')}\\n$`));
  });

  it.each([
    ['fifo.json', 'is a named pipe (FIFO), not a regular file'],
    ['zero.json', 'is a device, not a regular file'],
    ['dir.json', 'is a directory, not a file'],
  ])('run record %s: report, compare, merge and eval --baseline refuse it', async (name, message) => {
    const dir = await specials({ 'task.yaml': TASK('rows.csv'), 'rows.csv': 'word\nx\n' });
    for (const args of [
      ['report', name],
      ['compare', name, name],
      ['merge', name, '-o', 'm.json'],
      ['eval', 'task.yaml', '--baseline', name],
      ['label', 'task.yaml', '--run', name],
    ]) {
      const res = await run(args, dir);
      expect(res.timedOut, args.join(' ')).toBeUndefined();
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toBe(`aijourney: ${name}: ${message}\n`);
    }
  });

  it('a data file over the 64 MB limit is refused without reading it (a sparse file)', async () => {
    const dir = await workdir({ 'task.yaml': TASK('big.csv') });
    const handle = await open(join(dir, 'big.csv'), 'w');
    await handle.truncate(64 * 1024 * 1024 + 1);
    await handle.close();
    const res = await run(['validate', 'task.yaml'], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/big\.csv:1:1: file is 64\.0 MB, over the 64\.0 MB limit\n$/);
  });

  it('a run record over the 256 MB limit is refused without reading it', async () => {
    const dir = await workdir();
    const handle = await open(join(dir, 'huge.json'), 'w');
    await handle.truncate(256 * 1024 * 1024 + 1);
    await handle.close();
    const res = await run(['report', 'huge.json'], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('aijourney: huge.json: file is 256.0 MB, over the 256.0 MB limit\n');
  });

  it('lone-CR line endings are one error, located, in a task file and a JSONL data file', async () => {
    const dir = await workdir({
      'cr.yaml': 'name: cr\rprompt: "Say {{word}}"\rproviders: [openai:gpt-4o-mini]\r',
      'task.yaml': TASK('rows.jsonl'),
      'rows.jsonl': '{"word": "a"}\r{"word": "b"}\r',
    });
    const cr = await run(['validate', 'cr.yaml'], dir);
    expect(cr.code).toBe(2);
    expect(cr.stderr).toBe('aijourney: cr.yaml:1:9: line ends with a lone CR (classic Mac line endings): save the file with LF or CRLF line endings\n');
    const data = await run(['validate', 'task.yaml'], dir);
    expect(data.code).toBe(2);
    expect(data.stderr.trim().split('\n')).toHaveLength(1);
    expect(data.stderr).toContain('rows.jsonl:1:14: line ends with a lone CR');
    await writeFile(join(dir, 'crlf.yaml'), 'name: crlf\r\nprompt: "Say {{word}}"\r\nproviders: [openai:gpt-4o-mini]\r\nexamples: [{ vars: { word: a } }]\r\n');
    expect((await run(['validate', 'crlf.yaml'], dir)).code).toBe(0);
  });
});
