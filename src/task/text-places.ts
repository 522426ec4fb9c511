/**
 * Where a task or data file holds text that YAML may read as a number or boolean: variables,
 * reference answers, labeled outputs (as-written.ts and fast-yaml.ts keep what was written there).
 * No YAML library here: the fast path uses these without loading the positioned one.
 */
import type { Path } from './issues.js';

/** Whether the scalar at `path` is text; `sibling` reads a plain value next to it (e.g. a check's `type`). */
export type TextPlace = (path: Path, sibling: (key: string) => unknown) => boolean;

/** `*` matches any key or index. */
function textPlaces(patterns: ReadonlyArray<ReadonlyArray<string>>, extra?: TextPlace): TextPlace {
  return (path, sibling) =>
    patterns.some((p) => p.length === path.length && p.every((seg, i) => seg === '*' || seg === String(path[i]))) || (extra?.(path, sibling) ?? false);
}

/** Where the task file holds text that may look like a number: variables, references, labeled outputs. */
export const TASK_TEXT = textPlaces(
  [
    ['examples', '*', 'vars', '*'],
    ['examples', '*', 'expected'],
    ['examples', '*', 'labels', '*', 'output'],
    ['labels', '*', 'vars', '*'],
    ['labels', '*', 'output'],
  ],
  (path, sibling) => path.length === 3 && path[0] === 'checks' && path[2] === 'value' && sibling('type') === 'equals',
);

/** The same in a data file: a list of rows, each columns (`{ticket: ...}`) or an example (`{vars: ...}`). */
export const DATA_TEXT = textPlaces([
  ['*', '*'],
  ['*', 'vars', '*'],
  ['*', 'labels', '*', 'output'],
]);

/** One row of a JSON Lines file (a document of its own). */
export const ROW_TEXT = textPlaces([['*'], ['vars', '*'], ['labels', '*', 'output']]);
