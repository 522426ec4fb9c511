import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// The built CLI against the local wire server: `eval -o` in every format, then `report` re-rendering
// the saved run with the server's request counter proving no model is called.

const HOSTILE = '<script>window.__pwned=1</script>, "quoted"\nsecond line';

const TASK = `
name: outputs-cli
prompts:
  - id: p1
    user: "Q: {{q}}"
providers:
  - openai:gpt-4o-mini
  - anthropic:claude-haiku-4-5
examples:
  - { vars: { q: alpha }, expected: ALPHA }
  - { vars: { q: beta }, expected: BETA }
  - { vars: { q: gamma }, expected: GAMMA }
  - { vars: { q: delta }, expected: DELTA }
checks:
  - type: equals
settings: { concurrency: 4, max_retries: 0, timeout_ms: 5000 }
`;

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({
    rules: [
      { match: 'Q: alpha', reply: 'alpha' },
      { match: 'Q: beta', reply: 'beta' },
      { match: 'Q: gamma', reply: HOSTILE },
      { match: 'Q: delta', reply: 'x', fault: '500' },
    ],
  });
  env = {
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    OPENAI_API_KEY: 'test-openai-key',
    ANTHROPIC_API_KEY: 'test-anthropic-key',
  };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const FILES = ['out/x.junit.xml', 'out/x.md', 'out/x.csv', 'out/x.html', 'out/x.json'];
const oFlags = (files: string[]) => files.flatMap((f) => ['-o', f]);
const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8');

describe('eval -o and report', () => {
  it('writes every format, appends the step summary, and report re-renders the run without calling a model', async () => {
    const dir = await workdir({ 'task.yaml': TASK, 'summary.md': '# earlier step\n' });
    const res = await runCli(['eval', 'task.yaml', '--no-cache', ...oFlags(FILES)], { env: { ...env, GITHUB_STEP_SUMMARY: 'summary.md' }, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(server.stats().total).toBe(8);

    const record = JSON.parse(await read(dir, 'out/x.json'));
    expect(record.schema).toBe('aijourney.run/2');
    expect(record.results).toHaveLength(8);

    const xml = await read(dir, 'out/x.junit.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    // 2 rows x 4 examples; gamma fails its check on both rows, delta errors on both
    expect(junit.testsuites).toMatchObject({ tests: '8', failures: '2', errors: '2' });

    const csv: string[][] = parseCsv(await read(dir, 'out/x.csv'));
    expect(csv).toHaveLength(9);
    const outputCol = csv[0]!.indexOf('output');
    expect(csv.filter((line) => line[outputCol] === HOSTILE)).toHaveLength(2);

    const md = await read(dir, 'out/x.md');
    expect(md).toContain('## aijourney: outputs-cli');
    expect(md).toContain('| prompt | provider |');
    expect(await read(dir, 'summary.md')).toBe(`# earlier step\n${md}\n`);

    const html = await read(dir, 'out/x.html');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');

    server.reset();
    const shown = await runCli(['report', 'out/x.json'], { env, cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Results');
    expect(shown.stdout).toContain('openai:gpt-4o-mini');

    const again = await runCli(['report', 'out/x.json', ...oFlags(['re/y.md', 're/y.html', 're/y.junit.xml', 're/y.csv', 're/y.json'])], { env, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(await read(dir, 're/y.md')).toBe(md);
    expect(await read(dir, 're/y.html')).toBe(html);
    expect(await read(dir, 're/y.junit.xml')).toBe(xml);
    expect(JSON.parse(await read(dir, 're/y.json'))).toEqual(record);
    expect(server.stats().total).toBe(0);
  }, 60_000);

  it('refuses an unknown output extension before calling any model', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'x.md', '-o', 'x.pdf'], { env, cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/x\.pdf: unsupported output format \(supported: \.json, \.junit\.xml, \.md, \.csv, \.html\)/);
    expect(server.stats().total).toBe(0);
  });

  it('report refuses files that are not run records with one line and exit 2', async () => {
    const dir = await workdir({
      'other.json': '{"schema":"something.else/2","results":[]}',
      'plain.json': '{"a":1}',
      'broken.json': '{not json',
      'old.json': '{"schema":"aijourney.run/1","results":[]}',
      'damaged.json': '{"schema":"aijourney.run/2","results":[]}',
      'task.yaml': TASK,
    });
    const cases: Array<[string[], RegExp]> = [
      [['report', 'other.json'], /other\.json: not an aijourney run record \(schema "something\.else\/2"; expected "aijourney\.run\/2"\)/],
      [['report', 'plain.json'], /plain\.json: not an aijourney run record \(no "schema" field/],
      [['report', 'old.json'], /old\.json: a run record of another aijourney version \(aijourney\.run\/1\); this version reads aijourney\.run\/2/],
      [['report', 'damaged.json'], /damaged\.json: damaged run record: \(top\)|damaged\.json: damaged run record: \w/],
      [['report', 'broken.json'], /broken\.json: not a run record \(not valid JSON\)/],
      [['report', 'task.yaml'], /task\.yaml: not a run record/],
      [['report', 'missing.json'], /missing\.json: no such file/],
      [['report', 'plain.json', '-o', 'x.docx'], /x\.docx: unsupported output format/],
    ];
    for (const [args, message] of cases) {
      const res = await runCli(args, { env, cwd: dir });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.split('\n')[0]).toMatch(/^aijourney: /);
      expect(res.stdout).toBe('');
    }
  });
});

describe('GITHUB_STEP_SUMMARY', () => {
  it('warns instead of failing when the summary file cannot be written', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--no-cache', '-o', 'x.json'], { env: { ...env, GITHUB_STEP_SUMMARY: 'no/such/dir/summary.md' }, cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/warning: cannot append to GITHUB_STEP_SUMMARY/);
    expect(JSON.parse(await read(dir, 'x.json')).schema).toBe('aijourney.run/2');
  }, 60_000);
});
