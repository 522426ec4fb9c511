import type { GateCheck } from './gates.js';
import { rowName } from './gates.js';
import type { RunRecord } from './record.js';
import { mcnemarExact } from './stats.js';
import { discordantPairs } from './summarize.js';
import type { CallResult } from './types.js';

/** A drop is called significant below this p-value. */
export const SIGNIFICANCE = 0.05;

/** One prompt x provider row compared with the same row of a saved run. */
export interface BaselineRow {
  prompt: string;
  provider: string;
  /** 'paired' when both runs have the row; otherwise the side that lacks it. */
  status: 'paired' | 'missing-in-baseline' | 'missing-in-run';
  /** (example, repeat) pairs where both calls returned a scored output. */
  pairs: number;
  /** Pass rates over those pairs. */
  quality: { baseline: number | null; run: number | null; diff: number | null };
  /** b = passed in the baseline and failed now; c = the reverse. Exact McNemar on (b, c). */
  b: number;
  c: number;
  pValue: number | null;
  /** Cost per call now / cost per call then (null when either is unknown or zero). */
  costRatio: number | null;
  p95Ratio: number | null;
  /** Calls of this row with no counterpart on the other side, or with an error on either side. */
  unpaired: { onlyRun: number; onlyBaseline: number; errored: number };
}

export interface BaselineComparison {
  file: string;
  rows: BaselineRow[];
  /** Things a reader must know: different examples, different tasks, incomplete runs. */
  notes: string[];
}

/**
 * Maps the baseline's example indexes onto the run's by content fingerprint, so a reordered or
 * extended example list still pairs the same examples; without fingerprints, by index.
 */
function exampleMap(run: RunRecord, baseline: RunRecord, notes: string[]): (index: number) => number | undefined {
  if (!run.plan || !baseline.plan) {
    notes.push('one of the records has no example fingerprints (older record): examples are paired by position');
    return (i) => i;
  }
  const byPrint = new Map(run.plan.examples.map((e) => [e.fingerprint, e.index]));
  const map = new Map<number, number>();
  for (const e of baseline.plan.examples) {
    const target = byPrint.get(e.fingerprint);
    if (target !== undefined) map.set(e.index, target);
  }
  const onlyBase = baseline.plan.examples.length - map.size;
  const onlyRun = run.plan.examples.length - map.size;
  if (onlyBase > 0 || onlyRun > 0) notes.push(`examples differ: ${map.size} shared, ${onlyRun} only in this run, ${onlyBase} only in the baseline (only shared examples are paired)`);
  return (i) => map.get(i);
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

function group(results: CallResult[]): Map<string, CallResult[]> {
  const map = new Map<string, CallResult[]>();
  for (const r of results) {
    const key = `${r.prompt}\u0000${r.provider}`;
    map.set(key, [...(map.get(key) ?? []), r]);
  }
  return map;
}

/** Compares every row of `run` with the same prompt x provider row of `baseline`, paired by (example, repeat). */
export function compareRuns(run: RunRecord, baseline: RunRecord, file: string): BaselineComparison {
  const notes: string[] = [];
  if (run.task.name !== baseline.task.name) notes.push(`different task names: "${run.task.name}" now, "${baseline.task.name}" in the baseline`);
  if (!baseline.complete) notes.push(`the baseline is incomplete (${baseline.stopReason ?? 'stopped early'})`);
  if (!run.complete) notes.push(`this run is incomplete (${run.stopReason ?? 'stopped early'})`);
  const toRun = exampleMap(run, baseline, notes);
  const runGroups = group(run.results);
  const baseGroups = group(baseline.results.flatMap((r) => {
    const example = toRun(r.example);
    return example === undefined ? [] : [{ ...r, example }];
  }));
  const baseRows = new Map(baseline.summary.map((s) => [`${s.prompt}\u0000${s.provider}`, s]));
  const rows: BaselineRow[] = [];
  const seen = new Set<string>();
  for (const s of run.summary) {
    const key = `${s.prompt}\u0000${s.provider}`;
    seen.add(key);
    const base = baseRows.get(key);
    const now = runGroups.get(key) ?? [];
    const then = baseGroups.get(key) ?? [];
    const empty: BaselineRow = {
      prompt: s.prompt, provider: s.provider, status: 'missing-in-baseline', pairs: 0,
      quality: { baseline: null, run: s.quality.rate, diff: null }, b: 0, c: 0, pValue: null,
      costRatio: null, p95Ratio: null, unpaired: { onlyRun: now.length, onlyBaseline: 0, errored: 0 },
    };
    if (!base) {
      rows.push(empty);
      continue;
    }
    const { b, c, pairs } = discordantPairs(then, now);
    const keys = (rs: CallResult[]) => new Set(rs.map((r) => `${r.example}/${r.repeat}`));
    const nowKeys = keys(now);
    const thenKeys = keys(then);
    const onlyRun = [...nowKeys].filter((k) => !thenKeys.has(k)).length;
    const baseCount = baseline.results.filter((r) => r.prompt === s.prompt && r.provider === s.provider).length;
    const onlyBaseline = baseCount - then.length + then.filter((r) => !nowKeys.has(`${r.example}/${r.repeat}`)).length;
    const both = [...nowKeys].filter((k) => thenKeys.has(k)).length;
    // Pass rates on the pairs themselves, so the difference is exactly (c - b) / pairs.
    const passedThen = pairedPasses(then, now);
    const baseRate = pairs > 0 ? passedThen / pairs : null;
    const runRate = pairs > 0 ? (passedThen - b + c) / pairs : null;
    rows.push({
      ...empty,
      status: 'paired',
      pairs,
      quality: { baseline: baseRate, run: runRate, diff: pairs > 0 ? (c - b) / pairs : null },
      b,
      c,
      pValue: pairs > 0 ? mcnemarExact(b, c) : null,
      costRatio: ratio(s.costUsd.per1kCalls, base.costUsd.per1kCalls),
      p95Ratio: ratio(s.latencyMs.p95, base.latencyMs.p95),
      unpaired: { onlyRun, onlyBaseline, errored: both - pairs },
    });
  }
  for (const s of baseline.summary) {
    if (seen.has(`${s.prompt}\u0000${s.provider}`)) continue;
    rows.push({
      prompt: s.prompt, provider: s.provider, status: 'missing-in-run', pairs: 0,
      quality: { baseline: s.quality.rate, run: null, diff: null }, b: 0, c: 0, pValue: null,
      costRatio: null, p95Ratio: null,
      unpaired: { onlyRun: 0, onlyBaseline: baseline.results.filter((r) => r.prompt === s.prompt && r.provider === s.provider).length, errored: 0 },
    });
  }
  return { file, rows, notes };
}

function pairedPasses(then: CallResult[], now: CallResult[]): number {
  const nowByKey = new Map(now.map((r) => [`${r.example}/${r.repeat}`, r]));
  return then.filter((r) => {
    const other = nowByKey.get(`${r.example}/${r.repeat}`);
    return r.pass === true && other !== undefined && other.pass !== null;
  }).length;
}

/**
 * `--max-regression`: a row fails when its quality dropped by more than `maxDrop` AND the drop is
 * significant; a larger drop that is not significant passes with a plain note that the sample is
 * too small to tell. A row missing from the run fails (it cannot be shown not to regress).
 */
export function regressionChecks(comparison: BaselineComparison, maxDrop: number): GateCheck[] {
  return comparison.rows.flatMap((row): GateCheck[] => {
    const name = rowName(row);
    if (row.status === 'missing-in-baseline') return [];
    if (row.status === 'missing-in-run' || row.quality.diff === null) {
      return [{ name: 'max-regression', row: name, limit: maxDrop, actual: 'unknown', pass: false, reason: row.status === 'missing-in-run' ? 'row missing from this run' : 'no paired outputs to compare' }];
    }
    const drop = -row.quality.diff;
    const p = row.pValue ?? 1;
    const check: GateCheck = { name: 'max-regression', row: name, limit: maxDrop, actual: drop, pass: true, basis: `quality drop vs baseline on ${row.pairs} pairs` };
    if (drop > maxDrop && p < SIGNIFICANCE) {
      check.pass = false;
      check.reason = `significant drop (p=${p.toPrecision(2)}, ${row.b} pass→fail vs ${row.c} fail→pass)`;
    } else if (drop > maxDrop) {
      check.reason = `too few examples to tell (p=${p.toPrecision(2)}): not failing`;
    }
    return [check];
  });
}
