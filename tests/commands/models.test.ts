import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('aijourney models', () => {
  it('lists models matching a filter with prices, context and the data date', async () => {
    const res = await runCli(['models', 'gpt-4o-mini']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/openai\s*│\s*gpt-4o-mini\s*│\s*\$0\.15\s*│\s*\$0\.6\s*│\s*128,000/);
    expect(res.stdout).not.toContain('claude');
    expect(res.stdout).toMatch(/Prices: @pydantic\/genai-prices [\d.]+ \(data of \d{4}-\d\d-\d\d\)/);
  });

  it('prints JSON, and says so when nothing matches', async () => {
    const res = await runCli(['models', 'HAIKU-4-5', '--json']);
    const data = JSON.parse(res.stdout);
    expect(data.priceData.source).toBe('@pydantic/genai-prices');
    expect(data.models.length).toBeGreaterThan(0);
    for (const m of data.models) expect(`${m.provider} ${m.model}`.toLowerCase()).toContain('haiku-4-5');
    expect(data.models[0]).toHaveProperty('inputPerMtok');
    const none = await runCli(['models', 'no-such-model-xyz']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No model matches "no-such-model-xyz"');
  });
});
