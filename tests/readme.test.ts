import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { makeRecord } from './helpers/record.js';
// @ts-expect-error plain JS script
import { runSchemaText, withSchemaDoc } from '../scripts/update-docs.mjs';
import pkg from '../package.json' with { type: 'json' };
import { VERSION } from '../src/version.js';

describe('docs match the code', () => {
  it('README field reference is generated from the current schema (run `npm run docs`)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withSchemaDoc(readme)).toBe(readme);
  });
  it('schemas/run.schema.json is generated from the current run record schema (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'schemas/run.schema.json'), 'utf8')).toBe(runSchemaText());
  });
  it('the published JSON Schema accepts a real run record and refuses a damaged one (ajv, draft 2020-12)', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(runSchemaText()));
    const record = makeRecord();
    expect(validate(JSON.parse(JSON.stringify(record))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...record, summary: [{ ...record.summary[0], decision: { basis: 'guess' } }] })).toBe(false);
  });
  it('VERSION matches package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });
  it("README's code layout names every folder of src/ and only paths that exist", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const layout = /## Development[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    const named = [...layout.matchAll(/\b((?:src|tests|bench|bin|schemas)\/[\w./-]*[\w/])/g)].map((m) => m[1]!);
    for (const path of named) expect(existsSync(join(ROOT, path)), `${path} is in the README layout but not in the tree`).toBe(true);
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory());
    for (const folder of folders)
      expect(
        named.some((p) => p.startsWith(`src/${folder.name}/`)),
        `src/${folder.name}/ is not in the README layout`,
      ).toBe(true);
  });
  it('README names the test command CI runs', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('npm test');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toContain('npm test');
  });
});
