import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';
import { runCli, workdir } from '../helpers/cli.js';

// The judge is scripted per graded output, so every calibration figure is known in advance:
//   human pass: Paris -> judge pass (tp), Rome -> judge fail (fn), Madrid -> judge pass (tp)
//   human fail: Lyon -> judge fail (tn), Milan -> judge pass (fp), Barcelona -> judge fail (tn)
// tp=2 fn=1 fp=1 tn=2: agreement 4/6, TPR = TNR = 2/3, J = 1/3, kappa = (4/6 - 1/2)/(1 - 1/2) = 1/3.

const TASK = `
name: judge-cal
prompts:
  - id: p1
    user: "Capital of {{country}}?"
providers:
  - openai:gpt-4o-mini
examples:
  - vars: { country: France }
    expected: Paris
    labels:
      - { output: "Paris", verdict: pass }
      - { output: "Lyon", verdict: fail }
  - vars: { country: Italy }
    expected: Rome
    labels:
      - { output: "Rome", verdict: pass }
      - { output: "Milan", verdict: fail, critique: Milan is not the capital. }
  - vars: { country: Spain }
    expected: Madrid
    labels:
      - { output: "Madrid", verdict: pass }
      - { output: "Barcelona", verdict: fail }
judge:
  model: openai:gpt-4o
  rubric: Pass if the answer names the capital.
settings: { concurrency: 3, max_retries: 0 }
`;

const graded = (output: string) => new RegExp(`<output_to_grade>\\n${output.replace(/[.]/g, '\\.')}\\n</output_to_grade>`);
const verdict = (v: 'pass' | 'fail') => JSON.stringify({ verdict: v, reason: `scripted ${v}` });
const JUDGE: Array<[string, string]> = [
  ['Paris', verdict('pass')],
  ['Lyon', verdict('fail')],
  ['Rome', verdict('fail')],
  ['Milan', verdict('pass')],
  ['Madrid', verdict('pass')],
  ['Barcelona', verdict('fail')],
  ['Paris, France.', verdict('pass')],
  ['Not sure', 'Looks good to me!'],
];

let server: WireServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startWireServer({
    rules: [
      ...JUDGE.map(([output, reply]) => ({ match: graded(output), reply })),
      { match: 'Capital of France?', reply: 'Paris, France.' },
      { match: 'Capital of Italy?', reply: 'Rome' },
      { match: 'Capital of Spain?', reply: 'Not sure' },
    ],
  });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const userText = (body: any): string =>
  body.messages
    .filter((m: any) => m.role === 'user')
    .map((m: any) => m.content)
    .join('\n');

describe('judge calibration, end to end', () => {
  it('measures the judge leave-one-out and reports exact figures', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    const [cand] = record.judge.candidates;
    expect(record.judge.selected).toBe('openai:gpt-4o');
    // TPR = TNR = 2/3 on 3 labels each: J = 1/3, but its 95% lower bound (Newcombe) is below 0.
    expect(record.judge.trust).toMatchObject({ level: 'UNTRUSTED', heldBy: ['not-shown-better-than-chance'] });
    expect(record.judge.trust.tpr).toMatchObject({ k: 2, n: 3 });
    expect(record.summary[0].decision.basis).toBe('untrusted-judge');
    expect(cand.confusion).toEqual({ tp: 2, fn: 1, fp: 1, tn: 2 });
    expect(cand.n).toBe(6);
    expect(cand.agreement.k).toBe(4);
    // scipy.stats.binomtest(4, 6).proportion_ci(method='wilson')
    expect(cand.agreement.low).toBeCloseTo(0.299993315138392, 12);
    expect(cand.agreement.high).toBeCloseTo(0.9032285888942195, 12);
    expect(cand.tpr).toBeCloseTo(2 / 3, 12);
    expect(cand.tnr).toBeCloseTo(2 / 3, 12);
    expect(cand.j).toBeCloseTo(1 / 3, 12);
    expect(cand.kappa).toBeCloseTo(1 / 3, 12);
    expect(cand.unparseable).toBe(0);
    expect(cand.selected).toBe(true);

    // Graded outputs: a judged pass, a human label (no judge call), and an unparseable reply = FAIL.
    const [france, italy, spain] = record.results;
    expect(france.judge).toEqual({ verdict: 'pass', reason: 'scripted pass', source: 'judge', retries: 0 });
    expect(italy.judge).toMatchObject({ verdict: 'pass', source: 'label' });
    expect(spain.judge).toMatchObject({ verdict: 'fail', reason: 'unparseable judge reply', source: 'judge', unparseable: true });
    expect(spain.pass).toBe(false);
    expect(record.summary[0]).toMatchObject({ passed: 2, failed: 1, errors: 0 });
    expect(record.summary[0].corrected).not.toBeNull();
    expect(record.judgeCostUsd).toBeGreaterThan(0);

    // 3 model calls, 6 leave-one-out calibration calls, 2 judge calls on outputs (Italy is labeled).
    const judgeRequests = server.requests.filter((r) => r.body.model === 'gpt-4o');
    expect(server.requests.filter((r) => r.body.model === 'gpt-4o-mini')).toHaveLength(3);
    expect(judgeRequests).toHaveLength(8);
  });

  it('never shows the graded label in its own few-shot', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    const calibration = server.requests
      .filter((r) => r.body.model === 'gpt-4o')
      .map((r) => userText(r.body))
      .filter((t) => /<output_to_grade>\n(Paris|Lyon|Rome|Milan|Madrid|Barcelona)\n/.test(t));
    expect(calibration).toHaveLength(6);
    for (const text of calibration) {
      const graded = /<output_to_grade>\n([^\n]*)\n/.exec(text)![1]!;
      const shots = [...text.matchAll(/<graded_example>[\s\S]*?<output>\n([^\n]*)\n<\/output>/g)].map((m) => m[1]);
      expect(shots).toHaveLength(5);
      expect(shots).not.toContain(graded);
    }
    // Outputs under test get every label as few-shot, with critiques.
    const grading = server.requests.map((r) => userText(r.body)).find((t) => t.includes('<output_to_grade>\nParis, France.\n'))!;
    expect([...grading.matchAll(/<graded_example>/g)]).toHaveLength(6);
    expect(grading).toContain('critique: Milan is not the capital.');
  });

  it('prints the calibration table, the confusion matrix and the trust level', async () => {
    const dir = await workdir({ 'task.yaml': TASK });
    const res = await runCli(['eval', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(0);
    // TPR 2/3 and TNR 2/3 with 95% Wilson intervals: scipy binomtest(2, 3).proportion_ci(method='wilson') = [0.2077, 0.9385]
    expect(res.stdout).toMatch(/▶ openai:gpt-4o .* 6 .* 2\/3 67% \[21%, 94%\] .* 2\/3 67% \[21%, 94%\] .* 0\.33 .* 4\/6 67% .* 0\.33 /);
    expect(res.stdout).toMatch(/human pass +2 +1/);
    expect(res.stdout).toMatch(/human fail +1 +2/);
    expect(res.stdout).toContain('UNTRUSTED (not shown better than chance: J = 0.33 but its 95% lower bound is -0.32 (3 pass and 3 fail labels))');
    expect(res.stdout).toMatch(/to reach PROVISIONAL: \d+ more pass labels and \d+ more fail labels \(if the judge keeps its TPR 67% and TNR 67%\)/);
    expect(res.stdout).toContain('Recommendation: none can be made');
    // The label-next list says what a decision needs: the same counts as the trust line's.
    const [, pass, fail] = /to reach PROVISIONAL: (\d+) more pass labels and (\d+) more fail labels/.exec(res.stdout)!;
    expect(res.stdout).toContain(
      `a quality decision (gate, recommendation, baseline) needs the judge at least PROVISIONAL: ${pass} more pass and ${fail} more fail labels, if it keeps its rates`,
    );
    expect(res.stdout).toContain('corrected [95% CI]');
  });

  it('says UNCALIBRATED when there are no labels', async () => {
    const dir = await workdir({ 'task.yaml': TASK.replace(/ {4}labels:\n( {6}- .*\n)+/g, '') });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.judge.trust.level).toBe('UNCALIBRATED');
    expect(record.judge.candidates).toEqual([]);
    // The interval still exists (the judge's rates are only bounded by the prior): shown, and marked.
    expect(record.summary[0].corrected.high - record.summary[0].corrected.low).toBeGreaterThan(0.5);
    expect(record.summary[0].decision.basis).toBe('untrusted-judge');
    const text = await runCli(['eval', 'task.yaml'], { env, cwd: dir });
    expect(text.stdout).toContain('UNCALIBRATED');
    expect(text.stdout).toMatch(/\] \(uncalibrated\)/);
  });
});
