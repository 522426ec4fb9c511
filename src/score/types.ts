/** The one signature every check has: what it sees of a reply, and the verdict it gives. */
import type { CheckResult, ToolCall } from '../record/schema.js';
import type { Example } from '../task/types.js';

/** What a check sees of one reply. */
export interface CheckInput {
  /** The reply's text; a structured reply's object as JSON text. Tool calls are not part of it. */
  output: string;
  /** The example's reference answer, if any. */
  expected?: string;
  /** A structured reply's parsed object (the prompt has `response_format`); absent when the reply was not one. */
  structured?: unknown;
  /** The reply's tool calls, in order. */
  toolCalls?: ToolCall[];
  /** The example answered: its variables and expected tool call (script checks see it whole). */
  example?: Example;
}

export type Check = (input: CheckInput) => CheckResult;

/** A check that may take time (a script check): its verdict may come as a promise. */
export type AnyCheck = (input: CheckInput) => CheckResult | Promise<CheckResult>;
