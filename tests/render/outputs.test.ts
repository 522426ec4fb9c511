import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { CSV_COLUMNS, renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { contentSecurityPolicy, STYLE, styleHash } from '../../src/render/html-style.js';
import { renderJunit } from '../../src/render/junit.js';
import { mdCell, renderMarkdown } from '../../src/render/markdown.js';
import { appendStepSummary, outputFormat, validateOutputPath, writeOutputs } from '../../src/render/outputs.js';
import { workdir } from '../helpers/cli.js';
import { HOSTILE, makeRecord } from '../helpers/record.js';

const record = makeRecord();

describe('validateOutputPath', () => {
  it('accepts every supported extension, case-insensitively', () => {
    expect(['a.json', 'b.junit.xml', 'c.MD', 'd.csv', 'dir/e.html'].map(validateOutputPath)).toEqual(['json', 'junit', 'md', 'csv', 'html']);
  });
  it('refuses an unknown extension, listing the supported ones', () => {
    for (const bad of ['report.xml', 'x.txt', 'noext', '.json']) {
      expect(() => validateOutputPath(bad)).toThrow(UsageError);
    }
    expect(() => validateOutputPath('report.xml')).toThrow(/\.json, \.junit\.xml, \.md, \.csv, \.html/);
    expect(outputFormat('x.junit.xml')).toBe('junit');
  });
});

describe('JUnit', () => {
  const xml = renderJunit(record);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);

  it('is well-formed XML even with control characters and markup in outputs', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toContain('<script>');
  });

  it('has one testcase per example x row with repeats folded in, and the right counts', () => {
    const suites = doc.testsuites.testsuite as Array<Record<string, any>>;
    expect(suites.map((s) => s.name)).toEqual(['plain/openai:m', 'plain/anthropic:h', 'gates']);
    const [a, b] = suites;
    expect(a!.testcase).toHaveLength(3);
    expect(b!.testcase).toHaveLength(3);
    // row a: example 0 passes both repeats, example 1 fails one repeat, example 2 errors
    expect(a).toMatchObject({ tests: '3', failures: '1', errors: '1', skipped: '0' });
    // row b: example 0 fails its check, example 1 fails a repeat on the judge, example 2 never ran
    expect(b).toMatchObject({ tests: '3', failures: '2', errors: '0', skipped: '1' });
    // plus the gates suite: one of two failed
    expect(doc.testsuites).toMatchObject({ tests: '8', failures: '4', errors: '1', skipped: '1' });
    const cases = suites.flatMap((s) => s.testcase as Array<Record<string, any>>);
    expect(cases.filter((c) => c.failure).length).toBe(4);
    expect(cases.filter((c) => c.skipped).length).toBe(1);
    expect(cases.filter((c) => c.error).length).toBe(1);
    expect(a!.testcase[0]).toMatchObject({ name: 'example 0', classname: 'plain/openai:m' });
  });

  it('carries check and judge reasons in failures', () => {
    const a = doc.testsuites.testsuite[0].testcase[1];
    expect(a.failure.message).toContain('1 of 2 repeats failed: judge: wrong city');
    const b = doc.testsuites.testsuite[1].testcase[0];
    expect(b.failure.message).toContain('regex: does not match');
    expect(b.failure['#text']).toContain(HOSTILE.script);
    const err = doc.testsuites.testsuite[0].testcase[2];
    expect(err.error.message).toContain('429 rate limited');
    const gate = doc.testsuites.testsuite[2].testcase.find((c: any) => c.failure);
    expect(gate.name).toBe('min-quality (plain × openai:m)');
    expect(gate.failure.message).toBe('gate failed: limit 80.0%, actual 75.0% (corrected quality, point estimate; P(q ≥ limit) 40%)');
  });
});

describe('CSV', () => {
  const text = renderCsv(record);
  const rows: string[][] = parseCsv(text, { relax_column_count: false });

  it('has a header and one line per call, with RFC 4180 line ends', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(record.results.length + 1);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('round-trips outputs holding commas, quotes, newlines and CRLF exactly', () => {
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    record.results.forEach((r, i) => {
      const line = rows[i + 1]!;
      // UTF-8 cannot carry a lone surrogate: it becomes U+FFFD in any UTF-8 file, as here
      expect(line[col('output')]).toBe(Buffer.from(r.output ?? '').toString('utf8'));
      expect(line[col('pass')]).toBe(r.pass === null ? '' : String(r.pass));
      expect(line[col('error')]).toBe(r.error ?? '');
    });
    expect(rows.some((l) => l[col('output')] === HOSTILE.csv)).toBe(true);
    const failing = rows.find((l) => l[col('check_failures')]?.startsWith('regex'));
    expect(failing?.[col('judge_verdict')]).toBe('');
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(record);
  const tables = md.split('\n\n').filter((block) => block.startsWith('| '));
  const pipes = (line: string) => line.replace(/\\\|/g, '').split('|').length - 1;

  it('renders gates, calibration, results, baseline and failing calls as tables of a constant width', () => {
    expect(tables.length).toBe(5);
    expect(md).toContain('### Compared with runs/base.json');
    expect(md).toContain('> the baseline \\| ran &lt;b&gt;other&lt;/b&gt; examples');
    for (const t of tables) {
      const lines = t.split('\n');
      expect(lines[1]).toMatch(/^\|( ---:? \|)+$/);
      for (const line of lines) expect(pipes(line)).toBe(pipes(lines[0]!));
    }
    expect(md).toContain('| prompt | provider | calls | passed | failed | errors | quality \\[95% CI\\] | corrected \\[95% CI\\] | flip | vs first row |');
  });

  it('escapes pipes, newlines and HTML in cells', () => {
    expect(mdCell('a|b\nc<script>')).toBe('a\\|b<br>c&lt;script&gt;');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
  });
});

describe('HTML', () => {
  const page = renderHtml(record);

  it('escapes everything a model wrote', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<iframe/i);
    expect(page).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
  });

  it('is self-contained under a CSP that forbids scripts and allows exactly its stylesheet', () => {
    expect(page).not.toMatch(/(src|href)\s*=\s*"(https?:)?\/\//i);
    expect(page).toContain(`<style>${STYLE}</style>`);
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain(styleHash());
    expect(page).toContain(`content="${csp.replace(/'/g, '&#39;')}"`);
    expect(page).not.toMatch(/ style="/);
  });

  it('has the tables, the chart with error bars, and outputs side by side', () => {
    expect(page).toContain('<svg class="chart"');
    expect(page.match(/<circle cx=/g)?.length).toBeGreaterThanOrEqual(2);
    expect(page).toContain('<table class="outputs">');
    expect(page).toContain('Gates FAILED (1 of 2 checks)');
  });
});

describe('writeOutputs', () => {
  it('writes every format and appends the step summary', async () => {
    const dir = await workdir();
    await writeOutputs(record, ['out/r.json', 'out/r.junit.xml', 'out/r.md', 'out/r.csv', 'out/r.html'], dir);
    expect(JSON.parse(await readFile(join(dir, 'out/r.json'), 'utf8'))).toEqual(record);
    expect(await readFile(join(dir, 'out/r.md'), 'utf8')).toBe(renderMarkdown(record));
    const summary = join(dir, 'summary.md');
    await appendStepSummary(record, summary);
    await appendStepSummary(record, summary);
    expect((await readFile(summary, 'utf8')).split('## aijourney: ').length - 1).toBe(2);
  });
});
