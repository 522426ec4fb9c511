/**
 * YAML text -> plain data plus the Document and LineCounter that locate paths later.
 * Syntax errors, duplicate keys, unknown aliases and alias bombs become located issues.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { DraftIssue, Path } from './issues.js';
import { positionAt } from './positions.js';

/** Far above what a hand-written task uses, far below what makes an alias bomb hurt. */
const MAX_ALIAS_COUNT = 100;

export type YamlResult =
  | { ok: true; doc: Document; lineCounter: LineCounter; value: unknown }
  | { ok: false; issues: DraftIssue[] };

export function parseYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by our own walk, which knows their path.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const issues: DraftIssue[] = [...doc.errors, ...doc.warnings].map((error) => ({
    path: [],
    message:
      error.code === 'MULTIPLE_DOCS'
        ? 'YAML: a second document (after `---`); a task file holds exactly one'
        : `YAML: ${error.message.split('\n')[0]}`,
    ...positionAt(lineCounter, error.pos[0]),
  }));
  issues.push(...duplicateKeys(doc, lineCounter));
  issues.push(...unknownAliases(doc, lineCounter));
  if (issues.length > 0) return { ok: false, issues };
  try {
    return { ok: true, doc, lineCounter, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const first = firstAliasOffset(doc);
    const where = first === undefined ? { line: 1, column: 1 } : positionAt(lineCounter, first);
    const message =
      error instanceof ReferenceError && /alias/i.test(error.message)
        ? `YAML: aliases expand too many times (over ${MAX_ALIAS_COUNT}); an alias bomb?`
        : `YAML: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, issues: [{ path: [], message, ...where }] };
  }
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
      node.items.forEach((item, i) => walk(item, [...path, i]));
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

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
