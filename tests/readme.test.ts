import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
// @ts-expect-error plain JS script
import { withSchemaDoc } from '../scripts/update-readme.mjs';
import pkg from '../package.json' with { type: 'json' };
import { VERSION } from '../src/version.js';

describe('docs match the code', () => {
  it('README field reference is generated from the current schema (run `npm run docs`)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withSchemaDoc(readme)).toBe(readme);
  });
  it('VERSION matches package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });
  it('README names the test command CI runs', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('npm test');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toContain('npm test');
  });
});
