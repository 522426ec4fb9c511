/**
 * What the API behind a provider accepts: which parameters it refuses and which it takes under
 * another name. Validation (src/task/provider-rules.ts) turns a refusal into an exit-2 error at the
 * parameter's line; the adapters send renamed parameters under the name the API takes. Both read
 * this one table, so what we validate is what we send.
 *
 * The table is small on purpose: model families, not models. Checked 2026-12-01 against:
 * - [A] @anthropic-ai/sdk 1.14 `client.js`, which sends `anthropic-version: 2026-10-21`, and its
 *   `MessageCreateParams`, which no longer has temperature/top_p/top_k (tests/providers/target.test.ts
 *   fails when the SDK sends another version, so this table is reviewed with every SDK bump).
 * - [B] The Anthropic 2026-10-21 migration as mirrored in tests/fixtures/specs/anthropic-derived-2026-10-21.json
 *   (requests with temperature/top_p/top_k are refused: "Extra inputs are not permitted").
 * - [C] OpenAI OpenAPI spec 2.3.0 (tests/fixtures/specs/openai-chat.fixed.json): `max_tokens` is
 *   "deprecated in favor of max_completion_tokens, and is not compatible with o-series models";
 *   `stop` is "not supported with latest reasoning models o3 and o4-mini".
 * - [D] OpenAI's reasoning guide (platform.openai.com/docs/guides/reasoning): reasoning models (o-series,
 *   gpt-5 family) refuse temperature, top_p, presence/frequency penalties, logprobs and logit_bias;
 *   GPT-5.2 and later take temperature, top_p and logprobs only with `reasoning_effort: none`.
 */
import type { ModelParams } from '../task/types.js';
import { PROVIDERS, type ProviderType } from './table.js';

/** When the table was last checked against its sources. */
export const TABLE_CHECKED = '2026-12-01';

/** The Messages API version @anthropic-ai/sdk 1.14 sends with every request [A]. */
export const ANTHROPIC_API_VERSION = '2026-10-21';

export const OPENAI_OFFICIAL_URL = PROVIDERS.openai.officialUrl;
export const ANTHROPIC_OFFICIAL_URL = PROVIDERS.anthropic.officialUrl;

/** Where one provider's calls go. */
export interface Target {
  type: ProviderType;
  /** The model name as written. */
  model: string;
  /** The provider's own API (api.openai.com / api.anthropic.com), not a gateway or compatible server. */
  official: boolean;
}

/** True for the official OpenAI API however the URL is written (case, trailing slash, port 443, with or without /v1). */
export function isOfficialHost(type: ProviderType, baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  try {
    const url = new URL(baseUrl);
    const host = type === 'openai' ? 'api.openai.com' : 'api.anthropic.com';
    return url.protocol === 'https:' && url.hostname.toLowerCase() === host && (url.port === '' || url.port === '443');
  } catch {
    return false;
  }
}

/** A rule of the table: a family of targets and what it refuses or renames. */
interface Rule {
  /** Who refuses, as the user reads it. */
  who: (t: Target) => string;
  applies: (t: Target) => boolean;
  /** Refused parameters, each with what to do about it. */
  refuses: Record<string, string>;
  /** Refused parameters the target takes after all when the request sets these (parameter -> value). */
  unless?: (t: Target) => { when: Record<string, unknown>; allows: string[] } | null;
  /** Parameters sent under another name with the same meaning. */
  renames: Record<string, string>;
}

/** The model id without a gateway prefix (`openai/o3` -> `o3`), lowercased. */
const bare = (model: string) => model.slice(model.lastIndexOf('/') + 1).toLowerCase();

/** OpenAI reasoning families [C, D]: o1, o3, o4-mini and their variants; gpt-5 and every gpt-5.x. */
export function isOpenAIReasoning(model: string): boolean {
  return /^(o[1-9](-|$)|gpt-5([.-]|$))/.test(bare(model));
}

/** gpt-5.2 and later minor versions, which take sampling parameters with reasoning_effort none [D]. */
function samplesWithoutReasoning(model: string): boolean {
  const minor = /^gpt-5\.(\d+)/.exec(bare(model));
  return minor !== null && Number(minor[1]) >= 2;
}

const SAMPLING = 'remove it (this API version takes no sampling parameters)';
const FIXED = 'remove it (reasoning models sample with fixed settings)';

const RULES: Rule[] = [
  {
    who: () => `the Anthropic Messages API version ${ANTHROPIC_API_VERSION}, which @anthropic-ai/sdk sends`,
    applies: (t) => t.type === 'anthropic',
    refuses: { temperature: SAMPLING, top_p: SAMPLING, top_k: SAMPLING, seed: 'remove it (the Messages API has no seed)' }, // [A, B]
    renames: { stop: 'stop_sequences' },
  },
  {
    who: (t) => `${t.model}, an OpenAI reasoning model`,
    applies: (t) => t.type === 'openai' && isOpenAIReasoning(t.model),
    // temperature, top_p, penalties, logprobs, logit_bias [D]; stop [C, D].
    refuses: Object.fromEntries(
      ['temperature', 'top_p', 'stop', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias'].map((p) => [p, FIXED]),
    ),
    unless: (t) =>
      samplesWithoutReasoning(t.model) ? { when: { reasoning_effort: 'none' }, allows: ['temperature', 'top_p', 'logprobs', 'top_logprobs'] } : null,
    renames: { max_tokens: 'max_completion_tokens' }, // [C]
  },
  {
    // Any model on the official API: max_tokens is deprecated there and refused by newer models [C].
    who: () => 'the OpenAI API',
    applies: (t) => t.type === 'openai' && t.official && !isOpenAIReasoning(t.model),
    refuses: {},
    renames: { max_tokens: 'max_completion_tokens' },
  },
];

/** A parameter the target refuses. */
export interface Refusal {
  param: string;
  /** "not accepted by <who>: <what to do>" */
  message: string;
}

/** A parameter sent under the name the target takes. */
export interface Rename {
  from: string;
  to: string;
  who: string;
}

/** What the table says about one provider's parameters. */
export function reviewParams(target: Target, params: ModelParams): { refusals: Refusal[]; renames: Rename[] } {
  const refusals: Refusal[] = [];
  const renames: Rename[] = [];
  for (const rule of RULES.filter((r) => r.applies(target))) {
    const exception = rule.unless?.(target);
    const excepted = exception && Object.entries(exception.when).every(([k, v]) => params[k] === v) ? exception.allows : [];
    for (const [param, todo] of Object.entries(rule.refuses)) {
      if (params[param] === undefined || excepted.includes(param)) continue;
      const hint = exception?.allows.includes(param)
        ? `, or set ${Object.entries(exception.when)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join(', ')}`
        : '';
      refusals.push({ param, message: `not accepted by ${rule.who(target)}: ${todo}${hint}` });
    }
    for (const [from, to] of Object.entries(rule.renames)) {
      if (params[from] === undefined) continue;
      if (params[to] === undefined) renames.push({ from, to, who: rule.who(target) });
      else refusals.push({ param: from, message: `${to} is set too, and ${rule.who(target)} takes only ${to}: remove ${from}` });
    }
  }
  return { refusals, renames };
}

/** The parameters as the target takes them: renamed ones under their new name (refusals are validation's job). */
export function targetParams(target: Target, params: ModelParams): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const { from, to } of reviewParams(target, params).renames) {
    out[to] = out[from];
    delete out[from];
  }
  return out;
}
