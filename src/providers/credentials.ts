/**
 * A provider's credentials under an environment: the variable its key comes from, whether it runs
 * keyless, its headers resolved, and every secret value it uses (for the masking in secrets.ts).
 * Apart from registry.ts so that the masking every command starts with loads no SDK or HTTP stack.
 */
import { RunError } from '../errors.js';
import type { ProviderSpec } from '../task/types.js';
import { proxySecrets } from './proxy-env.js';
import { PROVIDERS, type ProviderType } from './table.js';
import { isOfficialHost } from './target.js';

/** The environment variable a provider type reads its key from by default. */
export function defaultKeyEnv(type: ProviderType): string {
  return PROVIDERS[type].keyEnv;
}

/**
 * An openai-type provider with its own base_url (not api.openai.com) and no api_key_env is a local
 * or third-party OpenAI-compatible server (Ollama, vLLM): it runs keyless, and OPENAI_API_KEY is
 * never sent to a host the user did not name a key for.
 */
export function isKeyless(spec: ProviderSpec): boolean {
  return spec.type === 'openai' && spec.baseUrl !== undefined && !isOfficialHost('openai', spec.baseUrl) && spec.apiKeyEnv === undefined;
}

const HEADER_VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The task's `headers:` with `${NAME}` replaced from the env; a missing variable stops the run (exit 3) before any call. */
export function resolveHeaders(spec: ProviderSpec, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, written] of Object.entries(spec.headers ?? {})) {
    out[name] = written.replace(HEADER_VAR, (_, variable: string) => {
      const value = env[variable];
      if (!value)
        throw new RunError(
          `missing environment variable ${variable} (named in headers.${name} of provider "${spec.id}")`,
          'set it, or remove the header from the task file',
        );
      return value;
    });
  }
  return out;
}

/**
 * Every secret value a provider spec uses under this env: its API key, the variables its
 * `headers:` name (and the header values made from them), and proxy credentials. For the scrubber
 * that masks them in everything written; the values themselves are never printed or recorded.
 */
export function providerSecrets(spec: ProviderSpec, env: Record<string, string | undefined>): string[] {
  const out = new Set<string>(proxySecrets(env));
  const key = isKeyless(spec) ? undefined : env[spec.apiKeyEnv ?? defaultKeyEnv(spec.type)];
  if (key) out.add(key);
  for (const written of Object.values(spec.headers ?? {})) {
    const variables = [...written.matchAll(HEADER_VAR)].map((m) => env[m[1]!]).filter((v): v is string => Boolean(v));
    for (const value of variables) out.add(value);
    if (variables.length > 0) out.add(written.replace(HEADER_VAR, (_, variable: string) => env[variable] ?? ''));
  }
  return [...out];
}
