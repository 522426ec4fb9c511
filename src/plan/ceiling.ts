/**
 * Default ceilings on a plan, so a typo (`repeat: 100` on a big data file, a judge with `samples:
 * 25` and a dozen candidates) is refused before it is paid for. A plan over either ceiling does not
 * start (exit 2, the estimate printed) unless `--yes` accepts it; a budget (`--max-cost` or
 * `gates.max_cost_usd`) replaces the cost ceiling, since the run then stops at the budget anyway.
 */
import type { RunEstimate } from './estimate.js';
import { usd } from '../render/format.js';

/** Planned calls (models, calibration and judge grading at most) above which a run needs --yes. */
const DEFAULT_MAX_CALLS = 10_000;

/** USD of the estimate's high end above which a run needs --yes or a budget. */
const DEFAULT_MAX_ESTIMATED_USD = 10;

/** What the ceilings found over; both null when the plan is within them. */
export interface CeilingCheck {
  calls: string | null;
  cost: string | null;
}

/** Checks the estimate's high ends (unknown prices: the calls with a known price) against the ceilings. */
export function checkCeilings(estimate: RunEstimate, options: { budget: boolean }): CeilingCheck {
  const calls = estimate.calls.high;
  const high = estimate.costUsd.high ?? estimate.costUsd.knownHigh;
  return {
    calls:
      calls > DEFAULT_MAX_CALLS
        ? `up to ${calls.toLocaleString('en-US')} calls, over the default ceiling of ${DEFAULT_MAX_CALLS.toLocaleString('en-US')}`
        : null,
    cost:
      !options.budget && high > DEFAULT_MAX_ESTIMATED_USD
        ? `an estimated cost of up to ${usd(high)}, over the default ceiling of ${usd(DEFAULT_MAX_ESTIMATED_USD)}`
        : null,
  };
}

/** The refusal line for a plan over a ceiling, or null. */
export function ceilingRefusal(check: CeilingCheck): string | null {
  const over = [check.calls, check.cost].filter((s): s is string => s !== null);
  if (over.length === 0) return null;
  const how = check.cost ? 'set a budget with --max-cost USD (the run stops when it is spent) or pass --yes' : 'pass --yes';
  return `the plan makes ${over.join(' and ')}: not starting (check it with --dry-run; to run it anyway, ${how})`;
}
