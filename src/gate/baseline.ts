import type { GateCheck } from '../record/schema.js';
import { rowName } from '../summary/summarize.js';
import type { RunRecord } from '../record/schema.js';
import { MIN_DIFFERING, SIGNIFICANCE } from '../stats/index.js';
import { clustersOf, groupByRow, pairedTest, rowKey } from '../summary/summarize.js';
import type { CallResult } from '../record/schema.js';
import type { Confidence } from '../task/types.js';
import type { BaselineComparison, BaselineRow } from '../record/schema.js';
import { stopText } from '../render/words.js';

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
  if (onlyBase > 0 || onlyRun > 0)
    notes.push(`examples differ: ${map.size} shared, ${onlyRun} only in this run, ${onlyBase} only in the baseline (only shared examples are paired)`);
  return (i) => map.get(i);
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

const examplesOf = (rs: readonly CallResult[]) => new Set(rs.map((r) => r.example));
const maxCalls = (rs: readonly CallResult[]) => Math.max(1, ...[...clustersOf(rs).values()].map((c) => c.n));

/** Compares every row of `run` with the same prompt x provider row of `baseline`, example by example. */
export function compareRuns(run: RunRecord, baseline: RunRecord, file: string): BaselineComparison {
  const notes: string[] = [];
  if (run.task.name !== baseline.task.name) notes.push(`different task names: "${run.task.name}" now, "${baseline.task.name}" in the baseline`);
  if (!baseline.complete) notes.push(`the baseline is incomplete (${stopText(baseline.stopReason)})`);
  if (!run.complete) notes.push(`this run is incomplete (${stopText(run.stopReason)})`);
  const toRun = exampleMap(run, baseline, notes);
  const runGroups = groupByRow(run.results);
  const baseGroups = groupByRow(baseline.results);
  const baseRows = new Map(baseline.summary.map((s) => [rowKey(s), s]));
  const rows: BaselineRow[] = [];
  const empty = {
    examples: 0,
    quality: { baseline: null, run: null, diff: null },
    worse: 0,
    better: 0,
    pValue: null,
    pWorse: null,
    canTell: false,
    repeat: 1,
    costRatio: null,
    p95Ratio: null,
  };
  for (const s of run.summary) {
    const now = runGroups.get(rowKey(s)) ?? [];
    const base = baseRows.get(rowKey(s));
    if (!base) {
      rows.push({
        prompt: s.prompt,
        provider: s.provider,
        status: 'missing-in-baseline',
        ...empty,
        quality: { baseline: null, run: s.quality.rate, diff: null },
        unpaired: { onlyRun: examplesOf(now).size, onlyBaseline: 0, errored: 0 },
      });
      continue;
    }
    const then = (baseGroups.get(rowKey(s)) ?? []).flatMap((r) => {
      const example = toRun(r.example);
      return example === undefined ? [] : [{ ...r, example }];
    });
    const test = pairedTest(then, now);
    const scoredNow = clustersOf(now);
    const scoredThen = clustersOf(then);
    const paired = [...scoredNow.keys()].filter((e) => scoredThen.has(e));
    const frac = (m: Map<number, { passes: number; n: number }>) =>
      paired.length === 0 ? null : paired.reduce((sum, e) => sum + m.get(e)!.passes / m.get(e)!.n, 0) / paired.length;
    const nowExamples = examplesOf(now);
    const thenExamples = examplesOf(then);
    const thenAll = examplesOf(baseGroups.get(rowKey(s)) ?? []);
    const diffs = paired.map((e) => scoredNow.get(e)!.passes / scoredNow.get(e)!.n - scoredThen.get(e)!.passes / scoredThen.get(e)!.n);
    rows.push({
      prompt: s.prompt,
      provider: s.provider,
      status: 'paired',
      examples: test.examples,
      quality: { baseline: frac(scoredThen), run: frac(scoredNow), diff: test.meanDiff },
      worse: diffs.filter((d) => d < 0).length,
      better: diffs.filter((d) => d > 0).length,
      pValue: test.examples > 0 ? test.pValue : null,
      pWorse: test.examples > 0 ? test.pWorse : null,
      canTell: test.canTell,
      repeat: Math.max(maxCalls(now), maxCalls(then)),
      costRatio: ratio(s.costUsd.per1kCalls, base.costUsd.per1kCalls),
      p95Ratio: ratio(s.latencyMs.p95, base.latencyMs.p95),
      unpaired: {
        onlyRun: [...nowExamples].filter((e) => !thenExamples.has(e)).length,
        onlyBaseline: thenAll.size - thenExamples.size + [...thenExamples].filter((e) => !nowExamples.has(e)).length,
        errored: [...nowExamples].filter((e) => thenExamples.has(e)).length - paired.length,
      },
    });
  }
  for (const s of baseline.summary) {
    if (run.summary.some((r) => rowKey(r) === rowKey(s))) continue;
    const then = baseGroups.get(rowKey(s)) ?? [];
    rows.push({
      prompt: s.prompt,
      provider: s.provider,
      status: 'missing-in-run',
      ...empty,
      quality: { baseline: s.quality.rate, run: null, diff: null },
      unpaired: { onlyRun: 0, onlyBaseline: examplesOf(then).size, errored: 0 },
    });
  }
  return { file, rows, notes };
}

/**
 * The fewest paired examples at which a drop of `maxDrop` could be significant at all: at least
 * {@link MIN_DIFFERING} examples must differ, each by at least one call in `repeat`.
 */
function examplesToDetect(maxDrop: number, repeat: number): number {
  return Math.max(MIN_DIFFERING, Math.ceil(MIN_DIFFERING / (repeat * Math.max(maxDrop, 1e-9)) - 1e-9));
}

/**
 * `--max-regression`: a row fails when its quality dropped by more than `maxDrop` and the drop is
 * significant (exact paired test: two-sided p < 0.05 with `confidence: estimate`, one-sided
 * p < 1 − c with a level c). A row that passes because its sample could not show such a drop is
 * marked inconclusive, with the number of examples it would take. A row missing from the run fails.
 */
export function regressionChecks(comparison: BaselineComparison, maxDrop: number, confidence: Confidence = 'estimate'): GateCheck[] {
  return comparison.rows.flatMap((row): GateCheck[] => {
    const name = rowName(row);
    if (row.status === 'missing-in-baseline') return [];
    if (row.status === 'missing-in-run' || row.quality.diff === null) {
      return [
        {
          name: 'max-regression',
          row: name,
          limit: maxDrop,
          actual: null,
          pass: false,
          why: { code: row.status === 'missing-in-run' ? 'row-missing' : 'no-pairs' },
        },
      ];
    }
    const drop = -row.quality.diff;
    const significant = confidence === 'estimate' ? row.pValue! < SIGNIFICANCE : row.pWorse! < 1 - confidence;
    const check: GateCheck = {
      name: 'max-regression',
      row: name,
      limit: maxDrop,
      actual: drop,
      pass: true,
      basis: 'paired-drop',
      examples: row.examples,
      confidence,
    };
    const needed = examplesToDetect(maxDrop, row.repeat);
    if (drop > maxDrop && significant) {
      check.pass = false;
      check.why = { code: 'significant-drop', pValue: confidence === 'estimate' ? row.pValue! : row.pWorse!, worse: row.worse, better: row.better };
    } else if (drop > maxDrop) {
      check.inconclusive = true;
      check.why = { code: 'not-significant', pValue: confidence === 'estimate' ? row.pValue! : row.pWorse! };
    } else if (row.examples < needed) {
      check.inconclusive = true;
      check.why = { code: 'undetectable', examples: row.examples, needed };
    }
    return [check];
  });
}
