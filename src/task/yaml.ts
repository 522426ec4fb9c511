/**
 * YAML text -> plain data plus the Document and LineCounter that locate paths later.
 * Syntax errors, duplicate keys, unknown aliases and alias bombs become located issues.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { keepWrittenText } from './as-written.js';
import type { TextPlace } from './text-places.js';
import type { DraftIssue, Path } from './issues.js';
import { positionAt } from './positions.js';

/**
 * Nodes that aliases may add once expanded: far above what a hand-written task uses (a scalar alias
 * used 100 times adds 100), far below what makes an alias bomb hurt (each level of a "billion
 * laughs" multiplies the work of every later step).
 */
const MAX_ALIAS_EXPANSION = 100_000;

export type YamlResult = { ok: true; doc: Document; lineCounter: LineCounter; value: unknown } | { ok: false; issues: DraftIssue[] };

/** Parses `text`; at the `text` places (as-written.ts) numbers and booleans keep their source text. */
export function parseYaml(text: string, places?: TextPlace): YamlResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by our own walk, which knows their path.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const issues: DraftIssue[] = [...doc.errors, ...doc.warnings].map((error) => ({
    path: [],
    message: error.code === 'MULTIPLE_DOCS' ? 'YAML: a second document (after `---`); a task file holds exactly one' : `YAML: ${error.message.split('\n')[0]}`,
    ...positionAt(lineCounter, error.pos[0]),
  }));
  issues.push(...duplicateKeys(doc, lineCounter));
  issues.push(...unknownAliases(doc, lineCounter));
  if (issues.length > 0) return { ok: false, issues };
  const expansion = aliasExpansion(doc);
  if (expansion) {
    const message =
      expansion.extra === Infinity
        ? 'YAML: an alias refers to a node that contains it (a recursive structure cannot be a task)'
        : `YAML: aliases expand to ${expansion.extra > 1e9 ? 'over a billion' : expansion.extra} more nodes (over ${MAX_ALIAS_EXPANSION}); an alias bomb?`;
    return { ok: false, issues: [{ path: [], message, ...positionAt(lineCounter, expansion.offset) }] };
  }
  if (places) keepWrittenText(doc, places);
  try {
    // Expansion is bounded above, so the library's own alias count (which also refuses a scalar
    // alias used 100 times) is switched off.
    return { ok: true, doc, lineCounter, value: doc.toJS({ maxAliasCount: -1 }) };
  } catch (error) {
    return { ok: false, issues: [{ path: [], message: `YAML: ${error instanceof Error ? error.message : String(error)}`, line: 1, column: 1 }] };
  }
}

/**
 * How many nodes aliases add when the document is expanded, computed without expanding it (each
 * node's expanded size is memoized); null when within bounds. `offset` is the alias adding the most.
 * A recursive alias (one inside the node it names) counts as infinite.
 */
function aliasExpansion(doc: Document): { extra: number; offset: number } | null {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let written = 0;
  let worst = { size: 0, offset: 0 };
  const size = (node: unknown, expanded: boolean): number => {
    if (isAlias(node)) {
      if (!expanded) written++;
      const target = node.resolve(doc);
      const n = open.has(target) ? Infinity : size(target, true);
      if (!expanded && n > worst.size) worst = { size: n, offset: node.range?.[0] ?? 0 };
      return n;
    }
    const memo = sizes.get(node);
    if (memo !== undefined && expanded) return memo;
    if (!expanded) written++;
    let n = 1;
    open.add(node);
    if (isMap(node)) for (const pair of node.items) n += isPair(pair) ? size(pair.key, expanded) + size(pair.value, expanded) : 0;
    else if (isSeq(node)) for (const item of node.items) n += size(item, expanded);
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  const total = size(doc.contents as Node | null, false);
  const extra = total - written;
  return extra > MAX_ALIAS_EXPANSION ? { extra, offset: worst.offset } : null;
}

/** Duplicate keys, and keys that are collections rather than plain text. */
function duplicateKeys(doc: Document, lineCounter: LineCounter): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const walk = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (!isScalar(pair.key)) {
          // `{ a }: x` or `[a]: x`: the yaml library would stringify it (with a process warning).
          const offset = (pair.key as { range?: [number] } | null)?.range?.[0] ?? node.range?.[0] ?? 0;
          issues.push({ path, message: 'a key must be plain text, not a list or a mapping', ...positionAt(lineCounter, offset) });
          continue;
        }
        const key = String(pair.key.value);
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first !== undefined) {
          const firstLine = positionAt(lineCounter, first).line;
          issues.push({ path: [...path, key], message: `duplicate key "${key}" (first at line ${firstLine})`, ...positionAt(lineCounter, offset) });
        } else {
          seen.set(key, offset);
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    }
  };
  walk(doc.contents, []);
  return issues;
}

function unknownAliases(doc: Document, lineCounter: LineCounter): DraftIssue[] {
  const issues: DraftIssue[] = [];
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        issues.push({ path: [], message: `YAML: unknown alias *${node.source}`, ...positionAt(lineCounter, node.range?.[0] ?? 0) });
      }
    },
  });
  return issues;
}
