import { describe, expect, it } from 'vitest';
import { BATCH_DISCOUNTS, batchPrice } from '../../src/cost/batch.js';
import { callCost } from '../../src/cost/prices.js';
import type { ProviderSpec } from '../../src/task/types.js';

const spec = (type: 'openai' | 'anthropic', model: string): ProviderSpec => ({ id: `${type}:${model}`, type, model, params: {} }) as ProviderSpec;

describe('batch prices', () => {
  it('are half the synchronous price for OpenAI and Anthropic, as both publish', () => {
    expect(BATCH_DISCOUNTS.openai.factor).toBe(0.5);
    expect(BATCH_DISCOUNTS.anthropic.factor).toBe(0.5);
    for (const d of Object.values(BATCH_DISCOUNTS)) {
      expect(d.source).toMatch(/^https:\/\//);
      expect(d.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(batchPrice('openai', 0.3)).toBeCloseTo(0.15, 15);
  });

  it('apply to every token rate of a call, cache reads and writes included', () => {
    const usage = { inputTokens: 10_000, outputTokens: 2_000, cacheReadTokens: 4_000, cacheWriteTokens: 1_000 };
    for (const s of [spec('openai', 'gpt-4o-mini'), spec('anthropic', 'claude-haiku-4-5')]) {
      const sync = callCost(s, usage);
      expect(sync).toBeGreaterThan(0);
      expect(callCost(s, usage, true)).toBeCloseTo(sync! / 2, 15);
    }
    // gpt-4o-mini: $0.15 in, $0.60 out per Mtok: (10000 * 0.15 + 2000 * 0.6) / 1e6 / 2 with no cache parts.
    expect(callCost(spec('openai', 'gpt-4o-mini'), { inputTokens: 10_000, outputTokens: 2_000 }, true)).toBeCloseTo(0.00135, 12);
  });

  it('an unknown price stays unknown, batched or not', () => {
    expect(callCost(spec('openai', 'no-such-model-xyz'), { inputTokens: 1, outputTokens: 1 }, true)).toBeNull();
  });
});
