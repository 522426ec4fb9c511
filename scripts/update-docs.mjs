#!/usr/bin/env node
// `npm run docs`: renders the task file's field reference from its zod schema into README.md, and
// the run record's JSON Schema from its zod schema into schemas/run.schema.json. Tests keep both current.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runRecordJsonSchema } from '../dist/record/json-schema.js';
import { renderSchemaDoc } from '../dist/task/schema-doc.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const runSchema = fileURLToPath(new URL('../schemas/run.schema.json', import.meta.url));

/** README text with the generated reference between the schema markers. */
export function withSchemaDoc(text) {
  const start = '<!-- schema:start -->';
  const end = '<!-- schema:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md lacks the schema markers');
  return `${text.slice(0, a + start.length)}\n${renderSchemaDoc().trim()}\n${text.slice(b)}`;
}

/** The text of schemas/run.schema.json. */
export function runSchemaText() {
  return `${JSON.stringify(runRecordJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(readme, withSchemaDoc(readFileSync(readme, 'utf8')));
  mkdirSync(fileURLToPath(new URL('../schemas/', import.meta.url)), { recursive: true });
  writeFileSync(runSchema, runSchemaText());
  console.log('README.md: field reference updated; schemas/run.schema.json written');
}
