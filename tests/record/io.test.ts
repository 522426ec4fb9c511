import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunRecord, recordJson, writeRecord } from '../../src/record/io.js';
import type { RunRecord } from '../../src/record/schema.js';
import { workdir } from '../helpers/cli.js';
import { makeRecord } from '../helpers/record.js';

// writeRecord serializes a record in pieces (each result on its own): the file must be exactly the
// text JSON.stringify(record, null, 2) gives, whatever the record holds.
async function written(record: RunRecord): Promise<string> {
  const path = join(await workdir(), 'run.json');
  await writeRecord(path, record);
  return readFile(path, 'utf8');
}

describe('writeRecord', () => {
  it('writes exactly JSON.stringify(record, null, 2) and a line feed, and reads back', async () => {
    const record = makeRecord();
    const text = await written(record);
    expect(text).toBe(`${JSON.stringify(record, null, 2)}\n`);
    const dir = await workdir({ 'run.json': text });
    expect(await readRunRecord('run.json', dir)).toEqual(JSON.parse(text));
  });

  it('the same for empty lists, missing fields, and strings with line breaks, quotes and separators', async () => {
    const record = makeRecord();
    const odd = {
      ...record,
      results: record.results.map((r, i) => ({ ...r, output: `line\nbreak "quoted" \u2028 sep \\ ${'é'.repeat(i)} ${'{ "k": [1, 2] }'}` })),
      summary: [],
      baseline: undefined,
      inputs: [{ prompt: 'p', example: 0, messages: [] }],
    } as unknown as RunRecord;
    expect(await written(odd)).toBe(`${JSON.stringify(odd, null, 2)}\n`);
  });

  it('the same for a record far larger than one written chunk', async () => {
    const record = makeRecord();
    const big = { ...record, results: Array.from({ length: 800 }, (_, i) => ({ ...record.results[i % record.results.length]!, example: i })) };
    const text = await written(big);
    expect(text.length).toBeGreaterThan(4 * 65_536);
    expect(text).toBe(`${JSON.stringify(big, null, 2)}\n`);
    // What --json prints, a chunk a write: every chunk ends between two values, never inside a string.
    const chunks = [...recordJson(big)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
  });
});
