/**
 * The spending limit of one run (`--max-cost`, or the task's `gates.max_cost_usd`): one object that
 * every paid request consults (models under test and the judge's calibration; run/call.ts asks it
 * before each request that is not a replay). Before the run, a plan whose estimate's lower bound is
 * already over the limit is refused. During the run, no new request starts once the money spent
 * reaches the limit; calls already in flight, and the judge grading the outputs they return, finish,
 * so the spend can pass the limit by at most those calls.
 */
import type { StopReason } from '../record/schema.js';
import type { RunEstimate } from './estimate.js';

export interface Budget {
  readonly limitUsd: number | null;
  /** Money spent by this process so far (replays from the cache spend nothing). */
  readonly spentUsd: number;
  spend(usd: number): void;
  /** The reason to stop, once the limit is reached. */
  exceeded(): Extract<StopReason, { kind: 'budget' }> | null;
}

export function createBudget(limitUsd: number | undefined): Budget {
  let spent = 0;
  return {
    limitUsd: limitUsd ?? null,
    get spentUsd() {
      return spent;
    },
    spend(amount) {
      spent += amount;
    },
    exceeded() {
      return limitUsd !== undefined && spent >= limitUsd ? { kind: 'budget', spentUsd: spent, limitUsd } : null;
    },
  };
}

/** The estimate's floor when it is already over the limit (the run must not start), else null. Uses the known part of the lower bound (unknown prices add at least 0). */
export function overBudget(estimate: RunEstimate, maxUsd: number): { lowUsd: number; limitUsd: number } | null {
  const low = estimate.costUsd.knownLow;
  return low <= maxUsd ? null : { lowUsd: low, limitUsd: maxUsd };
}
