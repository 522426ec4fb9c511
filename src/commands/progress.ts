import type { Io } from '../io.js';
import type { Progress } from '../run/execute.js';
import { usd } from '../render/format.js';
import { overlay } from '../render/output-stream.js';

export interface ProgressView {
  /** True when this is a spinner on a terminal (a note replaces its line). */
  readonly tty: boolean;
  update(p: Progress): void;
  note(text: string): void;
  stop(): void;
}

/**
 * Below this width a spinner line cannot show anything useful, and a terminal that reports 0
 * columns (`script -c` from a pipe, some CI runners) would make the spinner's line arithmetic
 * divide by zero: ora then clears lines forever at 100% CPU.
 */
export const MIN_SPINNER_COLUMNS = 20;

type Tty = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** The terminal's width when it reports a usable one, else null. */
function widthOf(stream: Tty): number | null {
  const columns = stream.columns;
  return typeof columns === 'number' && Number.isFinite(columns) && columns >= 1 ? Math.floor(columns) : null;
}

/**
 * The stream as ora sees it: a width of at least 1 even if the terminal is resized to 0 (or stops
 * reporting one) mid-run, so ora's line count stays finite.
 */
function spinnerStream(stream: Tty): NodeJS.WriteStream {
  return overlay(stream, (target, prop) => (prop === 'columns' ? (widthOf(target) ?? 80) : undefined)) as unknown as NodeJS.WriteStream;
}

/** One spinner line, cut to the terminal's width so it never wraps. */
function fit(text: string, stream: Tty): string {
  const room = (widthOf(stream) ?? 80) - 3; // the spinner frame and a space, and the cursor cell
  return text.length > room ? `${text.slice(0, Math.max(1, room - 1))}…` : text;
}

/**
 * A spinner on a TTY of a usable width (ora, loaded only then); on anything else, nothing while
 * calls run, so logs, pipes and 0-column terminals get the tables and no carriage-return noise.
 */
export function startProgress(io: Io, taskName: string): ProgressView | null {
  const stderr = io.stderr as Tty;
  const width = widthOf(stderr);
  if (!stderr.isTTY || width === null || width < MIN_SPINNER_COLUMNS) {
    return { tty: false, update() {}, note: (text) => void io.stderr.write(`${text}\n`), stop() {} };
  }
  let spinner: { text: string; stop(): void; start(): unknown } | null = null;
  let stopped = false;
  import('ora').then(({ default: ora }) => {
    if (stopped) return;
    spinner = ora({ text: fit(`${taskName}: starting`, stderr), stream: spinnerStream(stderr), discardStdin: false });
    spinner.start();
  });
  return {
    tty: true,
    update(p) {
      if (spinner) spinner.text = fit(`${taskName}: ${p.done}/${p.total} calls${p.errors ? `, ${p.errors} errors` : ''}, spent ${usd(p.spentUsd)}`, stderr);
    },
    note(text) {
      if (spinner) spinner.text = fit(text, stderr);
      else io.stderr.write(`${text}\n`);
    },
    stop() {
      stopped = true;
      spinner?.stop();
    },
  };
}
