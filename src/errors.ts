/**
 * Few error classes, one place that exits (src/cli.ts).
 * A user-facing error carries its exit code and a one-line message; the CLI prints it without a stack.
 */

export const EXIT = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  runFailed: 3,
  /** `--batch-wait` ran out with provider batches still running: the same command collects them later. */
  batchPending: 4,
  interrupted: 130,
} as const;

export class AijourneyError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem in a task file, located by dotted path and YAML position. */
export interface TaskIssue {
  file: string;
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** One line per issue, whatever the file held: line breaks in keys or values are shown as \n. */
function formatIssue(issue: TaskIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  const line = issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
  return line.replace(/\r?\n/g, '\\n');
}

/** The task file or the command line is wrong. Exit 2, before any model is called. */
export class TaskError extends AijourneyError {
  constructor(readonly issues: TaskIssue[]) {
    super(issues.map(formatIssue).join('\n'), EXIT.badInput);
  }
}

/** A bad flag or argument. Exit 2. */
export class UsageError extends AijourneyError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.badInput, hint);
  }
}

/** The run cannot go on: a missing or rejected key, too many provider failures. Exit 3. */
export class RunError extends AijourneyError {
  constructor(
    message: string,
    hint?: string,
    /** What finished before the run stopped (a partial run record), so nothing is lost. */
    readonly partial?: unknown,
  ) {
    super(message, EXIT.runFailed, hint);
  }
}

/**
 * One failed provider call, already translated from the SDK's error classes.
 * `fatal` errors (authentication) stop the run; the others become error rows.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** `refused`: the model declined to answer; `length`: the reply was cut at the token limit before any text. */
    readonly kind: 'auth' | 'rate-limit' | 'server' | 'timeout' | 'connection' | 'bad-request' | 'bad-response' | 'refused' | 'length' | 'other',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
  get fatal(): boolean {
    return this.kind === 'auth';
  }
}
