/**
 * The run record: the versioned public contract every table, report, gate, comparison and merge is
 * made from. This zod schema is its single definition: the TypeScript types are inferred from it,
 * every reader validates against it (record/io.ts), and schemas/run.schema.json is generated from
 * it (a test keeps that file current). Fields may be added within a version, never renamed.
 */
import * as z from 'zod';
import type * as stats from '../stats/types.js';
import { PROVIDER_TYPES } from '../providers/table.js';
import { RUN_SCHEMA } from './schema-id.js';

export { RUN_SCHEMA };

const num = z.number();
const nullableNum = z.number().nullable();
const verdict = z.enum(['pass', 'fail']);

export const intervalSchema = z.object({ rate: nullableNum, low: nullableNum, high: nullableNum }) satisfies z.ZodType<stats.Interval>;

export const usageSchema = z.object({
  inputTokens: num.describe('All input tokens, cached ones included.'),
  outputTokens: num,
  cacheReadTokens: num.optional().describe("Input tokens read from the provider's prompt cache."),
  cacheWriteTokens: num.optional().describe("Input tokens written to the provider's prompt cache (Anthropic)."),
});

export const checkResultSchema = z.object({
  type: z.string(),
  pass: z.boolean(),
  reason: z.string(),
  score: num.optional().describe('A score a script check returned (any finite number; it does not decide `pass`).'),
});

export const toolCallSchema = z
  .object({
    name: z.string(),
    arguments: z.unknown().optional().describe('The arguments, parsed; absent when they are not a JSON object (see `error`).'),
    raw: z.string().optional().describe('The arguments as the model wrote them, when they could not be parsed.'),
    error: z.string().optional().describe('Why the arguments could not be read: such a call fails its checks.'),
  })
  .describe('One tool call the model made.');

export const messageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const inputSchema = z
  .object({ prompt: z.string(), example: z.int().min(0), messages: z.array(messageSchema) })
  .describe('The messages one prompt variant sent for one example, rendered (every provider and repeat got these).');

export const judgeVerdictSchema = z.object({
  verdict,
  reason: z.string(),
  source: z.enum(['judge', 'label']).optional().describe('The LLM judge, or a human label on this exact output.'),
  unparseable: z.boolean().optional(),
  retries: z.int().min(0).optional().describe("SDK retries the judge's calls for this verdict took."),
  members: z.record(z.string(), verdict.nullable()).optional().describe("A panel's verdict: each member's own (null: it gave none)."),
});

export const callResultSchema = z
  .object({
    prompt: z.string(),
    provider: z.string(),
    example: z.int().min(0).describe("0-based index in the task's examples."),
    repeat: z.int().min(0),
    output: z.string().nullable(),
    error: z.string().nullable(),
    usage: usageSchema.nullable(),
    costUsd: nullableNum.describe('USD; null when unknown (never 0 for unknown).'),
    latencyMs: nullableNum.describe('The HTTP exchange of the attempt that answered (request written to reply read), ms.'),
    cached: z.boolean(),
    batched: z
      .boolean()
      .optional()
      .describe("True when the call went through the provider's batch API (`--batch`): priced at the batch rate, and `latencyMs` is the batch's turnaround."),
    retries: z.int().min(0),
    retryMs: num.optional().describe('Time spent on failed attempts and back-off before the answering attempt, ms.'),
    refusal: z.string().optional().describe("The provider's reason when the model refused (an error row)."),
    toolCalls: z
      .array(toolCallSchema)
      .optional()
      .describe('The tool calls of the reply, in order; `output` shows each as a line `tool call: <name> <arguments>`.'),
    structured: z.unknown().optional().describe('The parsed object of a structured reply (`response_format`); `output` holds it as JSON text.'),
    checks: z.array(checkResultSchema),
    judge: judgeVerdictSchema.nullable(),
    pass: z.boolean().nullable().describe('null for a call that errored: neither a pass nor a fail.'),
  })
  .describe('One (prompt, provider, example, repeat) call and its scores.');

export const pairedSchema = z.object({ examples: z.int(), differing: z.int(), meanDiff: nullableNum, pValue: num, canTell: z.boolean() });

export const decisionBasisSchema = z.enum(['corrected', 'raw', 'raw-judge-votes', 'untrusted-judge', 'not-measured']);

export const rowDecisionSchema = z.object({
  basis: decisionBasisSchema,
  estimate: nullableNum,
  bound: nullableNum.describe('One-sided lower bound at the confidence level; null with confidence "estimate".'),
  figure: nullableNum.describe('What is compared with min_quality.'),
  pAtLeast: nullableNum.describe('P(quality >= min_quality).'),
  meets: z.boolean().nullable(),
});

export const summaryRowSchema = z.object({
  prompt: z.string(),
  provider: z.string(),
  n: z.int().describe('Planned calls of the row.'),
  passed: z.int(),
  failed: z.int(),
  errors: z.int(),
  quality: intervalSchema.extend({ nEff: nullableNum.describe('Effective sample size of the interval (repeats are clusters).') }),
  corrected: intervalSchema.extend({ method: z.enum(['misclassification', 'ppi']), randomLabels: z.int().optional() }).nullable(),
  vsFirst: pairedSchema.nullable(),
  flipRate: nullableNum,
  decision: rowDecisionSchema,
  costUsd: z.object({ total: nullableNum, per1kCalls: nullableNum, unknownPrice: z.boolean() }),
  latencyMs: z.object({ p50: nullableNum, p95: nullableNum, max: nullableNum }),
  retries: z.int(),
  retryMs: num.optional(),
  refusals: z.int().optional(),
  cached: z.int(),
  batched: z.int().optional().describe('Calls of the row made through a provider batch (`--batch`); their turnaround is not in `latencyMs`.'),
  batchTurnaroundMs: z
    .object({ p50: nullableNum, max: nullableNum })
    .optional()
    .describe("Submission to results of the row's batched calls, ms; present when `batched` > 0."),
  pareto: z.boolean().optional(),
});

const measuredRateSchema = z.object({ k: z.int(), n: z.int(), rate: nullableNum, low: nullableNum, high: nullableNum });

export const trustSchema = z.object({
  level: z.enum(['UNCALIBRATED', 'UNTRUSTED', 'PROVISIONAL', 'TRUSTED']),
  tpr: measuredRateSchema,
  tnr: measuredRateSchema,
  jLow: nullableNum,
  heldBy: z.array(z.enum(['no-labels', 'tpr-unmeasured', 'tnr-unmeasured', 'no-better-than-chance', 'not-shown-better-than-chance', 'tpr-bound', 'tnr-bound'])),
  next: z
    .discriminatedUnion('reachable', [
      z.object({ level: z.enum(['PROVISIONAL', 'TRUSTED']), reachable: z.literal(true), pass: z.int(), fail: z.int(), assumesAgreement: z.boolean() }),
      z.object({ level: z.enum(['PROVISIONAL', 'TRUSTED']), reachable: z.literal(false), because: z.enum(['tpr', 'tnr', 'j']) }),
    ])
    .nullable(),
});

export const confusionSchema = z.object({ tp: z.int(), fn: z.int(), fp: z.int(), tn: z.int() }) satisfies z.ZodType<stats.Confusion>;

export const candidateSchema = z.object({
  id: z.string(),
  model: z.string(),
  n: z.int(),
  agreement: z.object({ k: z.int(), n: z.int(), rate: nullableNum, low: nullableNum, high: nullableNum }),
  tpr: nullableNum,
  tnr: nullableNum,
  j: nullableNum,
  kappa: nullableNum,
  confusion: confusionSchema,
  unparseable: z.int(),
  flipRate: nullableNum,
  errors: z.int(),
  retries: z.int().optional().describe('SDK retries over every calibration call of this candidate.'),
  costUsd: nullableNum,
  latencyP50Ms: nullableNum,
  selected: z.boolean(),
  panel: z
    .object({
      members: z.array(z.string()).describe('Ids of the members (their own rows in this table).'),
      combine: z
        .enum(['weighted', 'majority'])
        .describe('How the outputs under test were graded: log-odds weights from the labels, or majority vote while labels are too few.'),
      weights: z.array(z.object({ id: z.string(), pass: num, fail: num })).describe("Each member's log-odds added for a pass or a fail vote, from all labels."),
    })
    .optional()
    .describe('Set on the row of `judge.panel`: its figures are the combined verdicts, leave-one-out (the weights of each label from the others).'),
});

export const labelSampleSchema = z.object({ prompt: z.string(), provider: z.string(), frame: z.string() });

const probeEffect = {
  effect: nullableNum.describe('The measured effect, 0 = no bias; null: not measured.'),
  low: nullableNum,
  high: nullableNum,
  shown: z.boolean().describe('The 95% interval excludes 0: bias shown (what `gates.max_judge_bias` fails on beyond its size).'),
};

export const biasProbesSchema = z
  .object({
    judge: z.string().describe('The judge probed: the selected one (or `panel`).'),
    length: z
      .object({
        labels: z.int().describe('Labels compared: those of a human verdict under which the judge both passed and failed outputs.'),
        pairs: z.int(),
        auc: nullableNum.describe('P(an output the judge passed is longer than one it failed, same human verdict).'),
        needLabels: z.int().nullable().describe('Labels (at this effect and mix) at which the interval would exclude 0; null when shown or no effect.'),
        ...probeEffect,
      })
      .describe('Effect: rank-biserial 2·AUC − 1 of output length between judged-pass and judged-fail outputs.'),
    selfPreference: z
      .object({
        judgeFamilies: z.array(z.string()),
        sameFamily: z.array(z.object({ judge: z.string(), provider: z.string(), family: z.string() })),
        families: z.int().describe('Known model families under test.'),
        labels: z.object({ own: z.int(), other: z.int() }).describe("Labels on outputs of the judge's family and of other families."),
        needLabels: z.int().nullable().describe('Labels (at this gap and mix) at which the interval would exclude 0; null when shown, no gap or not measured.'),
        ...probeEffect,
      })
      .describe("Effect: the judge's excess pass rate (judged − human) on its own family's outputs minus on others'."),
    consistency: z
      .object({ samples: z.int(), labels: z.int(), flips: z.int(), ...probeEffect })
      .describe('Effect: the share of labeled outputs whose judge samples did not all agree.'),
  })
  .describe('Bias probes of the selected judge on the labels (leave-one-out verdicts).');

export const judgeRecordSchema = z.object({
  selected: z.string(),
  trust: trustSchema,
  candidates: z.array(candidateSchema),
  labels: z.array(
    z.object({
      example: z.int(),
      output: z.string(),
      verdict,
      judged: z.record(z.string(), verdict.nullable()),
      sample: labelSampleSchema.optional(),
    }),
  ),
  probes: biasProbesSchema.optional(),
});

const pickSchema = z.enum(['first', 'second', 'tie']).nullable();

export const pairwiseResultSchema = z
  .object({
    provider: z.string(),
    a: z.string().describe('The prompt variant compared against (the first).'),
    b: z.string().describe('The challenger prompt variant.'),
    judge: z.string(),
    pairs: z.int().describe('Examples (and repeats) where both variants answered.'),
    aWins: z.int(),
    bWins: z.int().describe('Pairs B won in both orders.'),
    ties: z.int(),
    orderDependent: z.int().describe('Pairs whose winner changed with the order (the same position picked twice).'),
    errors: z.int().describe('Pairs without a readable pick in one order or both.'),
    position: measuredRateSchema.extend({ pValue: num }).describe('Decisive picks that chose the response shown first; exact binomial test against 1/2.'),
    winRate: measuredRateSchema.describe("B's wins over the pairs won in both orders, with a Wilson interval."),
    examples: z.object({ a: z.int(), b: z.int() }).describe('Examples won on net over their repeats (the sign test counts these).'),
    pValue: num.describe('Two-sided exact sign test of the examples B won against those A won.'),
    costUsd: nullableNum,
    items: z
      .array(z.object({ example: z.int(), repeat: z.int(), ab: pickSchema, ba: pickSchema }))
      .describe('Each pick with A shown first (`ab`), then B first (`ba`).'),
  })
  .describe('`judge.mode: pairwise`: one prompt variant against the first on one provider, each pair asked in both orders.');

const confidenceSchema = z.union([z.literal('estimate'), z.number()]);

export const decisionSettingsSchema = z.object({
  minQuality: num,
  minQualitySource: z.enum(['flag', 'task', 'default']),
  confidence: confidenceSchema,
  allowUntrustedJudge: z.boolean(),
});

const recommendationCommon = { minQuality: num, minQualitySource: z.enum(['flag', 'task', 'default']), confidence: confidenceSchema };

export const recommendationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pick'),
    prompt: z.string(),
    provider: z.string(),
    figure: num,
    basis: decisionBasisSchema,
    qualifying: z.int(),
    per1kCalls: nullableNum,
    ...recommendationCommon,
  }),
  z.object({
    kind: z.literal('none'),
    prompt: z.null(),
    provider: z.null(),
    why: z.enum(['untrusted-judge', 'not-measured', 'below-limit']),
    closest: z.object({ prompt: z.string(), provider: z.string(), figure: num }).nullable(),
    ...recommendationCommon,
  }),
]);

export const gateWhySchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('untrusted-judge'), trust: z.string() }),
  z.object({ code: z.literal('not-measured') }),
  z.object({ code: z.literal('no-latency') }),
  z.object({ code: z.literal('batched') }),
  z.object({ code: z.literal('unknown-cost'), providers: z.array(z.string()) }),
  z.object({ code: z.literal('budget-stop'), finished: z.int(), planned: z.int() }),
  z.object({ code: z.literal('row-missing') }),
  z.object({ code: z.literal('no-pairs') }),
  z.object({ code: z.literal('probe-not-measured') }),
  z.object({ code: z.literal('significant-drop'), pValue: num, worse: z.int(), better: z.int() }),
  z.object({ code: z.literal('not-significant'), pValue: num }),
  z.object({ code: z.literal('undetectable'), examples: z.int(), needed: z.int() }),
]);

export const gateCheckSchema = z.object({
  name: z.enum(['min-quality', 'max-cost', 'max-p95-ms', 'max-error-rate', 'max-regression', 'max-judge-bias']),
  row: z.string(),
  limit: num,
  actual: nullableNum.describe('null: could not be measured, and the gate fails.'),
  pass: z.boolean(),
  inconclusive: z.boolean().optional(),
  basis: z.enum(['corrected', 'raw', 'raw-judge-votes', 'untrusted-judge', 'not-measured', 'errors-over-planned', 'whole-run', 'paired-drop']).optional(),
  why: gateWhySchema.optional(),
  estimate: nullableNum.optional(),
  bound: nullableNum.optional(),
  pAtLeast: nullableNum.optional(),
  confidence: confidenceSchema.optional(),
  examples: z.int().optional(),
});

export const baselineRowSchema = z.object({
  prompt: z.string(),
  provider: z.string(),
  status: z.enum(['paired', 'missing-in-baseline', 'missing-in-run']),
  examples: z.int(),
  quality: z.object({ baseline: nullableNum, run: nullableNum, diff: nullableNum }),
  worse: z.int(),
  better: z.int(),
  pValue: nullableNum,
  pWorse: nullableNum,
  canTell: z.boolean(),
  repeat: z.int(),
  costRatio: nullableNum,
  p95Ratio: nullableNum,
  unpaired: z.object({ onlyRun: z.int(), onlyBaseline: z.int(), errored: z.int() }),
});

export const shardSchema = z.object({ index: z.int().min(1), count: z.int().min(1) });

export const planInfoSchema = z.object({
  prompts: z.array(z.string()),
  providers: z.array(z.string()),
  examples: z.array(z.object({ index: z.int(), fingerprint: z.string() })),
  repeat: z.int(),
  taskHash: z.string(),
});

export const providerInfoSchema = z.object({
  id: z.string(),
  type: z.enum(PROVIDER_TYPES),
  model: z.string(),
  baseUrl: z.string().nullable(),
  price: z.object({ source: z.string(), inputPerMtok: num, outputPerMtok: num }).nullable(),
  role: z.enum(['model', 'judge']),
});

export const stopReasonSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('interrupted'), signal: z.string().nullable() }),
    z.object({ kind: z.literal('budget'), spentUsd: num, limitUsd: num }),
    z.object({ kind: z.literal('fatal'), message: z.string().describe('A rejected key, or another error that stops every call.') }),
    z.object({ kind: z.literal('shards'), missing: z.array(z.string()), incomplete: z.array(z.string()) }),
    z.object({
      kind: z.literal('batch-pending'),
      batches: z.array(z.string()).describe('Provider batches still running (`--batch-wait` ran out): the same command collects them.'),
    }),
  ])
  .describe('Why the run stopped before making every planned call.');

export const runRecordSchema = z
  .object({
    schema: z.literal(RUN_SCHEMA),
    tool: z.object({ name: z.literal('aijourney'), version: z.string() }),
    task: z.object({ name: z.string(), file: z.string() }),
    startedAt: z.string(),
    finishedAt: z.string(),
    complete: z.boolean().describe('False when the run stopped before making every planned call.'),
    stopReason: stopReasonSchema.nullable(),
    plannedCalls: z.int(),
    providers: z.array(providerInfoSchema),
    priceData: z.object({ source: z.string(), version: z.string(), date: z.string().nullable() }),
    results: z.array(callResultSchema),
    inputs: z.array(inputSchema).optional().describe('What was sent: the rendered messages of each prompt and example that has results.'),
    summary: z.array(summaryRowSchema),
    judge: judgeRecordSchema.nullable(),
    judgeCostUsd: nullableNum,
    costUsd: z.object({ models: nullableNum, judge: nullableNum, total: nullableNum, spentNow: num }),
    pairwise: z.array(pairwiseResultSchema).optional(),
    labelNext: z.array(
      z.object({
        prompt: z.string(),
        provider: z.string(),
        example: z.int(),
        repeat: z.int(),
        output: z.string(),
        why: z.string(),
        value: num.optional().describe("Expected shrink of the summed widths of the rows' 95% corrected intervals from this output's label."),
        riskValue: num
          .optional()
          .describe("With a min-quality limit set: expected shrink of the summed chances that a row's gate decision is wrong (ranked first)."),
      }),
    ),
    seed: z.int(),
    decision: decisionSettingsSchema,
    recommendation: recommendationSchema,
    plan: planInfoSchema.optional(),
    shard: shardSchema.nullable().optional(),
    gates: z.object({ passed: z.boolean(), checks: z.array(gateCheckSchema) }).optional(),
    baseline: z.object({ file: z.string(), rows: z.array(baselineRowSchema), notes: z.array(z.string()) }).optional(),
    mergedFrom: z.array(z.object({ file: z.string(), shard: shardSchema.nullable() })).optional(),
  })
  .describe('An aijourney run record.');

export type Usage = z.infer<typeof usageSchema>;
export type Interval = z.infer<typeof intervalSchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
export type RecordInput = z.infer<typeof inputSchema>;
export type JudgeVerdict = z.infer<typeof judgeVerdictSchema>;
export type CallResult = z.infer<typeof callResultSchema>;
export type PairedComparison = z.infer<typeof pairedSchema>;
export type DecisionBasis = z.infer<typeof decisionBasisSchema>;
export type RowDecision = z.infer<typeof rowDecisionSchema>;
export type SummaryRow = z.infer<typeof summaryRowSchema>;
export type CorrectedInterval = NonNullable<SummaryRow['corrected']>;
export type Trust = z.infer<typeof trustSchema>;
export type TrustLevel = Trust['level'];
export type MeasuredRate = Trust['tpr'];
export type HeldBy = Trust['heldBy'][number];
export type NextStep = NonNullable<Trust['next']>;
export type Confusion = z.infer<typeof confusionSchema>;
export type CandidateSummary = z.infer<typeof candidateSchema>;
export type LabelSample = z.infer<typeof labelSampleSchema>;
export type JudgeRecord = z.infer<typeof judgeRecordSchema>;
export type BiasProbes = z.infer<typeof biasProbesSchema>;
export type PairwiseResult = z.infer<typeof pairwiseResultSchema>;
export type DecisionSettings = z.infer<typeof decisionSettingsSchema>;
export type MinQualitySource = DecisionSettings['minQualitySource'];
export type Recommendation = z.infer<typeof recommendationSchema>;
export type GateWhy = z.infer<typeof gateWhySchema>;
export type GateCheck = z.infer<typeof gateCheckSchema>;
export type GateName = GateCheck['name'];
export type GateBasis = NonNullable<GateCheck['basis']>;
export type GatesResult = NonNullable<RunRecord['gates']>;
export type BaselineRow = z.infer<typeof baselineRowSchema>;
export type BaselineComparison = NonNullable<RunRecord['baseline']>;
export type Shard = z.infer<typeof shardSchema>;
export type PlanInfo = z.infer<typeof planInfoSchema>;
export type ProviderInfo = z.infer<typeof providerInfoSchema>;
export type LabelSuggestion = RunRecord['labelNext'][number];
export type StopReason = z.infer<typeof stopReasonSchema>;
export type RunRecord = z.infer<typeof runRecordSchema>;
