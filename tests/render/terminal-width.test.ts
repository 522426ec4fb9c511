import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runOnPty, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// `script` (util-linux) runs the CLI on a pseudo-terminal whose size we set with stty: a terminal
// that reports 0 columns (`script -c` from a pipe, common in CI) once made the spinner loop forever
// before the first call, at 100% CPU and deaf to Ctrl-C.

const hasScript = hasCommand('script');

const TASK = `
name: terminal-width-check
prompts:
  - id: a-prompt-with-a-long-name
    user: "Say {{word}}"
providers:
  - openai:gpt-4o-mini
examples:
  - { vars: { word: one }, expected: "echo: Say one" }
  - { vars: { word: two }, expected: "echo: Say two" }
checks:
  - type: equals
settings: { concurrency: 2, max_retries: 0 }
`;

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer({ latencyMs: 150 });
});
afterAll(() => server.close());

const onTerminal = (cols: number, rows: number, args: string[], dir: string) =>
  runOnPty(cols, rows, args, { cwd: dir, env: { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key', TERM: 'xterm' } });

describe.skipIf(!hasScript)('a terminal of any width', () => {
  it.each([
    [0, 0],
    [1, 1],
    [5, 3],
    [200, 50],
  ])('eval, report and compare finish at %i columns x %i rows', async (cols, rows) => {
    const dir = await workdir({ 'task.yaml': TASK });
    const run = await onTerminal(cols, rows, ['eval', 'task.yaml', '-o', 'run.json'], dir);
    expect(run.timedOut, run.stdout.slice(0, 500)).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Results');
    expect(run.stdout).toContain('a-prompt-with-a-long-name');
    for (const args of [
      ['report', 'run.json'],
      ['compare', 'run.json', 'run.json'],
    ]) {
      const res = await onTerminal(cols, rows, args, dir);
      expect(res.timedOut).toBeUndefined();
      expect(res.code).toBe(0);
    }
  });

  it('a spinner at a usable width never draws a line wider than the terminal', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const run = await onTerminal(22, 10, ['eval', 'task.yaml', '--no-cache'], dir);
    expect(run.code).toBe(0);
    // Spinner frames are redrawn after "\x1b[1G" (cursor to column 1); none may wrap.
    const frames = run.stdout.split('\u001b[1G').map((f) => f.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/)[0]!);
    const spinner = frames.filter((f) => f.includes('terminal-'));
    expect(spinner.length).toBeGreaterThan(0);
    for (const frame of spinner) expect([...frame].length).toBeLessThanOrEqual(22);
  });
});
