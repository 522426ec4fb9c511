/**
 * Models the SDKs know to be deprecated, with their end-of-life date. Anthropic's SDK keeps this
 * list in a file it does not export (`internal/data/deprecated-models`) and prints a warning on
 * every call to such a model; we warn once per model, at validation, and silence the SDK's
 * (src/providers/anthropic.ts). tests/providers/target.test.ts checks this copy against the installed SDK's
 * file, so a bump of the SDK that changes the list fails until the copy follows.
 * The OpenAI SDK carries no such list.
 */
import type { ProviderType } from '../task/types.js';

/** @anthropic-ai/sdk 1.14 `internal/data/deprecated-models.js`, dates as ISO days. */
export const ANTHROPIC_DEPRECATED: Readonly<Record<string, string>> = {
  'claude-mythos-preview': '2026-06-30',
  'claude-opus-4-5': '2027-01-22',
  'claude-opus-4-5-20251101': '2027-01-22',
  'claude-sonnet-4-5': '2026-11-30',
  'claude-sonnet-4-5-20250929': '2026-11-30',
};

/** A deprecated model's end of life, or null. */
export function endOfLife(type: ProviderType, model: string): string | null {
  return type === 'anthropic' ? (ANTHROPIC_DEPRECATED[model] ?? null) : null;
}

/** The one warning line for a deprecated model, or null. Past its end of life, calls are expected to fail. */
export function deprecationWarning(type: ProviderType, model: string, today: Date): string | null {
  const eol = endOfLife(type, model);
  if (eol === null) return null;
  const past = today.toISOString().slice(0, 10) >= eol;
  return past
    ? `model ${model} reached its end of life on ${eol} (per @anthropic-ai/sdk): calls to it are expected to fail; use a current model`
    : `model ${model} is deprecated and reaches its end of life on ${eol} (per @anthropic-ai/sdk); plan to move to a current model`;
}
