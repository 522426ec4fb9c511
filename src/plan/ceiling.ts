/**
 * Default ceilings on a plan, so a typo (`repeat: 100` on a big data file, a judge with `samples:
 * 25` and a dozen candidates) is refused before it is paid for. A plan over either ceiling does not
 * start (exit 2, the estimate printed) unless `--yes` accepts it; a budget (`--max-cost` or
 * `gates.max_cost_usd`) replaces the cost ceiling, since the run then stops at the budget anyway.
 */
import type { RunEstimate } from './estimate.js';

/** Planned calls (models, calibration and judge grading at most) above which a run needs --yes. */
const DEFAULT_MAX_CALLS = 10_000;

/** USD of the estimate's high end above which a run needs --yes or a budget. */
const DEFAULT_MAX_ESTIMATED_USD = 10;

/** What the ceilings found over (render/estimate.ts says it); both null when the plan is within them. */
export interface CeilingCheck {
  calls: { planned: number; limit: number } | null;
  cost: { highUsd: number; limitUsd: number } | null;
}

/** Checks the estimate's high ends (unknown prices: the calls with a known price) against the ceilings. */
export function checkCeilings(estimate: RunEstimate, options: { budget: boolean }): CeilingCheck {
  const calls = estimate.calls.high;
  const high = estimate.costUsd.high ?? estimate.costUsd.knownHigh;
  return {
    calls: calls > DEFAULT_MAX_CALLS ? { planned: calls, limit: DEFAULT_MAX_CALLS } : null,
    cost: !options.budget && high > DEFAULT_MAX_ESTIMATED_USD ? { highUsd: high, limitUsd: DEFAULT_MAX_ESTIMATED_USD } : null,
  };
}

export const overCeiling = (check: CeilingCheck): boolean => check.calls !== null || check.cost !== null;
