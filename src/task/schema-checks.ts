/**
 * The deterministic checks of the task file, one tagged variant each. What a check needs from the
 * examples (an `expected`, an `expected_tool`) and whether its regex, schema, path or script loads
 * is judged in rules.ts and script-rules.ts.
 */
import * as z from 'zod';
import { jsonSchemaObject, scalar, strict, text } from './schema-base.js';

export const CHECK_TYPES = [
  'equals',
  'contains',
  'icontains',
  'not-contains',
  'starts-with',
  'regex',
  'similar',
  'word-count',
  'json',
  'json-schema',
  'json-path',
  'max-length',
  'tool-call',
  'no-tool-call',
  'script',
] as const;

/** A script check may run this long per output, at most. */
const MAX_SCRIPT_TIMEOUT_MS = 600_000;

export const checkSchema = z
  .discriminatedUnion('type', [
    strict({
      type: z.literal('equals'),
      value: scalar.optional().describe("Compare with this instead of the example's `expected`."),
      ignore_case: z.boolean().default(true).describe('Compare case-insensitively (both sides are trimmed).'),
    }).describe('Output equals `expected` (or `value`). A structured output is compared as JSON with `expected` when that parses as JSON.'),
    strict({
      type: z.enum(['contains', 'icontains', 'not-contains']),
      value: z.string().min(1).describe('The substring.'),
    }).describe('Output contains (case-insensitively for `icontains`) or does not contain `value`.'),
    strict({
      type: z.literal('starts-with'),
      value: z.string().min(1).describe('The prefix (leading whitespace of the output is ignored).'),
      ignore_case: z.boolean().default(false).describe('Compare case-insensitively.'),
    }).describe('Output starts with `value`.'),
    strict({
      type: z.literal('regex'),
      pattern: z.string().min(1).describe('A JavaScript regular expression.'),
      flags: z
        .string()
        .regex(/^[dgimsuvy]*$/, 'flags must be among d, g, i, m, s, u, v, y')
        .optional()
        .describe('Regex flags, e.g. `i`.'),
    }).describe('Output matches `pattern`.'),
    strict({
      type: z.literal('similar'),
      value: z.string().optional().describe("Compare with this instead of the example's `expected`."),
      threshold: z.number().min(0).max(1).default(0.8).describe('Least similarity that passes, 0 to 1.'),
      ignore_case: z.boolean().default(true).describe('Compare case-insensitively (both sides are trimmed).'),
    }).describe('Output is close to `expected` (or `value`): similarity = 1 − edit distance / length of the longer text, in characters.'),
    strict({
      type: z.literal('word-count'),
      min: z.int().min(0).optional().describe('At least this many words.'),
      max: z.int().min(0).optional().describe('At most this many words.'),
    }).describe('Output has between `min` and `max` words (words as Unicode segments them, so Chinese or Japanese text counts too).'),
    strict({ type: z.literal('json') }).describe('Output parses as JSON.'),
    strict({
      type: z.literal('json-schema'),
      schema: jsonSchemaObject().describe('A JSON Schema the parsed output must satisfy.'),
    }).describe('Output is JSON valid against `schema`.'),
    strict({
      type: z.literal('json-path'),
      path: text().describe('Where in the JSON output: `$.customer.name`, `items[0].sku`, `$["odd key"]`.'),
      value: z.unknown().optional().describe('The value expected there, compared as JSON; without it the path must exist.'),
    }).describe('Output is JSON with a value at `path` (equal to `value` when given).'),
    strict({
      type: z.literal('max-length'),
      value: z.int().positive().describe('Maximum length in characters.'),
    }).describe('Output is at most `value` characters long.'),
    strict({
      type: z.literal('tool-call'),
      name: z.string().min(1).optional().describe("The tool the model must call. @default the example's `expected_tool.name`"),
      arguments: z.unknown().optional().describe("Its arguments must equal these (as JSON). @default the example's `expected_tool.arguments`, if any"),
      schema: jsonSchemaObject().optional().describe("Its arguments must satisfy this JSON Schema. @default the example's `expected_tool.schema`, if any"),
    }).describe('The model called the tool `name`, with the arguments expected (when given).'),
    strict({ type: z.literal('no-tool-call') }).describe('The model answered without calling a tool.'),
    strict({
      type: z.literal('script'),
      file: text().describe(
        'An ES module (`.mjs` or `.js`), relative to the task file, whose default export takes `{output, text, example, vars, expected, toolCalls}` and returns `{pass, reason?, score?}` (or a promise of it). See "Script checks".',
      ),
      timeout_ms: z.int().positive().max(MAX_SCRIPT_TIMEOUT_MS).default(10_000).describe('Time allowed per output; longer is a failure.'),
    }).describe('Your own check, in JavaScript.'),
  ])
  .describe('A deterministic check run on every output.');
