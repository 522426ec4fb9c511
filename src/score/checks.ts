/**
 * Deterministic checks on every output: one small factory per check type, all with the same
 * signature (input in, verdict with a reason out), in the manner of Inspect AI's scorers.
 * Factories compile once (regexes, JSON schemas) because a task scores thousands of outputs.
 */
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import type { CheckResult } from '../record/schema.js';
import type { CheckSpec } from '../task/types.js';

/** What a check sees: the model's output and the example's reference answer, if any. */
export interface CheckInput {
  output: string;
  expected?: string;
}

export type Check = (input: CheckInput) => CheckResult;

type SpecOf<T extends CheckSpec['type']> = Extract<CheckSpec, { type: T }>;

const SHOWN_CHARS = 60;
const SHOWN_SCHEMA_ERRORS = 3;

/** Quotes text for a reason, cut to ~60 characters (by code point, so no broken emoji). */
function show(text: string): string {
  const chars = [...text];
  const cut = chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS).join('')}…` : text;
  return JSON.stringify(cut);
}

/** Canonical equivalence, so a composed "é" equals a decomposed one. */
const norm = (text: string) => text.normalize('NFC');

function equals(spec: SpecOf<'equals'>): Check {
  const fold = (s: string) => (spec.ignoreCase === false ? norm(s.trim()) : norm(s.trim()).toLowerCase());
  return ({ output, expected }) => {
    const want = spec.value ?? expected;
    if (want === undefined) {
      return { type: 'equals', pass: false, reason: 'no expected answer: give the example an `expected` or the check a `value`' };
    }
    const pass = fold(output) === fold(want);
    return { type: 'equals', pass, reason: pass ? `equals ${show(want.trim())}` : `expected ${show(want.trim())}, got ${show(output.trim())}` };
  };
}

function contains(spec: SpecOf<'contains' | 'icontains' | 'not-contains'>): Check {
  const { type } = spec;
  const fold = (s: string) => (type === 'icontains' ? norm(s).toLowerCase() : norm(s));
  const needle = fold(spec.value);
  return ({ output }) => {
    const found = fold(output).includes(needle);
    const pass = type === 'not-contains' ? !found : found;
    const verb = found ? 'contains' : 'does not contain';
    const how = type === 'icontains' ? ' (ignoring case)' : '';
    return { type, pass, reason: `output ${verb} ${show(spec.value)}${how}${pass ? '' : `: ${show(output)}`}` };
  };
}

/** Matched against the trimmed output: a model's trailing newline should not fail `^...$`. */
function regex(spec: SpecOf<'regex'>): Check {
  const re = new RegExp(spec.pattern, spec.flags);
  const shown = `/${spec.pattern}/${spec.flags ?? ''}`;
  return ({ output }) => {
    re.lastIndex = 0; // `g` and `y` make test() stateful across calls
    const pass = re.test(output.trim());
    return { type: 'regex', pass, reason: pass ? `matches ${shown}` : `${show(output.trim())} does not match ${shown}` };
  };
}

const FENCE = /^```[ \t]*(?:json)?[ \t]*\r?\n([\s\S]*?)\r?\n?```$/i;

type Parsed = { ok: true; value: unknown; fenced: boolean } | { ok: false; reason: string };

/** Parses the output as JSON, accepting one ```json fenced block wrapping all of it. */
function parseJson(output: string): Parsed {
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

const fencedNote = (fenced: boolean) => (fenced ? ' (inside a ```json fence)' : '');

function json(): Check {
  return ({ output }) => {
    const parsed = parseJson(output);
    if (!parsed.ok) return { type: 'json', pass: false, reason: parsed.reason };
    return { type: 'json', pass: true, reason: `valid JSON${fencedNote(parsed.fenced)}` };
  };
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (typeof params.additionalProperty === 'string') detail = ` (${JSON.stringify(params.additionalProperty)})`;
  else if (Array.isArray(params.allowedValues)) detail = `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${error.message ?? error.keyword}${detail}`;
}

/**
 * Formats (`email`, `date`...) are not validated: ajv-formats is not a dependency, and an
 * unknown keyword in a user's schema should not break the run (strict off).
 * Throws when the schema itself does not compile; the task loader should catch that up front.
 */
function jsonSchema(spec: SpecOf<'json-schema'>): Check {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
  const validate = ajv.compile(spec.schema);
  return ({ output }) => {
    const parsed = parseJson(output);
    if (!parsed.ok) return { type: 'json-schema', pass: false, reason: parsed.reason };
    if (validate(parsed.value)) {
      return { type: 'json-schema', pass: true, reason: `matches the schema${fencedNote(parsed.fenced)}` };
    }
    const errors = validate.errors ?? [];
    const listed = errors.slice(0, SHOWN_SCHEMA_ERRORS).map(describeError).join('; ');
    const more = errors.length > SHOWN_SCHEMA_ERRORS ? ` (+${errors.length - SHOWN_SCHEMA_ERRORS} more)` : '';
    return { type: 'json-schema', pass: false, reason: `schema: ${listed}${more}` };
  };
}

/** Counts characters as code points, so an emoji is one character, not two UTF-16 units. */
function maxLength(spec: SpecOf<'max-length'>): Check {
  return ({ output }) => {
    const length = [...output].length;
    const pass = length <= spec.value;
    return { type: 'max-length', pass, reason: `${length} characters, ${pass ? 'within' : 'over'} the limit of ${spec.value}` };
  };
}

/** Compiles one check. Regexes and schemas are built here, once per spec. */
export function makeCheck(spec: CheckSpec): Check {
  switch (spec.type) {
    case 'equals':
      return equals(spec);
    case 'contains':
    case 'icontains':
    case 'not-contains':
      return contains(spec);
    case 'regex':
      return regex(spec);
    case 'json':
      return json();
    case 'json-schema':
      return jsonSchema(spec);
    case 'max-length':
      return maxLength(spec);
  }
}

/** Compiles a task's checks once; the returned function scores one output against all of them. */
export function compileChecks(specs: CheckSpec[]): (input: CheckInput) => CheckResult[] {
  const checks = specs.map(makeCheck);
  return (input) => checks.map((check) => check(input));
}

/** Compiled checks per spec object, so repeated runChecks calls over a task's specs compile once. */
const compiled = new WeakMap<CheckSpec, Check>();

/** Runs every check on one output, in the order given. */
export function runChecks(specs: CheckSpec[], input: CheckInput): CheckResult[] {
  return specs.map((spec) => {
    let check = compiled.get(spec);
    if (!check) {
      check = makeCheck(spec);
      compiled.set(spec, check);
    }
    return check(input);
  });
}
