import { describe, expect, it } from 'vitest';
import { askJudge, UNPARSEABLE } from '../src/judge/ask.js';
import { calibrate, leaveOneOut, selectCandidate, type CandidateReport, type LabeledItem } from '../src/judge/calibrate.js';
import { judgeMessages, parseVerdict } from '../src/judge/prompt.js';
import { labelsToReach, trustLevel } from '../src/judge/trust.js';
import { createLimiter } from '../src/run/limiter.js';
import type { CallContext } from '../src/run/call.js';
import type { Completion, CompletionRequest, Example, JudgeCandidate, ModelClient, ProviderSpec } from '../src/types.js';

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
  const e0 = ex(0, [{ output: 'good0', verdict: 'pass' }, { output: 'bad0', verdict: 'fail' }]);
  const e1 = ex(1, [{ output: 'good1', verdict: 'pass' }, { output: 'bad1', verdict: 'fail' }]);
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
    const cal = await calibrate({ candidates: [candidate('lenient'), candidate('perfect')], samples: 3 }, clients, items(), ctx, createLimiter(2));
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
  const report = (tp: number, fn: number, fp: number, tn: number) => {
    const n = tp + fn + fp + tn;
    const k = tp + tn;
    const tpr = tp / (tp + fn);
    const tnr = tn / (tn + fp);
    // The agreement lower bound is set per case below (withLow), from scipy.stats.binomtest(k, n).proportion_ci(method='wilson').
    return { n, agreement: { k, n, rate: k / n, low: null as number | null, high: null }, tpr, tnr, j: tpr + tnr - 1, confusion: { tp, fn, fp, tn } } as unknown as CandidateReport;
  };
  const withLow = (r: CandidateReport, low: number) => ({ ...r, agreement: { ...r.agreement, low } });

  it('is UNCALIBRATED without labels', () => {
    expect(trustLevel(undefined).level).toBe('UNCALIBRATED');
  });
  it('is UNTRUSTED when J <= 0 or the agreement lower bound is under 0.5', () => {
    expect(trustLevel(withLow(report(3, 0, 3, 0), 0.3)).level).toBe('UNTRUSTED');
    expect(trustLevel(withLow(report(2, 1, 1, 2), 0.29999)).level).toBe('UNTRUSTED');
  });
  it('is PROVISIONAL with fewer than 16 labels or 3 of a verdict, and says what would raise it', () => {
    const t = trustLevel(withLow(report(5, 0, 0, 5), 0.7224672001371109)); // binomtest(10, 10) wilson low
    expect(t.level).toBe('PROVISIONAL');
    expect(t.next).toMatch(/^to reach TRUSTED: \d+ more of either verdict/);
    const few = trustLevel(withLow(report(15, 0, 0, 2), 0.8156818649911483)); // binomtest(17, 17)
    expect(few.level).toBe('PROVISIONAL');
    expect(few.next).toContain('1 more fail label');
  });
  it('is TRUSTED with 30 of 30 agreeing', () => {
    expect(trustLevel(withLow(report(15, 0, 0, 15), 0.8864866068260312)).level).toBe('TRUSTED'); // binomtest(30, 30)
  });
  it('counts the labels needed to lift the lower bound', () => {
    expect(labelsToReach(10, 10, 0.8)).toBe(6); // wilson(16, 16).low = 0.806 >= 0.8; wilson(15, 15).low = 0.796
    expect(labelsToReach(5, 10, 0.8)).toBeNull();
  });
});

describe('trust: what would raise it', () => {
  it('asks for one label of a missing verdict to reach PROVISIONAL, and three of each for TRUSTED', () => {
    const onlyFail = { n: 1, agreement: { k: 1, n: 1, rate: 1, low: 0.20654931437723745, high: 1 }, tpr: null, tnr: 1, j: null, confusion: { tp: 0, fn: 0, fp: 0, tn: 1 } } as unknown as CandidateReport;
    const t = trustLevel(onlyFail);
    expect(t.level).toBe('UNTRUSTED');
    // wilson(4, 4).low = 0.5101 >= 0.5: three more labels, one of them a pass.
    expect(t.next).toBe('to reach PROVISIONAL: 1 more pass label and 2 more of either verdict (if the judge keeps agreeing at 100%)');
  });
});
