import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pricesLazyAncestors } from '../../scripts/rewrites.mjs';

// scripts/bundle.mjs rewrites genai-prices for speed (the steps are in scripts/rewrites.mjs). Here the rewritten module, loaded beside the
// installed one, must answer every question the same way, errors included.
type Prices = typeof import('@pydantic/genai-prices');
// require() resolves the package's CommonJS build; the bundle takes the ES module beside it.
const installedPath = createRequire(import.meta.url)
  .resolve('@pydantic/genai-prices')
  .replace(/index\.cjs$/, 'index.js');
let dir = '';
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

/** The result of `calcPrice`, or the message of what it threw. */
function answer(prices: Prices, usage: Record<string, number>, model: string, providerId: string): unknown {
  try {
    return prices.calcPrice(usage, model, { providerId });
  } catch (err) {
    return `threw: ${(err as Error).message}`;
  }
}

describe('the lazy unit ancestors of genai-prices (scripts/rewrites.mjs)', () => {
  it('prices every provider and usage as the installed package does, errors included', async () => {
    const text = await readFile(installedPath, 'utf8');
    dir = await mkdtemp(join(tmpdir(), 'aijourney-rewrites-'));
    const file = join(dir, 'index.js');
    await writeFile(file, pricesLazyAncestors.rewrite(text));
    const rewritten = (await import(pathToFileURL(file).href)) as Prices;
    const installed = (await import(pathToFileURL(installedPath).href)) as Prices;

    // Every usage key the data's extractors write, and three models of every provider (a lookup
    // by provider and model takes ~1 ms: all of them would take minutes).
    const keys = [...new Set([...text.matchAll(/\bdest: "(\w+)"/g)].map((m) => m[1]!))];
    expect(keys).toEqual(expect.arrayContaining(['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens']));
    const { listModels } = await import('../../src/cost/prices.js');
    const seen = new Map<string, number>();
    const rows = listModels().filter((row) => {
      seen.set(row.provider, (seen.get(row.provider) ?? 0) + 1);
      return seen.get(row.provider)! <= 3;
    });
    expect(seen.size).toBeGreaterThan(20);

    // A key alone (its ancestors, e.g. input_tokens, missing), every key, and the usual pair.
    const usages = [
      ...keys.map((key) => ({ [key]: 7, output_tokens: 3 })),
      Object.fromEntries(keys.map((key, i) => [key, 1000 - i])),
      { input_tokens: 1200, output_tokens: 300 },
    ];
    let errors = 0;
    for (const row of rows) {
      for (const usage of usages) {
        const expected = answer(installed, usage, row.model, row.provider);
        if (typeof expected === 'string') errors++;
        expect(answer(rewritten, usage, row.model, row.provider)).toEqual(expected);
      }
    }
    // The usages that leave out an ancestor make the package throw: the ancestors were asked for.
    expect(errors).toBeGreaterThan(rows.length);
  });
});
