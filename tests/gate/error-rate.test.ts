import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// "Too many provider errors" is exit 3: a row with more than half its calls errored (the default
// max_error_rate, 0.5) means the run failed, whatever the gates say. A max_error_rate that is set
// is also a gate (exit 1 between it and the failure threshold).

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer({ rules: [{ match: /Say bad\d+/, reply: 'x', fault: '500' }] });
});
afterAll(() => server.close());

/** 20 examples, the first `bad` of which always get HTTP 500. */
const task = (bad: number, gates = '') => `
name: errors
prompt: "Say {{w}}"
providers: [openai:gpt-4o-mini]
examples:
${Array.from({ length: 20 }, (_, i) => `  - vars: { w: ${i < bad ? 'bad' : 'good'}${i} }`).join('\n')}
checks: [{ type: contains, value: echo }]
settings: { max_retries: 0 }
${gates}
`;

const run = async (text: string, flags: string[] = []) => {
  const dir = await workdir({ 'task.yaml': text });
  return runCli(['eval', 'task.yaml', '--no-cache', '--no-color', ...flags], {
    cwd: dir,
    env: { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'k' },
  });
};

describe('the default max_error_rate', () => {
  it('19 of 20 calls failing is exit 3, with the tables printed and the record saved', async () => {
    const res = await run(task(19));
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('Results');
    expect(res.stdout).toMatch(/Run record: .*\.json/);
    expect(res.stderr).toMatch(
      /^aijourney: too many provider errors: default × openai:gpt-4o-mini: 19 of 20 calls failed \(over 50%, the default max_error_rate\); first error: openai:gpt-4o-mini: HTTP 500 server error/m,
    );
  });

  it('every call failing says so', async () => {
    const res = await run(task(20));
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^aijourney: every call failed \(first error: .*HTTP 500/m);
  });

  it('half failing is not a failed run (exit 0 without gates)', async () => {
    expect((await run(task(10))).code).toBe(0);
  });

  it('a gate below it fails first (exit 1); a mostly failed run is still exit 3', async () => {
    expect((await run(task(6, 'gates: { max_error_rate: 0.2 }'))).code).toBe(1);
    expect((await run(task(19, 'gates: { max_error_rate: 0.2 }'))).code).toBe(3);
    expect((await run(task(19), ['--max-error-rate', '0.05'])).code).toBe(3);
  });

  it('a max_error_rate set above it is the limit instead', async () => {
    expect((await run(task(19, 'gates: { max_error_rate: 0.96 }'))).code).toBe(0);
    const over = await run(task(19, 'gates: { max_error_rate: 0.9 }'));
    expect(over.code).toBe(3);
    expect(over.stderr).toMatch(/\(over 90%, max_error_rate\)/);
  });
});
