import { compareRuns, regressionChecks } from '../gate/baseline.js';
import { readRunRecord } from '../record/io.js';
import { overBudget } from '../plan/budget.js';
import { write, type Io } from '../io.js';
import { EXIT, UsageError } from '../errors.js';
import { selectExamples, type ExampleSelection } from '../plan/select.js';
import { checkGates, gatesResult, resolveGates, type GateFlags } from '../gate/gates.js';
import type { RunRecord } from '../record/schema.js';
import type { RunEstimate } from '../plan/estimate.js';
import { palette } from '../render/format.js';
import { shardExamples } from '../plan/shard.js';
import { GATE_FLAGS } from './options.js';
import type { Shard } from '../record/schema.js';
import type { Confidence, Gates, Task } from '../task/types.js';
import { rowName } from '../summary/summarize.js';

/** The CI flags of `eval`: gates, baseline, budget, dry run, shard (parsed by commander: commands/options.ts). */
export interface CiFlags {
  minQuality?: number;
  maxCost?: number;
  maxP95Ms?: number;
  maxErrorRate?: number;
  maxJudgeBias?: number;
  confidence?: Confidence;
  baseline?: string;
  maxRegression?: number;
  dryRun?: boolean;
  shard?: Shard;
  /** Accept a plan over the default ceilings (run/ceiling.ts). */
  yes?: boolean;
  /** Through the providers' batch APIs: estimates and budgets at the batch rate. */
  batch?: boolean;
}

export interface CiOptions {
  gates: Gates;
  /** Whether any gate (task or flag) is set: only then does the record get a `gates` section. */
  gated: boolean;
  baselineFile?: string;
  baseline?: RunRecord;
  maxRegression?: number;
  dryRun: boolean;
  /** --yes: the default ceilings on calls and estimated cost do not apply. */
  yes: boolean;
  shard?: Shard;
  /** Stop issuing calls at this spend (the effective max-cost gate). */
  budget?: number;
  /** `--batch` or `settings.batch`: the plan is priced at the batch rate (the dry run shows both). */
  batch: boolean;
}

const LIMITS = GATE_FLAGS.map((g) => g.field);

/** The gate values the flags set. */
function gateFlagsOf(flags: CiFlags): GateFlags {
  const given: GateFlags = {};
  for (const { key, field } of GATE_FLAGS) if (flags[key] !== undefined) given[field] = flags[key];
  if (flags.confidence !== undefined) given.confidence = flags.confidence;
  return given;
}

/** Parses and checks the flags and reads the baseline, so bad input fails (exit 2) before any call. */
export async function ciOptions(task: Task, flags: CiFlags, io: Io): Promise<CiOptions> {
  const gates = resolveGates(task.gates, gateFlagsOf(flags));
  const maxRegression = flags.maxRegression;
  if (maxRegression !== undefined && !flags.baseline) throw new UsageError('--max-regression needs --baseline FILE');
  const options: CiOptions = {
    gates,
    gated: LIMITS.some((key) => gates[key] !== undefined),
    dryRun: flags.dryRun === true,
    yes: flags.yes === true,
    batch: flags.batch === true || task.settings.batch,
  };
  if (flags.shard !== undefined) options.shard = flags.shard;
  if (flags.baseline) {
    options.baselineFile = flags.baseline;
    options.baseline = await readRunRecord(flags.baseline, io.cwd);
  }
  if (maxRegression !== undefined) options.maxRegression = maxRegression;
  if (gates.maxCostUsd !== undefined) options.budget = gates.maxCostUsd;
  return options;
}

/** The estimate as a table; the table library loads only when a plan is printed. */
async function planText(estimate: RunEstimate, color: boolean, header: string, batched: RunEstimate | null = null): Promise<string> {
  const { renderEstimate } = await import('../render/estimate.js');
  return renderEstimate(estimate, palette(color), header, batched);
}

/**
 * Before the run: `--dry-run` prints the plan and the estimate (as JSON with `--json`; exit 0, no
 * client is created); a max-cost below the estimate's lower bound refuses to start (exit 1); a plan
 * over a default ceiling (run/ceiling.ts) refuses to start unless --yes (exit 2). Null: go ahead.
 * Small plans are checked against the ceilings with a byte-count bound, without the tokenizer.
 */
export async function preflight(task: Task, ci: CiOptions, select: ExampleSelection | undefined, io: Io, color: boolean, json = false): Promise<number | null> {
  const budget = ci.gates.maxCostUsd;
  if (!ci.dryRun && budget === undefined && ci.yes) return null;
  const [{ planCalls }, { estimateRun, BYTES_AS_TOKENS }, { checkCeilings, overCeiling }] = await Promise.all([
    import('../plan/plan.js'),
    import('../plan/estimate.js'),
    import('../plan/ceiling.js'),
  ]);
  const selected = select ? { ...task, examples: selectExamples(task.examples, select) } : task;
  const runTask = ci.shard ? { ...selected, examples: shardExamples(selected.examples, ci.shard) } : selected;
  const plan = planCalls(runTask);
  if (ci.dryRun) {
    const estimate = await estimateRun(task, plan);
    // With --batch, both: what the plan costs synchronously and at the batch rate.
    const batched = ci.batch ? await estimateRun(task, plan, undefined, true) : null;
    const shard = ci.shard ? ` (shard ${ci.shard.index}/${ci.shard.count})` : '';
    const batch = batched
      ? { batch: { rows: batched.rows.map(({ prompt, provider, costUsd }) => ({ prompt, provider, costUsd })), costUsd: batched.costUsd } }
      : {};
    const text = json
      ? JSON.stringify({ task: task.name, dryRun: true, ...estimate, ...batch }, null, 2)
      : await planText(estimate, color, `Plan for ${task.name}${shard}`, batched);
    await write(io.stdout, `${text}\n`);
    return EXIT.ok;
  }
  const quick = budget === undefined ? await estimateRun(task, plan, BYTES_AS_TOKENS, ci.batch) : null;
  if (quick && !overCeiling(checkCeilings(quick, { budget: false }))) return null;
  const estimate = await estimateRun(task, plan, undefined, ci.batch);
  const refusal = budget === undefined ? null : overBudget(estimate, budget);
  const ceilings = refusal || ci.yes ? null : checkCeilings(estimate, { budget: budget !== undefined });
  if (!refusal && !(ceilings && overCeiling(ceilings))) return null;
  const words = await import('../render/estimate.js');
  const shown = words.renderEstimate(estimate, palette(color), `Plan for ${task.name}`).replace(/\nDry run: no model was called\.$/, '');
  await write(io.stderr, `${shown}\naijourney: ${refusal ? words.budgetRefusalText(refusal) : words.ceilingRefusalText(ceilings!)}\n`);
  return refusal ? EXIT.gateFailed : EXIT.badInput;
}

/** After the run: baseline comparison and gates go into the record (before it is written). */
export function applyCi(record: RunRecord, ci: CiOptions): void {
  const checks = ci.gated ? checkGates(record, ci.gates) : [];
  if (ci.baseline && ci.baselineFile) {
    record.baseline = compareRuns(record, ci.baseline, ci.baselineFile);
    if (ci.maxRegression !== undefined) checks.push(...regressionChecks(record.baseline, ci.maxRegression, record.decision.confidence));
  }
  if (checks.length > 0) record.gates = gatesResult(checks);
}

/**
 * A row with more than this share of its planned calls errored means the run failed (exit 3), as
 * does a row over a higher `max_error_rate` the task or flag sets. (A lower one is a gate: exit 1.)
 */
export const DEFAULT_MAX_ERROR_RATE = 0.5;

/** Why the run counts as failed for its provider errors (exit 3), or null. */
export function tooManyErrors(record: RunRecord, gates: Gates): string | null {
  const limit = Math.max(DEFAULT_MAX_ERROR_RATE, gates.maxErrorRate ?? 0);
  const over = record.summary.filter((row) => row.n > 0 && row.errors / row.n > limit);
  if (over.length === 0) return null;
  const first = record.results.find((r) => r.error !== null)?.error ?? 'unknown';
  if (record.results.length > 0 && record.results.every((r) => r.pass === null)) return `every call failed (first error: ${first})`;
  const rows = over.map((row) => `${rowName(row)}: ${row.errors} of ${row.n} calls failed`).join('; ');
  const source = limit === DEFAULT_MAX_ERROR_RATE && gates.maxErrorRate !== DEFAULT_MAX_ERROR_RATE ? 'the default max_error_rate' : 'max_error_rate';
  return `too many provider errors: ${rows} (over ${Math.round(limit * 100)}%, ${source}); first error: ${first}`;
}

/** 1 when a gate failed, else 0. (Interrupts and failed runs are decided before this.) */
export function ciExitCode(record: RunRecord): number {
  return record.gates && !record.gates.passed ? EXIT.gateFailed : EXIT.ok;
}
