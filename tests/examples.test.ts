import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/record/schema.js';
// @ts-expect-error plain JS script
import { SIMULATED } from '../scripts/simulated-model.mjs';
import { ROOT, workdir } from './helpers/cli.js';
import { runInProcess } from './helpers/io.js';
import { wireFixture } from './helpers/wire.js';

// Every shipped example is valid, and the chat, tool and extraction examples show on the demo's
// simulated model what each is there to show (npm run demo:chat, demo:tools, demo:extraction).

const EXAMPLES = join(ROOT, 'examples');

const wire = wireFixture(SIMULATED);

async function evalExample(name: string) {
  wire.server.reset();
  const dir = await workdir();
  const res = await runInProcess(['eval', join(EXAMPLES, name), '--no-cache', '--no-color', '--runs-dir', join(dir, 'runs')], { env: wire.env, cwd: dir });
  const [file] = await readdir(join(dir, 'runs'));
  return { ...res, record: JSON.parse(await readFile(join(dir, 'runs', file!), 'utf8')) as RunRecord };
}

const passes = (record: RunRecord, prompt: string, provider: string) =>
  record.results.filter((r) => r.prompt === prompt && r.provider === provider).map((r) => r.pass);

describe('shipped examples', () => {
  it('every one validates', async () => {
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const res = await runInProcess(['validate', join(EXAMPLES, file)], { cwd: ROOT });
      expect(res.code, `${file}: ${res.stderr}`).toBe(0);
    }
  });

  it('ticket-intent: the few-shot transcript is sent whole, and beats zero-shot on the second model', async () => {
    const { code, record } = await evalExample('ticket-intent.yaml');
    expect(code).toBe(1); // the zero-shot row fails min_quality
    const fewShot = wire.server.requests.filter((r) => r.messages.length > 1);
    expect(fewShot).toHaveLength(12);
    expect(fewShot.every((r) => r.messages.map((m) => m.role).join(',') === 'user,assistant,user,assistant,user,assistant,user')).toBe(true);
    expect(passes(record, 'few-shot', 'claude-haiku').every(Boolean)).toBe(true);
    expect(passes(record, 'zero-shot', 'claude-haiku').some(Boolean)).toBe(false);
  });

  it('order-agent: tool calls in each API format, checked; a string where the schema wants a number fails', async () => {
    const { code, record } = await evalExample('order-agent.yaml');
    expect(code).toBe(0);
    expect(
      wire.server.requests.every((r) => r.tools.map((t) => t.name).join() === 'lookup_order,refund_order,escalate_to_human' && r.toolChoice === 'required'),
    ).toBe(true);
    expect(passes(record, 'agent', 'gpt-4o-mini')).toEqual([true, true, true, true, true]);
    expect(passes(record, 'agent', 'claude-haiku')).toEqual([true, true, false, true, true]);
    const refund = record.results.find((r) => r.provider === 'claude-haiku' && r.example === 2)!;
    expect(refund.toolCalls).toEqual([{ name: 'refund_order', arguments: { order_id: 'C-3310', amount: '15' } }]);
    expect(refund.checks.filter((c) => !c.pass).map((c) => c.reason)).toEqual([
      'refund_order arguments: /amount must be number',
      'refund_order arguments: /amount: expected 15, got "15"',
    ]);
  });

  it('receipt-extraction: a structured reply, a JSON path and the script check with its score', async () => {
    const { code, record } = await evalExample('receipt-extraction.yaml');
    expect(code).toBe(0);
    expect(passes(record, 'structured', 'gpt-4o-mini')).toEqual([true, true, true, true]);
    expect(passes(record, 'structured', 'claude-haiku')).toEqual([true, true, true, false]);
    const dropped = record.results.find((r) => r.provider === 'claude-haiku' && r.example === 3)!;
    expect(dropped.structured).toMatchObject({ merchant: 'Bookshop Alder & Co', date: '2026-01-28', total: 18 });
    expect(dropped.checks.at(-1)).toEqual({
      type: 'script',
      pass: false,
      reason: 'checks/receipt-total.mjs: items add up to 20.00, not the total 18',
      score: expect.closeTo(1 - 2 / 18, 9),
    });
  });
});
