import Table from 'cli-table3';
import type { CeilingCheck } from '../plan/ceiling.js';
import type { RunEstimate } from '../plan/estimate.js';
import { usd, type Palette } from './format.js';
import { displayCopy, displayText } from './terminal-text.js';

function table(head: string[], p: Palette): Table.Table {
  return new Table({ head, style: p.enabled ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] } });
}

const range = (low: number | null, high: number | null) => (low === null || high === null ? 'unknown (no price)' : `${usd(low)} – ${usd(high)}`);

/** The dry-run plan: calls and cost range per row, the judge's calls, the total and every assumption. */
export function renderEstimate(planned: RunEstimate, p: Palette, title: string, batched: RunEstimate | null = null): string {
  const estimate = displayCopy(planned); // ids from the task file
  const header = displayText(title);
  const t = table(['prompt', 'provider', 'calls', 'input tokens', 'output tokens', 'cost'], p);
  for (const r of estimate.rows) {
    t.push([
      r.prompt,
      r.provider,
      String(r.calls),
      String(r.inputTokens),
      `${r.outputTokens.low} – ${r.outputTokens.high}`,
      range(r.costUsd.low, r.costUsd.high),
    ]);
  }
  const lines = [p.bold(header), t.toString()];
  if (estimate.judge.length > 0) {
    const j = table(['judge candidate', 'calibration calls', 'grading calls', 'calibration cost', 'grading cost'], p);
    for (const c of estimate.judge) {
      j.push([
        c.candidate,
        String(c.calibrationCalls),
        `${c.gradingCalls.low} – ${c.gradingCalls.high}`,
        range(c.calibrationUsd.low, c.calibrationUsd.high),
        range(c.gradingUsd.low, c.gradingUsd.high),
      ]);
    }
    lines.push(j.toString());
  }
  const { low, high, knownLow } = estimate.costUsd;
  const total = low === null || high === null ? `unknown (at least ${usd(knownLow)} for the calls with a known price)` : `${usd(low)} – ${usd(high)}`;
  lines.push(
    `Planned calls: ${estimate.calls.low === estimate.calls.high ? estimate.calls.low : `${estimate.calls.low} – ${estimate.calls.high}`}. Estimated cost: ${total}.`,
  );
  if (batched) {
    const b = batched.costUsd;
    const at = b.low === null || b.high === null ? `unknown (at least ${usd(b.knownLow)} for the calls with a known price)` : `${usd(b.low)} – ${usd(b.high)}`;
    lines.push(`With --batch (the providers' batch rate, src/cost/batch.ts): ${at}; the line above is the synchronous price.`);
  }
  if (estimate.unknownPrices.length > 0) lines.push(p.yellow(`Unknown price: ${estimate.unknownPrices.join(', ')} (set price: in the task file)`));
  for (const a of estimate.assumptions) lines.push(p.dim(`- ${a}`));
  lines.push('Dry run: no model was called.');
  return lines.join('\n');
}

/** The refusal line for a plan over a default ceiling. */
export function ceilingRefusalText(check: CeilingCheck): string {
  const over = [
    check.calls && `up to ${check.calls.planned.toLocaleString('en-US')} calls, over the default ceiling of ${check.calls.limit.toLocaleString('en-US')}`,
    check.cost && `an estimated cost of up to ${usd(check.cost.highUsd)}, over the default ceiling of ${usd(check.cost.limitUsd)}`,
  ].filter((s): s is string => typeof s === 'string');
  const how = check.cost ? 'set a budget with --max-cost USD (the run stops when it is spent) or pass --yes' : 'pass --yes';
  return `the plan makes ${over.join(' and ')}: not starting (check it with --dry-run; to run it anyway, ${how})`;
}

/** The refusal line for a plan whose estimate is already over --max-cost. */
export function budgetRefusalText(over: { lowUsd: number; limitUsd: number }): string {
  return `--max-cost: the estimated cost is at least ${usd(over.lowUsd)}, over the ${usd(over.limitUsd)} limit: not starting (aijourney eval --dry-run shows the estimate)`;
}
