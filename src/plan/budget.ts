import type { RunEstimate } from './estimate.js';
import { usd } from '../render/format.js';

/**
 * A spending limit for one run (`--max-cost`, or the task's `gates.max_cost_usd`).
 * Before the run: refuse when even the estimate's lower bound is over the limit.
 * During the run: stop issuing new calls once the money spent so far reaches the limit; calls
 * already in flight (and the judge grading their outputs) finish, so the spend can pass the
 * limit by at most those calls.
 */

/** Prefix of the record's stopReason when the budget stopped a run (gates look for it). */
export const BUDGET_STOP = 'budget reached';

/** A reason to stop once `spentUsd` reaches `maxUsd`, for evaluate's `stopReason`. */
export function budgetStop(maxUsd: number): (spentUsd: number) => string | null {
  return (spentUsd) => (spentUsd >= maxUsd ? `${BUDGET_STOP}: spent ${usd(spentUsd)} of the ${usd(maxUsd)} limit` : null);
}

export function stoppedByBudget(stopReason: string | null): boolean {
  return stopReason?.startsWith(BUDGET_STOP) ?? false;
}

/** Why the run must not start, or null. Uses the known part of the lower bound (unknown prices add at least 0). */
export function refuseToStart(estimate: RunEstimate, maxUsd: number): string | null {
  const low = estimate.costUsd.knownLow;
  if (low <= maxUsd) return null;
  return `the estimated cost is at least ${usd(low)}, over the ${usd(maxUsd)} limit: not starting (aijourney eval --dry-run shows the estimate)`;
}
