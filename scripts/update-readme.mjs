#!/usr/bin/env node
// `npm run docs`: renders the task file's field reference from the zod schema into README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemaDoc } from '../dist/task/schema-doc.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));

/** README text with the generated reference between the schema markers. */
export function withSchemaDoc(text) {
  const start = '<!-- schema:start -->';
  const end = '<!-- schema:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md lacks the schema markers');
  return `${text.slice(0, a + start.length)}\n${renderSchemaDoc().trim()}\n${text.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(readme, withSchemaDoc(readFileSync(readme, 'utf8')));
  console.log('README.md: field reference updated');
}
