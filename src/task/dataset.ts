/**
 * Examples from a data file (`examples: {file: data.csv}`): csv, jsonl, json, yaml.
 * Columns become variables, the `expected` column the reference answer. A json/jsonl/yaml row may
 * instead be a full example `{vars, expected?, labels?}`. Problems are located in the data file.
 */
import { extname, isAbsolute, join } from 'node:path';
import type { Example } from './types.js';
import { fastYaml } from './fast-yaml.js';
import { fromZodIssues, typeName, type DraftIssue, type Path } from './issues.js';
import { exampleRowSchema, PROTO_KEY, type DatasetInput, type ExampleInput } from './schema.js';
import { readText, type ReadFile } from './source.js';
import { DATA_TEXT, ROW_TEXT } from './text-places.js';

// Each format's parser is loaded for a file of that format: a task with inline examples loads none.
const csvParser = async () => (await import('csv-parse/sync')).parse;
const positionedYaml = () => import('./positioned.js');

/** Data files are bigger than task files, but still read whole into memory. */
const MAX_DATASET_BYTES = 64 * 1024 * 1024;

export type DatasetRow = Omit<Example, 'index'>;

export interface DatasetResult {
  /** Good rows with their position in the file (after `limit`), so indices stay true when a row is bad. */
  rows: Array<DatasetRow & { index: number }>;
  issues: DraftIssue[];
  /** Where row `index` (or a field inside it) is in the data file, for problems found later. */
  where?: (index: number, path: Path) => { file: string; line: number; column: number };
}

/** Where a row (or a field inside it) is in the data file. */
type Locator = (row: number, path: Path) => { line: number; column: number };

interface RawRows {
  rows: unknown[];
  locate: Locator;
}

const SPEC_PATH = ['examples', 'file'];

export async function loadDataset(spec: DatasetInput, baseDir: string, readFile?: ReadFile): Promise<DatasetResult> {
  const file = isAbsolute(spec.file) ? spec.file : join(baseDir, spec.file);
  const ext = extname(file).toLowerCase();
  if (!['.csv', '.jsonl', '.json', '.yaml', '.yml'].includes(ext)) {
    return fail({ path: SPEC_PATH, message: `unsupported data file type "${ext || spec.file}" (use .csv, .jsonl, .json, .yaml or .yml)` });
  }
  const read = await readText(file, file, MAX_DATASET_BYTES, readFile, { refuseLoneCr: ext !== '.csv' });
  if (!read.ok) {
    // A file we could not open is the task file's problem; a bad file is located in itself.
    const issue = read.issue.line ? read.issue : { path: SPEC_PATH, message: `${file}: ${read.issue.message}` };
    return fail(issue);
  }
  const parsed =
    ext === '.csv'
      ? csvRows(read.text, file, await csvParser())
      : ext === '.jsonl'
        ? await jsonlRows(read.text, file)
        : yamlRows(read.text, file, await positionedYaml());
  if ('issues' in parsed) return { rows: [], issues: parsed.issues };
  const raw = spec.limit === undefined ? parsed.rows : parsed.rows.slice(0, spec.limit);
  if (raw.length === 0) return fail({ path: SPEC_PATH, message: `${file}: no rows` });
  const result: DatasetResult = { rows: [], issues: [], where: (i, path) => ({ file, ...parsed.locate(i, path) }) };
  raw.forEach((value, i) => {
    const row = toRow(value, spec.expected_column ?? 'expected');
    if ('issues' in row) {
      for (const issue of row.issues) result.issues.push({ ...issue, file, ...parsed.locate(i, issue.path), path: ['examples', i, ...issue.path] });
    } else {
      result.rows.push({ index: i, ...row });
    }
  });
  return result;
}

/** Values as strings; a `__proto__` variable (carried as PROTO_KEY through zod) becomes an own key again. */
export function stringValues(vars: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k === PROTO_KEY ? '__proto__' : k, String(v)]));
}

/** An example as written (inline or a structured data row) -> its normalized fields. */
export function exampleFields(example: ExampleInput): DatasetRow {
  const { vars = {}, expected, expected_tool: tool, labels = [] } = example;
  return {
    vars: stringValues(vars),
    ...(expected === undefined ? {} : { expected: String(expected) }),
    ...(tool === undefined
      ? {}
      : {
          expectedTool: {
            name: tool.name,
            ...(tool.arguments === undefined ? {} : { arguments: tool.arguments }),
            ...(tool.schema === undefined ? {} : { schema: tool.schema }),
          },
        }),
    labels: labels.map((l) => ({ ...l, output: String(l.output) })),
  };
}

function fail(issue: DraftIssue): DatasetResult {
  return { rows: [], issues: [issue] };
}

function toRow(value: unknown, expectedColumn: string): DatasetRow | { issues: DraftIssue[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { issues: [{ path: [], message: `expected a row (a mapping of column to value), got ${typeName(value)}` }] };
  }
  if ('vars' in value) {
    const parsed = exampleRowSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) return { issues: fromZodIssues(parsed.error.issues) };
    return exampleFields(parsed.data);
  }
  const issues: DraftIssue[] = [];
  const row: DatasetRow = { vars: {}, labels: [] };
  const vars: Array<[string, string]> = [];
  for (const [key, cell] of Object.entries(value)) {
    if (typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'boolean') {
      issues.push({ path: [key], message: `expected a string, number or boolean, got ${typeName(cell)}` });
    } else if (key === expectedColumn) {
      row.expected = String(cell);
    } else {
      vars.push([key, String(cell)]);
    }
  }
  row.vars = Object.fromEntries(vars); // own keys, even `__proto__`
  return issues.length > 0 ? { issues } : row;
}

/**
 * CSV rows located by the line each record starts on. csv-parse counts a CRLF inside a quoted
 * field as two lines and reports where a record ends, so CRLF becomes LF first (a cell's line
 * breaks are then \n, as in YAML) and start lines are counted from the byte offsets it reports.
 */
function csvRows(source: string, file: string, parseCsv: Awaited<ReturnType<typeof csvParser>>): RawRows | { issues: DraftIssue[] } {
  const text = source.replace(/\r\n/g, '\n');
  let records: Array<{ record: string[]; info: { bytes: number } }>;
  try {
    records = parseCsv(text, { info: true, skip_empty_lines: true, bom: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    const message = error instanceof Error ? error.message.replace(/ on line \d+$/, '').replace(/ at line \d+$/, '') : String(error);
    return { issues: [{ path: SPEC_PATH, message: `CSV: ${message}`, file, line, column: 1 }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], locate: () => ({ line: 1, column: 1 }) };
  const names = header.record;
  const headerIssues: DraftIssue[] = [];
  names.forEach((name, i) => {
    if (name.trim() === '') headerIssues.push({ path: SPEC_PATH, message: `column ${i + 1} has no name`, file, line: 1, column: 1 });
    else if (names.indexOf(name) !== i) headerIssues.push({ path: SPEC_PATH, message: `duplicate column "${name}"`, file, line: 1, column: 1 });
  });
  if (headerIssues.length > 0) return { issues: headerIssues };
  const bytes = Buffer.from(text);
  const lineOf = lineIndex(bytes);
  const starts = body.map((_, i) => {
    let at = records[i]!.info.bytes; // where the previous record (or the header) ended
    while (bytes[at] === 0x0a || bytes[at] === 0x0d) at++; // its line break, and skipped empty lines
    return lineOf(at);
  });
  // Object.fromEntries defines each column as an own property, so a column named __proto__ is a column.
  const rows = body.map((r) => Object.fromEntries(names.map((name, i) => [name, r.record[i] ?? ''])));
  return { rows, locate: (i) => ({ line: starts[i] ?? 1, column: 1 }) };
}

/** Byte offset -> 1-based line, counting LF and lone CR as line breaks. */
function lineIndex(bytes: Buffer): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) breaks.push(i);
  }
  return (offset) => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

async function jsonlRows(text: string, file: string): Promise<RawRows | { issues: DraftIssue[] }> {
  const rows: unknown[] = [];
  const lines: number[] = [];
  const issues: DraftIssue[] = [];
  // Rows the fast parser does not vouch for, read again below by the positioned one.
  const again: Array<{ at: number; content: string }> = [];
  text.split('\n').forEach((content, i) => {
    if (content.trim() === '') return;
    try {
      const row = asWritten(JSON.parse(content), content);
      if (row === AGAIN) again.push({ at: rows.length, content });
      rows.push(row);
      lines.push(i + 1);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      issues.push({ path: SPEC_PATH, message: `JSON: ${message}`, file, line: i + 1, column: 1 });
    }
  });
  if (issues.length > 0) return { issues };
  if (again.length > 0) {
    const { parseYaml } = await positionedYaml();
    for (const { at, content } of again) {
      const parsed = parseYaml(content, ROW_TEXT);
      rows[at] = parsed.ok ? parsed.value : JSON.parse(content);
    }
  }
  return { rows, locate: (i) => ({ line: lines[i] ?? 1, column: 1 }) };
}

/** A row asWritten could not read with the fast parser. */
const AGAIN = Symbol('read again');

/**
 * A JSON row with numbers in it is read again by the YAML parser, which keeps each number's text
 * (`12345678901234567890`, `1.50`); rows of strings (the usual case) are parsed once.
 */
function asWritten(row: unknown, line: string): unknown {
  const hasNumber = (v: unknown): boolean => typeof v === 'number' || (typeof v === 'object' && v !== null && Object.values(v).some(hasNumber));
  if (!hasNumber(row)) return row;
  const fast = fastYaml(line, ROW_TEXT);
  return fast ? fast.value : AGAIN;
}

/** JSON is read by the YAML parser too (a superset, near enough) so rows keep their positions. */
function yamlRows(text: string, file: string, { parseYaml, locate }: Awaited<ReturnType<typeof positionedYaml>>): RawRows | { issues: DraftIssue[] } {
  const parsed = parseYaml(text, DATA_TEXT);
  if (!parsed.ok) return { issues: parsed.issues.map((issue) => ({ ...issue, file })) };
  if (parsed.value === null || parsed.value === undefined) return { rows: [], locate: () => ({ line: 1, column: 1 }) };
  if (!Array.isArray(parsed.value)) {
    return { issues: [{ path: SPEC_PATH, message: `expected a list of rows, got ${typeName(parsed.value)}`, file, line: 1, column: 1 }] };
  }
  return { rows: parsed.value, locate: (i, path) => locate(parsed.doc, parsed.lineCounter, [i, ...path]) };
}
