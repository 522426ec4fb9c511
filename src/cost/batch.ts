/**
 * Batch prices. `@pydantic/genai-prices` (0.1.8) carries no batch rates, so a batch line costs its
 * synchronous price (cache reads and writes included) times the provider's published batch factor.
 */
import type { ProviderType } from '../task/types.js';

export interface BatchDiscount {
  /** Fraction of the synchronous price a batch line costs. */
  factor: number;
  /** Where the provider publishes it. */
  source: string;
  /** When this table was last checked against the source. */
  checked: string;
}

/**
 * Both batch APIs cost 50% of the standard price on input and output tokens, and the discount
 * stacks with prompt-caching rates (Anthropic: "Batch processing discounts stack with prompt
 * caching"; OpenAI's batch price is half of every token rate).
 */
export const BATCH_DISCOUNTS: Record<ProviderType, BatchDiscount> = {
  openai: { factor: 0.5, source: 'https://platform.openai.com/docs/guides/batch', checked: '2026-12-02' },
  anthropic: { factor: 0.5, source: 'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing', checked: '2026-12-02' },
};

/** The batch price of a call that would cost `syncUsd` synchronously. */
export function batchPrice(type: ProviderType, syncUsd: number): number {
  return syncUsd * BATCH_DISCOUNTS[type].factor;
}
