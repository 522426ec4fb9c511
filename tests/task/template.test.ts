import { describe, expect, test } from 'vitest';
import { malformedPlaceholders, renderTemplate, templateVars } from '../../src/task/template.js';

describe('templateVars', () => {
  test('finds variables with or without spaces, in order of first use, once each', () => {
    expect(templateVars('{{a}} and {{ b }} and {{  a  }} then {{c}}')).toEqual(['a', 'b', 'c']);
  });

  test('accepts dotted and dashed names as written', () => {
    expect(templateVars('{{user.name}} {{ticket-text}}')).toEqual(['user.name', 'ticket-text']);
  });

  test('ignores text that is not a placeholder', () => {
    expect(templateVars('no vars, { single } braces, {{ }} empty, {{two words}}')).toEqual([]);
  });
});

describe('renderTemplate', () => {
  test('replaces every occurrence', () => {
    expect(renderTemplate('Ticket: {{ticket}}\nAgain: {{ ticket }}', { ticket: 'db down' })).toBe('Ticket: db down\nAgain: db down');
  });

  test('does not expand placeholders inside values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'nope' })).toBe('{{b}}');
  });

  test('inserts values literally, including $ patterns', () => {
    expect(renderTemplate('cost: {{x}}', { x: '$& $1 $$' })).toBe('cost: $& $1 $$');
  });

  test('leaves a template without placeholders unchanged', () => {
    expect(renderTemplate('plain text', {})).toBe('plain text');
  });

  test('throws on an unknown variable, naming it and the known ones', () => {
    expect(() => renderTemplate('{{tiket}}', { ticket: 'x' })).toThrow('unknown template variable {{tiket}} (have: ticket)');
  });

  test('does not treat inherited object properties as variables', () => {
    expect(() => renderTemplate('{{toString}}', {})).toThrow('{{toString}}');
  });
});

describe('malformedPlaceholders', () => {
  test('finds openings that are not a placeholder, and leaves valid ones and plain braces alone', () => {
    expect(malformedPlaceholders('a {{ }} b {{two words}} c {{x')).toEqual(['{{ }}', '{{two words}}', '{{x']);
    expect(malformedPlaceholders('{{ok}} {{ spaced }} {{{triple}}} {"json": {"a": 1}}')).toEqual([]);
  });
});
