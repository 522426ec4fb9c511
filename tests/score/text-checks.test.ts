import { describe, expect, it } from 'vitest';
import { makeCheck } from '../../src/score/checks.js';
import { parseJsonPath } from '../../src/score/json-path.js';
import { countWords, editDistance, similarity } from '../../src/score/text-checks.js';
import type { CheckSpec } from '../../src/task/types.js';

const run = (spec: CheckSpec, output: string, extra: { expected?: string; structured?: unknown } = {}) => makeCheck(spec)({ output, ...extra });

describe('starts-with', () => {
  it('ignores leading whitespace, compares case as written unless told', () => {
    expect(run({ type: 'starts-with', value: 'Dear', ignoreCase: false }, '\n  Dear Ms Smith')).toMatchObject({ pass: true, reason: 'starts with "Dear"' });
    expect(run({ type: 'starts-with', value: 'Dear', ignoreCase: false }, 'dear Ms Smith')).toMatchObject({
      pass: false,
      reason: '"dear Ms Smith" does not start with "Dear"',
    });
    expect(run({ type: 'starts-with', value: 'Dear', ignoreCase: true }, 'DEAR Ms Smith').pass).toBe(true);
  });
});

describe('similar', () => {
  it('is Levenshtein over code points (published values: kitten/sitting 3, flaw/lawn 2)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('😀a', 'a')).toBe(1); // one character, not two UTF-16 units
    expect(similarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 12);
    expect(similarity('', '')).toBe(1);
  });

  it('passes at or above the threshold, against expected or its own value, trimmed and case-folded', () => {
    const spec: CheckSpec = { type: 'similar', threshold: 0.8, ignoreCase: true };
    expect(run(spec, ' The Eiffel Tower ', { expected: 'the eiffel tower' })).toMatchObject({
      pass: true,
      reason: 'similarity 1.00 to "the eiffel tower", at least 0.8',
    });
    const r = run(spec, 'the eifel towr', { expected: 'the eiffel tower' });
    expect(r.pass).toBe(true); // 2 edits over 16 characters: 0.875
    expect(run(spec, 'a tower', { expected: 'the eiffel tower' })).toMatchObject({ pass: false });
    expect(run({ ...spec, value: 'kitten', threshold: 0.5 }, 'sitting').pass).toBe(true);
    expect(run(spec, 'x').reason).toMatch(/no expected answer/);
  });
});

describe('word-count', () => {
  it('counts words as Unicode segments them, Chinese included', () => {
    expect(countWords('The quick brown fox.')).toBe(4);
    expect(countWords('feature_request')).toBe(1);
    expect(countWords('  ')).toBe(0);
    expect(countWords('我喜欢北京')).toBeGreaterThanOrEqual(2);
  });
  it('fails below min and above max, saying which', () => {
    const spec: CheckSpec = { type: 'word-count', min: 2, max: 3 };
    expect(run(spec, 'one')).toMatchObject({ pass: false, reason: '1 word, fewer than the minimum of 2' });
    expect(run(spec, 'one two three four')).toMatchObject({ pass: false, reason: '4 words, more than the maximum of 3' });
    expect(run(spec, 'one two')).toMatchObject({ pass: true, reason: '2 words (at least 2 and at most 3)' });
  });
});

describe('json-path', () => {
  it('parses $.a.b, a[0], ["odd key"] and refuses what it cannot read', () => {
    expect(parseJsonPath('$.customer.name')).toEqual({ ok: true, segments: ['customer', 'name'] });
    expect(parseJsonPath('items[0].sku')).toEqual({ ok: true, segments: ['items', 0, 'sku'] });
    expect(parseJsonPath(`$["odd key"]['it''s']`).ok).toBe(false);
    expect(parseJsonPath(`$["odd key"]['b']`)).toEqual({ ok: true, segments: ['odd key', 'b'] });
    expect(parseJsonPath('$')).toEqual({ ok: true, segments: [] });
    expect(parseJsonPath('$.a..b')).toMatchObject({ ok: false, reason: expect.stringContaining('a key is missing') });
    expect(parseJsonPath('$.a[x]')).toMatchObject({ ok: false, reason: expect.stringContaining('expected [<index>]') });
  });

  it('finds the value in the text or in a structured reply, and compares it as JSON', () => {
    const spec: CheckSpec = { type: 'json-path', path: '$.items[1].price', value: 2.5 };
    expect(run(spec, '{"items":[{"price":1},{"price":2.50}]}')).toMatchObject({ pass: true, reason: '$.items[1].price equals 2.5' });
    expect(run(spec, '', { structured: { items: [{ price: 1 }, { price: 3 }] } })).toMatchObject({
      pass: false,
      reason: '$.items[1].price: expected 2.5, got 3',
    });
    expect(run(spec, '{"items":[]}')).toMatchObject({ pass: false, reason: '$.items[1].price: nothing at $.items[1]' });
    expect(run({ type: 'json-path', path: 'a' }, '{"a":null}')).toMatchObject({ pass: true, reason: 'a is null' });
    expect(run({ type: 'json-path', path: 'a', value: null }, '{"a":0}').pass).toBe(false);
    expect(run({ type: 'json-path', path: 'a' }, 'not json').reason).toMatch(/^not valid JSON/);
  });
});

describe('checks on a structured reply', () => {
  const structured = { vendor: 'ACME', total: 202.5 };
  it('equals compares the object as JSON with an expected that parses as JSON (order and number spelling aside)', () => {
    const spec: CheckSpec = { type: 'equals', ignoreCase: true };
    expect(run(spec, JSON.stringify(structured), { structured, expected: '{"total": 202.50, "vendor": "ACME"}' })).toMatchObject({ pass: true });
    expect(run(spec, JSON.stringify(structured), { structured, expected: '{"total": 178, "vendor": "ACME"}' })).toMatchObject({
      pass: false,
      reason: 'differs from the expected JSON: /total: expected 178, got 202.5',
    });
  });
  it('json-schema and json read the object itself', () => {
    const schema = { type: 'object', required: ['total'], properties: { total: { type: 'string' } } };
    expect(run({ type: 'json-schema', schema }, 'ignored text', { structured })).toMatchObject({ pass: false, reason: 'schema: /total must be string' });
    expect(run({ type: 'json' }, 'ignored text', { structured }).pass).toBe(true);
  });
});
