import type { JudgeOutcome } from '../judge/ask.js';
import { askGrader } from '../judge/grade.js';
import type { Grader } from '../judge/panel.js';
import type { FewShot } from '../judge/prompt.js';
import type { ProviderError } from '../errors.js';
import { CallAborted, type CallContext } from './call.js';
import type { PlannedCall } from '../plan/plan.js';
import type { CheckResult, JudgeVerdict } from '../record/schema.js';
import type { JudgeCandidate } from '../task/types.js';
import type { ModelClient } from '../providers/types.js';
import { judgeInput } from '../judge/prompt.js';
import { answerText, type Answer } from '../score/answer.js';
import { replyChecks } from '../score/tool-checks.js';
import type { AnyCheck, CheckInput } from '../score/types.js';

/** What scoring adds to a successful call. */
export interface Score {
  checks: CheckResult[];
  judge: JudgeVerdict | null;
  pass: boolean | null;
  /** Set when the judge could not be asked (provider error): the call is then an error row. */
  error: string | null;
  judgeOutcome: JudgeOutcome | null;
  /** The judge's key was rejected: this row is kept (its output was paid for) and the run stops. */
  fatal?: ProviderError;
}

export interface ScorerConfig {
  /** The task's checks (prepareChecks); the checks each prompt implies (replyChecks) run before them. */
  checks: AnyCheck[];
  judge?: { clientOf: (candidate: JudgeCandidate) => ModelClient; grader: Grader; fewShot: FewShot[]; samples: number };
}

/**
 * Checks first: what the prompt asked of every reply (a structured object, valid tool calls), then
 * the task's. The judge only grades outputs every check passed (a failed check already fails the
 * output, and judging it would spend money to learn nothing). A human label on this exact output
 * (trimmed) replaces the judge's verdict. The judge and the labels see the answer as one text, tool
 * calls included.
 */
export async function scoreOutput(call: PlannedCall, answer: Answer, config: ScorerConfig, ctx: CallContext): Promise<Score> {
  const input: CheckInput = {
    output: answer.text,
    ...(call.example.expected === undefined ? {} : { expected: call.example.expected }),
    ...(answer.structured === undefined ? {} : { structured: answer.structured }),
    toolCalls: answer.toolCalls,
    example: call.example,
  };
  const checks = [...replyChecks(call.prompt)(input), ...(await Promise.all(config.checks.map((check) => check(input))))];
  const output = answerText(answer);
  const checksPass = checks.every((c) => c.pass);
  if (!config.judge || !checksPass) {
    return { checks, judge: null, pass: checksPass, error: null, judgeOutcome: null };
  }
  const label = call.example.labels.find((l) => l.output.trim() === output.trim());
  if (label) {
    const reason = `human label${label.critique ? `: ${label.critique}` : ''}`;
    return { checks, judge: { verdict: label.verdict, reason, source: 'label' }, pass: label.verdict === 'pass', error: null, judgeOutcome: null };
  }
  const { clientOf, grader, fewShot, samples } = config.judge;
  // Grading an output already paid for finishes even once the budget is reached.
  const outcome = await askGrader(grader, clientOf, { input: judgeInput(call.messages), expected: call.example.expected, output }, fewShot, samples, {
    ...ctx,
    continuing: true,
  });
  // Interrupted while judging: the call is left out, and a re-run replays its output from the cache.
  if (outcome.stopped && 'aborted' in outcome.stopped) throw new CallAborted(outcome.stopped.aborted);
  if (outcome.verdict === null) {
    const fatal = outcome.stopped && 'fatal' in outcome.stopped ? { fatal: outcome.stopped.fatal } : {};
    return { checks, judge: null, pass: null, error: outcome.error, judgeOutcome: outcome, ...fatal };
  }
  const judge: JudgeVerdict = { verdict: outcome.verdict, reason: outcome.reason, source: 'judge', retries: outcome.retries };
  if (outcome.unparseable > 0) judge.unparseable = true;
  if (outcome.members) judge.members = outcome.members;
  return { checks, judge, pass: outcome.verdict === 'pass', error: null, judgeOutcome: outcome };
}
