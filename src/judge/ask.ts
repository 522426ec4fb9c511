import { ProviderError } from '../errors.js';
import { CallAborted, callModel, type CallContext, type CallOutcome } from '../run/call.js';
import type { CompletionRequest, ModelClient } from '../providers/types.js';
import type { JudgeCandidate, Verdict } from '../task/types.js';
import { judgeMessages, parseVerdict, VERDICT_SCHEMA, type FewShot, type JudgeSubject } from './prompt.js';
import type { StopReason } from '../record/schema.js';

export const UNPARSEABLE = 'unparseable judge reply';

/** The outcome of asking one judge candidate about one output, `samples` times. */
export interface JudgeOutcome {
  /** Majority verdict; null when every sample failed with a provider error, or asking stopped. */
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
  /** SDK retries over every sample, counted as a model call's are. */
  retries: number;
  /**
   * Why asking stopped before every sample was in: a fatal provider error (a rejected key) or the
   * run's interrupt. What finished (its votes, cost and latency) is still reported.
   */
  stopped?: { fatal: ProviderError } | { aborted: StopReason };
}

/** The request for one judge question (every sample sends it; the sample index keys the cache). */
export function judgeRequest(candidate: JudgeCandidate, subject: JudgeSubject, fewShot: FewShot[]): CompletionRequest {
  return {
    messages: judgeMessages(candidate.rubric, subject, fewShot),
    params: candidate.provider.params,
    structured: { name: 'record_verdict', description: 'Record the grading verdict.', schema: VERDICT_SCHEMA },
  };
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
  const request = judgeRequest(candidate, subject, fewShot);
  const votes: Verdict[] = [];
  const reasons: Record<Verdict, string> = { pass: '', fail: '' };
  const latencyMs: number[] = [];
  let unparseable = 0;
  let cost = 0;
  let costKnown = true;
  let cached = true;
  let retries = 0;
  let error: string | null = null;
  let stopped: JudgeOutcome['stopped'];
  for (let i = 0; i < samples; i++) {
    let outcome: CallOutcome;
    try {
      outcome = await callModel(client, request, i, ctx);
    } catch (err) {
      if (err instanceof CallAborted) stopped = { aborted: err.reason ?? { kind: 'interrupted', signal: null } };
      else if (err instanceof ProviderError && err.fatal) stopped = { fatal: err };
      else throw err;
      error = `judge ${candidate.id}: ${err instanceof CallAborted ? 'not asked: the run stopped' : err.message}`;
      break;
    }
    latencyMs.push(outcome.latencyMs);
    cached &&= outcome.cached;
    retries += outcome.retries;
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
  const extra = { retries, ...(stopped ? { stopped } : {}) };
  // A stopped question has no verdict, even with some votes in: its majority was never taken.
  if (votes.length === 0 || stopped) {
    return { verdict: null, reason: error ?? 'no reply', votes, unparseable, split: false, costUsd, latencyMs, cached: false, error, ...extra };
  }
  const passes = votes.filter((v) => v === 'pass').length;
  const verdict: Verdict = passes * 2 > votes.length ? 'pass' : 'fail';
  const split = passes > 0 && passes < votes.length;
  let reason = reasons[verdict];
  if (verdict === 'fail' && unparseable === votes.length) reason = UNPARSEABLE;
  if (votes.length > 1) reason = `${reason} (${passes}/${votes.length} samples pass)`;
  return { verdict, reason, votes, unparseable, split, costUsd, latencyMs, cached, error: null, ...extra };
}
