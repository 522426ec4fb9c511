import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANTHROPIC_DEPRECATED, deprecationWarning } from '../../src/providers/deprecations.js';
import { ANTHROPIC_API_VERSION, isOfficialHost, isOpenAIReasoning, reviewParams, targetParams, type Target } from '../../src/providers/target.js';

const require = createRequire(import.meta.url);
const anthropicSdk = dirname(require.resolve('@anthropic-ai/sdk'));

const openai = (model: string, official = true): Target => ({ type: 'openai', model, official });
const anthropic = (model = 'claude-haiku-4-5'): Target => ({ type: 'anthropic', model, official: true });
const refused = (t: Target, params: Record<string, unknown>) => reviewParams(t, params).refusals.map((r) => r.param);

describe('the parameter table follows the installed SDKs', () => {
  it('names the Messages API version @anthropic-ai/sdk sends', () => {
    const client = readFileSync(join(anthropicSdk, 'client.js'), 'utf8');
    const sent = [...client.matchAll(/'anthropic-version': '([^']+)'/g)].map((m) => m[1]);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([ANTHROPIC_API_VERSION]));
  });

  it("copies the SDK's list of deprecated models and their end-of-life dates", () => {
    const { DEPRECATED_MODELS } = require(join(anthropicSdk, 'internal/data/deprecated-models.js')) as { DEPRECATED_MODELS: Record<string, string> };
    const iso = (written: string) => {
      const d = new Date(`${written.replace(/(\d+)(st|nd|rd|th)/, '$1')} 12:00 UTC`);
      return d.toISOString().slice(0, 10);
    };
    expect(ANTHROPIC_DEPRECATED).toEqual(Object.fromEntries(Object.entries(DEPRECATED_MODELS).map(([m, date]) => [m, iso(date)])));
  });
});

describe('what each API accepts', () => {
  it('Anthropic 2026-10-21 refuses sampling parameters and seed, and takes stop as stop_sequences', () => {
    const params = { temperature: 0, top_p: 0.9, top_k: 5, seed: 1, stop: ['END'], max_tokens: 10 };
    expect(refused(anthropic(), params)).toEqual(['temperature', 'top_p', 'top_k', 'seed']);
    expect(reviewParams(anthropic(), params).refusals[0]!.message).toBe(
      'not accepted by the Anthropic Messages API version 2026-10-21, which @anthropic-ai/sdk sends: remove it (this API version takes no sampling parameters)',
    );
    expect(targetParams(anthropic(), { stop: ['END'], max_tokens: 10 })).toEqual({ stop_sequences: ['END'], max_tokens: 10 });
  });

  it('recognises the OpenAI reasoning families, with or without a gateway prefix', () => {
    for (const m of ['o1', 'o3', 'o3-mini', 'o4-mini-2025-04-16', 'gpt-5', 'gpt-5-mini', 'gpt-5.2', 'gpt-5.4-nano', 'openai/o3', 'GPT-5'])
      expect(isOpenAIReasoning(m), m).toBe(true);
    for (const m of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o1x', 'llama3.2', 'gpt-50', 'omni']) expect(isOpenAIReasoning(m), m).toBe(false);
  });

  it('reasoning models refuse temperature, top_p and stop wherever they are served, and take max_completion_tokens', () => {
    const params = { temperature: 0.2, top_p: 1, stop: ['\n'], max_tokens: 64, seed: 3 };
    for (const official of [true, false]) {
      expect(refused(openai('gpt-5-mini', official), params)).toEqual(['temperature', 'top_p', 'stop']);
      expect(targetParams(openai('o3', official), { max_tokens: 64 })).toEqual({ max_completion_tokens: 64 });
    }
  });

  it('gpt-5.2 and later take temperature and top_p only with reasoning_effort none', () => {
    expect(refused(openai('gpt-5.2'), { temperature: 0.2, reasoning_effort: 'low' })).toEqual(['temperature']);
    expect(reviewParams(openai('gpt-5.2'), { temperature: 0.2 }).refusals[0]!.message).toMatch(/or set reasoning_effort: none$/);
    expect(refused(openai('gpt-5.2'), { temperature: 0.2, top_p: 0.5, reasoning_effort: 'none' })).toEqual([]);
    expect(refused(openai('gpt-5.2'), { stop: ['x'], reasoning_effort: 'none' })).toEqual(['stop']);
    expect(refused(openai('gpt-5.1'), { temperature: 0.2, reasoning_effort: 'none' })).toEqual(['temperature']);
  });

  it('other models keep their params; max_tokens is renamed on the official API only', () => {
    const params = { temperature: 0.2, top_p: 1, stop: ['\n'], max_tokens: 64 };
    expect(refused(openai('gpt-4o-mini'), params)).toEqual([]);
    expect(targetParams(openai('gpt-4o-mini', true), params)).toEqual({ temperature: 0.2, top_p: 1, stop: ['\n'], max_completion_tokens: 64 });
    expect(targetParams(openai('llama3.2', false), params)).toEqual(params);
    // Both names at once: the API would get both, so the old one is refused.
    expect(reviewParams(openai('gpt-4o'), { max_tokens: 1, max_completion_tokens: 2 })).toEqual({
      refusals: [{ param: 'max_tokens', message: 'max_completion_tokens is set too, and the OpenAI API takes only max_completion_tokens: remove max_tokens' }],
      renames: [],
    });
    expect(refused(anthropic(), { stop: ['a'], stop_sequences: ['b'] })).toEqual(['stop']);
  });

  it('recognises the official OpenAI host however it is written', () => {
    for (const url of [
      undefined,
      'https://api.openai.com/v1',
      'https://api.openai.com/v1/',
      'https://API.OpenAI.com/v1',
      'https://api.openai.com:443/v1',
      'https://api.openai.com',
    ]) {
      expect(isOfficialHost('openai', url), String(url)).toBe(true);
    }
    for (const url of [
      'http://api.openai.com/v1',
      'https://api.openai.com.evil.example/v1',
      'http://127.0.0.1:8080/v1',
      'https://openrouter.ai/api/v1',
      'not a url',
    ]) {
      expect(isOfficialHost('openai', url), url).toBe(false);
    }
    expect(isOfficialHost('anthropic', 'https://api.anthropic.com/')).toBe(true);
  });

  it('warns once per deprecated model, saying whether its end of life has passed', () => {
    expect(deprecationWarning('anthropic', 'claude-sonnet-4-5', new Date('2026-12-01'))).toBe(
      'model claude-sonnet-4-5 reached its end of life on 2026-11-30 (per @anthropic-ai/sdk): calls to it are expected to fail; use a current model',
    );
    expect(deprecationWarning('anthropic', 'claude-opus-4-5', new Date('2026-12-01'))).toMatch(/is deprecated and reaches its end of life on 2027-01-22/);
    expect(deprecationWarning('anthropic', 'claude-haiku-4-5', new Date('2026-12-01'))).toBeNull();
    expect(deprecationWarning('openai', 'claude-sonnet-4-5', new Date('2026-12-01'))).toBeNull();
  });
});
