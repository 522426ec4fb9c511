/**
 * Writing a human label into the task file without disturbing anything else in it. The yaml
 * Document API finds where the label belongs; the new entry is then spliced into the original text,
 * so every comment, blank line, quote style and folded scalar stays byte-for-byte as the person
 * wrote it. When the place has no simple textual spot (a flow-style example `{...}`, a flow list of
 * labels) the document is edited as nodes and re-serialized instead: comments and key order are
 * kept, only some spacing may change. Every write is atomic (temp file + rename): a crash or Ctrl-C
 * never leaves half a task file.
 */
import { readFile } from 'node:fs/promises';
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { writeFileAtomic } from '../record/files.js';
import type { Example, Label } from '../task/types.js';

/** The entry as it is stored: `{output, verdict, critique?}`, plus `vars` in a top-level `labels:` list. */
function entryObject(label: Label, vars?: Record<string, string>): Record<string, unknown> {
  return {
    ...(vars ? { vars } : {}),
    output: label.output,
    verdict: label.verdict,
    ...(label.critique ? { critique: label.critique } : {}),
    ...(label.sample ? { sample: { ...label.sample } } : {}),
  };
}

/** Short single-line labels read best as one flow line, like the hand-written ones in the examples. */
function fitsOneLine(label: Label, vars?: Record<string, string>): boolean {
  const text = `${label.output}${label.critique ?? ''}${vars ? JSON.stringify(vars) : ''}${label.sample ? JSON.stringify(label.sample) : ''}`;
  return !/[\n\r]/.test(text) && text.length <= 100;
}

/** One `- ...` list item at `indent` spaces, ending in a newline. */
function entryText(label: Label, indent: number, vars?: Record<string, string>): string {
  const pad = ' '.repeat(indent);
  const value = entryObject(label, vars);
  const flow = fitsOneLine(label, vars);
  const doc = new Document(value);
  if (flow) (doc.contents as YAMLMap).flow = true;
  else {
    if (vars) (doc.get('vars', true) as YAMLMap).flow = true;
    if (label.sample) (doc.get('sample', true) as YAMLMap).flow = true;
  }
  const lines = doc.toString({ lineWidth: 0 }).replace(/\n$/, '').split('\n');
  return `${lines.map((line, i) => (i === 0 ? `${pad}- ${line}` : line === '' ? '' : `${pad}  ${line}`)).join('\n')}\n`;
}

function keyPair(map: YAMLMap, key: string) {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key);
}

/** Offset just after the line holding `offset - 1` (the end of a node's content). */
function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', Math.max(0, offset - 1));
  return nl === -1 ? text.length : nl + 1;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Column of the `-` before a block list item starting at `itemStart`. */
function dashColumn(text: string, itemStart: number): number {
  const dash = text.lastIndexOf('-', itemStart - 1);
  return column(text, dash);
}

function splice(text: string, at: number, insert: string): string {
  const before = text.slice(0, at);
  return `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${insert}${text.slice(at)}`;
}

/** The new text by splicing, or null when the target has no plain block-style place for it. */
function spliceLabel(text: string, doc: Document, example: Example, label: Label, inline: boolean): string | null {
  if (inline) {
    const node = doc.getIn(['examples', example.index], true) as Node | undefined;
    if (!isMap(node) || node.flow || !node.range || node.items.length === 0) return null;
    const labels = keyPair(node, 'labels');
    if (labels) return appendToSeq(text, labels.value as Node | null);
    const last = node.items[node.items.length - 1]!;
    const end = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range?.[1];
    const firstKey = node.items[0]!.key as Node;
    if (end === undefined || !firstKey.range) return null;
    const indent = column(text, firstKey.range[0]);
    return splice(text, lineEndAfter(text, end), `${' '.repeat(indent)}labels:\n${entryText(label, indent + 2)}`);
  }
  const root = doc.contents;
  if (!isMap(root) || root.flow) return null;
  const labels = keyPair(root, 'labels');
  const vars = example.vars;
  if (labels) return appendToSeq(text, labels.value as Node | null, vars);
  const pad = text.length === 0 || text.endsWith('\n') ? '' : '\n';
  return `${text}${pad}\nlabels:                      # human verdicts on examples from the data file, matched by vars (aijourney label)\n${entryText(label, 2, vars)}`;

  function appendToSeq(source: string, seq: Node | null, withVars?: Record<string, string>): string | null {
    if (!isSeq(seq) || seq.flow || !seq.range || seq.items.length === 0) return null;
    const lastItem = (seq as YAMLSeq<Node>).items[seq.items.length - 1]!;
    const firstItem = (seq as YAMLSeq<Node>).items[0]!;
    if (!lastItem.range || !firstItem.range) return null;
    return splice(source, lineEndAfter(source, lastItem.range[1]), entryText(label, dashColumn(source, firstItem.range[0]), withVars));
  }
}

/** The fallback: edit nodes and re-serialize (comments and order kept, some spacing may change). */
function nodeLabel(doc: Document, example: Example, label: Label, inline: boolean): string {
  if (inline) {
    const labels = doc.getIn(['examples', example.index, 'labels']);
    if (isSeq(labels)) labels.add(doc.createNode(entryObject(label)));
    else doc.setIn(['examples', example.index, 'labels'], doc.createNode([entryObject(label)]));
  } else {
    const labels = doc.get('labels');
    if (isSeq(labels)) labels.add(doc.createNode(entryObject(label, example.vars)));
    else doc.set('labels', doc.createNode([entryObject(label, example.vars)]));
  }
  return doc.toString({ lineWidth: 0 });
}

/** True when `text` parses and holds `label` for `example` where the loader will look for it. */
function holds(text: string, example: Example, label: Label, inline: boolean): boolean {
  const doc = parseDocument(text, { lineCounter: new LineCounter() });
  if (doc.errors.length > 0) return false;
  const list = (inline ? doc.getIn(['examples', example.index, 'labels']) : doc.get('labels')) as YAMLSeq | undefined;
  const last = isSeq(list) ? (list.toJSON() as Array<Record<string, unknown>>).at(-1) : undefined;
  if (!last) return false;
  const sameVars = inline || JSON.stringify(last.vars) === JSON.stringify(example.vars);
  const sameSample = JSON.stringify(last.sample ?? null) === JSON.stringify(label.sample ?? null);
  return (
    sameVars &&
    sameSample &&
    String(last.output) === label.output &&
    last.verdict === label.verdict &&
    (last.critique ?? undefined) === (label.critique || undefined)
  );
}

/** The task file's text with `label` added for `example` (inline examples: under it; data-file examples: top-level `labels:`). */
export function addLabelToText(text: string, example: Example, label: Label): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`cannot edit the task file: ${doc.errors[0]!.message}`);
  const inline = isSeq(doc.get('examples', true));
  const spliced = spliceLabel(text, doc, example, label, inline);
  if (spliced !== null && holds(spliced, example, label, inline)) return spliced;
  const edited = nodeLabel(parseDocument(text), example, label, inline);
  if (!holds(edited, example, label, inline)) throw new Error('could not place the label in the task file');
  return edited;
}

/** Reads the task file, adds the label, and replaces the file atomically. */
export async function writeLabel(file: string, example: Example, label: Label): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFileAtomic(file, addLabelToText(text, example, label));
}
