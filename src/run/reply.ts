/**
 * What every adapter's reply must be before anything scores, caches or prices it, whatever the
 * server sent: text that is a string (a number or an object from a compatible server is a bad
 * response, never a pass), and token counts that are plain counts (anything else is unknown usage,
 * so the cost is "unknown" rather than $NaN or $1e+302).
 */
import { ProviderError } from '../errors.js';
import type { Scrubber } from '../providers/secrets.js';
import type { Completion } from '../providers/types.js';
import type { Usage } from '../record/schema.js';

/** No model reads or writes this many tokens in one call; a larger count is a broken server. */
const MAX_TOKENS_PER_CALL = 1_000_000_000;

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_TOKENS_PER_CALL;

/** The usage when every count is a whole number from 0 to MAX_TOKENS_PER_CALL (cache parts within the input), else null. */
function saneUsage(usage: unknown): Usage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const u = usage as Partial<Record<keyof Usage, unknown>>;
  if (!isCount(u.inputTokens) || !isCount(u.outputTokens)) return null;
  const out: Usage = { inputTokens: u.inputTokens, outputTokens: u.outputTokens };
  for (const key of ['cacheReadTokens', 'cacheWriteTokens'] as const) {
    if (u[key] === undefined) continue;
    if (!isCount(u[key])) return null;
    out[key] = u[key];
  }
  if ((out.cacheReadTokens ?? 0) + (out.cacheWriteTokens ?? 0) > out.inputTokens) return null;
  return out;
}

/**
 * The completion with its usage checked and every configured secret masked in its text, tool
 * input and tool calls (a model that echoes a key must not put it in the cache, the judge's prompt or a report).
 * @throws ProviderError (bad-response) when the text is not a string.
 */
export function saneCompletion(providerId: string, completion: Completion, secrets?: Scrubber): Completion {
  const text: unknown = completion.text;
  if (typeof text !== 'string') {
    const got = Array.isArray(text) ? 'a list' : text === null ? 'null' : typeof text;
    throw Object.assign(new ProviderError(`${providerId}: bad response: the completion text is ${got}, not a string`, 'bad-response'), {
      attempts: completion.attempts,
    });
  }
  const out: Completion = { ...completion, usage: saneUsage(completion.usage) };
  if (secrets) {
    out.text = secrets.text(text);
    if (out.toolInput !== undefined) out.toolInput = secrets.deep(out.toolInput);
    if (out.toolCalls !== undefined) out.toolCalls = secrets.deep(out.toolCalls);
  }
  return out;
}
