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

/** One prompt variant. `user` (and `system`) may hold `{{var}}` placeholders. */
export interface PromptVariant {
  id: string;
  system?: string;
  user: string;
}

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

export interface Example {
  /** 0-based position in the task's example list. */
  index: number;
  vars: Record<string, string>;
  /** Reference answer. */
  expected?: string;
  labels: Label[];
}

export type CheckSpec =
  | { type: 'equals'; value?: string; ignoreCase: boolean }
  | { type: 'contains' | 'icontains' | 'not-contains'; value: string }
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'json' }
  | { type: 'json-schema'; schema: Record<string, unknown> }
  | { type: 'max-length'; value: number };

/** One judge configuration: a model plus the rubric it grades by. */
export interface JudgeCandidate {
  id: string;
  provider: ProviderSpec;
  rubric: string;
}

export interface JudgeSpec {
  candidates: JudgeCandidate[];
  /** Ask each question k times and take the majority. @default 1 */
  samples: number;
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
