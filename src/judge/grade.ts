import type { ModelClient } from '../providers/types.js';
import type { CallContext } from '../run/call.js';
import type { JudgeCandidate, Verdict } from '../task/types.js';
import { askJudge, type JudgeOutcome } from './ask.js';
import { combineVotes, type Grader } from './panel.js';
import type { FewShot, JudgeSubject } from './prompt.js';

/** A panel's outcome carries each member's verdict. */
export type GradeOutcome = JudgeOutcome & { members?: Record<string, Verdict | null> };

/**
 * Grades one output with the selected judge, or with every member of the panel at once: their
 * verdicts combined by the calibrated weights, their cost summed, their SDK retries counted. A
 * member that gave no verdict (a provider error) is left out of the vote; with none left the
 * output has no verdict, as with a single judge. The panel is split when its members disagree.
 */
export async function askGrader(
  grader: Grader,
  clientOf: (candidate: JudgeCandidate) => ModelClient,
  subject: JudgeSubject,
  fewShot: FewShot[],
  samples: number,
  ctx: CallContext,
): Promise<GradeOutcome> {
  if (grader.kind === 'single') return askJudge(clientOf(grader.candidate), grader.candidate, subject, fewShot, samples, ctx);
  const outcomes = await Promise.all(grader.members.map((m) => askJudge(clientOf(m), m, subject, fewShot, samples, ctx)));
  const members = Object.fromEntries(grader.members.map((m, i) => [m.id, outcomes[i]!.verdict]));
  const costKnown = outcomes.every((o) => o.costUsd !== null);
  const common = {
    votes: outcomes.flatMap((o) => o.votes),
    unparseable: outcomes.reduce((s, o) => s + o.unparseable, 0),
    costUsd: costKnown ? outcomes.reduce((s, o) => s + o.costUsd!, 0) : null,
    latencyMs: outcomes.flatMap((o) => o.latencyMs),
    retries: outcomes.reduce((s, o) => s + o.retries, 0),
    members,
  };
  const stopped = outcomes.find((o) => o.stopped)?.stopped;
  const verdict = stopped
    ? null
    : combineVotes(
        grader.weights,
        outcomes.map((o) => o.verdict),
      );
  if (verdict === null) {
    const error = outcomes.find((o) => o.error)?.error ?? 'no reply';
    return { ...common, verdict: null, reason: error, split: false, cached: false, error, ...(stopped ? { stopped } : {}) };
  }
  const given = outcomes.filter((o) => o.verdict !== null);
  const split = given.some((o) => o.split || o.verdict !== given[0]!.verdict);
  const tally = grader.members.map((m, i) => `${m.id} ${outcomes[i]!.verdict ?? 'no verdict'}`).join(', ');
  const why = outcomes.find((o) => o.verdict === verdict)?.reason ?? '';
  const reason = `panel (${grader.weights.combine === 'weighted' ? 'weighted by measured error rates' : 'majority vote'}: ${tally})${why ? `: ${why}` : ''}`;
  return { ...common, verdict, reason, split, cached: outcomes.every((o) => o.cached), error: null };
}
