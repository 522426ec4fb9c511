import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/io.js';
import { workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// Every value a flag takes is read by commands/options.ts before the command runs: a bad one is one
// line naming the flag and what it expects, exit 2, and no model is called.
let server: WireServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({ defaultReply: (req) => /Say (\w+)\./.exec(req.lastUser)?.[1] ?? '' });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' };
  dir = await workdir({
    'task.yaml': [
      'name: options',
      'prompts:',
      '  - id: p',
      '    user: "Say {{word}}."',
      'providers: [openai:gpt-4o-mini]',
      'examples:',
      '  - { vars: { word: a }, expected: a }',
      '  - { vars: { word: b }, expected: b }',
      'checks: [{ type: equals }]',
      '',
    ].join('\n'),
  });
});
afterAll(() => server.close());

const evalWith = (...flags: string[]) => runInProcess(['eval', 'task.yaml', '--no-cache', ...flags], { env, cwd: dir });

describe('flag values', () => {
  it.each([
    [['--sample', '0'], '--sample must be a whole number from 1 to'],
    [['--limit', '2.5'], '--limit must be a whole number from 1 to'],
    [['--volume', ''], '--volume must be a whole number from 1 to'],
    [['-j', '257'], '--concurrency must be a whole number from 1 to 256, got "257"'],
    [['--seed', '-1'], '--seed must be a whole number from 0 to 4294967295, got "-1"'],
    [['--min-quality', '1.5'], '--min-quality must be a number from 0 to 1, got "1.5"'],
    [['--max-error-rate', 'half'], '--max-error-rate must be a number from 0 to 1, got "half"'],
    [['--max-cost', '-3'], '--max-cost must be a number from 0 to'],
    [['--max-p95-ms', 'Infinity'], '--max-p95-ms must be a number from 0 to'],
    [['--confidence', '1'], '--confidence must be "estimate" or a level from 0.5 to below 1'],
    [['--max-regression', '2'], '--max-regression must be a number from 0 to 1, got "2"'],
    [['--shard', '3/2'], '--shard must be K/N with 1 <= K <= N (e.g. 2/4), got "3/2"'],
    [['--shard', '0/2'], '--shard must be K/N'],
  ])('%j is refused with one line naming the flag, exit 2, nothing called', async (flags, message) => {
    server.reset();
    const res = await evalWith(...flags);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`aijourney: ${message}`);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });

  it('label --random and --seed are read the same way', async () => {
    const res = await runInProcess(['label', 'task.yaml', '--random', 'all'], { env, cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('aijourney: --random must be a whole number from 1 to');
  });

  it('good values reach the run as numbers', async () => {
    server.reset();
    const res = await evalWith(
      '--json',
      '-j',
      '1',
      '--seed',
      '4294967295',
      '--min-quality',
      '0.5',
      '--confidence',
      'estimate',
      '--shard',
      '1/2',
      '--max-p95-ms',
      '60000',
    );
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.shard).toEqual({ index: 1, count: 2 });
    expect(record.seed).toBe(4294967295);
    expect(record.gates.checks.find((c: { name: string }) => c.name === 'min-quality')).toMatchObject({ limit: 0.5, confidence: 'estimate', pass: true });
    expect(server.requests).toHaveLength(1);
  });
});
