/**
 * Types of the local wire-compatible test server (wire-server.mjs).
 *
 * Routes: `POST /v1/chat/completions` and `POST /chat/completions` (OpenAI Chat Completions),
 * `POST /v1/messages` (Anthropic Messages). Point the SDKs at `openaiBaseUrl` / `anthropicBaseUrl`.
 * `/redirect/<301|302|307|308><path>` answers that status with `location: <redirectOrigin><path>`
 * (the same server when `redirectOrigin` is unset), for redirect tests: a base URL of
 * `${url}/redirect/307/v1` redirects every OpenAI call.
 *
 * Usage reported (deterministic, so tests can compute expected costs), unless a rule gives `usage`:
 * - input tokens  = max(1, ceil(C / 4)) where C is the sum of the character counts (JS string length)
 *   of every message's text plus the system prompt (Anthropic `system`, or OpenAI system/developer
 *   messages), without separators;
 * - output tokens = max(1, ceil(reply.length / 4)); `tokenCount(reply)`.
 * An `empty` fault reports 0 output tokens. Anthropic cache token fields are always 0.
 *
 * Matching text: the system prompt and all message texts joined with "\n".
 *
 * Tools: a rule's `toolCalls` makes the reply call tools in the API's own shape (OpenAI
 * `message.tool_calls` with `finish_reason: "tool_calls"`; Anthropic `tool_use` blocks with
 * `stop_reason: "tool_use"`), after the reply text when the rule gives one. What was sent (tools,
 * tool choice, response format, the conversation) is in each request record, the same for both
 * APIs, and in the view reply functions get. Output tokens of a reply with tool calls count the
 * reply text plus each call's name and arguments JSON.
 *
 * Batch APIs (wire-batch.mjs), unless `batch: false`: OpenAI `POST /v1/files` (multipart, purpose
 * `batch`), `GET /v1/files/{id}` and `/v1/files/{id}/content`, `POST /v1/batches`, `GET
 * /v1/batches[/{id}]`, `POST /v1/batches/{id}/cancel`; Anthropic `POST /v1/messages/batches`, `GET
 * /v1/messages/batches[/{id}]`, `POST .../{id}/cancel`, `GET .../{id}/results` (the `results_url`).
 * A batch ends on its `polls`-th retrieve; its lines are then answered by the same rules as
 * synchronous calls (a rule's `error` or an HTTP `fault` becomes that line's error; no latency,
 * no transport faults) and logged in `requests` with `batch` and `customId` set, never counted in
 * `stats().total`. Input is validated as the APIs do: an OpenAI file with a bad line, a duplicate
 * `custom_id` or two models fails the batch (`status: "failed"`, `errors`); an Anthropic request
 * with a bad or duplicate `custom_id` (1-64 of `[a-zA-Z0-9_-]`) or without model, max_tokens and
 * messages is a 400. Cancelling ends a running batch at once, every line cancelled. With `apiKey`
 * set, the batch routes check the key as the synchronous ones do (401 otherwise).
 */

/** A tool as sent, the same for both APIs (OpenAI `function.parameters`, Anthropic `input_schema`). */
export interface WireTool {
  name: string;
  description?: string;
  parameters: unknown;
}

/** `tool_choice` as sent, the same for both APIs (Anthropic's `any` is `required`); null when none was sent. */
export type WireToolChoice = 'auto' | 'none' | 'required' | { name: string } | null;

/** OpenAI's `response_format: {type: "json_schema"}` as sent; null otherwise (and always for Anthropic, whose structured reply is a forced tool). */
export type WireResponseFormat = { name: string; schema: unknown; strict: boolean } | null;

/** A tool call a rule scripts. `arguments` as an object is sent as JSON; as a string, sent as written (OpenAI) or as the input (Anthropic), to play a broken model. */
export interface WireToolCall {
  name: string;
  arguments?: Record<string, unknown> | string;
}

/** What was sent, normalized across the two APIs: in every request record and in the view reply functions get. */
export interface WireSent {
  /** System prompt text (several joined with "\n"; OpenAI system/developer messages, Anthropic `system`). */
  system: string;
  /** Non-system messages in order, with their roles and content flattened to text. */
  messages: { role: string; content: string }[];
  tools: WireTool[];
  toolChoice: WireToolChoice;
  responseFormat: WireResponseFormat;
}

export type FaultKind = '429' | '500' | '503' | '529' | 'timeout' | 'reset' | 'truncated' | 'nonjson' | 'empty';

export declare const FAULT_KINDS: FaultKind[];

/** What rules and reply functions see of a request. */
export interface WireRequestView extends WireSent {
  protocol: 'openai' | 'anthropic';
  model: string;
  /** System prompt and all message texts joined with "\n": what `match` is tested against. */
  text: string;
  /** Characters counted for input tokens (see above). */
  inputChars: number;
  /** Text of the last user message ("" when none). */
  lastUser: string;
  /** The parsed JSON body as sent. */
  body: any;
  /** Request headers, lower-cased names (for reply functions only: never stored in `requests`). */
  headers: Record<string, string | string[] | undefined>;
  /** The key as sent (Anthropic: x-api-key, else the Bearer token; "" when none), e.g. to echo it back. */
  apiKey: string;
}

export interface WireRule {
  /** A substring of the request text, or a regex tested against it. First matching rule wins. */
  match: string | RegExp;
  /** The reply text; @default `"echo: " + last user message`, or no text when the rule has `toolCalls`. */
  reply?: string | ((req: WireRequestView) => string);
  /** Tool calls the reply makes (after its text, if any). */
  toolCalls?: WireToolCall[] | ((req: WireRequestView) => WireToolCall[]);
  /** Overrides the computed token counts; sent as given (so -1, 1e300 or "12" play a broken server). */
  usage?: { input: unknown; output: unknown };
  /** Overrides the server-wide latency for matching requests. */
  latencyMs?: number;
  /** Every attempt matching this rule fails with this fault. */
  fault?: FaultKind;
  /** How the reply is shaped (overrides the server-wide `shape`); see ReplyShape. */
  shape?: ReplyShape;
  /** Answer with this HTTP status and the API's error JSON carrying `message` (e.g. one that echoes the key). */
  error?: { status: number; message: string | ((req: WireRequestView) => string) };
  /**
   * Sent as the reply's content instead of the reply text, as is: any JSON value (a number, an
   * object, null), to play a broken or hostile server. OpenAI: `message.content`; Anthropic: the
   * text block's `text`. Usage is still computed from `reply` (or given by `usage`, also sent as is).
   */
  content?: unknown;
}

/**
 * Reply shapes real servers send:
 * - `parts`: the text as two text parts after a thinking part (OpenAI: `message.content` is an
 *   array, as Mistral's reasoning models send it; Anthropic: a thinking block, then two text blocks).
 * - `refusal`: the model declines and the reply text is the reason (OpenAI: `content: null`,
 *   `refusal: <text>`; Anthropic: `stop_reason: "refusal"`, `stop_details.explanation: <text>`).
 * - `length`: no text, cut at the token limit (`finish_reason: "length"` / `stop_reason:
 *   "max_tokens"`), usage reported as for the reply text.
 * - `no-usage`: the reply without usage (OpenAI `usage: null`; Anthropic no `usage` key).
 */
export type ReplyShape = 'parts' | 'refusal' | 'length' | 'no-usage';

/** How the batch endpoints behave. */
export interface WireBatchOptions {
  /** Retrieves of a batch before it ends (an OpenAI batch is `validating` when created, `in_progress` after). @default 1 */
  polls?: number;
  /** Lines whose request text matches this (true: every line) expire instead of being answered (OpenAI: the batch is `expired`, the line is in the error file with `batch_expired`; Anthropic: result `expired`). */
  expire?: string | RegExp | boolean;
}

export interface WireServerOptions {
  /** The batch endpoints' behaviour; false: none of those routes exist (404), as on a plain OpenAI-compatible server. */
  batch?: WireBatchOptions | false;
  /** Fixed port; @default 0 (ephemeral). */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  rules?: WireRule[];
  /** Reply when no rule matches; @default `"echo: " + last user message`. */
  defaultReply?: string | ((req: WireRequestView) => string);
  /** Headers to copy into each request record (`headers`), for tests of what a client sends; none by default, as they hold keys. */
  recordHeaders?: string[];
  /** Origin `/redirect/...` routes send clients to, e.g. another server's `url`. @default this server */
  redirectOrigin?: string;
  /** Serve HTTPS with this key and certificate (its subjectAltName must hold IP:127.0.0.1); `url` is then `https://127.0.0.1:PORT`. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Shape of every reply no rule shapes otherwise. @default plain text */
  shape?: ReplyShape;
  /** Delay before answering. @default 0 */
  latencyMs?: number;
  /** Extra delay, uniform in [0, jitterMs), deterministic per request number. @default 0 */
  jitterMs?: number;
  /**
   * Random faults: attempt number n (0-based, in arrival order since the last reset) fails when a
   * seeded hash of (seed, n) falls below `rate`; the kind is drawn the same way from `kinds`.
   */
  faults?: { rate: number; kinds: FaultKind[]; seed?: number };
  /** Each distinct request body fails its first `count` attempts with `kind`, then succeeds. */
  failFirst?: { count: number; kind: FaultKind };
  /** When set, a request with another key (OpenAI: Bearer; Anthropic: x-api-key, else Bearer) gets 401 with the API's error JSON. */
  apiKey?: string;
  /**
   * `retry-after-ms` sent with 429/500/503/529 faults (plus `retry-after` in whole seconds, rounded down), so the
   * SDKs retry at once; null sends no such header (the SDKs then use their own backoff).
   * Anthropic's SDK ignores a zero delay, hence the default of 1. @default 1
   */
  retryAfterMs?: number | null;
}

/** One request received, with what was sent normalized (WireSent). Headers are stored only when `recordHeaders` names them (they hold keys). */
export interface WireRequestRecord extends WireSent {
  /** The headers named by `recordHeaders` (null when absent). */
  headers?: Record<string, string | null>;
  protocol: 'openai' | 'anthropic';
  path: string;
  body: any;
  /** 1-based attempt number of this exact body (SDK retries resend the same body). */
  attempt: number;
  /** The fault injected into this attempt, or null. */
  fault: FaultKind | null;
  /** Status sent (200 for timeout/reset/truncated/nonjson/empty faults); for a batch line, the status of its result. */
  status: number;
  /** `performance.now()` in the server's process when the request's body had arrived. */
  receivedAt: number;
  /** Set on a batch line: the id of its batch. */
  batch?: string;
  /** Set on a batch line: its `custom_id`. */
  customId?: string;
}

/** A batch as tests read it. */
export interface WireBatch {
  id: string;
  protocol: 'openai' | 'anthropic';
  status: 'running' | 'completed' | 'expired' | 'cancelled' | 'failed';
  customIds: string[];
  polls: number;
}

export interface WireStats {
  total: number;
  openai: number;
  anthropic: number;
  faults: number;
  byKind: Partial<Record<FaultKind, number>>;
  /** TCP connections accepted (keep-alive reuse keeps this at most the client's concurrency). */
  connections: number;
  /** Redirects answered by `/redirect/...` routes. */
  redirects: number;
  /** Batch lines answered (not part of `total`). */
  batchLines: number;
  /** Requests open now: received, reply not yet written. */
  inFlight: number;
  /** The most requests open at once since the last reset. */
  peakInFlight: number;
}

export interface WireServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** `${url}/v1`, for the OpenAI SDK's baseURL. */
  openaiBaseUrl: string;
  /** `${url}`, for the Anthropic SDK's baseURL. */
  anthropicBaseUrl: string;
  /** Every request received since the last reset (a live array). */
  requests: WireRequestRecord[];
  /** Every batch created since the last reset, in order. */
  batches(): WireBatch[];
  stats(): WireStats;
  /** Clears the request log, counters and per-body attempt counts. */
  reset(): void;
  /** Shallow-merges new options; applies to requests arriving afterwards. */
  setOptions(partial: Partial<WireServerOptions>): void;
  /** Stops listening and drops open connections (including hung `timeout` faults). */
  close(): Promise<void>;
}

export declare function startWireServer(options?: WireServerOptions): Promise<WireServer>;

/** max(1, ceil(text.length / 4)). */
export declare function tokenCount(text: string): number;

/** Rules from parsed JSON (an array, or `{ rules: [...] }`); "/.../" match strings become regexes. */
export declare function parseRules(json: unknown): WireRule[];
