import type { RunRecord } from '../record/schema.js';
import type { Confidence, Gates } from '../task/types.js';
import type { GateCheck, GateName, GatesResult } from '../record/schema.js';
import { rowName } from '../summary/summarize.js';

/** Gate limits given on the command line; each overrides the task's `gates:` value. */
export interface GateFlags {
  minQuality?: number;
  maxCostUsd?: number;
  maxP95LatencyMs?: number;
  maxErrorRate?: number;
  maxJudgeBias?: number;
  confidence?: Confidence;
}

/** The task's gates with the flags laid over them. */
export function resolveGates(task: Gates, flags: GateFlags): Gates {
  const out: Gates = { ...task };
  for (const key of ['minQuality', 'maxCostUsd', 'maxP95LatencyMs', 'maxErrorRate', 'maxJudgeBias', 'confidence'] as const) {
    if (flags[key] !== undefined) (out as Record<string, unknown>)[key] = flags[key];
  }
  return out;
}

function check(name: GateName, row: string, limit: number, actual: number | null, ok: (v: number) => boolean, extra: Partial<GateCheck> = {}): GateCheck {
  return { name, row, limit, actual, pass: actual !== null && ok(actual), ...extra };
}

/**
 * Every gate on every summary row; max-cost on the whole run (models and judge). min-quality is the
 * row's decision (summary/decide.ts): a row graded by an untrusted judge fails it, with that reason.
 */
export function checkGates(record: RunRecord, gates: Gates): GateCheck[] {
  const checks: GateCheck[] = [];
  for (const row of record.summary) {
    const name = rowName(row);
    if (gates.minQuality !== undefined) {
      const d = row.decision;
      const extra: Partial<GateCheck> = { basis: d.basis, estimate: d.estimate, bound: d.bound, pAtLeast: d.pAtLeast, confidence: record.decision.confidence };
      if (d.basis === 'untrusted-judge') extra.why = { code: 'untrusted-judge', trust: record.judge?.trust.level ?? 'UNCALIBRATED' };
      else if (d.figure === null) extra.why = { code: 'not-measured' };
      checks.push(check('min-quality', name, gates.minQuality, d.figure, (v) => v >= gates.minQuality!, extra));
    }
    if (gates.maxP95LatencyMs !== undefined) {
      const p95 = row.latencyMs.p95;
      // A batch's turnaround is no per-call latency: the gate does not apply to batched calls.
      if (p95 === null && (row.batched ?? 0) > 0) {
        checks.push({ name: 'max-p95-ms', row: name, limit: gates.maxP95LatencyMs, actual: null, pass: true, why: { code: 'batched' } });
      } else {
        checks.push(
          check('max-p95-ms', name, gates.maxP95LatencyMs, p95, (v) => v <= gates.maxP95LatencyMs!, p95 === null ? { why: { code: 'no-latency' } } : {}),
        );
      }
    }
    if (gates.maxErrorRate !== undefined) {
      checks.push(
        check('max-error-rate', name, gates.maxErrorRate, row.n > 0 ? row.errors / row.n : 0, (v) => v <= gates.maxErrorRate!, {
          basis: 'errors-over-planned',
        }),
      );
    }
  }
  if (gates.maxCostUsd !== undefined) {
    const total = record.costUsd.total;
    const extra: Partial<GateCheck> = { basis: 'whole-run' };
    if (total === null) extra.why = { code: 'unknown-cost', providers: record.providers.filter((p) => p.price === null).map((p) => p.id) };
    const c = check('max-cost', 'whole run', gates.maxCostUsd, total, (v) => v <= gates.maxCostUsd!, extra);
    if (record.stopReason?.kind === 'budget') {
      c.pass = false;
      c.why = { code: 'budget-stop', finished: record.results.length, planned: record.plannedCalls };
    }
    checks.push(c);
  }
  if (gates.maxJudgeBias !== undefined) checks.push(...judgeBiasChecks(record, gates.maxJudgeBias));
  return checks;
}

/**
 * One check per bias probe: `actual` is how far the probe's 95% interval lies from 0 (0 when it
 * holds 0), failing beyond `limit`. A probe that could not measure passes, marked inconclusive.
 */
function judgeBiasChecks(record: RunRecord, limit: number): GateCheck[] {
  const probes = record.judge?.probes;
  if (!probes) return [{ name: 'max-judge-bias', row: 'judge', limit, actual: null, pass: true, inconclusive: true, why: { code: 'probe-not-measured' } }];
  const rows: Array<[string, { low: number | null; high: number | null }]> = [
    ['length', probes.length],
    ['self-preference', probes.selfPreference],
    ['consistency', probes.consistency],
  ];
  return rows.map(([probe, { low, high }]) => {
    const row = `judge ${probes.judge}: ${probe}`;
    if (low === null || high === null)
      return { name: 'max-judge-bias', row, limit, actual: null, pass: true, inconclusive: true, why: { code: 'probe-not-measured' } };
    const actual = low > 0 ? low : high < 0 ? -high : 0;
    return { name: 'max-judge-bias', row, limit, actual, pass: actual <= limit };
  });
}

export function gatesResult(checks: GateCheck[]): GatesResult {
  return { passed: checks.every((c) => c.pass), checks };
}
