/**
 * The plain data every step of the flow passes along:
 * load → validate → plan → run → score → calibrate → summarize → render/gate.
 * Nothing here does I/O; these are the shapes of a normalized task and of a run.
 */

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

export type ProviderType = 'openai' | 'anthropic';

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

/**
 * Where a label came from when `aijourney label --random` drew its output at random from the judged
 * outputs of one row: such labels are a random sample, and prediction-powered inference may use them.
 */
export interface LabelSample {
  prompt: string;
  provider: string;
  /** Hash of the sample frame (the row's judged outputs) it was drawn from: see judge/sample-frame.ts. */
  frame: string;
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

export interface CheckResult {
  type: string;
  pass: boolean;
  reason: string;
}

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

export interface Usage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cache-read rate), when reported. */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic), when reported. */
  cacheWriteTokens?: number;
}

/** What a provider adapter returns for one successful call. */
export interface Completion {
  text: string;
  usage: Usage | null;
  /** Tool-call arguments when the request forced a tool (used by the judge). */
  toolInput?: unknown;
  /** HTTP attempts the SDK made for this call (1 = no retry). */
  attempts?: number;
  /** The HTTP exchange of the attempt that answered, and the time spent on earlier attempts and back-off. */
  timing?: { latencyMs: number; retryMs: number };
}

export interface CompletionRequest {
  messages: Message[];
  params: ModelParams;
  /**
   * Ask for a structured reply matching this JSON schema (OpenAI: response_format json_schema;
   * Anthropic: a forced tool). The text reply is still returned for lenient parsing.
   */
  structured?: { name: string; description: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
}

/** One provider endpoint, ready to call. Adapters translate SDK errors into ProviderError. */
export interface ModelClient {
  readonly spec: ProviderSpec;
  /** The base URL actually used (after env defaults), part of the cache key. */
  readonly baseUrl?: string;
  /** Set when the key is missing: every call fails with this message (see ClientOptions.allowMissingKey). */
  readonly missingKey?: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

export interface JudgeVerdict {
  verdict: Verdict;
  reason: string;
  /** Where the verdict came from: the LLM judge, or a human label matching this exact output. */
  source?: 'judge' | 'label';
  unparseable?: boolean;
  /** SDK retries the judge's calls for this verdict took (source `judge`). */
  retries?: number;
}

/** One (prompt, provider, example, repeat) call and its scores. A public contract: see README. */
export interface CallResult {
  prompt: string;
  provider: string;
  example: number;
  repeat: number;
  output: string | null;
  error: string | null;
  usage: Usage | null;
  costUsd: number | null;
  /** The provider's latency: request sent to reply read, for the attempt that answered (retries and back-off excluded). */
  latencyMs: number | null;
  cached: boolean;
  /** SDK retries spent on this call. */
  retries: number;
  /** Time spent on failed attempts and the back-off between them before the attempt that answered; 0 without retries. Absent in older records. */
  retryMs?: number;
  /** The provider's reason when the model refused to answer (an error row: neither a pass nor a fail). */
  refusal?: string;
  checks: CheckResult[];
  judge: JudgeVerdict | null;
  /** null when the call failed (an error row is neither a pass nor a fail). */
  pass: boolean | null;
}

export interface Interval {
  rate: number | null;
  low: number | null;
  high: number | null;
}

export interface SummaryRow {
  prompt: string;
  provider: string;
  /** Planned calls for this row. */
  n: number;
  passed: number;
  failed: number;
  errors: number;
  /** Pass rate over scored (non-error) calls with a 95% Wilson interval. */
  quality: Interval;
  costUsd: { total: number | null; per1kCalls: number | null; unknownPrice: boolean };
  latencyMs: { p50: number | null; p95: number | null; max: number | null };
}
