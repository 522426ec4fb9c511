/**
 * Script checks: the team's own check as an ES module whose default export takes what the reply
 * was and returns `{pass, reason?, score?}` (or a promise of it). The module is imported once
 * (Node keeps it: validation's import is the run's), and each call gets a time limit; whatever
 * the function throws or returns amiss is a failure with the reason, never a crash of the run.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import type { CheckResult, ToolCall } from '../record/schema.js';
import type { CheckSpec, Example } from '../task/types.js';
import type { AnyCheck } from './types.js';

type ScriptSpec = Extract<CheckSpec, { type: 'script' }>;

/** What a script's default export receives (a copy: it may change it freely). */
export interface ScriptInput {
  /** The reply: a structured reply's parsed object, else its text. */
  output: unknown;
  /** The reply's text (a structured reply as JSON text). */
  text: string;
  example: Pick<Example, 'index' | 'vars' | 'expected' | 'expectedTool'>;
  vars: Record<string, string>;
  expected?: string;
  toolCalls: ToolCall[];
}

export type ScriptFunction = (input: ScriptInput) => unknown;

/** A script check that cannot be used: the file is missing, fails to load, or exports no function. Exit 2. */
export class ScriptLoadError extends UsageError {}

/** Imports one module and returns its default export. @throws ScriptLoadError saying what is wrong. */
export async function loadScript(url: string): Promise<ScriptFunction> {
  const path = fileURLToPath(url);
  const info = await stat(path).catch(() => null);
  if (!info) throw new ScriptLoadError(`no such file: ${path}`);
  if (!info.isFile()) throw new ScriptLoadError(`not a file: ${path}`);
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new ScriptLoadError(`could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (typeof module.default !== 'function') {
    const got = module.default === undefined ? 'exports no default' : `its default export is ${typeof module.default}, not a function`;
    throw new ScriptLoadError(`${got}: write \`export default function check({ output }) { return { pass: true } }\``);
  }
  return module.default as ScriptFunction;
}

/** Every distinct module of the script checks, imported once. @throws ScriptLoadError naming the file. */
export async function loadScripts(specs: CheckSpec[]): Promise<Map<string, ScriptFunction>> {
  const loaded = new Map<string, ScriptFunction>();
  for (const spec of specs) {
    if (spec.type !== 'script' || loaded.has(spec.url)) continue;
    try {
      loaded.set(spec.url, await loadScript(spec.url));
    } catch (error) {
      throw error instanceof ScriptLoadError ? new ScriptLoadError(`script check ${spec.file}: ${error.message}`) : error;
    }
  }
  return loaded;
}

const MAX_REASON = 500;

/** The verdict a script returned, or a failure saying what it returned instead. */
function verdictOf(value: unknown): { pass: boolean; reason?: string; score?: number } | string {
  if (typeof value === 'boolean') return { pass: value };
  if (typeof value !== 'object' || value === null || typeof (value as { pass?: unknown }).pass !== 'boolean') {
    const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? `an object without a boolean \`pass\`` : typeof value;
    return `returned ${got}; expected {pass: boolean, reason?: string, score?: number}`;
  }
  const { pass, reason, score } = value as { pass: boolean; reason?: unknown; score?: unknown };
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score))) return `returned a score that is not a finite number (${String(score)})`;
  return { pass, ...(reason === undefined || reason === null ? {} : { reason: String(reason) }), ...(score === undefined ? {} : { score }) };
}

/** A call that has not settled after `ms` is a failure (the timer is cleared as soon as it settles). */
function withinLimit<T>(work: Promise<T>, ms: number): Promise<{ done: T } | { timedOut: true }> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
  });
  return Promise.race([work.then((done) => ({ done })), limit]).finally(() => clearTimeout(timer));
}

export function scriptCheck(spec: ScriptSpec, run: ScriptFunction): AnyCheck {
  const result = (pass: boolean, reason: string, score?: number): CheckResult => ({
    type: 'script',
    pass,
    reason: `${spec.file}: ${reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason}`,
    ...(score === undefined ? {} : { score }),
  });
  return async ({ output, structured, expected, toolCalls = [], example }) => {
    const input: ScriptInput = structuredClone({
      output: structured ?? output,
      text: output,
      example: {
        index: example?.index ?? 0,
        vars: example?.vars ?? {},
        ...(expected === undefined ? {} : { expected }),
        ...(example?.expectedTool ? { expectedTool: example.expectedTool } : {}),
      },
      vars: example?.vars ?? {},
      ...(expected === undefined ? {} : { expected }),
      toolCalls,
    });
    let outcome: { done: unknown } | { timedOut: true };
    try {
      // Called inside the promise, so a synchronous throw is caught like a rejection.
      outcome = await withinLimit(new Promise((resolve) => resolve(run(input))), spec.timeoutMs);
    } catch (error) {
      return result(false, `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    if ('timedOut' in outcome) return result(false, `no verdict within ${spec.timeoutMs} ms (timeout_ms)`);
    const verdict = verdictOf(outcome.done);
    if (typeof verdict === 'string') return result(false, verdict);
    return result(verdict.pass, verdict.reason ?? (verdict.pass ? 'passed' : 'failed'), verdict.score);
  };
}
