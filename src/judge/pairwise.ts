/**
 * Pairwise comparison of two prompt variants (`judge.mode: pairwise`): for each example the judge
 * sees both outputs and picks the better one, asked twice with the order swapped, since LLM judges
 * favour a position (Zheng et al. 2023; Wang et al. 2023, "Large Language Models are not Fair
 * Evaluators"). Only a pick that survives the swap is a win; ties and order-dependent picks (the same
 * position both times) are counted apart. Outcomes are data; the words are made in render/pairwise.ts.
 */
import { ProviderError } from '../errors.js';
import type { CompletionRequest, ModelClient } from '../providers/types.js';
import type { PairwiseResult } from '../record/schema.js';
import { CallAborted, callModel, type CallContext } from '../run/call.js';
import { mcnemarExact, wilson, wilsonInterval } from '../stats/index.js';
import type { JudgeCandidate, Message } from '../task/types.js';

/** Which response the judge picked in one order. */
export type Pick = 'first' | 'second' | 'tie';

const PICK_SCHEMA = {
  type: 'object',
  properties: {
    winner: { type: 'string', enum: ['1', '2', 'tie'] },
    reason: { type: 'string', description: 'One sentence explaining the choice.' },
  },
  required: ['winner', 'reason'],
  additionalProperties: false,
} as const;

const SYSTEM = [
  'You are a strict, impartial judge comparing two AI responses to the same input.',
  'Decide which response better satisfies the rubric; use the reference answer when one is given.',
  'Ignore the order in which they are shown and their length. Answer "tie" only when neither is better.',
  'Reply with JSON only: {"winner": "1", "2" or "tie", "reason": "<one sentence>"}.',
].join(' ');

const block = (tag: string, text: string) => `<${tag}>\n${text}\n</${tag}>`;

/** The judge's messages: the first response in `<response_1>`, the second in `<response_2>`. */
export function pairMessages(rubric: string, subject: { input: string; expected?: string; first: string; second: string }): Message[] {
  const parts = [block('rubric', rubric), block('input', subject.input)];
  if (subject.expected !== undefined) parts.push(block('reference_answer', subject.expected));
  parts.push(block('response_1', subject.first), block('response_2', subject.second));
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** The pick in a reply (a structured object or JSON in the text); null when none can be read. */
function parsePick(reply: { text: string; toolInput?: unknown }): Pick | null {
  const read = (value: unknown): Pick | null => {
    if (typeof value !== 'object' || value === null) return null;
    const w = String((value as Record<string, unknown>).winner ?? '')
      .trim()
      .toLowerCase();
    return w === '1' ? 'first' : w === '2' ? 'second' : w === 'tie' ? 'tie' : null;
  };
  const fromTool = read(reply.toolInput);
  if (fromTool) return fromTool;
  const text = reply.text.trim();
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    return read(JSON.parse(text.slice(start, end + 1)));
  } catch {
    return null;
  }
}

/** One example's pair of outputs to compare. */
export interface PairSubject {
  example: number;
  repeat: number;
  input: string;
  expected?: string;
  a: string;
  b: string;
}

export interface PairOutcome {
  example: number;
  repeat: number;
  /** The pick with A shown first, then with B shown first; null: no readable pick (an error or an unreadable reply). */
  ab: Pick | null;
  ba: Pick | null;
  costUsd: number | null;
}

/** Asks the judge about one pair in both orders. A rejected key or a stop is thrown on, as a model call's is. */
export async function askPair(client: ModelClient, judge: JudgeCandidate, pair: PairSubject, ctx: CallContext): Promise<PairOutcome> {
  const ask = async (first: string, second: string): Promise<{ pick: Pick | null; cost: number | null }> => {
    const request: CompletionRequest = {
      messages: pairMessages(judge.rubric, { input: pair.input, ...(pair.expected === undefined ? {} : { expected: pair.expected }), first, second }),
      params: judge.provider.params,
      structured: { name: 'record_choice', description: 'Record which response is better.', schema: PICK_SCHEMA },
    };
    // New spending, not the grading of an output already paid for: the budget and interrupts apply.
    const outcome = await callModel(client, request, 0, ctx);
    return { pick: outcome.completion ? parsePick(outcome.completion) : null, cost: outcome.costUsd };
  };
  const ab = await ask(pair.a, pair.b);
  const ba = await ask(pair.b, pair.a);
  const costUsd = ab.cost === null || ba.cost === null ? null : ab.cost + ba.cost;
  return { example: pair.example, repeat: pair.repeat, ab: ab.pick, ba: ba.pick, costUsd };
}

/** Whether asking stopped the comparison (a rejected key, an interrupt): then it is left out. */
export const stopsComparison = (err: unknown) => err instanceof CallAborted || (err instanceof ProviderError && err.fatal);

/** The winner a pick names: A or B (by order), a tie, or none. */
function winner(pick: Pick | null, aFirst: boolean): 'a' | 'b' | 'tie' | null {
  if (pick === null || pick === 'tie') return pick;
  return (pick === 'first') === aFirst ? 'a' : 'b';
}

/**
 * The comparison of B against A from the pairs asked: a win needs the same winner in both orders;
 * a tie is a tie in either order with no contrary win; order-dependent is a different winner in each
 * order (the same position picked twice). Position bias: the share of decisive picks that chose the
 * response shown first, with a Wilson interval and a two-sided exact binomial test against 1/2. B's
 * win rate over the decisive pairs with a Wilson interval, and the exact sign test on wins vs losses.
 * The example is the unit: with repeats, the sign test counts examples by the sign of B's net wins
 * over their repeats, and the win rate's interval is Wilson's at the number of examples decided (its
 * point estimate stays the per-pair figure).
 */
export function summarizePairs(row: { provider: string; a: string; b: string; judge: string }, outcomes: PairOutcome[]): PairwiseResult {
  let aWins = 0;
  let bWins = 0;
  let ties = 0;
  let orderDependent = 0;
  let errors = 0;
  let firstPicks = 0;
  let decisivePicks = 0;
  let cost: number | null = 0;
  const net = new Map<number, number>();
  for (const o of outcomes) {
    cost = cost === null || o.costUsd === null ? null : cost + o.costUsd;
    for (const pick of [o.ab, o.ba]) {
      if (pick === 'first' || pick === 'second') {
        decisivePicks++;
        if (pick === 'first') firstPicks++;
      }
    }
    const x = winner(o.ab, true);
    const y = winner(o.ba, false);
    if (x === null || y === null) errors++;
    else if (x === y && x !== 'tie') {
      x === 'a' ? aWins++ : bWins++;
      net.set(o.example, (net.get(o.example) ?? 0) + (x === 'b' ? 1 : -1));
    } else if (x === 'tie' || y === 'tie') ties++;
    else orderDependent++;
  }
  const decisive = aWins + bWins;
  const examplesB = [...net.values()].filter((v) => v > 0).length;
  const examplesA = [...net.values()].filter((v) => v < 0).length;
  const winInterval = decisive > 0 && net.size < decisive ? wilsonInterval(bWins / decisive, net.size) : wilson(bWins, decisive);
  return {
    ...row,
    pairs: outcomes.length,
    aWins,
    bWins,
    ties,
    orderDependent,
    errors,
    position: { k: firstPicks, n: decisivePicks, ...wilson(firstPicks, decisivePicks), pValue: mcnemarExact(firstPicks, decisivePicks - firstPicks) },
    winRate: { k: bWins, n: decisive, ...winInterval },
    examples: { a: examplesA, b: examplesB },
    pValue: mcnemarExact(examplesA, examplesB),
    costUsd: cost,
    items: outcomes.map(({ example, repeat, ab, ba }) => ({ example, repeat, ab, ba })),
  };
}
