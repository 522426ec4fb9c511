/**
 * Prices per call, from the task's `price:` override or the data bundled with
 * `@pydantic/genai-prices`. An unknown price is `null`, never $0: a free-looking
 * model that is really unpriced would make every cost gate pass by accident.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice, waitForUpdate } from '@pydantic/genai-prices';
import type { ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices';
import type { ProviderSpec } from '../task/types.js';
import type { Usage } from '../record/schema.js';
import { batchPrice } from './batch.js';

const PACKAGE = '@pydantic/genai-prices';

/**
 * The bundled provider list. Nothing here calls `updatePrices`, so this promise is already
 * resolved to the data inside the module; awaiting it is the package's only public way to
 * enumerate providers (there is no synchronous accessor).
 */
const bundled: Provider[] = (await waitForUpdate()) ?? [];

/** A price ready to apply to one call's usage. */
export interface ResolvedPrice {
  /** `task`: the task file's `price:`; `genai-prices`: the bundled data. */
  source: 'task' | 'genai-prices';
  /** genai-prices provider id (e.g. `openai`), when the price came from the data. */
  provider?: string;
  /** genai-prices model id the spec's model matched, when the price came from the data. */
  model?: string;
  /** USD per million input tokens: the base (first-tier) price in effect at resolution time. */
  inputPerMtok: number;
  /** USD per million output tokens: the base (first-tier) price in effect at resolution time. */
  outputPerMtok: number;
  /** USD for one call. Bundled prices go through `calcPrice` (tiers apply) at the date the price was resolved. */
  calc(usage: Usage): number;
}

/** One row of `aijourney models`. Prices are USD per million tokens, null when not token-priced. */
export interface ModelPriceRow {
  provider: string;
  model: string;
  name?: string;
  inputPerMtok: number | null;
  outputPerMtok: number | null;
  contextWindow: number | null;
}

/** A tiered price quotes its base; a missing key is not a token price. */
function perMtok(value: ModelPrice[string]): number | null {
  if (value === undefined) return null;
  return typeof value === 'number' ? value : value.base;
}

function lookup(model: string, options: { providerId?: string; providerApiUrl?: string }) {
  try {
    return calcPrice({ input_tokens: 0, output_tokens: 0 }, model, options);
  } catch {
    // Malformed data for one model must not take the run down; the price is simply unknown.
    return null;
  }
}

function fromData(provider: Provider, model: ModelInfo, modelPrice: ModelPrice, query: string): ResolvedPrice {
  // Pin the matched model so each call skips provider/model matching (thousands of calls).
  const pinned: Provider = { ...provider, models: [model] };
  const resolvedAt = new Date();
  const costs = new Map<string, number>();
  return {
    source: 'genai-prices',
    provider: provider.id,
    model: model.id,
    inputPerMtok: perMtok(modelPrice.input_mtok) ?? 0,
    outputPerMtok: perMtok(modelPrice.output_mtok) ?? 0,
    calc(usage) {
      // Resolved once: the price in effect at resolution time, so a cost depends on the usage alone
      // and repeated usages (a classification task's replies are often the same length) are free.
      const key = `${usage.inputTokens} ${usage.outputTokens} ${usage.cacheReadTokens ?? 0} ${usage.cacheWriteTokens ?? 0}`;
      const known = costs.get(key);
      if (known !== undefined) return known;
      // input_tokens is the total; the cache counts are parts of it, priced at their own rates.
      const result = calcPrice(
        {
          input_tokens: usage.inputTokens,
          output_tokens: usage.outputTokens,
          ...(usage.cacheReadTokens ? { cache_read_tokens: usage.cacheReadTokens } : {}),
          ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
        },
        query,
        { provider: pinned, timestamp: resolvedAt },
      );
      if (!result) throw new Error(`genai-prices lost the price of ${provider.id}:${query}`);
      if (costs.size >= MAX_REMEMBERED_COSTS) costs.clear();
      costs.set(key, result.total_price);
      return result.total_price;
    },
  };
}

/** Costs remembered per price, by usage; a bound, not a tuning knob. */
const MAX_REMEMBERED_COSTS = 4096;

function resolveUncached(spec: ProviderSpec): ResolvedPrice | null {
  if (spec.price) {
    const { inputPerMtok, outputPerMtok } = spec.price;
    return {
      source: 'task',
      inputPerMtok,
      outputPerMtok,
      calc: (usage) => (usage.inputTokens * inputPerMtok + usage.outputTokens * outputPerMtok) / 1e6,
    };
  }
  let found: ReturnType<typeof lookup>;
  if (!spec.baseUrl) {
    found = lookup(spec.model, { providerId: spec.type });
  } else {
    // A URL that names a known provider decides; a URL nobody knows (a local proxy, Ollama)
    // falls back to the model name, which finds e.g. `gpt-4o-mini` behind a LiteLLM proxy.
    const byUrl = bundled.some((p) => new RegExp(`^(?:${p.api_pattern})`).test(spec.baseUrl!));
    found = byUrl ? lookup(spec.model, { providerApiUrl: spec.baseUrl }) : lookup(spec.model, {});
  }
  if (!found) return null;
  return fromData(found.provider, found.model, found.model_price, spec.model.toLowerCase().trim());
}

const memo = new Map<string, ResolvedPrice | null>();
/** The same per spec object, so a call does not rebuild the key (specs are not mutated once loaded). */
const bySpec = new WeakMap<ProviderSpec, ResolvedPrice | null>();

/**
 * The price of calls to `spec`: the task's `price:` wins, then the bundled genai-prices data
 * (provider = the spec type, or the provider whose API URL matches `baseUrl`). Null when unknown.
 * Memoized by everything that changes the answer, so per-call use is cheap.
 */
export function resolvePrice(spec: ProviderSpec): ResolvedPrice | null {
  const known = bySpec.get(spec);
  if (known !== undefined) return known;
  const key = JSON.stringify([spec.id, spec.type, spec.model, spec.baseUrl ?? null, spec.price ?? null]);
  if (!memo.has(key)) memo.set(key, resolveUncached(spec));
  const price = memo.get(key) ?? null;
  bySpec.set(spec, price);
  return price;
}

/**
 * USD for one call, or null when usage or price is unknown. The judge's cost uses this too.
 * `batched`: the call went through the provider's batch API, at its batch rate (cost/batch.ts).
 */
export function callCost(spec: ProviderSpec, usage: Usage | null, batched = false): number | null {
  if (!usage) return null;
  const price = resolvePrice(spec);
  if (!price) return null;
  try {
    const sync = price.calc(usage);
    const usd = batched ? batchPrice(spec.type, sync) : sync;
    return Number.isFinite(usd) && usd >= 0 ? usd : null;
  } catch {
    return null;
  }
}

/** Where prices come from, for every output that shows a cost. */
export interface PriceDataInfo {
  /** Package name of the bundled data. */
  source: string;
  /** Installed package version: the only dating the data carries. */
  version: string;
  /** Release date of the installed version (see RELEASE_DATES); null when not known. */
  date: string | null;
}

/**
 * Release dates of genai-prices versions, from the npm registry's publish times. The package
 * carries no date of its own; a version missing here prints as undated rather than guessed.
 * Update this when bumping the dependency (tests/cost/prices.test.ts fails until the date is known).
 */
export const RELEASE_DATES: Record<string, string> = { '0.1.8': '2026-09-23' };

/** Where the prices come from: the package, its version and that version's release date. */
export function priceDataInfo(): PriceDataInfo {
  const version = typeof __AIJOURNEY_PRICES_VERSION__ === 'string' ? __AIJOURNEY_PRICES_VERSION__ : installedVersion();
  return { source: PACKAGE, version, date: RELEASE_DATES[version] ?? null };
}

/**
 * Set by scripts/bundle.mjs: the version of the data compiled into the bundle, which is what the
 * command line prices with (whatever node_modules holds now), known without resolving the package
 * at the end of every run.
 */
declare const __AIJOURNEY_PRICES_VERSION__: string | undefined;

/** The installed package's version (unbundled: tests, the compiled library), from its package.json (2 KB) rather than the 800 KB module. */
function installedVersion(): string {
  let version = 'unknown';
  try {
    // The package's `exports` hide package.json, so find it next to the resolved entry point.
    const entry = createRequire(import.meta.url).resolve(PACKAGE);
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    version = pkg.version ?? version;
  } catch {
    // An unusual install layout only loses the version line, not pricing.
  }
  return version;
}

/** The price in effect now, mirroring genai-prices' own choice among dated/time-of-day prices. */
function activePrice(model: ModelInfo, now: Date): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  const seconds = now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
  const clock = (t: string) =>
    t
      .replace(/Z$/, '')
      .split(':')
      .reduce((s, part) => s * 60 + Number(part), 0);
  for (let i = model.prices.length - 1; i >= 0; i--) {
    const { constraint, prices } = model.prices[i]!;
    if (!constraint) return prices;
    if (constraint.type === 'start_date' && now >= new Date(constraint.start_date)) return prices;
    if (constraint.type === 'time_of_date') {
      const start = clock(constraint.start_time);
      const end = clock(constraint.end_time);
      const inside = end < start ? seconds >= start || seconds < end : seconds >= start && seconds < end;
      if (inside) return prices;
    }
  }
  return model.prices[0]?.prices ?? {};
}

/**
 * Every model in the bundled data, optionally filtered by a case-insensitive substring of
 * the provider or model id. Deprecated models are included; prices are those in effect now.
 */
export function listModels(filter?: string, now: Date = new Date()): ModelPriceRow[] {
  const needle = filter?.toLowerCase().trim() ?? '';
  const rows: ModelPriceRow[] = [];
  for (const provider of bundled) {
    for (const model of provider.models) {
      if (needle && !provider.id.toLowerCase().includes(needle) && !model.id.toLowerCase().includes(needle)) {
        continue;
      }
      const price = activePrice(model, now);
      rows.push({
        provider: provider.id,
        model: model.id,
        ...(model.name ? { name: model.name } : {}),
        inputPerMtok: perMtok(price.input_mtok),
        outputPerMtok: perMtok(price.output_mtok),
        contextWindow: model.context_window ?? null,
      });
    }
  }
  return rows;
}
