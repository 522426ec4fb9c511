/**
 * Deterministic checks on every output: one small factory per check type, all with the same
 * signature (input in, verdict with a reason out), in the manner of Inspect AI's scorers.
 * Factories compile once (regexes, JSON schemas) because a task scores thousands of outputs.
 */
import type { CheckResult } from '../record/schema.js';
import type { CheckSpec } from '../task/types.js';
import { compileSchema, fencedNote, jsonDifference, parseJson, replyJson, schemaErrors, show } from './json.js';
import { jsonPath } from './json-path.js';
import { loadScripts, scriptCheck } from './script.js';
import { similar, startsWith, wordCount } from './text-checks.js';
import { noToolCall, toolCall } from './tool-checks.js';
import type { AnyCheck, Check, CheckInput } from './types.js';

export type { AnyCheck, Check, CheckInput } from './types.js';

type SpecOf<T extends CheckSpec['type']> = Extract<CheckSpec, { type: T }>;

/** Canonical equivalence, so a composed "é" equals a decomposed one. */
const norm = (text: string) => text.normalize('NFC');

/** Text compared trimmed and case-folded; a structured reply compared as JSON with an `expected` that parses as JSON. */
function equals(spec: SpecOf<'equals'>): Check {
  const fold = (s: string) => (spec.ignoreCase === false ? norm(s.trim()) : norm(s.trim()).toLowerCase());
  return ({ output, expected, structured }) => {
    const want = spec.value ?? expected;
    if (want === undefined) {
      return { type: 'equals', pass: false, reason: 'no expected answer: give the example an `expected` or the check a `value`' };
    }
    const wanted = structured === undefined ? null : parseJson(want);
    if (wanted?.ok) {
      const diff = jsonDifference(wanted.value, structured);
      return {
        type: 'equals',
        pass: diff === null,
        reason: diff === null ? `equals ${show(want.trim())} (as JSON)` : `differs from the expected JSON: ${diff}`,
      };
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

function json(): Check {
  return (input) => {
    const parsed = replyJson(input);
    if (!parsed.ok) return { type: 'json', pass: false, reason: parsed.reason };
    return { type: 'json', pass: true, reason: `valid JSON${fencedNote(parsed.fenced)}` };
  };
}

/** Throws when the schema itself does not compile; the task loader catches that up front. */
function jsonSchema(spec: SpecOf<'json-schema'>): Check {
  const validate = compileSchema(spec.schema);
  return (input) => {
    const parsed = replyJson(input);
    if (!parsed.ok) return { type: 'json-schema', pass: false, reason: parsed.reason };
    const errors = schemaErrors(validate, parsed.value);
    if (errors === null) return { type: 'json-schema', pass: true, reason: `matches the schema${fencedNote(parsed.fenced)}` };
    return { type: 'json-schema', pass: false, reason: `schema: ${errors}` };
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

/**
 * Compiles one check. Regexes and schemas are built here, once per spec.
 * @throws Error for a `script` check, whose module is loaded first: use prepareChecks.
 */
export function makeCheck(spec: CheckSpec): Check {
  switch (spec.type) {
    case 'equals':
      return equals(spec);
    case 'contains':
    case 'icontains':
    case 'not-contains':
      return contains(spec);
    case 'starts-with':
      return startsWith(spec);
    case 'regex':
      return regex(spec);
    case 'similar':
      return similar(spec);
    case 'word-count':
      return wordCount(spec);
    case 'json':
      return json();
    case 'json-schema':
      return jsonSchema(spec);
    case 'json-path':
      return jsonPath(spec);
    case 'max-length':
      return maxLength(spec);
    case 'tool-call':
      return toolCall(spec);
    case 'no-tool-call':
      return noToolCall();
    case 'script':
      throw new Error(`the script check ${spec.file} must be loaded first: use prepareChecks`);
  }
}

/** Every check of a task, script modules loaded (each once). @throws ScriptLoadError when a module cannot be used. */
export async function prepareChecks(specs: CheckSpec[]): Promise<AnyCheck[]> {
  const scripts = await loadScripts(specs);
  return specs.map((spec) => (spec.type === 'script' ? scriptCheck(spec, scripts.get(spec.url)!) : makeCheck(spec)));
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
