import { ProviderError } from '../errors.js';
import { scoreOutput, type ScorerConfig } from './score.js';
import type { CallResult, StopReason } from '../record/schema.js';
import { CallAborted, callModel, type CallContext } from './call.js';
import type { Limiter } from './limiter.js';
import { modelRequest, type PlannedCall } from '../plan/plan.js';
import { answerOf, answerText } from '../score/answer.js';
import type { ModelClient } from '../providers/types.js';

export interface Progress {
  done: number;
  total: number;
  errors: number;
  /** Money spent by this process so far (cached replays count 0). */
  spentUsd: number;
}

export interface ExecuteOptions {
  clients: Map<string, ModelClient>;
  scorer: ScorerConfig;
  limit: Limiter;
  ctx: CallContext;
  /**
   * Awaited before each reply is scored (a batch run's calibration, made in the same wave): with a
   * reason, the reply is kept ungraded (output and cost, no verdict) and the run stops.
   */
  beforeScoring?: () => Promise<StopReason | null>;
  /** `judged`: the judge was asked about this output (its cost, possibly of a failed question, is `judgeCostUsd`). */
  onResult?: (result: CallResult, extra: { judgeSplit: boolean; judgeCostUsd: number | null; judged: boolean }) => void;
}

export interface ExecuteOutcome {
  /** In plan order; a call that never started is absent (undefined) when the run stopped early. */
  results: Array<CallResult | undefined>;
  stoppedBy: StopReason | null;
  /** Set when a fatal provider error (authentication) stopped the run. */
  fatal: ProviderError | null;
}

/** Runs every planned call under the shared limit, scoring each as it lands. */
export async function executePlan(plan: PlannedCall[], options: ExecuteOptions): Promise<ExecuteOutcome> {
  const results: Array<CallResult | undefined> = new Array(plan.length);
  let stoppedBy: StopReason | null = null;
  let fatal: ProviderError | null = null;

  const runOne = async (call: PlannedCall, index: number): Promise<void> => {
    if (fatal) return;
    const client = options.clients.get(call.provider.id)!;
    try {
      const outcome = await callModel(client, modelRequest(call), call.repeat, options.ctx);
      const base = {
        prompt: call.prompt.id,
        provider: call.provider.id,
        example: call.example.index,
        repeat: call.repeat,
        usage: outcome.usage,
        costUsd: outcome.costUsd,
        latencyMs: outcome.latencyMs,
        cached: outcome.cached,
        ...(outcome.batched ? { batched: true } : {}),
        retries: outcome.retries,
        retryMs: outcome.retryMs,
      };
      if (!outcome.completion) {
        const refusal = outcome.refusal === undefined ? {} : { refusal: outcome.refusal };
        results[index] = { ...base, output: null, error: outcome.error?.message ?? 'no reply', ...refusal, checks: [], judge: null, pass: null };
        options.onResult?.(results[index]!, { judgeSplit: false, judgeCostUsd: null, judged: false });
        return;
      }
      const halt = await options.beforeScoring?.();
      const answer = answerOf(call.prompt, outcome.completion);
      if (halt) {
        // Paid for but never graded (a batch run's calibration stopped): kept, with its cost, as a row with no verdict.
        results[index] = {
          ...base,
          output: answerText(answer),
          error: `not graded: the run stopped before the judge was calibrated (${halt.kind})`,
          checks: [],
          judge: null,
          pass: null,
        };
        options.onResult?.(results[index]!, { judgeSplit: false, judgeCostUsd: null, judged: false });
        stoppedBy ??= halt;
        return;
      }
      const score = await scoreOutput(call, answer, options.scorer, options.ctx);
      results[index] = {
        ...base,
        output: answerText(answer),
        ...(answer.toolCalls.length > 0 ? { toolCalls: answer.toolCalls } : {}),
        ...(answer.structured === undefined ? {} : { structured: answer.structured }),
        error: score.error,
        checks: score.checks,
        judge: score.judge,
        pass: score.pass,
      };
      options.onResult?.(results[index]!, {
        judgeSplit: score.judgeOutcome?.split ?? false,
        judgeCostUsd: score.judgeOutcome?.costUsd ?? null,
        judged: score.judgeOutcome !== null,
      });
      if (score.fatal) fatal ??= score.fatal; // the judge's key: this row is kept, no new call starts
    } catch (err) {
      if (err instanceof CallAborted) {
        // Stopped before its request (budget, Ctrl-C) or cut short: left out, so a re-run makes it again.
        stoppedBy ??= err.reason ?? { kind: 'interrupted', signal: null };
        return;
      }
      if (err instanceof ProviderError && err.fatal) {
        fatal ??= err;
        return;
      }
      throw err;
    }
  };

  await Promise.all(plan.map((call, i) => options.limit(() => runOne(call, i))));
  return { results, stoppedBy: fatal ? null : stoppedBy, fatal };
}
