/**
 * Problems found while validating, before they are located in a file.
 * Every stage returns `DraftIssue`s; load.ts locates them and throws one TaskError with all of them.
 */
import type * as z from 'zod';
import { PROTO_KEY, UNKNOWN_KEY_SEPARATOR } from './schema.js';
import { didYouMean } from './suggest.js';

export type Path = ReadonlyArray<string | number>;

export interface DraftIssue {
  path: Path;
  message: string;
  /** Point at the key (unknown keys) rather than its value. */
  atKey?: boolean;
  /** Already located in another file (a data file's row). */
  file?: string;
  line?: number;
  column?: number;
}

type ZodIssue = z.core.$ZodIssue;

/** Turns zod's issues into one friendly issue per problem, unions resolved to the branch meant. */
export function fromZodIssues(issues: readonly ZodIssue[], base: Path = []): DraftIssue[] {
  const out: DraftIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Array<string | number>).map((k) => (k === PROTO_KEY ? '__proto__' : k))];
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split(UNKNOWN_KEY_SEPARATOR);
      issue.keys.forEach((key, i) => {
        out.push({ path: [...path, key], message: messages[i] ?? `unknown key "${key}"`, atKey: true });
      });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      out.push(...fromUnion(issue.errors, path, issue.input));
    } else {
      out.push({ path, message: messageFor(issue) });
    }
  }
  return out;
}

/**
 * A union failed every branch. A branch that failed only because the value had the wrong type
 * at the root was not the one meant; report the other branch's problems (the fewest, if several).
 */
function fromUnion(branches: ReadonlyArray<readonly ZodIssue[]>, path: Path, input: unknown): DraftIssue[] {
  const rootTypeMiss = (b: readonly ZodIssue[]) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0;
  const meant = branches.filter((b) => !rootTypeMiss(b)).sort((a, b) => a.length - b.length)[0];
  if (meant) return fromZodIssues(meant, path);
  if (input === undefined) return [{ path, message: 'required' }];
  const expected = [...new Set(branches.map((b) => expectedName((b[0] as { expected?: string }).expected)))];
  const list = expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}` : expected[0];
  return [{ path, message: `expected ${list}, got ${typeName(input)}` }];
}

function messageFor(issue: ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'required';
      return `expected ${expectedName(issue.expected)}, got ${typeName(input)}`;
    case 'too_small':
    case 'too_big':
      return boundMessage(issue, input);
    case 'invalid_value': {
      const values = issue.values.map(String);
      return `expected one of ${values.join(', ')}, got ${JSON.stringify(input)}${didYouMean(String(input), values)}`;
    }
    case 'invalid_union': {
      // A discriminated union with no matching `type` (only the `checks` list has one).
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      const got = (input as { type?: unknown } | undefined)?.type;
      if (got === undefined) return `required (one of ${options.join(', ')})`;
      return `unknown type ${JSON.stringify(got)} (known: ${options.join(', ')})${didYouMean(String(got), options)}`;
    }
    case 'invalid_format':
      return issue.format === 'url' ? `expected a URL, got ${JSON.stringify(input)}` : issue.message;
    case 'invalid_key':
      // A mapping key that its own schema refuses (a header name): say why, not just "invalid key".
      return issue.issues.map((inner) => inner.message).join('; ') || issue.message;
    default:
      return issue.message;
  }
}

function boundMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, input: unknown): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array' || issue.origin === 'string') {
    if (small && bound === 1) return 'must not be empty';
    const unit = issue.origin === 'array' ? 'items' : 'characters';
    return `must have ${small ? 'at least' : 'at most'} ${bound} ${unit}`;
  }
  const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  return `must be ${op} ${bound}, got ${JSON.stringify(input)}`;
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function expectedName(expected: string | undefined): string {
  return (expected && EXPECTED_NAMES[expected]) ?? expected ?? 'a value';
}

/** How a YAML value reads to a user: `a list`, `a number (3)`, `a string`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
    case 'boolean':
      return `a ${typeof value} (${String(value)})`;
    default:
      return typeof value;
  }
}
