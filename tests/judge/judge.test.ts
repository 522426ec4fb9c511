import { describe, expect, it } from 'vitest';
import { askJudge, UNPARSEABLE } from '../../src/judge/ask.js';
import { calibrate, leaveOneOut, selectCandidate, type CandidateReport, type LabeledItem } from '../../src/judge/calibrate.js';
import { judgeMessages, parseVerdict } from '../../src/judge/prompt.js';
import { trustLevel } from '../../src/judge/trust.js';
import { createLimiter } from '../../src/run/limiter.js';
import type { CallContext } from '../../src/run/call.js';
import type { Completion, CompletionRequest, ModelClient } from '../../src/providers/types.js';
import type { Example, JudgeCandidate, ProviderSpec } from '../../src/task/types.js';

const spec = (model: string): ProviderSpec => ({ id: `openai:${model}`, type: 'openai', model, params: {} });
const ctx: CallContext = { now: () => 0 };
const candidate = (model: string, rubric = 'Be right.'): JudgeCandidate => ({ id: `openai:${model}`, provider: spec(model), rubric });

/** A fake judge whose reply depends on the graded output (and on how often it was asked). */
function fakeJudge(model: string, reply: (output: string, n: number) => string): ModelClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    spec: spec(model),
    asked,
    async complete(req: CompletionRequest): Promise<Completion> {
      const text = req.messages.at(-1)!.content;
      const output = /<output_to_grade>\n([\s\S]*?)\n<\/output_to_grade>/.exec(text)![1]!;
      asked.push(output);
      return { text: reply(output, asked.filter((o) => o === output).length), usage: { inputTokens: 10, outputTokens: 5 } };
    },
  };
}

describe('parseVerdict', () => {
  it('reads JSON, fenced JSON, JSON inside prose and tool input', () => {
    expect(parseVerdict({ text: '{"verdict":"pass","reason":"ok"}' })).toEqual({ verdict: 'pass', reason: 'ok' });
    expect(parseVerdict({ text: '```json\n{"verdict": "FAIL", "reason": "no"}\n```' })).toEqual({ verdict: 'fail', reason: 'no' });
    expect(parseVerdict({ text: 'Here you go: {"verdict": "pass", "reason": "fine"} Hope it helps.' })).toEqual({ verdict: 'pass', reason: 'fine' });
    expect(parseVerdict({ text: '', toolInput: { verdict: 'fail', reason: 'tool' } })).toEqual({ verdict: 'fail', reason: 'tool' });
  });
  it('returns null for anything that is not a verdict', () => {
    for (const text of ['PASS', 'Looks good!', '{"verdict":"maybe"}', '{"score": 1}', '', '{not json}']) {
      expect(parseVerdict({ text })).toBeNull();
    }
  });
});

describe('judgeMessages', () => {
  it('puts the graded output last and few-shot outputs in graded examples', () => {
    const [system, user] = judgeMessages('R', { input: 'in', expected: 'ref', output: 'out' }, [
      { input: 'i2', output: 'shot', verdict: 'fail', critique: 'bad' },
    ]);
    expect(system!.content).toContain('impartial grader');
    expect(user!.content).toMatch(/<graded_example>[\s\S]*<output>\nshot\n<\/output>[\s\S]*verdict: fail\ncritique: bad/);
    expect(user!.content.endsWith('<output_to_grade>\nout\n</output_to_grade>')).toBe(true);
    expect(user!.content).toContain('<reference_answer>\nref\n</reference_answer>');
  });
});

describe('askJudge', () => {
  it('takes the majority of samples, records the split, and fails a tie', async () => {
    const flaky = fakeJudge('j', (_o, n) => JSON.stringify({ verdict: n % 2 ? 'pass' : 'fail', reason: `r${n}` }));
    const three = await askJudge(flaky, candidate('j'), { input: 'i', output: 'a' }, [], 3, ctx);
    expect(three).toMatchObject({ verdict: 'pass', votes: ['pass', 'fail', 'pass'], split: true });
    expect(three.reason).toBe('r1 (2/3 samples pass)');
    const two = await askJudge(flaky, candidate('j'), { input: 'i', output: 'b' }, [], 2, ctx);
    expect(two).toMatchObject({ verdict: 'fail', split: true });
  });
  it('counts an unparseable reply as a fail, never a pass', async () => {
    const vague = fakeJudge('j', () => 'I think this is great');
    const out = await askJudge(vague, candidate('j'), { input: 'i', output: 'a' }, [], 1, ctx);
    expect(out).toMatchObject({ verdict: 'fail', reason: UNPARSEABLE, unparseable: 1 });
  });
});

function items(): LabeledItem[] {
  const ex = (index: number, labels: Example['labels']): Example => ({ index, vars: { q: `q${index}` }, labels });
  const e0 = ex(0, [
    { output: 'good0', verdict: 'pass' },
    { output: 'bad0', verdict: 'fail' },
  ]);
  const e1 = ex(1, [
    { output: 'good1', verdict: 'pass' },
    { output: 'bad1', verdict: 'fail' },
  ]);
  return [e0, e1].flatMap((example) => example.labels.map((label) => ({ example, label, input: example.vars.q! })));
}

describe('calibration', () => {
  it('leave-one-out excludes the item and its duplicates of the same example', () => {
    const all = items();
    all.push({ ...all[0]!, label: { output: ' good0 ', verdict: 'pass' } });
    const shots = leaveOneOut(all, 0).map((s) => s.output.trim());
    expect(shots).toEqual(['bad0', 'good1', 'bad1']);
  });

  it('selects the candidate with the highest J and reports flip rates', async () => {
    const perfect = fakeJudge('perfect', (o) => JSON.stringify({ verdict: o.startsWith('good') ? 'pass' : 'fail', reason: '' }));
    const lenient = fakeJudge('lenient', () => JSON.stringify({ verdict: 'pass', reason: '' }));
    const clients = new Map<string, ModelClient>([
      ['openai:perfect', perfect],
      ['openai:lenient', lenient],
    ]);
    const cal = await calibrate(
      { candidates: [candidate('lenient'), candidate('perfect')], samples: 3, mode: 'pointwise' },
      clients,
      items(),
      ctx,
      createLimiter(2),
    );
    expect(cal.selected.id).toBe('openai:perfect');
    const [len, per] = cal.candidates;
    expect(len).toMatchObject({ tpr: 1, tnr: 0, j: 0, selected: false, confusion: { tp: 2, fn: 0, fp: 2, tn: 0 }, flipRate: 0 });
    expect(per).toMatchObject({ tpr: 1, tnr: 1, j: 1, kappa: 1, selected: true });
    expect(perfect.asked).toHaveLength(12); // 4 labels x 3 samples
  });

  it('breaks J ties by cost, then latency', () => {
    const report = (j: number, costUsd: number, latencyP50Ms: number) => ({ j, costUsd, latencyP50Ms }) as CandidateReport;
    expect(selectCandidate([report(0.5, 2, 1), report(0.5, 1, 9), report(0.4, 0, 0)])).toBe(1);
    expect(selectCandidate([report(0.5, 1, 9), report(0.5, 1, 3)])).toBe(1);
    expect(selectCandidate([report(0.9, 5, 5), report(0.5, 1, 1)])).toBe(0);
  });
});

describe('trust levels', () => {
  const c = (tp: number, fn: number, fp: number, tn: number) => ({ tp, fn, fp, tn });

  it('is UNCALIBRATED without labels, UNTRUSTED with a verdict unlabeled', () => {
    expect(trustLevel(undefined).level).toBe('UNCALIBRATED');
    const onlyPass = trustLevel(c(10, 0, 0, 0));
    expect(onlyPass.level).toBe('UNTRUSTED');
    expect(onlyPass.heldBy).toEqual(['tnr-unmeasured']);
  });

  it('never calls TRUSTED a judge that passes 3 of 4 bad outputs, however many pass labels agree', () => {
    // 40 pass labels all agreeing, 4 fail labels of which 3 judged pass: 41/44 agreement.
    const t = trustLevel(c(40, 0, 3, 1));
    expect(t.level).not.toBe('TRUSTED');
    expect(t.heldBy).toContain('tnr-bound');
    expect(t.tnr).toMatchObject({ k: 1, n: 4, rate: 0.25 });
    expect(t.next).toEqual({ level: 'TRUSTED', reachable: false, because: 'tnr' });
  });

  it('is UNTRUSTED when J <= 0, or when its lower bound does not show better than chance', () => {
    expect(trustLevel(c(3, 0, 3, 0)).heldBy).toEqual(['no-better-than-chance']);
    expect(trustLevel(c(2, 1, 1, 2)).level).toBe('UNTRUSTED');
    expect(trustLevel(c(2, 1, 1, 2)).heldBy).toEqual(['not-shown-better-than-chance']);
    // J's bound is Newcombe's interval for TPR − FPR: 3/3 − 0/2 is (0.135, 1) at 95%.
    expect(trustLevel(c(3, 0, 0, 2)).jLow).toBeCloseTo(1 - Math.hypot(1 - 3 / (3 + 1.959963984540054 ** 2), 1 - 2 / (2 + 1.959963984540054 ** 2)), 12);
    expect(trustLevel(c(3, 0, 0, 2)).level).toBe('PROVISIONAL');
  });

  it('is PROVISIONAL below the 0.8 bar on either rate, and TRUSTED when both Wilson lower bounds reach it', () => {
    const t = trustLevel(c(5, 0, 0, 5));
    expect(t.level).toBe('PROVISIONAL');
    expect(t.heldBy).toEqual(['tpr-bound', 'tnr-bound']);
    // wilson(16, 16).low = 0.8064 >= 0.8; wilson(15, 15).low = 0.7962 (scipy binomtest proportion_ci).
    expect(trustLevel(c(16, 0, 0, 16)).level).toBe('TRUSTED');
    expect(trustLevel(c(16, 0, 0, 15)).heldBy).toEqual(['tnr-bound']);
  });
});

describe('trust: what would raise it', () => {
  const c = (tp: number, fn: number, fp: number, tn: number) => ({ tp, fn, fp, tn });

  it('computes the labels to reach TRUSTED per verdict, exactly at the bar', () => {
    expect(trustLevel(c(10, 0, 0, 10)).next).toEqual({ level: 'TRUSTED', reachable: true, pass: 6, fail: 6, assumesAgreement: false });
    // At 90% observed: the smallest n with Wilson low(0.9, n) >= 0.8 is 62 (0.80053; n = 61 gives
    // 0.79953), so 52 more of each verdict on top of the 10.
    const nine = trustLevel(c(9, 1, 1, 9)).next;
    expect(nine).toMatchObject({ reachable: true, pass: 52, fail: 52 });
  });

  it('is monotone: one more agreeing label never asks for more labels', () => {
    let previous = Infinity;
    for (let n = 10; n <= 60; n++) {
      const next = trustLevel(c(n, 0, 1, n)).next;
      if (!next?.reachable) continue;
      const total = next.pass + next.fail;
      expect(total).toBeLessThanOrEqual(previous);
      previous = total;
    }
  });

  it('finds the fewest labels to reach PROVISIONAL, and says cannot when the rates can never get there', () => {
    const onlyFail = trustLevel(c(0, 0, 0, 1));
    expect(onlyFail.level).toBe('UNTRUSTED');
    expect(onlyFail.next).toMatchObject({ level: 'PROVISIONAL', reachable: true, assumesAgreement: true });
    const n = onlyFail.next as { pass: number; fail: number };
    // With every new label agreeing, the bound must be above 0 with those labels and not with one fewer.
    const after = trustLevel(c(n.pass, 0, 0, 1 + n.fail));
    expect(after.level).toBe('PROVISIONAL');
    expect(trustLevel(c(n.pass - 1, 0, 0, 1 + n.fail)).level).toBe('UNTRUSTED');
    expect(trustLevel(c(3, 3, 3, 3)).next).toEqual({ level: 'PROVISIONAL', reachable: false, because: 'j' });
  });
});
