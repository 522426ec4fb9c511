import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/render/html.js';
import { HOSTILE, makeRecord } from '../helpers/record.js';

/**
 * The HTML report opened in a real browser (Debian's chromium): hostile model outputs must show as
 * text and never run. Skipped only when /usr/bin/chromium is absent (install the `chromium` package).
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const present = existsSync(CHROMIUM);
if (!present) console.warn(`html-report.test.ts skipped: ${CHROMIUM} not found (apt-get install chromium)`);

describe.skipIf(!present)('HTML report in headless Chromium', () => {
  let dir: string;
  let context: BrowserContext;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aijourney-html-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1360, height: 900 },
    });
    context.on('request', (r) => requests.push(r.url()));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(name: string, page: string) {
    const file = join(dir, name);
    await writeFile(file, page);
    const tab = await context.newPage();
    const violations: string[] = [];
    tab.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { tab, violations, url: pathToFileURL(file).href };
  }

  it('shows hostile outputs as text and runs none of them', async () => {
    const record = makeRecord();
    const { tab, violations, url } = await open('report.html', renderHtml(record));
    const state = await tab.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const onAttrs = [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
      return {
        pwned: w.__pwned ?? null,
        scripts: document.querySelectorAll('script').length,
        injected: document.querySelectorAll('img, iframe, a, table:not(.outputs) style, body style').length,
        onAttrs: onAttrs.length,
        // biome-ignore lint/performance/useDomNodeTextContent: the text as a reader sees it (laid out, hidden elements left out)
        text: document.body.innerText,
        maxWidth: getComputedStyle(document.querySelector('main')!).maxWidth,
        title: document.title,
      };
    });
    expect(state.pwned).toBeNull();
    expect(state.scripts).toBe(0);
    expect(state.injected).toBe(0);
    expect(state.onAttrs).toBe(0);
    expect(state.text).toContain(HOSTILE.script);
    expect(state.text).toContain(HOSTILE.img);
    expect(state.text).toContain('<b onmouseover="window.__pwned=7">wrong city</b>');
    expect(state.text).toContain('</pre></td></tr></table><script>window.__pwned=4</script>');
    expect(state.title).toBe('aijourney: triage <script>window.__pwned=3</script> | pipes');
    // the stylesheet's CSP hash matches, so the page is styled and nothing was blocked
    expect(state.maxWidth).toBe('1320px');
    expect(violations).toEqual([]);
    expect(requests.filter((u) => u !== url)).toEqual([]);
    await tab.screenshot({ path: '/tmp/report.png', fullPage: true });
    await tab.close();
  }, 60_000);

  it('needs no CSP to stay safe: with the policy removed, still nothing runs', async () => {
    const page = renderHtml(makeRecord()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(page).not.toContain('Content-Security-Policy');
    const { tab } = await open('no-csp.html', page);
    await tab.waitForTimeout(200); // give an onerror/onload handler time to fire if one existed
    const state = await tab.evaluate(() => ({
      pwned: (window as unknown as Record<string, unknown>).__pwned ?? null,
      elements: document.querySelectorAll('script, img, iframe, a, svg[onload]').length,
    }));
    expect(state).toEqual({ pwned: null, elements: 0 });
    await tab.close();
  }, 60_000);

  it('blocks even a script that escaped escaping (the CSP is a second line of defence)', async () => {
    const page = renderHtml(makeRecord()).replace('<body>', '<body><script>window.__csp=1</script><div onclick="x" id="t"></div>');
    const { tab, violations } = await open('forced.html', page);
    const ran = await tab.evaluate(() => (window as unknown as Record<string, unknown>).__csp ?? null);
    expect(ran).toBeNull();
    expect(violations.length).toBeGreaterThan(0);
    await tab.close();
  }, 60_000);
});
