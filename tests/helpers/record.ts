import { trustLevel } from '../../src/judge/trust.js';
import { RUN_SCHEMA, type RunRecord } from '../../src/record/schema.js';
import { recommend } from '../../src/summary/recommend.js';
import { summarize } from '../../src/summary/summarize.js';
import type { DecisionSettings } from '../../src/record/schema.js';
import type { CallResult } from '../../src/record/schema.js';
import type { ProviderSpec } from '../../src/task/types.js';

/** Model outputs that would run script, break a table, a CSV line or an XML document if written raw. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '<img src=x onerror="window.__pwned=2">',
  mixed: [
    '</pre></td></tr></table><script>window.__pwned=4</script>',
    '<svg onload="window.__pwned=5"><iframe src="javascript:window.__pwned=6"></iframe>',
    '<style>body{display:none}</style><a href="https://example.com/x">link</a>',
    '| a | b |\n| --- | --- |',
    'ctrl:\u0000\u0007\u001b[31m lone:\ud800 end',
  ].join('\n'),
  csv: 'Sydney, "the big one",\r\nnext line\nlast, "quoted ""twice"""',
  judge: '<b onmouseover="window.__pwned=7">wrong city</b>',
} as const;

const base = { usage: { inputTokens: 10, outputTokens: 5 }, cached: false, retries: 0 };

function call(provider: string, example: number, repeat: number, outcome: Partial<CallResult>): CallResult {
  return {
    prompt: 'plain',
    provider,
    example,
    repeat,
    output: 'ok',
    error: null,
    ...base,
    costUsd: provider === 'openai:m' ? 0.0001 : 0.004,
    latencyMs: 200 + example * 10 + repeat,
    checks: [{ type: 'regex', pass: true, reason: 'matches' }],
    judge: { verdict: 'pass', reason: 'same fact', source: 'judge' },
    pass: true,
    ...outcome,
  };
}

const fail = (reason: string): Partial<CallResult> => ({ judge: { verdict: 'fail', reason, source: 'judge' }, pass: false });
const error: Partial<CallResult> = { output: null, error: '429 rate limited', usage: null, costUsd: null, checks: [], judge: null, pass: null };

/**
 * A run of two rows x three examples x two repeats, not complete: every verdict kind (pass, check
 * fail, judge fail, error, never run), a failed gate, a calibrated judge, and hostile outputs.
 */
export function makeRecord(): RunRecord {
  const results: CallResult[] = [
    call('openai:m', 0, 0, {}),
    call('openai:m', 0, 1, { output: HOSTILE.csv }),
    call('openai:m', 1, 0, {}),
    call('openai:m', 1, 1, { output: HOSTILE.mixed, ...fail('wrong city') }),
    call('openai:m', 2, 0, error),
    call('openai:m', 2, 1, error),
    call('anthropic:h', 0, 0, {
      output: HOSTILE.script,
      checks: [{ type: 'regex', pass: false, reason: 'does not match ^(low|medium|high)$' }],
      judge: null,
      pass: false,
    }),
    call('anthropic:h', 0, 1, { output: HOSTILE.img, judge: { verdict: 'pass', reason: HOSTILE.judge, source: 'judge' } }),
    call('anthropic:h', 1, 0, { cached: true }),
    call('anthropic:h', 1, 1, { output: 'fine', ...fail(HOSTILE.judge) }),
  ];
  const provider = (id: string): ProviderSpec => ({ id, type: id.startsWith('openai') ? 'openai' : 'anthropic', model: id.split(':')[1]!, params: {} });
  // A stand-in corrector: the corrected interval a little wider than the raw one.
  const corrector = (rs: CallResult[]) => {
    const scored = rs.filter((r) => r.pass !== null);
    const rate = scored.length ? scored.filter((r) => r.pass).length / scored.length : null;
    if (rate === null) return null;
    return {
      interval: { method: 'misclassification' as const, rate, low: rate * 0.6, high: Math.min(1, rate * 1.1) },
      quality: { rate, lowerBound: () => rate * 0.7, pAtLeast: () => 0.5 },
    };
  };
  const decision: DecisionSettings = { minQuality: 0.8, minQualitySource: 'task', confidence: 'estimate', allowUntrustedJudge: false };
  const examples = [0, 1, 2].map((index) => ({ index, vars: {}, labels: [] }));
  const summary = summarize(
    {
      prompts: [{ id: 'plain', user: 'x' }],
      providers: [provider('openai:m'), provider('anthropic:h')],
      examples,
      settings: { concurrency: 1, repeat: 2, timeoutMs: 1, maxRetries: 0, batch: false },
    },
    results,
    { decision, judge: { trust: 'PROVISIONAL', corrector } },
  );
  summary[0]!.pareto = true;
  summary[1]!.pareto = false;
  const record: RunRecord = {
    schema: RUN_SCHEMA,
    tool: { name: 'aijourney', version: '0.0.0-test' },
    task: { name: 'triage <script>window.__pwned=3</script> | pipes', file: 'task.yaml' },
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:09.000Z',
    complete: false,
    stopReason: { kind: 'budget', spentUsd: 0.0186, limitUsd: 0.01 },
    plannedCalls: 12,
    providers: [],
    priceData: { source: '@pydantic/genai-prices', version: '0.1.8', date: '2026-01-01' },
    results,
    summary,
    judge: {
      selected: 'openai:judge',
      trust: trustLevel({ tp: 3, fn: 0, fp: 1, tn: 2 }),
      candidates: [
        {
          id: 'openai:judge',
          model: 'judge',
          n: 6,
          agreement: { k: 5, n: 6, rate: 5 / 6, low: 0.44, high: 0.97 },
          tpr: 1,
          tnr: 2 / 3,
          j: 2 / 3,
          kappa: 0.67,
          confusion: { tp: 3, fn: 0, fp: 1, tn: 2 },
          unparseable: 0,
          flipRate: null,
          errors: 0,
          costUsd: 0.002,
          latencyP50Ms: 300,
          selected: true,
        },
      ],
      labels: [],
    },
    judgeCostUsd: 0.002,
    costUsd: { models: 0.0166, judge: 0.002, total: 0.0186, spentNow: 0.0186 },
    labelNext: [],
    seed: 1,
    decision,
    recommendation: recommend(summary, decision),
    baseline: {
      file: 'runs/base.json',
      rows: [
        {
          prompt: 'plain',
          provider: 'openai:m',
          status: 'paired',
          examples: 2,
          quality: { baseline: 1, run: 0.75, diff: -0.25 },
          worse: 1,
          better: 0,
          pValue: 1,
          pWorse: 0.5,
          canTell: false,
          repeat: 2,
          costRatio: 1.5,
          p95Ratio: 0.9,
          unpaired: { onlyRun: 0, onlyBaseline: 0, errored: 1 },
        },
      ],
      notes: ['the baseline | ran <b>other</b> examples'],
    },
    gates: {
      passed: false,
      checks: [
        {
          name: 'min-quality',
          row: 'plain × openai:m',
          limit: 0.8,
          actual: 0.75,
          pass: false,
          basis: 'corrected',
          estimate: 0.75,
          bound: null,
          pAtLeast: 0.4,
          confidence: 'estimate',
        },
        { name: 'max-cost', row: 'whole run', limit: 1, actual: 0.0186, pass: true, basis: 'whole-run' },
      ],
    },
  };
  return record;
}
