/** Checks on the reply's text beyond equality: its start, its closeness to a reference, its length in words. */
import type { CheckSpec } from '../task/types.js';
import { show } from './json.js';
import type { Check } from './types.js';

type SpecOf<T extends CheckSpec['type']> = Extract<CheckSpec, { type: T }>;

const fold = (text: string, ignoreCase: boolean) => {
  const n = text.normalize('NFC');
  return ignoreCase ? n.toLowerCase() : n;
};

/** Leading whitespace (a model's habit) is ignored; the prefix is compared as written. */
export function startsWith(spec: SpecOf<'starts-with'>): Check {
  const prefix = fold(spec.value, spec.ignoreCase);
  const how = spec.ignoreCase ? ' (ignoring case)' : '';
  return ({ output }) => {
    const pass = fold(output.trimStart(), spec.ignoreCase).startsWith(prefix);
    return {
      type: 'starts-with',
      pass,
      reason: pass ? `starts with ${show(spec.value)}${how}` : `${show(output.trimStart())} does not start with ${show(spec.value)}${how}`,
    };
  };
}

/** Levenshtein distance over code points, in two rows: O(a·b) time, O(b) memory. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length === 0) return y.length;
  let previous = Uint32Array.from({ length: y.length + 1 }, (_, j) => j);
  let current = new Uint32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    current[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length]!;
}

/** 1 − distance / length of the longer text (in code points); two empty texts are identical. */
export function similarity(a: string, b: string): number {
  const longer = Math.max([...a].length, [...b].length);
  return longer === 0 ? 1 : 1 - editDistance(a, b) / longer;
}

export function similar(spec: SpecOf<'similar'>): Check {
  return ({ output, expected }) => {
    const want = spec.value ?? expected;
    if (want === undefined) return { type: 'similar', pass: false, reason: 'no expected answer: give the example an `expected` or the check a `value`' };
    const score = similarity(fold(output.trim(), spec.ignoreCase), fold(want.trim(), spec.ignoreCase));
    const pass = score >= spec.threshold;
    const figure = `similarity ${score.toFixed(2)} to ${show(want.trim())}, ${pass ? 'at least' : 'below'} ${spec.threshold}`;
    return { type: 'similar', pass, reason: pass ? figure : `${figure}: got ${show(output.trim())}` };
  };
}

const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Words as Unicode's word segmentation finds them (CJK text has no spaces between words). */
export function countWords(text: string): number {
  let n = 0;
  for (const segment of words.segment(text)) if (segment.isWordLike) n++;
  return n;
}

export function wordCount(spec: SpecOf<'word-count'>): Check {
  const bounds = [spec.min === undefined ? null : `at least ${spec.min}`, spec.max === undefined ? null : `at most ${spec.max}`].filter(Boolean).join(' and ');
  return ({ output }) => {
    const n = countWords(output);
    const counted = `${n} ${n === 1 ? 'word' : 'words'}`;
    if (spec.min !== undefined && n < spec.min) return { type: 'word-count', pass: false, reason: `${counted}, fewer than the minimum of ${spec.min}` };
    if (spec.max !== undefined && n > spec.max) return { type: 'word-count', pass: false, reason: `${counted}, more than the maximum of ${spec.max}` };
    return { type: 'word-count', pass: true, reason: `${counted} (${bounds})` };
  };
}
