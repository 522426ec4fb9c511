import { describe, expect, it } from 'vitest';
import { evaluate, parseTask, renderRun, type ModelClient, type ProviderSpec } from '../src/index.js';

// The whole pipeline in-process: clients, clock and seed are passed in; nothing reads process.env.
const TASK = `
name: in-process
prompt: "Say {{word}}"
providers: [openai:fake]
examples:
  - { vars: { word: yes }, expected: "yes" }
  - { vars: { word: no }, expected: "no" }
checks: [{ type: equals }]
settings: { concurrency: 2 }
`;

function fakeClient(spec: ProviderSpec): ModelClient {
  return {
    spec,
    baseUrl: 'memory://fake',
    async complete(req) {
      const word = req.messages.at(-1)!.content.replace('Say ', '');
      return { text: word === 'yes' ? 'yes' : 'maybe', usage: { inputTokens: 3, outputTokens: 1 }, attempts: 1 };
    },
  };
}

describe('library', () => {
  it('runs parse → evaluate → render without the network, the environment or the wall clock', async () => {
    const task = await parseTask(TASK, 'task.yaml', '/nowhere');
    let t = 0;
    const record = await evaluate(task, {
      env: {},
      concurrency: 1,
      createClient: async (spec) => fakeClient(spec),
      now: () => (t += 5),
      clock: () => new Date('2026-01-02T03:04:05Z'),
    });
    expect(record.startedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(record.summary[0]).toMatchObject({ n: 2, passed: 1, failed: 1, errors: 0 });
    expect(record.summary[0]!.costUsd.total).toBeNull(); // no price for a model called "fake"
    expect(record.results.map((r) => r.latencyMs)).toEqual([5, 5]);
    expect(renderRun(record, { color: false })).toContain('unknown');
  });
});
