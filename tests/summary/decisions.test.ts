import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mcnemarExact } from '../../src/stats/index.js';
import { runInProcess } from '../helpers/io.js';
import { workdir } from '../helpers/cli.js';
import { startWireServer, type WireServer } from '../server/wire-server.mjs';

// Scripted judges: the verdict depends only on the graded output, so every figure is known in advance.
const graded = /<output_to_grade>\n([\s\S]*?)\n<\/output_to_grade>/;
const verdict = (v: 'pass' | 'fail') => JSON.stringify({ verdict: v, reason: `scripted ${v}` });

let server: WireServer;
let env: Record<string, string>;
/** Outputs the scripted judge fails; everything else it passes. */
let judgeFails = new Set<string>();
/** What the model under test answers to "Question qN." (and how often it has been asked). */
let answer: (i: number, asked: number) => string = (i) => `a${i}`;
const asked = new Map<number, number>();

beforeAll(async () => {
  server = await startWireServer({
    defaultReply: (req) => {
      const output = graded.exec(req.lastUser)?.[1];
      if (output !== undefined) return verdict(judgeFails.has(output) ? 'fail' : 'pass');
      const i = Number(/q(\d+)\./.exec(req.lastUser)?.[1]);
      const n = asked.get(i) ?? 0;
      asked.set(i, n + 1);
      return answer(i, n);
    },
  });
  env = { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: 'test-key' };
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  asked.clear();
  judgeFails = new Set();
  answer = (i) => `a${i}`;
});

const examples = (n: number, labels: (i: number) => string[] = () => []) =>
  Array.from({ length: n }, (_, i) => {
    const ls = labels(i);
    return `  - vars: { q: "q${i}" }\n    expected: "a${i}"${ls.length ? `\n    labels:\n${ls.map((l) => `      - ${l}`).join('\n')}` : ''}`;
  }).join('\n');

const task = (body: string, extra = '') => `
name: decisions
prompts:
  - id: p
    user: "Question {{q}}."
providers:
  - openai:gpt-4o-mini
${body}
${extra}
settings: { concurrency: 4, max_retries: 0 }
`;

const JUDGE = `judge:\n  model: openai:gpt-4o\n  rubric: Pass if the answer is right.`;

describe('trust follows both error rates', () => {
  // 40 pass labels the judge agrees with, 4 fail labels of which it passes 3: 41/44 agreement.
  const imbalanced = task(
    `examples:\n${examples(8, (i) => [...[0, 1, 2, 3, 4].map((k) => `{ output: "good-${i}-${k}", verdict: pass }`), ...(i < 4 ? [`{ output: "bad-${i}", verdict: fail }`] : [])])}\n${JUDGE}`,
    'gates: { min_quality: 0.9 }',
  );

  it('an imbalanced label set is not TRUSTED, and the line says TNR holds it back and cannot be lifted by labels', async () => {
    judgeFails = new Set(['bad-0']);
    const dir = await workdir({ 'task.yaml': imbalanced });
    const json = await runInProcess(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    const record = JSON.parse(json.stdout);
    expect(record.judge.trust).toMatchObject({ level: 'PROVISIONAL', heldBy: ['tnr-bound'], tnr: { k: 1, n: 4 }, tpr: { k: 40, n: 40 } });
    expect(record.judge.trust.next).toEqual({ level: 'TRUSTED', reachable: false, because: 'tnr' });
    expect(record.judge.candidates[0].agreement).toMatchObject({ k: 41, n: 44 });
    const text = await runInProcess(['eval', 'task.yaml'], { env, cwd: dir });
    expect(text.stdout).toContain('PROVISIONAL (TNR 1/4 (lower bound 0.05) < 0.8)');
    expect(text.stdout).toContain("to reach TRUSTED: cannot: the judge's TNR on your labels (25%) is not above 80%");
  });

  it('decides on the point estimate by default and on the one-sided bound with --confidence, in gate and recommendation alike', async () => {
    judgeFails = new Set(['bad-0']);
    const dir = await workdir({ 'task.yaml': imbalanced });
    const estimate = await runInProcess(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect(estimate.code).toBe(0);
    const a = JSON.parse(estimate.stdout);
    const gate = a.gates.checks.find((c: { name: string }) => c.name === 'min-quality');
    expect(gate).toMatchObject({ pass: true, basis: 'corrected', confidence: 'estimate', bound: null });
    expect(gate.pAtLeast).toBeGreaterThan(0);
    expect(gate.pAtLeast).toBeLessThan(1);
    expect(a.recommendation).toMatchObject({ kind: 'pick', confidence: 'estimate' });

    const bound = await runInProcess(['eval', 'task.yaml', '--json', '--confidence', '0.95'], { env, cwd: dir });
    expect(bound.code).toBe(1);
    const b = JSON.parse(bound.stdout);
    const strict = b.gates.checks.find((c: { name: string }) => c.name === 'min-quality');
    expect(strict).toMatchObject({ pass: false, confidence: 0.95 });
    expect(strict.actual).toBe(strict.bound);
    expect(strict.bound).toBeLessThan(0.9);
    expect(b.recommendation).toMatchObject({ kind: 'none', why: 'below-limit', confidence: 0.95 });
    const text = await runInProcess(['eval', 'task.yaml', '--confidence', '0.95'], { env, cwd: dir });
    expect(text.stdout).toMatch(/corrected quality, 95% one-sided lower bound; estimate 100%; P\(q ≥ limit\) \d+%/);
    expect(text.stdout).toContain('on the 95% one-sided lower bound');
  });

  it('refuses bad --confidence values (exit 2)', async () => {
    const dir = await workdir({ 'task.yaml': imbalanced });
    for (const bad of ['1', '0.3', 'high', '']) expect((await runInProcess(['eval', 'task.yaml', '--confidence', bad], { env, cwd: dir })).code).toBe(2);
    expect(server.stats().total).toBe(0);
  });
});

describe('never decide on an untrusted judge', () => {
  // Three pass and three fail labels; the judge fails one of each: J = 1/3, not shown better than chance.
  const labels = (i: number) => (i < 3 ? [`{ output: "good-${i}", verdict: pass }`, `{ output: "bad-${i}", verdict: fail }`] : []);
  const untrusted = (gates: string) => task(`examples:\n${examples(6, labels)}\n${JUDGE}`, gates);

  it('fails the quality gate with the reason, makes no recommendation, and still shows the corrected interval', async () => {
    judgeFails = new Set(['good-0', 'bad-1', 'bad-2']);
    const dir = await workdir({ 'task.yaml': untrusted('gates: { min_quality: 0.5 }') });
    const res = await runInProcess(['eval', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('UNTRUSTED (not shown better than chance');
    expect(res.stdout).toMatch(/min-quality .* unknown .* FAIL .* judge untrusted: quality cannot be measured/);
    expect(res.stdout).toContain('Recommendation: none can be made');
    expect(res.stdout).toMatch(/\d+% \[\d+%, \d+%\] \(untrusted\)/);
    expect(res.stdout).not.toMatch(/corrected quality \d/);
  });

  it('with gates.allow_untrusted_judge decides on the raw votes, and says so', async () => {
    judgeFails = new Set(['good-0', 'bad-1', 'bad-2']);
    const dir = await workdir({ 'task.yaml': untrusted('gates: { min_quality: 0.5, allow_untrusted_judge: true }') });
    const res = await runInProcess(['eval', 'task.yaml'], { env, cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('raw judge votes (untrusted judge allowed by gates.allow_untrusted_judge)');
  });

  it('accepts judge.candidates in the short form, like providers', async () => {
    const body = `examples:\n${examples(6, labels)}\njudge:\n  rubric: Pass if right.\n  candidates:\n    - openai:gpt-4o\n    - { model: openai:gpt-4.1-mini, rubric: Pass if exactly right. }`;
    const dir = await workdir({ 'task.yaml': task(body) });
    const ok = await runInProcess(['validate', 'task.yaml'], { env, cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('judge: openai:gpt-4o, openai:gpt-4.1-mini');
    const record = JSON.parse((await runInProcess(['eval', 'task.yaml', '--json'], { env, cwd: dir })).stdout);
    expect(record.judge.candidates.map((c: { id: string }) => c.id)).toEqual(['openai:gpt-4o', 'openai:gpt-4.1-mini']);
  });
});

describe('the example is the unit: repeats are clusters', () => {
  it('a baseline run again with repeat 3 and a wobble on five examples is not a significant regression', async () => {
    const thirty = task(`examples:\n${examples(30)}\nchecks:\n  - type: equals`, 'settings: { concurrency: 4, max_retries: 0, repeat: 3 }').replace(
      'settings: { concurrency: 4, max_retries: 0 }\n',
      '',
    );
    const dir = await workdir({ 'task.yaml': thirty });
    expect((await runInProcess(['eval', 'task.yaml', '--no-cache', '-o', 'base.json'], { env, cwd: dir })).code).toBe(0);
    // Now five examples fail on all three repeats: 15 calls went pass -> fail.
    answer = (i) => (i < 5 ? 'wrong' : `a${i}`);
    const res = await runInProcess(['eval', 'task.yaml', '--no-cache', '--baseline', 'base.json', '--max-regression', '0.05', '--json'], { env, cwd: dir });
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    // Per call, McNemar on 90 pairs would call this highly significant; per example it cannot tell.
    expect(mcnemarExact(15, 0)).toBeLessThan(0.001);
    expect(record.baseline.rows[0]).toMatchObject({ examples: 30, worse: 5, better: 0, canTell: false, repeat: 3 });
    expect(record.baseline.rows[0].pValue).toBeCloseTo(2 ** -4, 12);
    const gate = record.gates.checks.find((c: { name: string }) => c.name === 'max-regression');
    expect(gate).toMatchObject({ pass: true, inconclusive: true, why: { code: 'not-significant' } });
    // And the interval of the row counts examples, not calls: 25 of 30 examples pass.
    expect(record.summary[0].quality.nEff).toBe(30);
    expect(record.summary[0].flipRate).toBe(0);
  });

  it('shows the flip rate when repeats disagree', async () => {
    const six = task(`examples:\n${examples(6)}\nchecks:\n  - type: equals`).replace(
      'settings: { concurrency: 4, max_retries: 0 }',
      'settings: { concurrency: 1, max_retries: 0, repeat: 2 }',
    );
    answer = (i, n) => (i === 0 && n === 1 ? 'wrong' : `a${i}`);
    const dir = await workdir({ 'task.yaml': six });
    const res = await runInProcess(['eval', 'task.yaml', '--no-cache'], { env, cwd: dir });
    expect(res.stdout).toMatch(/│ flip +│/);
    expect(res.stdout).toContain('17%'); // 1 of 6 examples flipped
  });
});

describe('reproducible to the digit', () => {
  it('prints the same corrected interval for the same seed, and moves by at most 0.002 across seeds', async () => {
    const labels = (i: number) => [`{ output: "good-${i}", verdict: pass }`, `{ output: "bad-${i}", verdict: fail }`];
    const dir = await workdir({ 'task.yaml': task(`examples:\n${examples(12, labels)}\n${JUDGE}`) });
    judgeFails = new Set(['bad-0', 'bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5', 'bad-6', 'bad-7', 'bad-8', 'good-9', 'a3']);
    const corrected = async (seed: string) =>
      JSON.parse((await runInProcess(['eval', 'task.yaml', '--json', '--seed', seed], { env, cwd: dir })).stdout).summary[0].corrected;
    const one = await corrected('1');
    expect(await corrected('1')).toEqual(one);
    for (const seed of ['2', '3', '4']) {
      const other = await corrected(seed);
      expect(Math.abs(other.low - one.low)).toBeLessThan(0.004);
      expect(Math.abs(other.high - one.high)).toBeLessThan(0.004);
    }
  });
});

describe('labels drawn at random: prediction-powered inference', () => {
  const labels = (i: number) => (i < 3 ? [`{ output: "good-${i}", verdict: pass }`, `{ output: "bad-${i}", verdict: fail }`] : []);
  const forty = task(`examples:\n${examples(40, labels)}\n${JUDGE}`);

  it('label --random records a random sample, and the next eval uses it when it gives the narrower valid interval', async () => {
    // The judge wrongly fails six right answers; the human (here: always "p") passes what they see.
    judgeFails = new Set(['bad-0', 'bad-1', 'bad-2', 'a3', 'a9', 'a14', 'a20', 'a27', 'a33']);
    const dir = await workdir({ 'task.yaml': forty });
    const first = JSON.parse((await runInProcess(['eval', 'task.yaml', '--json'], { env, cwd: dir })).stdout);
    expect(first.summary[0].corrected.method).toBe('misclassification');
    const label = await runInProcess(['label', 'task.yaml', '--random', '20', '--seed', '5'], { env, cwd: dir, input: 'p\n'.repeat(20) });
    expect(label.code, label.stderr).toBe(0);
    expect(label.stdout).toMatch(/Labeling 20 output\(s\) drawn at random from p × openai:gpt-4o-mini .* \(40 judged outputs, 40 not yet labeled\)/);
    expect(label.stdout).toContain('drawn at random: 1 of 20 from 40 judged outputs');
    const again = JSON.parse((await runInProcess(['eval', 'task.yaml', '--json'], { env, cwd: dir })).stdout);
    const sampled = again.judge.labels.filter((l: { sample?: unknown }) => l.sample);
    expect(sampled).toHaveLength(20);
    expect(new Set(sampled.map((l: { sample: { frame: string } }) => l.sample.frame)).size).toBe(1);
    const corrected = again.summary[0].corrected;
    expect(corrected).toMatchObject({ method: 'ppi', randomLabels: 20 });
    expect(corrected.high - corrected.low).toBeLessThan(first.summary[0].corrected.high - first.summary[0].corrected.low);
    const text = await runInProcess(['eval', 'task.yaml'], { env, cwd: dir });
    expect(text.stdout).toMatch(/\(PPI, 20 random labels; provisional\)/);
  });

  it('uses random labels only on the outputs they were drawn from', async () => {
    judgeFails = new Set(['bad-0', 'bad-1', 'bad-2', 'a3', 'a9']);
    const dir = await workdir({ 'task.yaml': forty });
    await runInProcess(['eval', 'task.yaml', '--json'], { env, cwd: dir });
    expect((await runInProcess(['label', 'task.yaml', '--random', '12'], { env, cwd: dir, input: 'p\n'.repeat(12) })).code).toBe(0);
    // The model now answers differently: the row is no longer the sample frame.
    answer = (i) => `A${i}`;
    const record = JSON.parse((await runInProcess(['eval', 'task.yaml', '--json', '--no-cache'], { env, cwd: dir })).stdout);
    expect(record.summary[0].corrected.method).toBe('misclassification');
  });
});
