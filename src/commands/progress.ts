import type { Io } from '../cli.js';
import type { Progress } from '../run/execute.js';
import { usd } from '../render/format.js';

export interface ProgressView {
  update(p: Progress): void;
  note(text: string): void;
  stop(): void;
}

/**
 * A spinner on a TTY (ora, loaded only then); on anything else, nothing while calls run, so logs
 * and pipes get the tables and no carriage-return noise.
 */
export function startProgress(io: Io, taskName: string): ProgressView | null {
  if (!io.stderr.isTTY) {
    return { update() {}, note: (text) => void io.stderr.write(`${text}\n`), stop() {} };
  }
  let spinner: { text: string; stop(): void; start(): unknown } | null = null;
  let last: Progress | null = null;
  let stopped = false;
  import('ora').then(({ default: ora }) => {
    if (stopped) return;
    spinner = ora({ text: `${taskName}: starting`, stream: io.stderr as NodeJS.WriteStream, discardStdin: false });
    spinner.start();
  });
  return {
    update(p) {
      last = p;
      if (spinner) spinner.text = `${taskName}: ${p.done}/${p.total} calls${p.errors ? `, ${p.errors} errors` : ''}, spent ${usd(p.spentUsd)}`;
    },
    note(text) {
      if (spinner) spinner.text = text;
      else io.stderr.write(`${text}\n`);
    },
    stop() {
      stopped = true;
      spinner?.stop();
      void last;
    },
  };
}
