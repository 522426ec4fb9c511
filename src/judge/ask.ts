import { callModel, type CallContext } from '../run/call.js';
import type { JudgeCandidate, ModelClient, Verdict } from '../types.js';
import { judgeMessages, parseVerdict, VERDICT_SCHEMA, type FewShot, type JudgeSubject } from './prompt.js';

export const UNPARSEABLE = 'unparseable judge reply';

/** The outcome of asking one judge candidate about one output, `samples` times. */
export interface JudgeOutcome {
  /** Majority verdict; null when every sample failed with a provider error. */
  verdict: Verdict | null;
  reason: string;
  votes: Verdict[];
  /** Samples whose reply could not be read as a verdict (each counted as a fail vote). */
  unparseable: number;
  /** The samples did not all agree. */
  split: boolean;
  costUsd: number | null;
  latencyMs: number[];
  cached: boolean;
  error: string | null;
}

/**
 * Asks the judge `samples` times (sample i is cache-keyed by i, so samples are distinct calls) and
 * takes the majority. A tie is a fail: a judge that cannot make up its mind has not passed anything.
 */
export async function askJudge(
  client: ModelClient,
  candidate: JudgeCandidate,
  subject: JudgeSubject,
  fewShot: FewShot[],
  samples: number,
  ctx: CallContext,
): Promise<JudgeOutcome> {
  const messages = judgeMessages(candidate.rubric, subject, fewShot);
  const request = {
    messages,
    params: candidate.provider.params,
    structured: { name: 'record_verdict', description: 'Record the grading verdict.', schema: VERDICT_SCHEMA },
  };
  const votes: Verdict[] = [];
  const reasons: Record<Verdict, string> = { pass: '', fail: '' };
  const latencyMs: number[] = [];
  let unparseable = 0;
  let cost = 0;
  let costKnown = true;
  let cached = true;
  let error: string | null = null;
  for (let i = 0; i < samples; i++) {
    const outcome = await callModel(client, request, i, ctx);
    latencyMs.push(outcome.latencyMs);
    cached &&= outcome.cached;
    if ((outcome.completion || outcome.usage) && outcome.costUsd === null) costKnown = false;
    cost += outcome.costUsd ?? 0;
    if (!outcome.completion) {
      error = `judge ${candidate.id}: ${outcome.error?.message ?? 'no reply'}`;
      continue;
    }
    const parsed = parseVerdict(outcome.completion);
    if (!parsed) {
      unparseable++;
      votes.push('fail');
      reasons.fail ||= UNPARSEABLE;
      continue;
    }
    votes.push(parsed.verdict);
    reasons[parsed.verdict] ||= parsed.reason || `judged ${parsed.verdict}`;
  }
  const costUsd = costKnown ? cost : null;
  if (votes.length === 0) {
    return { verdict: null, reason: error ?? 'no reply', votes, unparseable, split: false, costUsd, latencyMs, cached: false, error };
  }
  const passes = votes.filter((v) => v === 'pass').length;
  const verdict: Verdict = passes * 2 > votes.length ? 'pass' : 'fail';
  const split = passes > 0 && passes < votes.length;
  let reason = reasons[verdict];
  if (verdict === 'fail' && unparseable === votes.length) reason = UNPARSEABLE;
  if (votes.length > 1) reason = `${reason} (${passes}/${votes.length} samples pass)`;
  return { verdict, reason, votes, unparseable, split, costUsd, latencyMs, cached, error: null };
}
