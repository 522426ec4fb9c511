/**
 * The provider seam: what an adapter is configured with and what it returns. Adapters and the
 * registry both import these, so neither imports the other.
 */
import type { ToolCall, Usage } from '../record/schema.js';
import type { Message, ModelParams, ProviderSpec, ToolChoice, ToolSpec } from '../task/types.js';

/** What a provider adapter returns for one successful call. */
export interface Completion {
  /** The reply's text ('' when it only called tools). */
  text: string;
  usage: Usage | null;
  /** The structured reply's object when the request asked for one (`structured`): the forced tool's input, or the JSON text parsed. */
  toolInput?: unknown;
  /** Calls of the request's `tools`, in order; arguments that do not parse carry an `error`. */
  toolCalls?: ToolCall[];
  /** HTTP attempts the SDK made for this call (1 = no retry). */
  attempts?: number;
  /** The HTTP exchange of the attempt that answered, and the time spent on earlier attempts and back-off. */
  timing?: { latencyMs: number; retryMs: number };
  /** Set when the reply came from a provider batch: it is priced at the batch rate, and `timing` is the batch's turnaround. */
  batched?: boolean;
}

export interface CompletionRequest {
  messages: Message[];
  params: ModelParams;
  /**
   * Ask for a structured reply matching this JSON schema (OpenAI: response_format json_schema;
   * Anthropic: a forced tool). The text reply is still returned for lenient parsing.
   */
  structured?: {
    name: string;
    description: string;
    schema: Record<string, unknown>;
    /** OpenAI's strict mode (the reply is guaranteed to match). @default false */
    strict?: boolean;
  };
  /** Tools the model may call, sent in each API's format. */
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  signal?: AbortSignal;
  /** The call's cache key (src/run/call.ts), unique per call of a run: a batch line's `custom_id`. */
  key?: string;
}

/** One request of a provider batch. */
export interface BatchLine {
  /** The call's key (64 hex characters, which both APIs accept as a `custom_id`). */
  customId: string;
  request: CompletionRequest;
}

/** What became of one line of an ended batch. `failed` holds the provider's own message for the line. */
export type BatchLineOutcome = { kind: 'answered'; completion: Completion } | { kind: 'failed'; error: Error } | { kind: 'expired' | 'cancelled' };

/** A batch as the provider reports it while it runs. */
export interface BatchStatus {
  ended: boolean;
  /** Lines in the batch, answered so far, and failed so far (errored, expired or cancelled). */
  total: number;
  succeeded: number;
  failed: number;
  /** The provider's own status word (`in_progress`, `finalizing`, `ended`...). */
  status: string;
}

/**
 * A provider's batch engine (OpenAI Batch API, Anthropic Message Batches), over the official SDK.
 * Request bodies are those of synchronous calls, and replies are read by the same code.
 */
export interface BatchApi {
  /** Most lines one batch may hold. */
  readonly maxLines: number;
  /** Submits the lines as one batch; returns its id. A 404 or 405 means the server has no batch API. */
  submit(lines: BatchLine[]): Promise<string>;
  status(id: string): Promise<BatchStatus>;
  /** Every line's outcome, by custom id (lines of `lines` only), once the batch has ended. */
  results(id: string, lines: BatchLine[]): Promise<Map<string, BatchLineOutcome>>;
  cancel(id: string): Promise<void>;
}

/** One provider endpoint, ready to call. Adapters translate SDK errors into ProviderError. */
export interface ModelClient {
  readonly spec: ProviderSpec;
  /** The base URL actually used (after env defaults), part of the cache key. */
  readonly baseUrl?: string;
  /** Set when the key is missing: every call fails with this message (see ClientOptions.allowMissingKey). */
  readonly missingKey?: string;
  complete(request: CompletionRequest): Promise<Completion>;
  /** The provider's batch engine, when its API has one (a compatible server may still answer 404). */
  readonly batch?: BatchApi;
}

/** How every adapter is configured. The SDKs get these explicitly and never read process.env. */
export interface ClientOptions {
  /** Environment to read keys, *_BASE_URL, header variables and proxies from (usually process.env, passed in by the CLI). */
  env: Record<string, string | undefined>;
  /** Per-HTTP-request timeout handed to the SDK. */
  timeoutMs: number;
  /** Retries the SDK makes on 408/409/429/5xx, timeouts and connection errors. */
  maxRetries: number;
  /** The fetch the SDK uses; @default a transport of its own (src/providers/transport.ts) */
  fetch?: typeof fetch;
  /** Monotonic clock (ms) that times each HTTP attempt. @default performance.now */
  now?: () => number;
  /** Told, once per distinct message, what an SDK would otherwise print on every call. @default nothing is printed */
  warn?: (message: string) => void;
  /** Where the SDK's own log lines go (OPENAI_LOG / ANTHROPIC_LOG); @default the SDK's, console */
  logger?: SdkLogger;
  /**
   * Build the client even when its key is missing: its `missingKey` says so and every call fails
   * with that error (fatal), so a run the cache can replay whole needs no key.
   */
  allowMissingKey?: boolean;
}

/** The SDKs' logger shape (both are generated by Stainless). */
export type SdkLogger = Record<'error' | 'warn' | 'info' | 'debug', (message: string, ...rest: unknown[]) => void>;

/** What the registry hands an adapter after resolving key, base URL and headers. */
export interface AdapterConfig {
  /** The key, or a placeholder for keyless OpenAI-compatible servers. Never printed. */
  apiKey: string;
  /** Variable the key came from (named in auth errors); null for a keyless server. */
  keyEnv: string | null;
  /** Base URL override (spec, then *_BASE_URL); undefined means the official API. */
  baseUrl: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  now: () => number;
  warn: (message: string) => void;
  /** SDK log level from OPENAI_LOG / ANTHROPIC_LOG in the env object; 'off' otherwise. */
  logLevel: 'off' | 'error' | 'warn' | 'info' | 'debug';
  /** Headers every request carries: the key as `auth` says, then the task's `headers:` (resolved). Never printed. */
  headers: Record<string, string | null>;
  /** Everything secret in this configuration (key, header variables), scrubbed from server messages. */
  secrets: string[];
  /** The proxy requests to this base URL's scheme go through (no credentials), named in connection errors. */
  proxy?: string;
  logger?: SdkLogger;
}
