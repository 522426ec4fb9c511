import { callCost, resolvePrice } from '../cost/prices.js';
import { labeledItems } from '../judge/labeled.js';
import { leaveOneOut, toFewShot } from '../judge/calibrate.js';
import { judgeInput, judgeMessages } from '../judge/prompt.js';
import { pairMessages } from '../judge/pairwise.js';
import type { PlannedCall } from './plan.js';
import type { Message, PromptVariant, ProviderSpec, Task } from '../task/types.js';

/**
 * A cost range for a run before it starts, from the planned requests themselves.
 * Input tokens are counted with gpt-tokenizer's o200k_base encoding (the GPT-4o/GPT-5 family);
 * for Anthropic models that is an approximation (their tokenizer is not public).
 * Output: at least 1 token per call, at most max_tokens or max_completion_tokens (DEFAULT_MAX_TOKENS when unset).
 */

/** Output upper bound when a provider sets no max_tokens (what we send to Anthropic by default). */
export const DEFAULT_MAX_TOKENS = 1024;
/** Chat formatting overhead per message and per request (OpenAI's published counting recipe). */
const PER_MESSAGE = 4;
const PER_REQUEST = 3;

export interface Range {
  low: number | null;
  high: number | null;
}

/** One prompt x provider row of the plan. */
export interface RowEstimate {
  prompt: string;
  provider: string;
  calls: number;
  inputTokens: number;
  outputTokens: { low: number; high: number };
  /** null bounds: the price is unknown. */
  costUsd: Range;
}

/** One judge candidate: calibration calls always happen; grading only for the selected one. */
export interface JudgeEstimate {
  candidate: string;
  provider: string;
  calibrationCalls: number;
  /** low 0: an output that fails a check or matches a label is never judged. */
  gradingCalls: { low: number; high: number };
  calibrationUsd: Range;
  gradingUsd: Range;
}

export interface RunEstimate {
  rows: RowEstimate[];
  judge: JudgeEstimate[];
  calls: { low: number; high: number };
  costUsd: Range & {
    /** Sum of the known lower bounds: still a true lower bound when some price is unknown. */
    knownLow: number;
    /** Sum of the known upper bounds (the calls with a known price only). */
    knownHigh: number;
  };
  unknownPrices: string[];
  assumptions: string[];
}

export type Count = (text: string) => number;

async function tokenCounter(): Promise<Count> {
  const { countTokens } = await import('gpt-tokenizer'); // lazy: the BPE tables are large
  return (text) => countTokens(text);
}

function messageTokens(count: Count, messages: Message[]): number {
  return messages.reduce((sum, m) => sum + count(m.content) + PER_MESSAGE, PER_REQUEST);
}

/** The output bound a call is sent with: max_tokens, or max_completion_tokens (reasoning models), else the default. */
const maxTokens = (spec: ProviderSpec) => {
  const completion = spec.params.max_completion_tokens;
  return spec.params.max_tokens ?? (typeof completion === 'number' ? completion : DEFAULT_MAX_TOKENS);
};
/** The price of one call of these token counts; memoized, since most calls of a plan repeat counts. */
const costMemo = new WeakMap<ProviderSpec, Map<string, number | null>>();
/** `batched`: at the batch rate (cost/batch.ts). */
function costOf(spec: ProviderSpec, input: number, output: number, batched: boolean): number | null {
  const memo = costMemo.get(spec) ?? new Map<string, number | null>();
  costMemo.set(spec, memo);
  const key = `${input}/${output}/${batched}`;
  if (!memo.has(key)) memo.set(key, callCost(spec, { inputTokens: input, outputTokens: output }, batched));
  return memo.get(key)!;
}
const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
const times = (k: number, v: number | null) => (v === null ? null : k * v);

/**
 * Counts every UTF-8 byte as a token: an upper bound of any BPE tokenizer's count (each token is at
 * least one byte), free of the tokenizer's tables, so a ceiling check costs nothing on a small plan.
 */
export const BYTES_AS_TOKENS: Count = (text) => Buffer.byteLength(text);

/**
 * Estimates the calls in `plan` (a shard's, or the whole task's) plus the judge's calls. Input tokens
 * are counted with `countTokens` when given (BYTES_AS_TOKENS for a quick upper bound), else o200k.
 */
export async function estimateRun(task: Task, plan: PlannedCall[], countTokens?: Count, batched = false): Promise<RunEstimate> {
  const count = countTokens ?? (await tokenCounter());
  const cost = (spec: ProviderSpec, input: number, output: number) => costOf(spec, input, output, batched);
  const inputMemo = new Map<Message[], number>();
  const tokensOf = (messages: Message[]) => {
    const known = inputMemo.get(messages);
    if (known !== undefined) return known;
    const n = messageTokens(count, messages);
    inputMemo.set(messages, n);
    return n;
  };

  // Tool definitions and a response schema are sent with every call of their prompt (as JSON, about).
  const extraMemo = new Map<PromptVariant, number>();
  const extraOf = (prompt: PromptVariant) => {
    let n = extraMemo.get(prompt);
    if (n === undefined) {
      const sent = [prompt.tools, prompt.responseFormat?.schema].filter((part) => part !== undefined);
      n = sent.length === 0 ? 0 : count(JSON.stringify(sent));
      extraMemo.set(prompt, n);
    }
    return n;
  };

  const rows = new Map<string, RowEstimate>();
  for (const call of plan) {
    const key = `${call.prompt.id}\u0000${call.provider.id}`;
    let row = rows.get(key);
    if (!row) {
      row = { prompt: call.prompt.id, provider: call.provider.id, calls: 0, inputTokens: 0, outputTokens: { low: 0, high: 0 }, costUsd: { low: 0, high: 0 } };
      rows.set(key, row);
    }
    const input = tokensOf(call.messages) + extraOf(call.prompt);
    const high = maxTokens(call.provider);
    row.calls++;
    row.inputTokens += input;
    row.outputTokens.low += 1;
    row.outputTokens.high += high;
    row.costUsd = { low: add(row.costUsd.low, cost(call.provider, input, 1)), high: add(row.costUsd.high, cost(call.provider, input, high)) };
  }

  const judge: JudgeEstimate[] = [];
  if (task.judge) {
    const items = labeledItems(task);
    const fewShot = items.map(toFewShot);
    const samples = task.judge.samples;
    for (const candidate of task.judge.candidates) {
      const spec = candidate.provider;
      const out = maxTokens(spec);
      const calibration: Range = { low: 0, high: 0 };
      items.forEach((item, i) => {
        const subject = { input: item.input, expected: item.example.expected, output: item.label.output };
        const input = messageTokens(count, judgeMessages(candidate.rubric, subject, leaveOneOut(items, i)));
        calibration.low = add(calibration.low, times(samples, cost(spec, input, 1)));
        calibration.high = add(calibration.high, times(samples, cost(spec, input, out)));
      });
      // Grading: the few-shot block is the same for every call; the graded output is at most the model's max_tokens.
      let grading: number | null = 0;
      const perExample = new Map<string, number>();
      for (const call of plan) {
        const key = `${call.prompt.id}\u0000${call.example.index}`;
        let base = perExample.get(key);
        if (base === undefined) {
          const input = judgeInput(call.messages);
          base = messageTokens(count, judgeMessages(candidate.rubric, { input, expected: call.example.expected, output: '' }, fewShot));
          perExample.set(key, base);
        }
        grading = add(grading, times(samples, cost(spec, base + maxTokens(call.provider), out)));
      }
      judge.push({
        candidate: candidate.id,
        provider: spec.id,
        calibrationCalls: items.length * samples,
        gradingCalls: { low: 0, high: plan.length * samples },
        calibrationUsd: calibration,
        gradingUsd: { low: 0, high: grading },
      });
    }
  }

  // Pairwise (judge.mode: pairwise): each prompt after the first against it, two calls per pair, by
  // the dearest candidate (any may be the one selected); the outputs compared are at most max_tokens each.
  let pairCalls = 0;
  let pairUsd: number | null = 0;
  if (task.judge?.mode === 'pairwise') {
    const first = task.prompts[0]!;
    const others = plan.filter((c) => c.prompt.id !== first.id).length;
    pairCalls = 2 * others;
    for (const call of plan) {
      if (call.prompt.id === first.id) continue;
      let dearest: number | null = 0;
      for (const candidate of task.judge.candidates) {
        const input =
          messageTokens(count, pairMessages(candidate.rubric, { input: judgeInput(call.messages), expected: call.example.expected, first: '', second: '' })) +
          2 * maxTokens(call.provider);
        const c = cost(candidate.provider, input, maxTokens(candidate.provider));
        dearest = dearest === null || c === null ? null : Math.max(dearest, c);
      }
      pairUsd = add(pairUsd, times(2, dearest));
    }
  }

  const rowList = [...rows.values()];
  const calibrationCalls = judge.reduce((s, j) => s + j.calibrationCalls, 0);
  // What may grade: each candidate alone, or the panel (every member asked about every output).
  const members = new Set(task.judge?.panel ?? []);
  const panel = judge.filter((j) => members.has(j.candidate));
  const graders =
    panel.length > 0
      ? [
          ...judge,
          {
            gradingCalls: { high: panel.reduce((s, j) => s + j.gradingCalls.high, 0) },
            gradingUsd: { high: panel.reduce<number | null>((s, j) => add(s, j.gradingUsd.high), 0) },
          },
        ]
      : judge;
  const maxGrading = graders.reduce((m, j) => Math.max(m, j.gradingCalls.high), 0);
  const lows = [...rowList.map((r) => r.costUsd.low), ...judge.map((j) => j.calibrationUsd.low)];
  const low = lows.reduce<number | null>((s, v) => add(s, v), 0);
  const knownLow = lows.reduce<number>((s, v) => s + (v ?? 0), 0);
  // Every candidate is calibrated; only the selected one grades, so the dearest grading bounds it.
  const grading = graders.reduce<number | null>((m, j) => (m === null || j.gradingUsd.high === null ? null : Math.max(m, j.gradingUsd.high)), 0);
  const high = [...rowList.map((r) => r.costUsd.high), ...judge.map((j) => j.calibrationUsd.high), grading, pairUsd].reduce<number | null>(
    (s, v) => add(s, v),
    0,
  );
  const knownGrading = graders.reduce((m, j) => Math.max(m, j.gradingUsd.high ?? 0), 0);
  const knownHigh = [...rowList.map((r) => r.costUsd.high), ...judge.map((j) => j.calibrationUsd.high), knownGrading, pairUsd].reduce<number>(
    (s, v) => s + (v ?? 0),
    0,
  );

  const unknownPrices = [
    ...new Set([...task.providers, ...(task.judge?.candidates.map((c) => c.provider) ?? [])].filter((p) => !resolvePrice(p)).map((p) => p.id)),
  ];
  const noMax = [
    ...new Set([...task.providers, ...(task.judge?.candidates.map((c) => c.provider) ?? [])].filter((p) => p.params.max_tokens === undefined).map((p) => p.id)),
  ];
  const assumptions = [
    'input tokens: counted with the o200k_base tokenizer (GPT-4o/GPT-5 family) plus chat formatting overhead; for Anthropic models this is an approximation',
    'low: every call succeeds with a 1-token reply and no output reaches the judge; high: every reply is max_tokens long and every output is judged',
  ];
  if (pairCalls > 0) assumptions.push(`pairwise: ${pairCalls} judge calls at most (each pair of outputs asked in both orders)`);
  if (noMax.length > 0)
    assumptions.push(`max_tokens not set for ${noMax.join(', ')}: the high end assumes ${DEFAULT_MAX_TOKENS} output tokens per call (a model may write more)`);
  if (judge.length > 0)
    assumptions.push(
      `judge: every candidate is calibrated (candidates x labels x samples calls); only the selected one grades (calls x samples at most)${panel.length > 0 ? `, or the panel: each of its ${panel.length} members grades every output` : ''}`,
    );
  return {
    rows: rowList,
    judge,
    calls: { low: plan.length + calibrationCalls, high: plan.length + calibrationCalls + maxGrading + pairCalls },
    costUsd: { low, high, knownLow, knownHigh },
    unknownPrices,
    assumptions,
  };
}
