/**
 * The providers aijourney speaks to, one row per wire protocol, keyed by the short name written in
 * a task (`openai:gpt-4o-mini`). Everything else derives from this table: the `ProviderType` union,
 * the task's and the run record's enums, the key and base-URL variables read, the secrets masked.
 * The adapters' lazy loaders live in registry.ts (`ADAPTERS`, typed by this table's keys so that a
 * row without an adapter does not compile): an adapter imports the task types that derive from here,
 * so a loader in this file would close an import cycle.
 */
export const PROVIDERS = {
  openai: {
    /** Where its key is read from unless the provider names `api_key_env`. */
    keyEnv: 'OPENAI_API_KEY',
    /** Overrides the official URL for providers without their own `base_url`. */
    baseUrlEnv: 'OPENAI_BASE_URL',
    /** The SDK's log level (off, error, warn, info, debug). */
    logEnv: 'OPENAI_LOG',
    officialUrl: 'https://api.openai.com/v1',
    /** What `aijourney init` offers: a cheap model under test and a stronger sibling as its judge. */
    starter: { model: 'gpt-4o-mini', judge: 'gpt-4o' },
  },
  anthropic: {
    keyEnv: 'ANTHROPIC_API_KEY',
    baseUrlEnv: 'ANTHROPIC_BASE_URL',
    logEnv: 'ANTHROPIC_LOG',
    officialUrl: 'https://api.anthropic.com',
    starter: { model: 'claude-haiku-4-5', judge: 'claude-sonnet-4-6' },
  },
} as const;

export type ProviderType = keyof typeof PROVIDERS;

/** The short names, in the table's order (for enums and "known: …" messages). */
export const PROVIDER_TYPES = Object.keys(PROVIDERS) as [ProviderType, ...ProviderType[]];
