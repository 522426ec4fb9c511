#!/usr/bin/env node
// `npm run demo`: the whole flow with no API key. Starts the tests' local OpenAI/Anthropic
// wire-compatible server, points the real SDKs at it, and runs an example task end to end
// (`npm run demo -- examples/<task>.yaml`, or the demo:* scripts in package.json).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startWireServer } from '../tests/server/wire-server.mjs';
import { SIMULATED } from './simulated-model.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const task = process.argv[2] ?? 'examples/factual-qa.yaml';

const server = await startWireServer({ ...SIMULATED, latencyMs: 120, jitterMs: 180 });
process.stderr.write(
  [
    '',
    '  DEMO: every reply below is SIMULATED by a local test server (tests/server/wire-server.mjs),',
    '  not written by a real model. The SDKs, retries, scoring, statistics and prices are real;',
    '  the token counts and answers are made up. For real numbers, set OPENAI_API_KEY and',
    `  ANTHROPIC_API_KEY and run \`node bin/aijourney.js eval ${task}\` (or \`aijourney eval\` after \`npm link\`).`,
    '',
    '',
  ].join('\n'),
);

const env = {
  ...process.env,
  OPENAI_BASE_URL: server.openaiBaseUrl,
  ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
  OPENAI_API_KEY: 'demo-key-not-a-secret',
  ANTHROPIC_API_KEY: 'demo-key-not-a-secret',
};
const child = spawn(process.execPath, ['bin/aijourney.js', 'eval', task, '--runs-dir', '.aijourney/demo-runs', ...process.argv.slice(3)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
await server.close();
const meaning = { 0: 'every gate held', 1: 'a gate failed, as a CI job would see it', 130: 'interrupted' }[code] ?? 'see the message above';
process.stderr.write(
  `\n  (simulated replies: ${server.stats().total} requests answered by the local test server;` + ` aijourney exited ${code}: ${meaning})\n`,
);
// A failed gate is part of the demonstration, not a failure of the demo.
process.exit(code === 1 ? 0 : code);
