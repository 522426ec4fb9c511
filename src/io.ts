/**
 * What a command is given to talk to the world: streams, environment and working directory. The
 * CLI entry (cli.ts) makes the real one; tests make their own and run commands in-process.
 */
import type { Scrubber } from './providers/secrets.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * The mask on stdout and stderr (set by `run`): it starts with the secrets of the environment;
   * a command that reads a task adds the task's (providers/secrets.ts).
   */
  secrets?: Scrubber;
}

/** Writes and waits until the text is flushed (process.exit would cut a piped write short). */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve);
  });
}
