/**
 * Scalars that are text to us keep the text the user wrote. YAML reads `01234` as the number 1234,
 * `0x1F` as 31 and a 20-digit id as a float that has lost its last digits; a variable, a reference
 * answer or a labeled output is text, so at those places a plain number or boolean is replaced by
 * its source text before the document becomes data.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Document } from 'yaml';
import type { Path } from './issues.js';
import type { TextPlace } from './text-places.js';

/** The source text of a plain number or boolean scalar, else undefined. */
function written(node: unknown): string | undefined {
  if (!isScalar(node) || node.type !== Scalar.PLAIN) return undefined;
  if (typeof node.value !== 'number' && typeof node.value !== 'boolean' && typeof node.value !== 'bigint') return undefined;
  return typeof node.source === 'string' ? node.source : undefined;
}

/** Rewrites, in place, every number or boolean at a text place to its source text (aliases too). */
export function keepWrittenText(doc: Document, place: TextPlace): void {
  const replace = (node: unknown, path: Path, sibling: (key: string) => unknown): unknown => {
    const target = isAlias(node) ? node.resolve(doc) : node;
    if (!place(path, sibling)) return undefined;
    const text = written(target);
    if (text === undefined) return undefined;
    if (target === node) {
      (node as Scalar).value = text;
      return undefined;
    }
    const scalar = new Scalar(text);
    scalar.range = (node as { range?: Scalar['range'] }).range; // errors still point at the alias
    return scalar;
  };
  const walk = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      const sibling = (key: string) => {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
        return isScalar(pair?.value) ? pair.value.value : undefined;
      };
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const childPath = [...path, String(pair.key.value)];
        const swap = replace(pair.value, childPath, sibling);
        if (swap) pair.value = swap;
        else walk(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const swap = replace(item, [...path, i], () => undefined);
        if (swap) node.items[i] = swap;
        else walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
}
