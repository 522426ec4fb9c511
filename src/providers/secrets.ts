/**
 * Every secret a run is configured with, and one mask for all of them. Whatever we write (stdout,
 * stderr, run records, cache entries, reports) passes through a `Scrubber`, so a key that a model
 * echoes, that a server quotes in an error body or that an SDK debug log prints never reaches a file.
 *
 * A secret comes from a source: a function from a provider to the values it is configured with.
 * Adding a kind of secret is one line in SOURCES.
 */
import type { ProviderSpec, Task } from '../task/types.js';
import { defaultKeyEnv, providerSecrets } from './credentials.js';
import { PROVIDER_TYPES, PROVIDERS } from './table.js';

type Env = Record<string, string | undefined>;

/** The values one provider is configured with that must never be written. */
export type SecretSource = (spec: ProviderSpec, env: Env) => Array<string | undefined>;

/** What every secret becomes in output. */
const MASK = '[redacted]';

/**
 * Shorter values are not masked in free text: a 3-letter password would turn every such word of
 * a model's output into a mask. (Base URLs are also masked field by field: see publicUrl.)
 */
const MIN_SECRET_LENGTH = 6;

/** Credentials and query values of a URL, and the Basic-auth form of its credentials. */
function urlSecrets(url: string | undefined): string[] {
  if (!url || !URL.canParse(url)) return [];
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  return [user, pass, user && pass ? Buffer.from(`${user}:${pass}`).toString('base64') : '', ...parsed.searchParams.values()];
}

const SOURCES: SecretSource[] = [
  // The key, from api_key_env or the type's default variable (even for a keyless server: it is still a key).
  (spec, env) => [env[spec.apiKeyEnv ?? defaultKeyEnv(spec.type)]],
  // The variables its `headers:` name, the header values made from them, and proxy credentials.
  (spec, env) => providerSecrets(spec, env),
  // Credentials and query values of its base URL, from the task or the *_BASE_URL variable.
  (spec, env) => [...urlSecrets(spec.baseUrl), ...urlSecrets(env[PROVIDERS[spec.type].baseUrlEnv])],
];

/** Secret values of a task's providers and judge candidates. */
export function taskSecrets(task: Pick<Task, 'providers' | 'judge'>, env: Env): string[] {
  const specs = [...task.providers, ...(task.judge?.candidates.map((c) => c.provider) ?? [])];
  return specs.flatMap((spec) => SOURCES.flatMap((source) => source(spec, env))).filter((v): v is string => typeof v === 'string');
}

/** Secrets known before any task is read: the default key variables and base URLs. */
export function envSecrets(env: Env): string[] {
  return taskSecrets({ providers: PROVIDER_TYPES.map((type) => ({ id: type, type, model: '', params: {} })) }, env);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Masks every known secret, as written and in the encodings output uses (JSON strings, URLs). */
export class Scrubber {
  private values = new Set<string>();
  private pattern: RegExp | null = null;

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  /** Adds secrets; values shorter than MIN_SECRET_LENGTH are ignored. */
  add(values: Iterable<string>): this {
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
        if (!this.values.has(form)) {
          this.values.add(form);
          this.pattern = null;
        }
      }
    }
    return this;
  }

  get size(): number {
    return this.values.size;
  }

  /** The text with every secret replaced by MASK. */
  text(text: string): string {
    if (this.values.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    // Longest first, so a secret that contains another is masked whole.
    this.pattern ??= new RegExp(
      [...this.values]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegex)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, MASK);
  }

  /**
   * Plain data (a run record, a tool input) with every string and key scrubbed. Copy on write: an
   * array or object is copied only if something inside it was masked, so a record with no secret
   * in it (the usual case) is returned as it is instead of copied whole (10,000 results: ~25 MiB).
   * Neither the value nor what it returns is modified.
   */
  deep<T>(value: T): T {
    if (this.values.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) {
        let copy: unknown[] | null = null;
        for (let i = 0; i < v.length; i++) {
          const masked = walk(v[i]);
          if (masked === v[i]) continue;
          copy ??= [...v];
          copy[i] = masked;
        }
        return copy ?? v;
      }
      if (v !== null && typeof v === 'object') {
        const entries = Object.entries(v);
        let changed = false;
        for (const entry of entries) {
          const key = this.text(entry[0]);
          const masked = walk(entry[1]);
          if (key === entry[0] && masked === entry[1]) continue;
          entry[0] = key;
          entry[1] = masked;
          changed = true;
        }
        // fromEntries defines each key as an own property (a key named __proto__ stays a key).
        return changed ? Object.fromEntries(entries) : v;
      }
      return v;
    };
    return walk(value) as T;
  }
}
