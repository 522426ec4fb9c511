import { describe, expect, it } from 'vitest';
import { compileChecks, makeCheck, runChecks } from '../../src/score/checks.js';
import type { CheckSpec } from '../../src/task/types.js';

const one = (spec: CheckSpec, output: string, expected?: string) => makeCheck(spec)(expected === undefined ? { output } : { output, expected });

describe('equals', () => {
  const spec: CheckSpec = { type: 'equals', ignoreCase: true };

  it('compares with expected, trimmed and ignoring case', () => {
    const r = one(spec, '  High\n', 'high');
    expect(r).toMatchObject({ type: 'equals', pass: true });
    expect(r.reason).toBe('equals "high"');
  });

  it('fails with what was expected and what came', () => {
    const r = one(spec, 'medium', 'high');
    expect(r.pass).toBe(false);
    expect(r.reason).toBe('expected "high", got "medium"');
  });

  it('respects ignoreCase: false', () => {
    expect(one({ type: 'equals', ignoreCase: false }, 'High', 'high').pass).toBe(false);
    expect(one({ type: 'equals', ignoreCase: false }, 'high ', 'high').pass).toBe(true);
  });

  it('prefers its own value over expected', () => {
    expect(one({ type: 'equals', value: 'low', ignoreCase: true }, 'low', 'high').pass).toBe(true);
    expect(one({ type: 'equals', value: 'low', ignoreCase: true }, 'high', 'high').pass).toBe(false);
  });

  it('fails, saying why, when there is nothing to compare with', () => {
    const r = one(spec, 'high');
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/no expected answer/);
  });

  it('handles empty output and unicode (composed vs decomposed, case)', () => {
    expect(one(spec, '', 'high')).toMatchObject({ pass: false, reason: 'expected "high", got ""' });
    expect(one(spec, 'CAFÉ', 'cafe\u0301').pass).toBe(true);
    expect(one(spec, '', '').pass).toBe(true);
  });

  it('truncates long outputs in the reason', () => {
    const r = one(spec, 'x'.repeat(500), 'high');
    expect(r.reason.length).toBeLessThan(100);
    expect(r.reason).toContain('…');
  });

  it('does not split an emoji when truncating', () => {
    const r = one(spec, '😀'.repeat(100), 'high');
    expect(r.reason).toContain(`"${'😀'.repeat(60)}…"`);
  });
});

describe('contains, icontains, not-contains', () => {
  it('contains is case-sensitive', () => {
    expect(one({ type: 'contains', value: 'urgent' }, 'This is urgent.')).toMatchObject({ pass: true, reason: 'output contains "urgent"' });
    const r = one({ type: 'contains', value: 'urgent' }, 'This is URGENT.');
    expect(r.pass).toBe(false);
    expect(r.reason).toBe('output does not contain "urgent": "This is URGENT."');
  });

  it('icontains ignores case, including non-ASCII', () => {
    expect(one({ type: 'icontains', value: 'urgent' }, 'This is URGENT.').pass).toBe(true);
    expect(one({ type: 'icontains', value: 'ÉCOLE' }, "à l'école").pass).toBe(true);
    expect(one({ type: 'icontains', value: 'urgent' }, '').pass).toBe(false);
  });

  it('not-contains passes when absent and fails when present', () => {
    expect(one({ type: 'not-contains', value: 'sorry' }, 'Here it is.')).toMatchObject({ pass: true, reason: 'output does not contain "sorry"' });
    const r = one({ type: 'not-contains', value: 'sorry' }, "I'm sorry, I can't.");
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/^output contains "sorry": /);
  });
});

describe('regex', () => {
  const spec: CheckSpec = { type: 'regex', pattern: '^(low|medium|high)$' };

  it('matches the trimmed output', () => {
    expect(one(spec, 'high\n')).toMatchObject({ pass: true, reason: 'matches /^(low|medium|high)$/' });
    const r = one(spec, 'very high');
    expect(r.pass).toBe(false);
    expect(r.reason).toBe('"very high" does not match /^(low|medium|high)$/');
  });

  it('applies flags', () => {
    expect(one(spec, 'HIGH').pass).toBe(false);
    expect(one({ ...spec, flags: 'i' }, 'HIGH').pass).toBe(true);
    expect(one({ type: 'regex', pattern: '^\\p{L}+$', flags: 'u' }, 'Ünïcødé').pass).toBe(true);
  });

  it('gives the same answer on every call even with the g flag', () => {
    const check = makeCheck({ type: 'regex', pattern: 'high', flags: 'g' });
    const results = [1, 2, 3].map(() => check({ output: 'high' }).pass);
    expect(results).toEqual([true, true, true]);
  });

  it('empty output matches only patterns that allow it', () => {
    expect(one(spec, '').pass).toBe(false);
    expect(one({ type: 'regex', pattern: '^$' }, '  ').pass).toBe(true);
  });
});

describe('json', () => {
  const spec: CheckSpec = { type: 'json' };

  it('passes on plain JSON', () => {
    expect(one(spec, ' {"urgency": "high"} ')).toMatchObject({ pass: true, reason: 'valid JSON' });
    expect(one(spec, '42').pass).toBe(true);
  });

  it('tolerates a fenced block and says so', () => {
    const r = one(spec, '```json\n{"urgency": "high"}\n```');
    expect(r.pass).toBe(true);
    expect(r.reason).toBe('valid JSON (inside a ```json fence)');
    expect(one(spec, '```\n[1, 2]\n```').pass).toBe(true);
  });

  it('fails on prose, with the parse error and the output', () => {
    const r = one(spec, 'Sure! {"urgency": "high"}');
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/^not valid JSON \(.+\): "Sure! /);
  });

  it('fails on empty output, saying it is empty', () => {
    expect(one(spec, '')).toMatchObject({ pass: false, reason: 'output is empty, not JSON' });
    expect(one(spec, '```json\n```').pass).toBe(false);
  });
});

describe('json-schema', () => {
  const spec: CheckSpec = {
    type: 'json-schema',
    schema: {
      type: 'object',
      properties: {
        urgency: { enum: ['low', 'medium', 'high'] },
        reasons: { type: 'array', items: { type: 'string' } },
        email: { type: 'string', format: 'email' },
      },
      required: ['urgency'],
      additionalProperties: false,
    },
  };

  it('passes a conforming object, fenced or not', () => {
    expect(one(spec, '{"urgency": "high", "reasons": ["outage"]}')).toMatchObject({ pass: true, reason: 'matches the schema' });
    expect(one(spec, '```json\n{"urgency": "low"}\n```').reason).toBe('matches the schema (inside a ```json fence)');
  });

  it('lists the first errors with their instance paths', () => {
    const r = one(spec, '{"urgency": "urgent", "reasons": [1], "extra": true}');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('/urgency must be equal to one of the allowed values: "low", "medium", "high"');
    expect(r.reason).toContain('/reasons/0 must be string');
    expect(r.reason).toContain('/ must NOT have additional properties ("extra")');
  });

  it('says how many errors it left out', () => {
    const many: CheckSpec = { type: 'json-schema', schema: { type: 'array', items: { type: 'number' } } };
    const r = one(many, '["a", "b", "c", "d", "e"]');
    expect(r.reason).toMatch(/\(\+2 more\)$/);
  });

  it('reports a missing property and a parse failure', () => {
    expect(one(spec, '{}').reason).toContain("must have required property 'urgency'");
    expect(one(spec, 'high')).toMatchObject({ pass: false });
    expect(one(spec, 'high').reason).toMatch(/^not valid JSON/);
  });

  it('ignores formats it cannot check rather than failing the run', () => {
    expect(one(spec, '{"urgency": "low", "email": "not-an-email"}').pass).toBe(true);
  });
});

describe('max-length', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(one({ type: 'max-length', value: 3 }, '😀😀😀')).toMatchObject({ pass: true, reason: '3 characters, within the limit of 3' });
    expect(one({ type: 'max-length', value: 3 }, 'abcd')).toMatchObject({ pass: false, reason: '4 characters, over the limit of 3' });
    expect(one({ type: 'max-length', value: 0 }, '').pass).toBe(true);
  });
});

describe('runChecks and compileChecks', () => {
  const specs: CheckSpec[] = [
    { type: 'equals', ignoreCase: true },
    { type: 'regex', pattern: '^(low|medium|high)$' },
    { type: 'max-length', value: 10 },
  ];

  it('runs every check in order on one output', () => {
    const results = runChecks(specs, { output: 'medium', expected: 'high' });
    expect(results.map((r) => [r.type, r.pass])).toEqual([
      ['equals', false],
      ['regex', true],
      ['max-length', true],
    ]);
  });

  it('compileChecks gives the same results', () => {
    const input = { output: 'High', expected: 'high' };
    expect(compileChecks(specs)(input)).toEqual(runChecks(specs, input));
  });

  it('returns nothing for no checks', () => {
    expect(runChecks([], { output: 'x' })).toEqual([]);
  });
});
