import { beforeEach, describe, expect, it } from 'vitest';
import { combineVotes, panelLeaveOneOut, panelWeights } from '../../src/judge/panel.js';
import { roganGladen } from '../../src/stats/index.js';
import { runCli, workdir } from '../helpers/cli.js';
import { wireFixture } from '../helpers/wire.js';

// Two complementary imperfect judges on 10 good and 10 bad labeled outputs:
//   a fails good-1 and passes bad-1..4: TPR 9/10, TNR 6/10, J 0.5
//   b fails good-2 and passes bad-5..8: TPR 9/10, TNR 6/10, J 0.5
// A fail vote of either is strong evidence (each fails one good output only), a pass vote weak, so
// the weighted panel fails whatever either fails: TPR 8/10, TNR 10/10, J 0.8, better than both.
// c judges exactly as a does: a panel of a and c is a itself and must not be selected.
const FAILS: Record<string, string[]> = {
  'judge-a': ['good-1'],
  'judge-b': ['good-2'],
  'judge-c': ['good-1'],
};
const PASSES: Record<string, string[]> = {
  'judge-a': ['bad-1', 'bad-2', 'bad-3', 'bad-4'],
  'judge-b': ['bad-5', 'bad-6', 'bad-7', 'bad-8'],
  'judge-c': ['bad-1', 'bad-2', 'bad-3', 'bad-4'],
};
// Outputs under test: a passes all four, b fails answer-2 and answer-3.
const UNDER_TEST: Record<string, string[]> = { 'judge-a': [], 'judge-b': ['answer-2', 'answer-3'], 'judge-c': [] };

const sentText = (r: { messages: Array<{ content: string }> }) => r.messages.map((m) => m.content).join('\n');
const graded = (text: string) => /<output_to_grade>\n([^\n]*)\n<\/output_to_grade>/.exec(text)?.[1] ?? '';
const fixture = wireFixture({
  rules: [
    {
      match: '<output_to_grade>',
      reply: (req) => {
        const out = graded(req.text);
        const pass = out.startsWith('answer-')
          ? !UNDER_TEST[req.model]!.includes(out)
          : out.startsWith('good-')
            ? !FAILS[req.model]!.includes(out)
            : PASSES[req.model]!.includes(out);
        return JSON.stringify({ verdict: pass ? 'pass' : 'fail', reason: `${req.model} says ${pass ? 'pass' : 'fail'}` });
      },
    },
    ...[0, 1, 2, 3].map((i) => ({ match: `Answer ${i}.`, reply: `answer-${i}` })),
  ],
});
beforeEach(() => fixture.server.reset());

const labels = (i: number) =>
  [
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((k) => k % 4 === i).map((k) => `      - { output: "good-${k}", verdict: pass }`),
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((k) => k % 4 === i).map((k) => `      - { output: "bad-${k}", verdict: fail }`),
  ].join('\n');
const member = (id: string) => `    - { id: ${id}, model: { type: openai, model: judge-${id}, price: { input_per_mtok: 1, output_per_mtok: 2 } } }`;
const task = (members: string[]) => `
name: panel
prompt: "Answer {{i}}."
providers: [openai:gpt-4o-mini]
examples:
${[0, 1, 2, 3].map((i) => `  - vars: { i: "${i}" }\n    labels:\n${labels(i)}`).join('\n')}
judge:
  rubric: Pass if the answer is good.
  panel:
${members.map(member).join('\n')}
settings: { concurrency: 4, max_retries: 0 }
`;

describe('panel weights', () => {
  it("are each member's smoothed log likelihood ratios", () => {
    const w = panelWeights([{ id: 'a', confusion: { tp: 9, fn: 1, fp: 4, tn: 6 } }]);
    // TPR (9 + 1)/(10 + 2), TNR (6 + 1)/(10 + 2), by hand
    expect(w.combine).toBe('weighted');
    expect(w.weights[0]!.pass).toBeCloseTo(Math.log(10 / 12 / (5 / 12)), 12);
    expect(w.weights[0]!.fail).toBeCloseTo(Math.log(2 / 12 / (7 / 12)), 12);
    // Perfect on few labels: finite weights, and majority vote until 3 labels of each verdict.
    const few = panelWeights([
      { id: 'a', confusion: { tp: 2, fn: 0, fp: 0, tn: 5 } },
      { id: 'b', confusion: { tp: 5, fn: 0, fp: 0, tn: 5 } },
    ]);
    expect(few.combine).toBe('majority');
    expect(Number.isFinite(few.weights[0]!.pass) && Number.isFinite(few.weights[0]!.fail)).toBe(true);
    expect(combineVotes(few, ['pass', 'fail'])).toBe('fail'); // a tie fails
    expect(combineVotes(few, ['pass', null])).toBe('pass'); // a member without a verdict is left out
    expect(combineVotes(few, [null, null])).toBeNull();
  });

  it('let a reliable member outvote an unreliable one', () => {
    const w = panelWeights([
      { id: 'sharp', confusion: { tp: 10, fn: 0, fp: 0, tn: 10 } },
      { id: 'coin', confusion: { tp: 5, fn: 5, fp: 5, tn: 5 } },
      { id: 'coin2', confusion: { tp: 5, fn: 5, fp: 5, tn: 5 } },
    ]);
    expect(w.weights[1]!.pass).toBeCloseTo(0, 12);
    expect(combineVotes(w, ['fail', 'pass', 'pass'])).toBe('fail');
    expect(combineVotes({ ...w, combine: 'majority' }, ['fail', 'pass', 'pass'])).toBe('pass');
  });

  it('leave each label out of its own weights', () => {
    // Member x is right on every label but the last; y is always wrong. Leave-one-out, the last
    // label's weights come from the first six only.
    const humans = ['pass', 'pass', 'pass', 'fail', 'fail', 'fail', 'pass'] as const;
    const x = ['pass', 'pass', 'pass', 'fail', 'fail', 'fail', 'fail'] as const;
    const y = ['fail', 'fail', 'fail', 'pass', 'pass', 'pass', 'pass'] as const;
    const loo = panelLeaveOneOut(
      [
        { id: 'x', verdicts: [...x] },
        { id: 'y', verdicts: [...y] },
      ],
      [...humans],
    );
    // Item 6 (x fail, y pass): x from items 0-5 is perfect (fail weight ln((1/5)/(4/5))), y always
    // wrong (pass weight ln((1/5)/(4/5))): the two cancel to exactly 0, which fails.
    expect(loo[6]).toBe('fail');
    expect(loo.slice(0, 6)).toEqual(humans.slice(0, 6));
  });
});

describe('judge.panel, end to end', () => {
  it('beats each of two complementary judges, is selected, and grades with both', async () => {
    const dir = await workdir({ 'task.yaml': task(['a', 'b']) });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env: fixture.env, cwd: dir });
    expect(res.stderr).toBe('');
    const record = JSON.parse(res.stdout);
    const rows = Object.fromEntries(record.judge.candidates.map((c: any) => [c.id, c]));
    expect(Object.keys(rows)).toEqual(['a', 'b', 'panel']);
    expect(rows.a.confusion).toEqual({ tp: 9, fn: 1, fp: 4, tn: 6 });
    expect(rows.b.confusion).toEqual({ tp: 9, fn: 1, fp: 4, tn: 6 });
    expect(rows.panel.confusion).toEqual({ tp: 8, fn: 2, fp: 0, tn: 10 });
    expect(rows.a.j).toBeCloseTo(0.5, 12);
    expect(rows.panel.j).toBeCloseTo(0.8, 12);
    expect(rows.panel.selected).toBe(true);
    expect(rows.a.selected || rows.b.selected).toBe(false);
    expect(record.judge.selected).toBe('panel');
    expect(rows.panel.panel).toMatchObject({ members: ['a', 'b'], combine: 'weighted' });
    // The panel's cost is both members' calibration calls; trust follows the panel's rates.
    expect(rows.panel.costUsd).toBeCloseTo(rows.a.costUsd + rows.b.costUsd, 12);
    expect(record.judge.trust.tpr).toMatchObject({ k: 8, n: 10 });
    expect(record.judge.trust.tnr).toMatchObject({ k: 10, n: 10 });
    expect(record.judge.labels[0].judged).toHaveProperty('panel');

    // Every output asked of both members, their verdicts kept, combined as the panel fails what b fails.
    const results = [...record.results].sort((x: any, y: any) => x.example - y.example);
    expect(results.map((r: any) => r.judge.verdict)).toEqual(['pass', 'pass', 'fail', 'fail']);
    expect(results[2].judge.members).toEqual({ a: 'pass', b: 'fail' });
    const grading = fixture.server.requests.filter((r) => graded(sentText(r)).startsWith('answer-'));
    expect(grading.map((r) => r.body.model).sort()).toEqual(['judge-a', 'judge-a', 'judge-a', 'judge-a', 'judge-b', 'judge-b', 'judge-b', 'judge-b']);
    // Judge cost: calibration of both members plus both members' grading of the four outputs.
    expect(record.judgeCostUsd).toBeGreaterThan(rows.panel.costUsd);
    // The corrected quality uses the panel's rates: Rogan-Gladen of 2/4 at TPR 0.8, TNR 1.
    expect(record.summary[0].corrected.rate).toBeCloseTo(roganGladen(0.5, 0.8, 1)!, 12);

    const text = await runCli(['eval', 'task.yaml'], { env: fixture.env, cwd: dir });
    expect(text.stdout).toMatch(/▶ panel /);
    expect(text.stdout).toContain("panel = a + b: votes weighted by log-odds from each member's TPR/TNR on the labels");
    expect(text.stdout).toContain("its J beats the best single judge's (0.50)");
  });

  it('is not selected when it does no better than its best member', async () => {
    const dir = await workdir({ 'task.yaml': task(['a', 'c']) });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env: fixture.env, cwd: dir });
    const record = JSON.parse(res.stdout);
    const panel = record.judge.candidates.find((c: any) => c.id === 'panel');
    expect(panel.j).toBeCloseTo(0.5, 12);
    expect(panel.selected).toBe(false);
    expect(['a', 'c']).toContain(record.judge.selected); // a tie of J goes to the cheaper, then the faster
    // Only the selected member grades.
    const grading = fixture.server.requests.filter((r) => graded(sentText(r)).startsWith('answer-'));
    expect(new Set(grading.map((r) => r.body.model))).toEqual(new Set([`judge-${record.judge.selected}`]));
  });

  it('estimates the grading of every member before any call', async () => {
    const dir = await workdir({ 'task.yaml': task(['a', 'b']) });
    const res = await runCli(['eval', 'task.yaml', '--dry-run', '--json'], { env: fixture.env, cwd: dir });
    const estimate = JSON.parse(res.stdout);
    // 4 model calls, 2 x 20 calibration calls, and at most 2 x 4 grading calls (the panel).
    expect(estimate.calls).toEqual({ low: 44, high: 52 });
    expect(fixture.server.requests).toHaveLength(0);
  });
});
