import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInProcess } from './io.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/aijourney.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the process was killed for running past `timeoutMs`. */
  timedOut?: boolean;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  /** Kill the process (SIGKILL) after this long, so a hang fails the test instead of stalling it. */
  timeoutMs?: number;
}

/**
 * Runs the CLI with only the environment given: in this process through `run(argv, io)` (fast and
 * steady under load), or, with `timeoutMs`, as a child process of the built bundle, so that a hang
 * can be killed and fails the test instead of stalling it.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  if (options.timeoutMs !== undefined) return runBuilt(args, options);
  return runInProcess(args, { env: options.env ?? {}, cwd: options.cwd ?? ROOT, ...(options.input === undefined ? {} : { input: options.input }) });
}

/** Runs the built bundle (bin/aijourney.js) as a child process, with only the environment given (plus PATH). */
export function runBuilt(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

/** Runs any command the same way (e.g. `script` wrapping the CLI in a pseudo-terminal). */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ...(timedOut ? { timedOut } : {}) });
    });
    child.stdin.on('error', () => undefined); // a child that exits before reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Directories made by `workdir` in this test file, removed after it (tests/setup.ts). */
const made: string[] = [];

/** A fresh temporary directory holding the given files; returns its path. Removed when the file's tests end. */
export async function workdir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aijourney-test-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** Removes every directory `workdir` made (called after each test file by tests/setup.ts). */
export async function removeWorkdirs(): Promise<void> {
  const dirs = made.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Whether `command` runs here (e.g. `script` from util-linux, `mkfifo`), for skipIf. */
export function hasCommand(command: string, args: string[] = ['--version']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The shell command that runs the CLI on `script`'s pseudo-terminal of `cols` x `rows`, in the
 * foreground (so it may set terminal modes), killed after `seconds` so nothing outlives a test.
 */
export function ptyCommand(cols: number, rows: number, args: string[], seconds = 20): string {
  return `stty cols ${cols} rows ${rows}; timeout --foreground -s KILL ${seconds} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}`;
}

/** Runs the CLI on a pseudo-terminal (see ptyCommand); what it drew comes back as stdout. */
export function runOnPty(cols: number, rows: number, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runProcess('script', ['-qec', ptyCommand(cols, rows, args), '/dev/null'], { timeoutMs: 25_000, ...options });
}
