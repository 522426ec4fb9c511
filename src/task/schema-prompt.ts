/**
 * The prompt side of the task file: a variant as `system`/`user` templates or a chat transcript of
 * `messages`, the tools the model may call, `tool_choice`, and a structured `response_format`.
 * Cross-field rules (one of `user`/`messages`, tool names, schemas that compile) are in rules.ts.
 */
import * as z from 'zod';
import { jsonSchemaObject, strict, text } from './schema-base.js';

/** What both APIs accept as a tool name. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const toolName = () => z.string().regex(TOOL_NAME, 'use 1 to 64 letters, digits, "_" or "-" (what both APIs accept), e.g. get_weather');

/** At most this many tools per prompt (OpenAI's limit; Anthropic's is higher). */
const MAX_TOOLS = 128;

const messageSchema = strict({
  role: z
    .enum(['system', 'user', 'assistant'])
    .describe(
      '`system` (instructions, before the conversation; Anthropic gets them as its system prompt), `user`, or `assistant` (an earlier answer, e.g. a few-shot example).',
    ),
  content: text().describe("The message template; `{{var}}` is replaced by the example's variable."),
}).describe('One chat message.');

const toolSchema = strict({
  name: toolName().describe('The name the model calls it by (letters, digits, `_`, `-`; at most 64).'),
  description: z.string().optional().describe('What the tool does and when to use it: the model reads this.'),
  parameters: jsonSchemaObject()
    .optional()
    .describe('JSON Schema of the arguments, an object schema (`type: object`). @default `{type: object, properties: {}}` (no arguments)'),
}).describe('A tool (function) the model may call.');

export const toolsSchema = z.array(toolSchema).min(1).max(MAX_TOOLS);

export const toolChoiceSchema = z
  .union([z.enum(['auto', 'none', 'required']), strict({ name: toolName().describe('The tool the model must call.') })])
  .describe(
    "Whether the model calls a tool: `auto` (it decides; the APIs' default), `none`, `required` (some tool), or `{name: <tool>}` (that one). Sent as each API spells it.",
  );

const responseFormatSchema = strict({
  json_schema: jsonSchemaObject().describe('JSON Schema of the reply, an object schema (`type: object`).'),
  name: toolName().optional().describe('Name of the schema (OpenAI) or of the forced tool (Anthropic). @default `response`'),
  strict: z
    .boolean()
    .optional()
    .describe(
      "OpenAI's strict mode, which guarantees the schema and needs `additionalProperties: false` and every property `required` on each object. @default `true`",
    ),
}).describe(
  'A structured reply: OpenAI structured outputs (`response_format: json_schema`), Anthropic a tool the model is made to call. The parsed object is the output the checks see; a reply that does not match the schema fails the `response-format` check.',
);

export const promptVariantSchema = z
  .union([
    text().describe('The user message template.'),
    strict({
      id: text().optional().describe('Name shown in tables. @default `p1`, `p2`, …'),
      system: z.string().optional().describe('System message template.'),
      user: text().optional().describe("User message template; `{{var}}` is replaced by the example's variable. Or use `messages`."),
      messages: z
        .array(messageSchema)
        .min(1)
        .optional()
        .describe('A chat transcript instead of `system`/`user`: system messages first, then user and assistant turns, ending with a user message.'),
      tools: toolsSchema.optional().describe(`Tools the model may call (at most ${MAX_TOOLS}); replaces the task's \`tools\` for this prompt.`),
      tool_choice: toolChoiceSchema.optional(),
      response_format: responseFormatSchema.optional(),
    }),
  ])
  .describe('A prompt variant: a user template string, `{id, system, user}`, or `{id, messages}`.');

export const expectedToolSchema = strict({
  name: toolName().describe('The tool the model should call.'),
  arguments: z.unknown().optional().describe('Its arguments, compared as JSON (key order and number spelling aside).'),
  schema: jsonSchemaObject().optional().describe('A JSON Schema its arguments must satisfy (instead of, or with, `arguments`).'),
}).describe('The tool call `tool-call` checks expect for this example.');
