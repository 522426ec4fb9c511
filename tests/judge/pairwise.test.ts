import { beforeEach, describe, expect, it } from 'vitest';
import { summarizePairs, type PairOutcome } from '../../src/judge/pairwise.js';
import { runCli, workdir } from '../helpers/cli.js';
import { wireFixture } from '../helpers/wire.js';

const response = (text: string, n: 1 | 2) => new RegExp(`<response_${n}>\\n([^\\n]*)\\n</response_${n}>`).exec(text)?.[1] ?? '';
const pick = (winner: string) => JSON.stringify({ winner, reason: 'scripted' });
// Judges by model: "fair" picks the answer that says "better" wherever it is shown; "first" always picks response 1.
const fixture = wireFixture({
  rules: [
    {
      match: '<response_1>',
      reply: (req) => (req.model === 'first' ? pick('1') : pick(response(req.text, 1).includes('better') ? '1' : '2')),
    },
    { match: '<output_to_grade>', reply: JSON.stringify({ verdict: 'pass', reason: 'fine' }) },
    { match: /^Plainly answer (\d)/, reply: (req) => `plain answer ${req.lastUser.slice(-2, -1)}` },
    { match: /^Carefully answer (\d)/, reply: (req) => `better answer ${req.lastUser.slice(-2, -1)}` },
  ],
});
beforeEach(() => fixture.server.reset());

const task = (judge: string, prompts = 2) => `
name: pairs
prompts:
  - { id: plain, user: "Plainly answer {{i}}." }
${prompts > 1 ? '  - { id: careful, user: "Carefully answer {{i}}." }' : ''}
providers: [openai:gpt-4o-mini]
examples:
${[1, 2, 3, 4, 5, 6].map((i) => `  - vars: { i: "${i}" }`).join('\n')}
judge:
  model: { type: openai, model: ${judge}, price: { input_per_mtok: 1, output_per_mtok: 1 } }
  rubric: The better answer wins.
  mode: pairwise
settings: { concurrency: 4, max_retries: 0 }
`;

describe('pairwise outcomes', () => {
  it('count a win only when it survives the swap, and ties and order-dependent picks apart', () => {
    const o = (ab: PairOutcome['ab'], ba: PairOutcome['ba']): PairOutcome => ({ example: 0, repeat: 0, ab, ba, costUsd: 0 });
    const s = summarizePairs({ provider: 'm', a: 'x', b: 'y', judge: 'j' }, [
      o('second', 'first'), // B both times
      o('first', 'second'), // A both times
      o('first', 'first'), // position 1 both times: order-dependent
      o('tie', 'first'), // a tie one way
      o('second', null), // unreadable once
    ]);
    expect(s).toMatchObject({ pairs: 5, aWins: 1, bWins: 1, ties: 1, orderDependent: 1, errors: 1 });
    // Decisive picks: 8 of 9 picks, 5 of them of the first position.
    expect(s.position).toMatchObject({ k: 5, n: 8 });
  });

  it('test by example: repeats of one example are one unit of the sign test', () => {
    const won = (example: number, repeat: number): PairOutcome => ({ example, repeat, ab: 'second', ba: 'first', costUsd: 0 });
    // Six wins of B, but on two examples only (three repeats each): no sign test on 2 units can tell.
    const s = summarizePairs(
      { provider: 'm', a: 'x', b: 'y', judge: 'j' },
      [0, 1].flatMap((e) => [0, 1, 2].map((r) => won(e, r))),
    );
    expect(s).toMatchObject({ bWins: 6, examples: { a: 0, b: 2 } });
    expect(s.pValue).toBeCloseTo(0.5, 12); // scipy.stats.binomtest(0, 2).pvalue
    // Wilson at n = 2 examples, not 6 pairs: scipy binomtest(2, 2).proportion_ci(method='wilson').low = 0.34238
    expect(s.winRate.low).toBeCloseTo(0.3423802275066532, 9);
  });
});

describe('judge.mode: pairwise, end to end', () => {
  it('finds the better variant by the exact sign test, with a fair judge that shows no position bias', async () => {
    const dir = await workdir({ 'task.yaml': task('fair') });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env: fixture.env, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const [c] = JSON.parse(res.stdout).pairwise;
    expect(c).toMatchObject({ provider: 'openai:gpt-4o-mini', a: 'plain', b: 'careful', pairs: 6, aWins: 0, bWins: 6, ties: 0, orderDependent: 0, errors: 0 });
    // scipy.stats.binomtest(0, 6).pvalue = 0.03125; binomtest(6, 6).proportion_ci(method='wilson') = (0.60967, 1)
    expect(c.pValue).toBeCloseTo(0.03125, 12);
    expect(c.winRate.low).toBeCloseTo(0.6096657120978346, 9);
    expect(c.position).toMatchObject({ k: 6, n: 12, pValue: 1 });
    expect(c.items).toHaveLength(6);
    expect(c.items[0]).toMatchObject({ ab: 'second', ba: 'first' });
    // 12 model calls, 12 pointwise gradings, 12 pairwise questions (6 pairs, both orders).
    expect(fixture.server.requests.filter((r) => r.messages.some((m) => m.content.includes('<response_1>')))).toHaveLength(12);

    const text = await runCli(['eval', 'task.yaml'], { env: fixture.env, cwd: dir });
    expect(text.stdout).toContain('careful vs plain on openai:gpt-4o-mini');
    expect(text.stdout).toMatch(/win rate of careful 6\/6 100% \[61%, 100%\]: careful better \(exact sign test p=0\.031\)/);
  });

  it('detects a judge that always picks the first answer', async () => {
    const dir = await workdir({ 'task.yaml': task('first') });
    const res = await runCli(['eval', 'task.yaml', '--json'], { env: fixture.env, cwd: dir });
    const [c] = JSON.parse(res.stdout).pairwise;
    expect(c).toMatchObject({ aWins: 0, bWins: 0, orderDependent: 6, position: { k: 12, n: 12 } });
    // scipy.stats.binomtest(12, 12).pvalue = 0.00048828125
    expect(c.position.pValue).toBeCloseTo(0.00048828125, 12);
    const text = await runCli(['eval', 'task.yaml'], { env: fixture.env, cwd: dir });
    expect(text.stdout).toContain('6 order-dependent');
    expect(text.stdout).toMatch(/picked the response shown first in 12 of 12 picks 100% \[76%, 100%\]: POSITION BIAS/);
    expect(text.stdout).toContain('no pair kept its winner when the order was swapped');
  });

  it('needs two prompt variants, and counts its calls in the dry run', async () => {
    const one = await workdir({ 'task.yaml': task('fair', 1) });
    const bad = await runCli(['validate', 'task.yaml'], { cwd: one });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('judge.mode: pairwise compares prompt variants: needs two or more `prompts` (has 1)');
    const dir = await workdir({ 'task.yaml': task('fair') });
    const dry = await runCli(['eval', 'task.yaml', '--dry-run', '--json'], { env: fixture.env, cwd: dir });
    // 12 model calls, at most 12 gradings, 12 pairwise questions.
    expect(JSON.parse(dry.stdout).calls).toEqual({ low: 12, high: 36 });
  });
});
