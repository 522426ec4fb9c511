import { stoppedByBudget } from './budget.js';
import type { RunRecord } from './record.js';
import type { Gates } from './types.js';

/** Gate limits given on the command line; each overrides the task's `gates:` value. */
export interface GateFlags {
  minQuality?: number;
  maxCostUsd?: number;
  maxP95LatencyMs?: number;
  maxErrorRate?: number;
}

export type GateName = 'min-quality' | 'max-cost' | 'max-p95-ms' | 'max-error-rate' | 'max-regression';

/** One gate on one row (or the whole run). `actual` is 'unknown' when it cannot be measured: that fails. */
export interface GateCheck {
  name: GateName;
  /** "prompt × provider", or "whole run" for max-cost. */
  row: string;
  limit: number;
  actual: number | 'unknown';
  pass: boolean;
  /** What was measured, e.g. "corrected quality" or "raw pass rate". */
  basis?: string;
  /** Why a check failed or was not decisive (unknown values, budget stops, small samples). */
  reason?: string;
}

export interface GatesResult {
  passed: boolean;
  checks: GateCheck[];
}

/** The task's gates with the flags laid over them. */
export function resolveGates(task: Gates, flags: GateFlags): Gates {
  const out: Gates = { ...task };
  for (const key of ['minQuality', 'maxCostUsd', 'maxP95LatencyMs', 'maxErrorRate'] as const) {
    if (flags[key] !== undefined) out[key] = flags[key];
  }
  return out;
}

export const rowName = (row: { prompt: string; provider: string }) => `${row.prompt} × ${row.provider}`;

function check(name: GateName, row: string, limit: number, actual: number | null, ok: (v: number) => boolean, extra: Partial<GateCheck> = {}): GateCheck {
  if (actual === null) return { name, row, limit, actual: 'unknown', pass: false, reason: 'not measured, so the gate cannot pass', ...extra };
  return { name, row, limit, actual, pass: ok(actual), ...extra };
}

/**
 * Every gate on every summary row; max-cost on the whole run (models and judge). min-quality
 * uses the judge-corrected quality when a calibrated judge graded, else the raw pass rate.
 */
export function checkGates(record: RunRecord, gates: Gates): GateCheck[] {
  const checks: GateCheck[] = [];
  const calibrated = record.judge !== null && record.judge.trust !== 'UNCALIBRATED';
  for (const row of record.summary) {
    const name = rowName(row);
    if (gates.minQuality !== undefined) {
      const useCorrected = calibrated && row.corrected !== null && row.corrected.rate !== null;
      const basis = useCorrected ? 'corrected quality' : 'raw pass rate';
      const rate = useCorrected ? row.corrected!.rate : row.quality.rate;
      checks.push(check('min-quality', name, gates.minQuality, rate, (v) => v >= gates.minQuality!, { basis, ...(rate === null ? { reason: 'no call returned an output to score' } : {}) }));
    }
    if (gates.maxP95LatencyMs !== undefined) {
      const p95 = row.latencyMs.p95;
      checks.push(check('max-p95-ms', name, gates.maxP95LatencyMs, p95, (v) => v <= gates.maxP95LatencyMs!, p95 === null ? { reason: 'no latency measured' } : {}));
    }
    if (gates.maxErrorRate !== undefined) {
      checks.push(check('max-error-rate', name, gates.maxErrorRate, row.n > 0 ? row.errors / row.n : 0, (v) => v <= gates.maxErrorRate!, { basis: 'errors / planned calls' }));
    }
  }
  if (gates.maxCostUsd !== undefined) {
    const total = record.costUsd.total;
    const extra: Partial<GateCheck> = { basis: 'whole run, models + judge' };
    if (total === null) extra.reason = `cost unknown (unknown price: ${record.providers.filter((p) => p.price === null).map((p) => p.id).join(', ') || 'usage not reported'})`;
    const c = check('max-cost', 'whole run', gates.maxCostUsd, total, (v) => v <= gates.maxCostUsd!, extra);
    if (stoppedByBudget(record.stopReason)) {
      c.pass = false;
      c.reason = `${record.stopReason}; the run stopped early (${record.results.length} of ${record.plannedCalls} calls)`;
    }
    checks.push(c);
  }
  return checks;
}

export function gatesResult(checks: GateCheck[]): GatesResult {
  return { passed: checks.every((c) => c.pass), checks };
}
