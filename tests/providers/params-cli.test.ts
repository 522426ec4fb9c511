import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// Parameters the target API refuses are exit-2 errors at their line, before any call; renamed ones
// are sent under the API's name and said once; deprecated models are warned about once per model.

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer();
  env = {
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    OPENAI_API_KEY: 'sk-test-params',
    ANTHROPIC_API_KEY: 'sk-ant-test-params',
  };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const task = (providers: string, extra = '') => `name: params
prompt: "Say {{w}}"
providers:
${providers}
examples:
  - vars: { w: one }
  - vars: { w: two }
  - vars: { w: three }
${extra}`;

describe('parameters the API refuses', () => {
  it('an Anthropic provider with temperature: exit 2 at the parameter, naming the API version and what to do', async () => {
    const dir = await workdir({ 'task.yaml': task('  - { type: anthropic, model: claude-haiku-4-5, params: { temperature: 0, max_tokens: 50 } }') });
    const res = await runCli(['eval', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'aijourney: task.yaml:4:72: providers.0.params.temperature: not accepted by the Anthropic Messages API version 2026-10-21, which @anthropic-ai/sdk sends: remove it (this API version takes no sampling parameters)\n',
    );
    expect(server.stats().total).toBe(0);
  });

  it('judge models and candidates are checked too', async () => {
    const judge = `judge:
  candidates:
    - model: { type: openai, model: gpt-4o }
    - model: { type: anthropic, model: claude-haiku-4-5, params: { top_k: 5 } }
    - model: { type: openai, model: o3, params: { stop: ["x"] } }
  rubric: Same word.
`;
    const dir = await workdir({ 'task.yaml': task('  - openai:gpt-4o-mini', judge) });
    const res = await runCli(['validate', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(2);
    const lines = res.stderr
      .replace(/^aijourney: /, '')
      .trim()
      .split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^task\.yaml:12:75: judge\.candidates\.1\.model\.params\.top_k: not accepted by the Anthropic Messages API/),
      expect.stringMatching(/^task\.yaml:13:57: judge\.candidates\.2\.model\.params\.stop: not accepted by o3, an OpenAI reasoning model: remove it/),
    ]);
  });

  const reasoning = '  - { type: openai, model: gpt-5-mini, params: { temperature: 0.2, max_tokens: 64 } }';
  const refusal = /^aijourney: task\.yaml:4:\d+: providers\.0\.params\.temperature: not accepted by gpt-5-mini, an OpenAI reasoning model/;

  it('a reasoning model with temperature: exit 2 on the official API however it is given, and behind any base URL', async () => {
    const official = [
      { env: { ...env, OPENAI_BASE_URL: '' }, file: task(reasoning) },
      { env: { ...env, OPENAI_BASE_URL: 'https://api.openai.com/v1/' }, file: task(reasoning) },
      { env, file: task(reasoning.replace('model: gpt-5-mini,', 'model: gpt-5-mini, base_url: "https://API.openai.com/v1/",')) },
      { env, file: task(reasoning) }, // a gateway or compatible server at OPENAI_BASE_URL
    ];
    for (const { env: e, file } of official) {
      const dir = await workdir({ 'task.yaml': file });
      const res = await runCli(['eval', 'task.yaml'], { env: e, cwd: dir });
      expect(res.code, file).toBe(2);
      expect(res.stderr).toMatch(refusal);
    }
    expect(server.stats().total).toBe(0);
  });
});

describe('parameters sent under the name the API takes', () => {
  it('a reasoning model behind a base URL gets max_completion_tokens, said once for the whole run', async () => {
    const dir = await workdir({
      'task.yaml': task(
        '  - { type: openai, model: gpt-5-mini, params: { max_tokens: 64 } }\n  - { id: o3, type: openai, model: o3, params: { max_tokens: 64 } }',
      ),
    });
    const res = await runCli(['eval', 'task.yaml', '--no-cache'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(server.requests).toHaveLength(6);
    for (const r of server.requests) {
      expect(r.body.max_completion_tokens).toBe(64);
      expect(r.body).not.toHaveProperty('max_tokens');
    }
    const notes = res.stderr.split('\n').filter((l) => l.includes('max_completion_tokens'));
    expect(notes).toEqual([
      'aijourney: note: openai:gpt-5-mini: max_tokens is sent as max_completion_tokens, the name gpt-5-mini, an OpenAI reasoning model takes',
      'aijourney: note: o3: max_tokens is sent as max_completion_tokens, the name o3, an OpenAI reasoning model takes',
    ]);
  });

  it('an ordinary model on a compatible server keeps max_tokens, and Anthropic gets stop as stop_sequences', async () => {
    const dir = await workdir({
      'task.yaml': task(
        '  - { type: openai, model: llama3.2, params: { max_tokens: 64 } }\n  - { type: anthropic, model: claude-haiku-4-5, params: { stop: ["END"] } }',
      ),
    });
    const res = await runCli(['eval', 'task.yaml', '--no-cache'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(server.requests.filter((r) => r.protocol === 'openai').every((r) => r.body.max_tokens === 64 && !('max_completion_tokens' in r.body))).toBe(true);
    expect(
      server.requests.filter((r) => r.protocol === 'anthropic').every((r) => JSON.stringify(r.body.stop_sequences) === '["END"]' && !('stop' in r.body)),
    ).toBe(true);
    expect(res.stderr.split('\n').filter((l) => l.includes('stop_sequences'))).toHaveLength(1);
  });
});

describe('models past their end of life', () => {
  it('one warning line per model, none from the SDK on each call', async () => {
    const dir = await workdir({ 'task.yaml': task('  - anthropic:claude-sonnet-4-5\n  - { id: again, type: anthropic, model: claude-sonnet-4-5 }') });
    const res = await runCli(['eval', 'task.yaml', '--no-cache'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(server.stats().anthropic).toBe(6);
    const mentions = res.stderr.split('\n').filter((l) => l.includes('claude-sonnet-4-5'));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatch(
      /^aijourney: warning: anthropic:claude-sonnet-4-5: model claude-sonnet-4-5 (reached its end of life on|is deprecated and reaches its end of life on) 2026-11-30/,
    );
    expect(res.stderr).not.toContain('will reach end-of-life'); // the SDK's own notice, printed on every call unless silenced
  });
});
