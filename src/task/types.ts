/**
 * A task as the rest of the flow sees it: normalized from the task file (task/normalize.ts),
 * plain data, no I/O.
 */
import type { LabelSample } from '../record/schema.js';

export type Verdict = 'pass' | 'fail';

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A tool (function) the model may call: its arguments are described by a JSON Schema of an object. */
export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. @default `{type: 'object', properties: {}}` */
  parameters: Record<string, unknown>;
}

/** Whether and which tool the model must call: `required` is any tool, `{name}` that one. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A structured reply: a JSON object matching `schema` (OpenAI structured outputs; Anthropic a forced tool). */
export interface ResponseFormat {
  /** Name of the schema (OpenAI) or of the forced tool (Anthropic). @default 'response' */
  name: string;
  schema: Record<string, unknown>;
  /** OpenAI's strict mode: the reply is guaranteed to match the schema. @default true */
  strict: boolean;
}

/** What a prompt variant asks of the model besides its messages. */
interface PromptOptions {
  id: string;
  /** Tools the model may call (the prompt's own, else the task's). */
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
}

/**
 * One prompt variant: `user` (and `system`) templates, or a chat transcript of `messages`. Every
 * content may hold `{{var}}` placeholders.
 */
export type PromptVariant = PromptOptions &
  ({ system?: string; user: string; messages?: undefined } | { messages: Message[]; system?: undefined; user?: undefined });

/** Sampling parameters passed to the provider as written (snake_case, as both APIs spell them). */
export interface ModelParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  seed?: number;
  stop?: string[];
  [key: string]: unknown;
}

/** USD per million tokens. */
export interface Price {
  inputPerMtok: number;
  outputPerMtok: number;
}

export type { ProviderType } from '../providers/table.js';
import type { ProviderType } from '../providers/table.js';

/** A model endpoint, normalized from `openai:gpt-4o-mini` or the object form. */
export interface ProviderSpec {
  /** As written (`openai:gpt-4o-mini`) or the object form's `id`. */
  id: string;
  type: ProviderType;
  model: string;
  /** Explicit base URL; when absent the SDK's own default (and its *_BASE_URL variable) applies. */
  baseUrl?: string;
  /** Environment variable holding the key; defaults to OPENAI_API_KEY / ANTHROPIC_API_KEY. */
  apiKeyEnv?: string;
  params: ModelParams;
  /** Overrides the bundled price data. */
  price?: Price;
  /** Extra HTTP headers as written: `${NAME}` names an environment variable, resolved when the client is made. */
  headers?: Record<string, string>;
  /** How the key is sent. @default 'bearer' */
  auth?: 'bearer' | 'x-api-key';
}

export interface Label {
  output: string;
  verdict: Verdict;
  critique?: string;
  sample?: LabelSample;
}

/** The tool call an example expects: its name, and optionally its exact arguments or a schema they must satisfy. */
export interface ExpectedTool {
  name: string;
  arguments?: unknown;
  schema?: Record<string, unknown>;
}

export interface Example {
  /** 0-based position in the task's example list. */
  index: number;
  vars: Record<string, string>;
  /** Reference answer. */
  expected?: string;
  /** The tool call `tool-call` checks expect. */
  expectedTool?: ExpectedTool;
  labels: Label[];
}

export type CheckSpec =
  | { type: 'equals'; value?: string; ignoreCase: boolean }
  | { type: 'contains' | 'icontains' | 'not-contains'; value: string }
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'json' }
  | { type: 'json-schema'; schema: Record<string, unknown> }
  | { type: 'max-length'; value: number }
  | { type: 'starts-with'; value: string; ignoreCase: boolean }
  | { type: 'similar'; value?: string; threshold: number; ignoreCase: boolean }
  | { type: 'word-count'; min?: number; max?: number }
  /** `value` absent: the path exists; present (null included): the value there equals it. */
  | { type: 'json-path'; path: string; value?: unknown }
  /** Each field falls back to the example's `expected_tool`. */
  | { type: 'tool-call'; name?: string; arguments?: unknown; schema?: Record<string, unknown> }
  | { type: 'no-tool-call' }
  /** `file` as written; `url` the file URL it resolves to (relative to the task file). */
  | { type: 'script'; file: string; url: string; timeoutMs: number };

/** One judge configuration: a model plus the rubric it grades by. */
export interface JudgeCandidate {
  id: string;
  provider: ProviderSpec;
  rubric: string;
}

/** The id of the panel's row in the calibration table and of its verdicts in the record. */
export const PANEL_ID = 'panel';

export interface JudgeSpec {
  /** Every judge calibrated on its own, panel members included. */
  candidates: JudgeCandidate[];
  /** Ids (in `candidates`) of the members of `judge.panel`, when there is one. */
  panel?: string[];
  /** Ask each question k times and take the majority. @default 1 */
  samples: number;
  /** `pairwise`: also compare each prompt variant with the first, in both orders. @default 'pointwise' */
  mode: 'pointwise' | 'pairwise';
}

/** `estimate`: decide on the point estimate; a level such as 0.95: on the one-sided lower bound at that level. */
export type Confidence = 'estimate' | number;

export interface Gates {
  minQuality?: number;
  maxCostUsd?: number;
  maxP95LatencyMs?: number;
  maxErrorRate?: number;
  /** How quality decisions (gate, recommendation, baseline) are made. @default 'estimate' */
  confidence?: Confidence;
  /** Fail when a bias probe's 95% interval lies wholly beyond this effect size (judge/bias.ts). */
  maxJudgeBias?: number;
  /** Decide on the raw votes of an untrusted or uncalibrated judge anyway (said loudly). @default false */
  allowUntrustedJudge?: boolean;
}

export interface Settings {
  /** @default 8 */
  concurrency: number;
  /** @default 1 */
  repeat: number;
  /** Per-request timeout handed to the SDK. @default 60000 */
  timeoutMs: number;
  /** SDK retries (429, 5xx, timeouts, connection errors). @default 3 */
  maxRetries: number;
  /** Calls go through the providers' batch APIs (`--batch`). @default false */
  batch: boolean;
}

export interface Task {
  name: string;
  description?: string;
  /** Path of the task file as given. */
  file: string;
  prompts: PromptVariant[];
  providers: ProviderSpec[];
  examples: Example[];
  checks: CheckSpec[];
  judge?: JudgeSpec;
  gates: Gates;
  settings: Settings;
}
