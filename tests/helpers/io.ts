import { Readable, Writable } from 'node:stream';
import { run } from '../../src/cli.js';
import type { Io } from '../../src/io.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A writable that keeps what is written, with an optional `isTTY` and terminal width. */
function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk, _encoding, done) {
      out.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}

/**
 * Runs the CLI in this process through `run(argv, io)`, with a fake Io: only the environment given,
 * stdin fed from `input`, stdout and stderr captured. Much faster than spawning the bundle.
 */
export async function runInProcess(args: string[], options: { env?: Record<string, string>; cwd: string; input?: string }): Promise<InProcessResult> {
  const stdout = sink();
  const stderr = sink();
  const io: Io = {
    stdout,
    stderr,
    stdin: Readable.from([options.input ?? '']),
    env: { ...options.env },
    cwd: options.cwd,
  };
  const code = await run(['node', 'aijourney', ...args], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
