/**
 * JSON as the checks read it: an output parsed (one ```json fence allowed), a schema compiled
 * once, values compared as JSON, and the words for what differs.
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';

const SHOWN_CHARS = 60;
const SHOWN_SCHEMA_ERRORS = 3;

/** Text cut to ~60 characters (by code point, so no broken emoji). */
function cut(text: string): string {
  const chars = [...text];
  return chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS).join('')}…` : text;
}

/** Quotes text for a reason, cut to ~60 characters. */
export const show = (text: string): string => JSON.stringify(cut(text));

/** A JSON value in a reason, as JSON (a string quoted, a number bare), cut like text. */
export const showJson = (value: unknown): string => cut(JSON.stringify(value) ?? String(value));

const FENCE = /^```[ \t]*(?:json)?[ \t]*\r?\n([\s\S]*?)\r?\n?```$/i;

export type Parsed = { ok: true; value: unknown; fenced: boolean } | { ok: false; reason: string };

/** Parses the output as JSON, accepting one ```json fenced block wrapping all of it. */
export function parseJson(output: string): Parsed {
  const trimmed = output.trim();
  if (!trimmed) return { ok: false, reason: 'output is empty, not JSON' };
  const fence = FENCE.exec(trimmed);
  const text = fence ? fence[1]! : trimmed;
  try {
    return { ok: true, value: JSON.parse(text), fenced: fence !== null };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `not valid JSON (${why}): ${show(trimmed)}` };
  }
}

/** The reply as a JSON value: a structured reply's object as it is, else the text parsed. */
export function replyJson(input: { output: string; structured?: unknown }): Parsed {
  return input.structured !== undefined ? { ok: true, value: input.structured, fenced: false } : parseJson(input.output);
}

export const fencedNote = (fenced: boolean) => (fenced ? ' (inside a ```json fence)' : '');

/**
 * ajv, loaded by the first task that has a schema: ~180 KB of code most tasks never run, ~50 M
 * instructions of start-up when loaded with the rest. loadTask calls this for a task with a schema
 * (the bundled copy, ahead of need); compileSchema without it requires the installed package.
 */
export async function loadJsonSchema(): Promise<void> {
  Ajv ??= (await import('ajv')).Ajv;
}
let Ajv: typeof AjvClass | undefined;

/**
 * Formats (`email`, `date`...) are not validated: ajv-formats is not a dependency, and an
 * unknown keyword in a user's schema should not break the run (strict off).
 * @throws Error when the schema itself does not compile (validation reports that up front).
 */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  Ajv ??= (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv;
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false }).compile(schema);
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (typeof params.additionalProperty === 'string') detail = ` (${JSON.stringify(params.additionalProperty)})`;
  else if (Array.isArray(params.allowedValues)) detail = `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${error.message ?? error.keyword}${detail}`;
}

/** null when `value` is valid, else the first few violations, e.g. `/total must be number`. */
export function schemaErrors(validate: ValidateFunction, value: unknown): string | null {
  if (validate(value)) return null;
  const errors = validate.errors ?? [];
  const listed = errors.slice(0, SHOWN_SCHEMA_ERRORS).map(describeError).join('; ');
  const more = errors.length > SHOWN_SCHEMA_ERRORS ? ` (+${errors.length - SHOWN_SCHEMA_ERRORS} more)` : '';
  return `${listed}${more}`;
}

/**
 * Where two JSON values first differ, as `/path: expected X, got Y`; null when they are equal.
 * Objects compare by key whatever the order; numbers by value (202.50 is 202.5).
 */
export function jsonDifference(want: unknown, got: unknown, path = ''): string | null {
  const at = path || '/';
  if (Array.isArray(want) || Array.isArray(got)) {
    if (!Array.isArray(want) || !Array.isArray(got)) return `${at}: expected ${showJson(want)}, got ${showJson(got)}`;
    if (want.length !== got.length) return `${at}: expected ${want.length} items, got ${got.length}`;
    for (let i = 0; i < want.length; i++) {
      const diff = jsonDifference(want[i], got[i], `${path}/${i}`);
      if (diff) return diff;
    }
    return null;
  }
  if (typeof want === 'object' && want !== null && typeof got === 'object' && got !== null) {
    const w = want as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    for (const key of Object.keys(w)) {
      if (!Object.hasOwn(g, key)) return `${path}/${key}: missing (expected ${showJson(w[key])})`;
      const diff = jsonDifference(w[key], g[key], `${path}/${key}`);
      if (diff) return diff;
    }
    const extra = Object.keys(g).find((key) => !Object.hasOwn(w, key));
    return extra === undefined ? null : `${path}/${extra}: not expected (got ${showJson(g[extra])})`;
  }
  return Object.is(want, got) || want === got ? null : `${at}: expected ${showJson(want)}, got ${showJson(got)}`;
}
