/**
 * Providers behind a registry keyed by type: the key, base URL and headers are resolved here, from
 * the env object we are handed, and the adapter (with its SDK) is imported only when that type is used.
 */
import { performance } from 'node:perf_hooks';
import { ProviderError, RunError, UsageError } from '../errors.js';
import { baseUrlProblem } from './base-url.js';
import type { AdapterConfig, ClientOptions, ModelClient } from './types.js';
import type { ProviderSpec } from '../task/types.js';
import { PROVIDER_TYPES, PROVIDERS, type ProviderType } from './table.js';
import { isOfficialHost, type Target } from './target.js';
import { createTransport } from './transport.js';
import { proxyFor, proxySettings, publicProxy } from './proxy-env.js';
import { defaultKeyEnv, isKeyless, providerSecrets, resolveHeaders } from './credentials.js';

const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;

/** Each provider's adapter, imported (with its SDK) on first use; one per row of the table. */
const ADAPTERS: Record<ProviderType, () => Promise<(spec: ProviderSpec, config: AdapterConfig) => ModelClient>> = {
  openai: async () => (await import('./openai.js')).createOpenAIClient,
  anthropic: async () => (await import('./anthropic.js')).createAnthropicClient,
};

/** Placeholder key for OpenAI-compatible servers that need none (the SDK insists on some key). */
const NO_KEY = 'no-key';

/** The base URL a spec's calls go to: its own, then OPENAI_BASE_URL / ANTHROPIC_BASE_URL; undefined = the SDK's default. */
function baseUrlOf(spec: ProviderSpec, env: Record<string, string | undefined>): string | undefined {
  return spec.baseUrl ?? (env[PROVIDERS[spec.type].baseUrlEnv] || undefined);
}

/** Where a spec's calls go, for the parameter table (src/providers/target.ts). */
export function targetOf(spec: ProviderSpec, env: Record<string, string | undefined>): Target {
  return { type: spec.type, model: spec.model, official: isOfficialHost(spec.type, baseUrlOf(spec, env)) };
}

/** The missing-key error of a provider that needs a key and has none in the env object, else null. */
function missingKeyError(spec: ProviderSpec, env: Record<string, string | undefined>): RunError | null {
  const keyless = isKeyless(spec);
  const keyEnv = spec.apiKeyEnv ?? defaultKeyEnv(spec.type);
  if (keyless || env[keyEnv]) return null;
  return new RunError(
    `missing API key: set ${keyEnv} (used by provider "${spec.id}")`,
    spec.apiKeyEnv ? undefined : `or name another variable with api_key_env on the provider`,
  );
}

function resolveAdapterConfig(spec: ProviderSpec, options: ClientOptions): AdapterConfig {
  const env = options.env;
  const missing = missingKeyError(spec, env);
  if (missing) throw missing;
  const keyless = isKeyless(spec);
  const keyEnv = spec.apiKeyEnv ?? defaultKeyEnv(spec.type);
  const key = keyless ? undefined : env[keyEnv] || undefined;
  const envBaseUrl = env[PROVIDERS[spec.type].baseUrlEnv] || undefined;
  const problem = spec.baseUrl === undefined && envBaseUrl !== undefined ? baseUrlProblem(envBaseUrl) : null;
  if (problem) throw new UsageError(`${PROVIDERS[spec.type].baseUrlEnv}: ${problem}`);
  const logEnv = env[PROVIDERS[spec.type].logEnv];
  const logLevel = LOG_LEVELS.find((l) => l === logEnv) ?? 'off';
  const baseUrl = baseUrlOf(spec, env);
  const auth: Record<string, string | null> = key && spec.auth === 'x-api-key' ? { 'x-api-key': key, authorization: null } : {};
  const proxy = proxyFor(baseUrl ?? PROVIDERS[spec.type].officialUrl, proxySettings(env));
  return {
    apiKey: key ?? NO_KEY,
    keyEnv: key ? keyEnv : null,
    baseUrl,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    fetch: options.fetch ?? createTransport(env).fetch,
    now: options.now ?? (() => performance.now()),
    warn: options.warn ?? (() => {}),
    logLevel,
    headers: { ...auth, ...resolveHeaders(spec, env) },
    secrets: providerSecrets(spec, env),
    ...(proxy ? { proxy: publicProxy(proxy) } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
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
  const missing = missingKeyError(spec, options.env);
  if (missing && !options.allowMissingKey) throw missing;
  const keyEnv = spec.apiKeyEnv ?? defaultKeyEnv(spec.type);
  const config = resolveAdapterConfig(spec, missing ? { ...options, env: { ...options.env, [keyEnv]: NO_KEY } } : options);
  const client = await adapterFor(spec, config);
  if (!missing) return client;
  const fail = (): Promise<never> => Promise.reject(new ProviderError(missing.message, 'auth'));
  return { spec: client.spec, ...(client.baseUrl === undefined ? {} : { baseUrl: client.baseUrl }), missingKey: missing.message, complete: fail };
}

async function adapterFor(spec: ProviderSpec, config: AdapterConfig): Promise<ModelClient> {
  return (await ADAPTERS[spec.type]())(spec, config);
}
