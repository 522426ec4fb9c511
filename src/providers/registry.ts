/**
 * Providers behind a registry keyed by type: the key and base URL are resolved here, from the env
 * object we are handed, and the adapter (with its SDK) is imported only when that type is used.
 */
import { RunError, UsageError } from '../errors.js';
import { baseUrlProblem } from './base-url.js';
import type { ModelClient, ProviderSpec, ProviderType } from '../types.js';

/** How every adapter is configured. The SDKs get these explicitly and never read process.env. */
export interface ClientOptions {
  /** Environment to read keys and *_BASE_URL from (usually process.env, passed in by the CLI). */
  env: Record<string, string | undefined>;
  /** Per-HTTP-request timeout handed to the SDK. */
  timeoutMs: number;
  /** Retries the SDK makes on 408/409/429/5xx, timeouts and connection errors. */
  maxRetries: number;
  /** The fetch the SDK uses; @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** What the registry hands an adapter after resolving key and base URL. */
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
  /** SDK log level from OPENAI_LOG / ANTHROPIC_LOG in the env object; 'off' otherwise. */
  logLevel: 'off' | 'error' | 'warn' | 'info' | 'debug';
}

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic'];

const KEY_ENV: Record<ProviderType, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };
const BASE_URL_ENV: Record<ProviderType, string> = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL' };
const LOG_ENV: Record<ProviderType, string> = { openai: 'OPENAI_LOG', anthropic: 'ANTHROPIC_LOG' };
const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;

/** The environment variable a provider type reads its key from by default. */
export function defaultKeyEnv(type: ProviderType): string {
  return KEY_ENV[type];
}

/** Placeholder key for OpenAI-compatible servers that need none (the SDK insists on some key). */
export const NO_KEY = 'no-key';

export function resolveAdapterConfig(spec: ProviderSpec, options: ClientOptions): AdapterConfig {
  const env = options.env;
  // An openai-type provider with its own base_url and no api_key_env is a local or third-party
  // OpenAI-compatible server (Ollama, vLLM): it runs keyless, and OPENAI_API_KEY is never sent to a
  // host the user did not name a key for.
  const keyless = spec.type === 'openai' && spec.baseUrl !== undefined && spec.apiKeyEnv === undefined;
  const keyEnv = spec.apiKeyEnv ?? defaultKeyEnv(spec.type);
  const key = keyless ? undefined : env[keyEnv] || undefined;
  if (!key && !keyless) {
    throw new RunError(
      `missing API key: set ${keyEnv} (used by provider "${spec.id}")`,
      spec.apiKeyEnv ? undefined : `or name another variable with api_key_env on the provider`,
    );
  }
  const envBaseUrl = env[BASE_URL_ENV[spec.type]] || undefined;
  const problem = spec.baseUrl === undefined && envBaseUrl !== undefined ? baseUrlProblem(envBaseUrl) : null;
  if (problem) throw new UsageError(`${BASE_URL_ENV[spec.type]}: ${problem}`);
  const logEnv = env[LOG_ENV[spec.type]];
  const logLevel = LOG_LEVELS.find((l) => l === logEnv) ?? 'off';
  return {
    apiKey: key ?? NO_KEY,
    keyEnv: key ? keyEnv : null,
    baseUrl: spec.baseUrl ?? envBaseUrl,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    fetch: options.fetch ?? globalThis.fetch,
    logLevel,
  };
}

/**
 * A ready client for one provider spec. Throws RunError (exit 3) when its key is missing or the
 * type is unknown; the SDK of that type is imported here, on first use.
 */
export async function createClient(spec: ProviderSpec, options: ClientOptions): Promise<ModelClient> {
  if (!PROVIDER_TYPES.includes(spec.type)) {
    throw new RunError(`unknown provider type "${String(spec.type)}" for "${spec.id}": known types are ${PROVIDER_TYPES.join(', ')}`);
  }
  const config = resolveAdapterConfig(spec, options);
  switch (spec.type) {
    case 'openai': {
      const { createOpenAIClient } = await import('./openai.js');
      return createOpenAIClient(spec, config);
    }
    case 'anthropic': {
      const { createAnthropicClient } = await import('./anthropic.js');
      return createAnthropicClient(spec, config);
    }
  }
}
