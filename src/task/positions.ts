/**
 * Dotted path -> line:column in the YAML source, through the yaml Document's node ranges.
 * A path that does not exist (a missing field) resolves to its closest existing ancestor.
 */
import { isMap, isPair, isScalar, isSeq, isAlias, type Document, type LineCounter, type Node } from 'yaml';
import type { Path } from './issues.js';

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of a character offset. */
export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** The node at `path` (or the key node when `atKey`), else the deepest ancestor that exists. */
function nodeAt(doc: Document, path: Path, atKey = false): Node | undefined {
  let node: unknown = doc.contents;
  let lastKey: unknown;
  let depth = 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    lastKey = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair) {
        next = pair.value ?? pair.key;
        lastKey = pair.key;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined || next === null) break;
    node = next;
    depth++;
  }
  const complete = depth === path.length;
  const chosen = atKey && complete && lastKey ? lastKey : node;
  return chosen as Node | undefined;
}

/** Where `path` is in the source; line 1 column 1 when the document is empty. */
export function locate(doc: Document, lineCounter: LineCounter, path: Path, atKey = false): Position {
  const node = nodeAt(doc, path, atKey);
  const offset = node?.range?.[0];
  return offset === undefined ? { line: 1, column: 1 } : positionAt(lineCounter, offset);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
