import { describe, expect, it } from 'vitest';
import { callCost, listModels, priceDataInfo, RELEASE_DATES, resolvePrice } from '../../src/cost/prices.js';
import type { ProviderSpec } from '../../src/task/types.js';

function spec(over: Partial<ProviderSpec> & Pick<ProviderSpec, 'model'>): ProviderSpec {
  return { id: `${over.type ?? 'openai'}:${over.model}`, type: 'openai', params: {}, ...over };
}

describe('resolvePrice from the bundled data', () => {
  it('knows gpt-4o-mini at the official $0.15 / $0.60 per Mtok', () => {
    // Cross-checked against openai.com/api/pricing: gpt-4o-mini input $0.15, output $0.60.
    const price = resolvePrice(spec({ model: 'gpt-4o-mini' }));
    expect(price).toMatchObject({ source: 'genai-prices', provider: 'openai', model: 'gpt-4o-mini' });
    expect(price?.inputPerMtok).toBe(0.15);
    expect(price?.outputPerMtok).toBe(0.6);
  });

  it('knows claude-haiku-4-5 at $1 / $5 per Mtok', () => {
    const price = resolvePrice(spec({ type: 'anthropic', model: 'claude-haiku-4-5' }));
    expect(price).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', inputPerMtok: 1, outputPerMtok: 5 });
  });

  it('uses the spec type as the provider: a claude model under openai is unknown', () => {
    expect(resolvePrice(spec({ type: 'openai', model: 'claude-haiku-4-5' }))).toBeNull();
  });

  it('matches dated model ids to their family', () => {
    const price = resolvePrice(spec({ type: 'anthropic', model: 'claude-3-5-sonnet-20241022' }));
    expect(price?.model).toBe('claude-3-5-sonnet');
  });

  it('returns null, not a zero price, for an unknown model', () => {
    const s = spec({ model: 'no-such-model-xyz' });
    expect(resolvePrice(s)).toBeNull();
    expect(callCost(s, { inputTokens: 1000, outputTokens: 1000 })).toBeNull();
  });

  it('quotes the base of a tiered price but charges the tier', () => {
    const s = spec({ type: 'anthropic', model: 'claude-sonnet-4-5' });
    const price = resolvePrice(s);
    expect(price?.inputPerMtok).toBe(3);
    expect(price?.outputPerMtok).toBe(15);
    // Past 200k input tokens the whole request moves to $6 in / $22.50 out per Mtok.
    expect(callCost(s, { inputTokens: 300_000, outputTokens: 1000 })).toBeCloseTo(1.8 + 0.0225, 10);
    expect(callCost(s, { inputTokens: 100_000, outputTokens: 1000 })).toBeCloseTo(0.3 + 0.015, 10);
  });
});

describe('the task override', () => {
  it('wins over the bundled data and uses the plain formula', () => {
    const s = spec({ model: 'gpt-4o-mini', price: { inputPerMtok: 2, outputPerMtok: 8 } });
    expect(resolvePrice(s)).toMatchObject({ source: 'task', inputPerMtok: 2, outputPerMtok: 8 });
    expect(resolvePrice(s)?.provider).toBeUndefined();
    expect(callCost(s, { inputTokens: 1500, outputTokens: 250 })).toBeCloseTo((1500 * 2 + 250 * 8) / 1e6, 15);
  });

  it('can price a local model at zero on purpose', () => {
    const s = spec({ model: 'llama3.2', baseUrl: 'http://localhost:11434/v1', price: { inputPerMtok: 0, outputPerMtok: 0 } });
    expect(callCost(s, { inputTokens: 5000, outputTokens: 500 })).toBe(0);
  });

  it('does not leak between specs of the same model (memo keys include the price)', () => {
    const plain = spec({ model: 'gpt-4o-mini' });
    const dear = { ...plain, price: { inputPerMtok: 100, outputPerMtok: 100 } };
    expect(resolvePrice(plain)?.source).toBe('genai-prices');
    expect(resolvePrice(dear)?.source).toBe('task');
    expect(resolvePrice(plain)?.source).toBe('genai-prices');
  });
});

describe('with a base URL', () => {
  it('finds the provider by its API URL', () => {
    const price = resolvePrice(spec({ model: 'llama-3.1-8b-instant', baseUrl: 'https://api.groq.com/openai/v1' }));
    expect(price).toMatchObject({ provider: 'groq', model: 'llama-3.1-8b-instant', inputPerMtok: 0.05, outputPerMtok: 0.08 });
  });

  it("a known provider URL without that model is unknown, not some other provider's price", () => {
    expect(resolvePrice(spec({ model: 'gpt-4o', baseUrl: 'https://api.groq.com/openai/v1' }))).toBeNull();
  });

  it('an unknown URL (a local proxy) falls back to the model name', () => {
    const price = resolvePrice(spec({ id: 'proxy', model: 'gpt-4o-mini', baseUrl: 'http://localhost:4000/v1' }));
    expect(price).toMatchObject({ provider: 'openai', inputPerMtok: 0.15 });
  });

  it('an unknown URL with an unknown model is null', () => {
    const s = spec({ id: 'llama-local', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1' });
    expect(resolvePrice(s)).toBeNull();
    expect(callCost(s, { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });
});

describe('callCost', () => {
  it('prices prompt-cache reads at the cache rate, as part of the input', () => {
    const s = spec({ model: 'gpt-4o-mini' });
    // 200 uncached in x $0.15 + 800 cached in x $0.075 + 100 out x $0.60 per million (OpenAI's list prices).
    expect(callCost(s, { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 800 })).toBeCloseTo((200 * 0.15 + 800 * 0.075 + 100 * 0.6) / 1e6, 12);
  });
  it('is price x usage for a flat-priced model', () => {
    const s = spec({ model: 'gpt-4o-mini' });
    // 1,234 in x $0.15 + 567 out x $0.60 per million.
    expect(callCost(s, { inputTokens: 1234, outputTokens: 567 })).toBeCloseTo(0.0001851 + 0.0003402, 12);
    expect(callCost(s, { inputTokens: 0, outputTokens: 0 })).toBe(0);
  });

  it('is null when usage is unknown', () => {
    expect(callCost(spec({ model: 'gpt-4o-mini' }), null)).toBeNull();
  });
});

describe('priceDataInfo', () => {
  it("names the package, its installed version and that version's release date", () => {
    const info = priceDataInfo();
    expect(info.source).toBe('@pydantic/genai-prices');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    // Fails after a dependency bump until RELEASE_DATES learns the new version's date.
    expect(info.date).toBe(RELEASE_DATES[info.version]);
    expect(info.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('listModels', () => {
  it('lists the bundled data with per-Mtok prices and context windows', () => {
    const rows = listModels();
    expect(rows.length).toBeGreaterThan(100);
    const mini = rows.find((r) => r.provider === 'openai' && r.model === 'gpt-4o-mini');
    expect(mini).toMatchObject({ inputPerMtok: 0.15, outputPerMtok: 0.6 });
    const haiku = rows.find((r) => r.provider === 'anthropic' && r.model === 'claude-haiku-4-5');
    expect(haiku).toMatchObject({ name: 'Claude Haiku 4.5', inputPerMtok: 1, outputPerMtok: 5 });
    expect(haiku?.contextWindow).toBeGreaterThan(0);
  });

  it('filters by a case-insensitive substring of provider or model', () => {
    const byModel = listModels('GPT-4O-MINI');
    expect(byModel.length).toBeGreaterThan(0);
    expect(byModel.every((r) => r.model.toLowerCase().includes('gpt-4o-mini') || r.provider.includes('gpt-4o-mini'))).toBe(true);
    const byProvider = listModels('Anthropic');
    expect(byProvider.some((r) => r.model === 'claude-haiku-4-5')).toBe(true);
    expect(listModels('zzz-nothing-matches')).toEqual([]);
  });

  it('shows the price in effect at the given date', () => {
    const o3 = (now: Date) => listModels('o3', now).find((r) => r.provider === 'openai' && r.model === 'o3');
    expect(o3(new Date('2025-01-01T12:00:00Z'))).toMatchObject({ inputPerMtok: 10, outputPerMtok: 40 });
    expect(o3(new Date('2025-07-01T12:00:00Z'))).toMatchObject({ inputPerMtok: 2, outputPerMtok: 8 });
  });
});
