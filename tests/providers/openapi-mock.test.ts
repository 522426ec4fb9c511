import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, workdir } from '../helpers/cli.js';

// Against something we did not write: mock servers generated from the providers' published API
// specifications by steady (@stdy/cli, the mock the SDK repositories test with), validating every
// request against the spec. tests/fixtures/specs/README.md says where the specs come from.

const STEADY = join(ROOT, 'node_modules/.bin/steady');
const SPECS = join(ROOT, 'tests/fixtures/specs');

interface Mock {
  url: string;
  child: ChildProcess;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = net.createServer().once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => done(port));
    });
  });
}

/** steady on 127.0.0.1, seeded so its generated replies are the same on every run. */
async function startMock(spec: string): Promise<Mock> {
  const port = await freePort();
  const child = spawn(STEADY, ['--host', '127.0.0.1', '-p', String(port), '--generator-seed=7', '--no-color', '-q', join(SPECS, spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`steady did not start on ${spec}:\n${output}`)), 20_000);
    const seen = (d: Buffer) => {
      output += d;
      if (output.includes('Ready to accept requests')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => fail(new Error(`steady exited (${code}) on ${spec}:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

let openai: Mock;
let anthropic: Mock;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startMock('openai-chat.fixed.json'), startMock('anthropic-derived-2026-10-21.json')]);
}, 30_000);
afterAll(() => {
  openai?.child.kill();
  anthropic?.child.kill();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers }, body: JSON.stringify(body) });

describe('mock servers from the official API specifications', () => {
  it('reject requests the specs forbid (so a pass below means something)', async () => {
    expect((await post(`${openai.url}/chat/completions`, { foo: 1 })).status).toBe(400);
    const messages = [{ role: 'user', content: 'hi' }];
    expect((await post(`${openai.url}/chat/completions`, { model: 'gpt-4o-mini', messages: 'hi' })).status).toBe(400);
    expect((await post(`${openai.url}/chat/completions`, { model: 'gpt-4o-mini', messages })).status).toBe(200);
    const claude = { model: 'claude-haiku-4-5', max_tokens: 5, messages };
    const version = { 'anthropic-version': '2026-10-21', 'x-api-key': 'k' };
    expect((await post(`${anthropic.url}/v1/messages`, { ...claude, temperature: 0 }, version)).status).toBe(400);
    expect((await post(`${anthropic.url}/v1/messages`, claude, version)).status).toBe(200);
  });

  const examples = ['factual-qa.yaml', 'invoice-extraction.yaml', 'support-triage.yaml'];

  it('every shipped example runs against them: every request accepted, every reply read', async () => {
    expect((await readdir(join(ROOT, 'examples'))).filter((f) => f.endsWith('.yaml')).sort()).toEqual(examples);
    const env = { OPENAI_BASE_URL: openai.url, ANTHROPIC_BASE_URL: anthropic.url, OPENAI_API_KEY: 'sk-mock', ANTHROPIC_API_KEY: 'sk-ant-mock' };
    for (const example of examples) {
      const dir = await workdir();
      // The mock reports made-up token counts (thousands per call): lift the examples' budgets.
      const res = await runCli(['eval', join(ROOT, 'examples', example), '--no-cache', '--max-cost', '1000', '--runs-dir', join(dir, 'runs'), '--json'], {
        env,
        cwd: dir,
      });
      // 0 or 1: the generated replies are not good answers, so gates may fail; nothing else may.
      expect([0, 1], `${example}: ${res.stderr}`).toContain(res.code);
      const [file] = await readdir(join(dir, 'runs'));
      const record = JSON.parse(await readFile(join(dir, 'runs', file!), 'utf8'));
      expect(record.complete, `${example}: ${JSON.stringify(record.stopReason)}`).toBe(true);
      const errors = record.results.filter((r: { error: string | null }) => r.error !== null).map((r: { error: string }) => r.error);
      expect(errors, example).toEqual([]);
      expect(record.results.every((r: { output: unknown }) => typeof r.output === 'string')).toBe(true);
      if (record.judge)
        expect(
          record.judge.candidates.every((c: { errors: number }) => c.errors === 0),
          `${example}: judge errors`,
        ).toBe(true);
    }
  }, 120_000);
});
