import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerSecrets, resolveHeaders } from '../../src/providers/credentials.js';
import type { ProviderSpec } from '../../src/task/types.js';
import { runCli, workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// Gateways: extra headers (values may name environment variables) and the key sent as x-api-key.

const GATEWAY_KEY = 'gw-s3cret-0123456789';
const KEY = 'sk-ant-headers-0123456789';

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer({ recordHeaders: ['authorization', 'x-api-key', 'x-gateway-key', 'x-trace'] });
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.setOptions({ apiKey: undefined });
});

const task = (provider: string) => `name: gateway
prompt: "Say {{w}}"
providers:
  - ${provider}
examples:
  - { vars: { w: one } }
  - { vars: { w: two } }
`;

async function evalIn(dir: string, env: Record<string, string>) {
  const res = await runCli(['eval', 'task.yaml', '--runs-dir', 'runs'], { env, cwd: dir });
  const runs = await readdir(join(dir, 'runs')).catch(() => []);
  const record = runs[0] ? await readFile(join(dir, 'runs', runs[0]), 'utf8') : '';
  return { ...res, record };
}

describe('provider headers and auth', () => {
  it('sends headers with ${VAR} resolved, and the key as x-api-key without a Bearer header', async () => {
    server.setOptions({ apiKey: KEY });
    const provider = `{ type: anthropic, model: claude-haiku-4-5, base_url: "${server.anthropicBaseUrl}", auth: x-api-key, headers: { x-gateway-key: "Bearer \${GATEWAY_KEY}", x-trace: run-7 } }`;
    const dir = await workdir({ 'task.yaml': task(provider) });
    const res = await evalIn(dir, { ANTHROPIC_API_KEY: KEY, GATEWAY_KEY });
    expect(res.code, res.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    for (const r of server.requests) {
      expect(r.headers).toEqual({ authorization: null, 'x-api-key': KEY, 'x-gateway-key': `Bearer ${GATEWAY_KEY}`, 'x-trace': 'run-7' });
    }
    // Never recorded, printed or cached.
    const cache = await readdir(join(dir, '.aijourney/cache'));
    const cached = (await Promise.all(cache.map((f) => readFile(join(dir, '.aijourney/cache', f))))).map((b) => b.toString('latin1')).join('');
    for (const text of [res.stdout, res.stderr, res.record, cached]) {
      expect(text).not.toContain(GATEWAY_KEY);
      expect(text).not.toContain(KEY);
    }
  });

  it('bearer is the default, for both types', async () => {
    const dir = await workdir({
      'task.yaml': task(`{ type: openai, model: m, base_url: "${server.openaiBaseUrl}", api_key_env: GW, headers: { x-trace: t } }`),
    });
    const res = await evalIn(dir, { GW: GATEWAY_KEY });
    expect(res.code, res.stderr).toBe(0);
    expect(server.requests[0]!.headers).toEqual({ authorization: `Bearer ${GATEWAY_KEY}`, 'x-api-key': null, 'x-gateway-key': null, 'x-trace': 't' });
  });

  it('a header naming a variable that is not set stops the run before any call (exit 3), naming the variable', async () => {
    const dir = await workdir({
      'task.yaml': task(`{ type: openai, model: m, base_url: "${server.openaiBaseUrl}", headers: { x-gateway-key: "\${GATEWAY_KEY}" } }`),
    });
    const res = await evalIn(dir, {});
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(
      'aijourney: missing environment variable GATEWAY_KEY (named in headers.x-gateway-key of provider "openai:m")\n  hint: set it, or remove the header from the task file\n',
    );
    expect(server.stats().total).toBe(0);
  });

  it('malformed headers are located validation errors', async () => {
    const dir = await workdir({
      'task.yaml': task(`{ type: openai, model: m, auth: basic, headers: { "bad name": x, content-length: "1", x-ok: "\${1BAD}" } }`),
    });
    const res = await runCli(['validate', 'task.yaml'], { cwd: dir });
    expect(res.code).toBe(2);
    const lines = res.stderr
      .replace(/^aijourney: /, '')
      .trim()
      .split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^task\.yaml:4:\d+: providers\.0\.auth: expected one of bearer, x-api-key, got "basic"/),
      expect.stringMatching(/^task\.yaml:4:\d+: providers\.0\.headers\.bad name: must be an HTTP header name/),
      expect.stringMatching(/^task\.yaml:4:\d+: providers\.0\.headers\.content-length: is set by the HTTP client/),
      expect.stringMatching(/^task\.yaml:4:\d+: providers\.0\.headers\.x-ok: write an environment variable as \$\{NAME\}/),
    ]);
  });

  it('lists every secret a provider uses, for the scrubber', () => {
    const spec: ProviderSpec = {
      id: 'p',
      type: 'openai',
      model: 'm',
      baseUrl: 'https://gw.example/v1',
      apiKeyEnv: 'GW',
      params: {},
      headers: { a: 'Bearer ${A}', b: 'literal', c: '${C}-${A}' },
    };
    const env = { GW: 'key-1', A: 'aaaa', C: 'cccc', HTTPS_PROXY: 'http://u:proxy-pass@p:3128' };
    expect(resolveHeaders(spec, env)).toEqual({ a: 'Bearer aaaa', b: 'literal', c: 'cccc-aaaa' });
    expect(new Set(providerSecrets(spec, env))).toEqual(new Set(['proxy-pass', 'key-1', 'aaaa', 'Bearer aaaa', 'cccc', 'cccc-aaaa']));
  });
});
