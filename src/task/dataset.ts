/**
 * Examples from a data file (`examples: {file: data.csv}`): csv, jsonl, json, yaml.
 * Columns become variables, the `expected` column the reference answer. A json/jsonl/yaml row may
 * instead be a full example `{vars, expected?, labels?}`. Problems are located in the data file.
 */
import { extname, isAbsolute, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Label } from '../types.js';
import { fromZodIssues, typeName, type DraftIssue, type Path } from './issues.js';
import { locate } from './positions.js';
import { exampleRowSchema, type DatasetInput } from './schema.js';
import { readText, type ReadFile } from './source.js';
import { parseYaml } from './yaml.js';

/** Data files are bigger than task files, but still read whole into memory. */
export const MAX_DATASET_BYTES = 64 * 1024 * 1024;

export interface DatasetRow {
  vars: Record<string, string>;
  expected?: string;
  labels: Label[];
}

export interface DatasetResult {
  /** Good rows with their position in the file (after `limit`), so indices stay true when a row is bad. */
  rows: Array<DatasetRow & { index: number }>;
  issues: DraftIssue[];
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
  const parsed = ext === '.csv' ? csvRows(read.text, file) : ext === '.jsonl' ? jsonlRows(read.text, file) : yamlRows(read.text, file);
  if ('issues' in parsed) return { rows: [], issues: parsed.issues };
  const raw = spec.limit === undefined ? parsed.rows : parsed.rows.slice(0, spec.limit);
  if (raw.length === 0) return fail({ path: SPEC_PATH, message: `${file}: no rows` });
  const result: DatasetResult = { rows: [], issues: [] };
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
    const { vars = {}, expected, labels = [] } = parsed.data;
    return {
      vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
      ...(expected === undefined ? {} : { expected: String(expected) }),
      labels: labels.map((l) => ({ ...l, output: String(l.output) })),
    };
  }
  const issues: DraftIssue[] = [];
  const row: DatasetRow = { vars: {}, labels: [] };
  for (const [key, cell] of Object.entries(value)) {
    if (typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'boolean') {
      issues.push({ path: [key], message: `expected a string, number or boolean, got ${typeName(cell)}` });
    } else if (key === expectedColumn) {
      row.expected = String(cell);
    } else {
      row.vars[key] = String(cell);
    }
  }
  return issues.length > 0 ? { issues } : row;
}

function csvRows(text: string, file: string): RawRows | { issues: DraftIssue[] } {
  const headerIssues: DraftIssue[] = [];
  try {
    const records = parseCsv(text, {
      columns: (header: string[]) => {
        header.forEach((name, i) => {
          if (name.trim() === '') headerIssues.push({ path: SPEC_PATH, message: `column ${i + 1} has no name`, file, line: 1, column: 1 });
          else if (header.indexOf(name) !== i) headerIssues.push({ path: SPEC_PATH, message: `duplicate column "${name}"`, file, line: 1, column: 1 });
        });
        return header;
      },
      skip_empty_lines: true,
      info: true,
      bom: true,
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
    if (headerIssues.length > 0) return { issues: headerIssues };
    return { rows: records.map((r) => r.record), locate: (i) => ({ line: records[i]?.info.lines ?? 1, column: 1 }) };
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    const message = error instanceof Error ? error.message.replace(/ on line \d+$/, '').replace(/ at line \d+$/, '') : String(error);
    return { issues: [{ path: SPEC_PATH, message: `CSV: ${message}`, file, line, column: 1 }] };
  }
}

function jsonlRows(text: string, file: string): RawRows | { issues: DraftIssue[] } {
  const rows: unknown[] = [];
  const lines: number[] = [];
  const issues: DraftIssue[] = [];
  text.split('\n').forEach((content, i) => {
    if (content.trim() === '') return;
    try {
      rows.push(JSON.parse(content));
      lines.push(i + 1);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      issues.push({ path: SPEC_PATH, message: `JSON: ${message}`, file, line: i + 1, column: 1 });
    }
  });
  if (issues.length > 0) return { issues };
  return { rows, locate: (i) => ({ line: lines[i] ?? 1, column: 1 }) };
}

/** JSON is read by the YAML parser too (a superset, near enough) so rows keep their positions. */
function yamlRows(text: string, file: string): RawRows | { issues: DraftIssue[] } {
  const parsed = parseYaml(text);
  if (!parsed.ok) return { issues: parsed.issues.map((issue) => ({ ...issue, file })) };
  if (parsed.value === null || parsed.value === undefined) return { rows: [], locate: () => ({ line: 1, column: 1 }) };
  if (!Array.isArray(parsed.value)) {
    return { issues: [{ path: SPEC_PATH, message: `expected a list of rows, got ${typeName(parsed.value)}`, file, line: 1, column: 1 }] };
  }
  return { rows: parsed.value, locate: (i, path) => locate(parsed.doc, parsed.lineCounter, [i, ...path]) };
}
