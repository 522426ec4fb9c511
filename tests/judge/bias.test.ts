import { beforeEach, describe, expect, it } from 'vitest';
import { biasProbes, type ProbeInput } from '../../src/judge/bias.js';
import { modelFamily } from '../../src/judge/family.js';
import type { CallResult } from '../../src/record/schema.js';
import { runCli, workdir } from '../helpers/cli.js';
import { wireFixture } from '../helpers/wire.js';

describe('model families', () => {
  it('are read from the model name, gateway prefixes included', () => {
    expect(modelFamily('gpt-4o-mini')).toBe('openai');
    expect(modelFamily('o3-mini')).toBe('openai');
    expect(modelFamily('claude-haiku-4-5')).toBe('anthropic');
    expect(modelFamily('meta-llama/Llama-3.1-8B-Instruct')).toBe('meta');
    expect(modelFamily('openai/gpt-4o')).toBe('openai');
    expect(modelFamily('llama3.2')).toBe('meta');
    expect(modelFamily('my-fine-tune')).toBeNull();
  });
});

const result = (provider: string, example: number, output: string): CallResult =>
  ({ prompt: 'p', provider, example, repeat: 0, output, pass: true, checks: [], judge: null, error: null }) as unknown as CallResult;

describe('bias probes on plain data', () => {
  const base: ProbeInput = {
    judge: 'j',
    judgeModels: [{ id: 'j', model: 'gpt-4o' }],
    providers: [
      { id: 'mini', model: 'gpt-4o-mini' },
      { id: 'haiku', model: 'claude-haiku-4-5' },
    ],
    labels: [],
    results: [],
    samples: 1,
    splits: { k: 0, n: 0 },
  };

  it('measure the family gap on labels attributed to the row that wrote them', () => {
    // The judge passes every bad output of its own family (8 of them) and none of the other's.
    const labels: ProbeInput['labels'] = [];
    const results: CallResult[] = [];
    for (let i = 0; i < 8; i++) {
      labels.push({ example: i, output: `mine ${i}`, verdict: 'fail', judged: 'pass' }, { example: i, output: `theirs ${i}`, verdict: 'fail', judged: 'fail' });
      results.push(result('mini', i, `mine ${i}`), result('haiku', i, `theirs ${i}`));
    }
    const probes = biasProbes({ ...base, labels, results });
    expect(probes.selfPreference.sameFamily).toEqual([{ judge: 'j', provider: 'mini', family: 'openai' }]);
    expect(probes.selfPreference.families).toBe(2);
    expect(probes.selfPreference.labels).toEqual({ own: 8, other: 8 });
    expect(probes.selfPreference.effect).toBe(1);
    // With a +1 and a −1 added to each group: means 0.8 and 0, variances of the means 0.04 and 1/45, by hand.
    expect(probes.selfPreference.low).toBeCloseTo(0.8 - 1.959963984540054 * Math.sqrt(0.04 + 1 / 45), 12);
    expect(probes.selfPreference.shown).toBe(true);
    // On 4 labels each the same gap cannot be told from none: 2/3 − z·√(1/9 + 1/15) < 0.
    const few = biasProbes({ ...base, labels: labels.filter((l) => l.example < 4), results });
    expect(few.selfPreference.low).toBeCloseTo(2 / 3 - 1.959963984540054 * Math.sqrt(1 / 9 + 1 / 15), 12);
    expect(few.selfPreference.shown).toBe(false);
    // At the same gap the interval shrinks as 1/√labels: (distance from the gap to the bound facing 0 / gap)²
    // times the 8 labels (here 1 − low = 1.20…, so 12), and always more labels than there are.
    const towardZero = few.selfPreference.effect! - few.selfPreference.low!;
    expect(few.selfPreference.needLabels).toBe(Math.ceil(8 * (towardZero / few.selfPreference.effect!) ** 2));
    expect(few.selfPreference.needLabels).toBeGreaterThan(8);
    // Consistency is not measured with one sample.
    expect(probes.consistency).toMatchObject({ effect: null, shown: false });
  });

  it('measure consistency as the flip rate across samples with a Wilson interval', () => {
    const probes = biasProbes({ ...base, samples: 3, splits: { k: 3, n: 12 } });
    expect(probes.consistency).toMatchObject({ samples: 3, labels: 12, flips: 3, effect: 0.25, shown: true });
    // scipy.stats.binomtest(3, 12).proportion_ci(method='wilson') = (0.0892, 0.5323)
    expect(probes.consistency.low).toBeCloseTo(0.08894, 4);
    expect(probes.consistency.high).toBeCloseTo(0.53231, 4);
  });
});

// A verbose-loving judge: it passes every output longer than 30 characters and grades the rest right.
const graded = (text: string) => /<output_to_grade>\n([^\n]*)\n<\/output_to_grade>/.exec(text)?.[1] ?? '';
const fixture = wireFixture({
  rules: [
    {
      match: '<output_to_grade>',
      reply: (req) => {
        const out = graded(req.text);
        const pass = out.length > 30 || out.startsWith('good');
        return JSON.stringify({ verdict: pass ? 'pass' : 'fail', reason: 'scripted' });
      },
    },
    { match: 'Answer', reply: 'an answer' },
  ],
});
beforeEach(() => fixture.server.reset());

const long = ' and then a great deal more words';
const labelLines = (i: number) =>
  [`good ${i}`, `good ${i}${long}`, `bad ${i}`, `bad ${i}${long}`, `bad ${i + 4}`, `bad ${i + 4}${long}`]
    .map((o) => `      - { output: "${o}", verdict: ${o.startsWith('good') ? 'pass' : 'fail'} }`)
    .join('\n');
const task = (judge: string) => `
name: probes
prompt: "Answer {{i}}."
providers: [openai:gpt-4o-mini]
examples:
${[0, 1, 2, 3].map((i) => `  - vars: { i: "${i}" }\n    labels:\n${labelLines(i)}`).join('\n')}
judge:
  model: ${judge}
  rubric: Pass good answers.
settings: { concurrency: 4, max_retries: 0 }
`;

describe('bias probes, end to end', () => {
  it('catch a judge that passes every long output, and the gate fails on it', async () => {
    const dir = await workdir({ 'task.yaml': task('openai:gpt-4o') });
    const res = await runCli(['eval', 'task.yaml', '--json', '--max-judge-bias', '0'], { env: fixture.env, cwd: dir });
    expect(res.code).toBe(1);
    const record = JSON.parse(res.stdout);
    const { length, selfPreference } = record.judge.probes;
    // Human fail: the 8 long bad outputs judged pass, the 8 short ones fail; every pair says "longer passes".
    expect(length).toMatchObject({ labels: 16, pairs: 64, auc: 1, effect: 1, high: 1, shown: true, needLabels: null });
    expect(length.low).toBeCloseTo(2 * 0.7556465610233913 - 1, 9);
    // The judge and the model under test are both OpenAI models.
    expect(selfPreference.sameFamily).toEqual([{ judge: 'openai:gpt-4o', provider: 'openai:gpt-4o-mini', family: 'openai' }]);
    const gate = record.gates.checks.find((c: any) => c.name === 'max-judge-bias' && c.row.endsWith('length'));
    expect(gate).toMatchObject({ pass: false, limit: 0 });
    expect(gate.actual).toBeCloseTo(length.low, 12);

    const text = await runCli(['eval', 'task.yaml'], { env: fixture.env, cwd: dir });
    expect(text.stdout).toContain('Bias probes of openai:gpt-4o');
    expect(text.stdout).toMatch(
      /length: outputs the judge passed are longer .* in 100% of 64 pairs, 16 labels; rank-biserial \+1\.00 \[\+0\.51, \+1\.00\]: BIAS SHOWN/,
    );
    expect(text.stdout).toContain('self-preference: FLAGGED: openai:gpt-4o and openai:gpt-4o-mini are both openai');
    expect(text.stdout).toContain('consistency: not measured: set judge.samples to 3 or more');
  });

  it('flag no self-preference for a judge of another family; a loose gate passes', async () => {
    const dir = await workdir({ 'task.yaml': task('anthropic:claude-haiku-4-5') });
    const res = await runCli(['eval', 'task.yaml', '--json', '--max-judge-bias', '0.6'], { env: fixture.env, cwd: dir });
    const record = JSON.parse(res.stdout);
    expect(record.judge.probes.selfPreference).toMatchObject({ judgeFamilies: ['anthropic'], sameFamily: [], families: 1, effect: null });
    // The length effect's interval starts at +0.51: within a tolerance of 0.6 the gate passes.
    expect(record.gates.checks.filter((c: any) => c.name === 'max-judge-bias').map((c: any) => c.pass)).toEqual([true, true, true]);
    expect(res.code).toBe(0);
  });
});
