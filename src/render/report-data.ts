import type { BaselineRow, CallResult, RunRecord } from '../record/schema.js';
import { wilson } from '../stats/index.js';

import { interval, ms, num, pct, usd } from './format.js';
import { gateValue, gateVerdict } from './gates.js';
import { gateNote, verdictText } from './words.js';

/** Small views of a run record shared by the file reports (JUnit, Markdown, CSV, HTML). */

export type Row = RunRecord['summary'][number];

/** A gate check ready to print: limit and actual in the gate's unit. */
export interface GateLine {
  name: string;
  row: string;
  limit: string;
  actual: string;
  pass: boolean;
  /** pass, FAIL or inconclusive (passed, but the sample could not show a failure of this size). */
  verdict: string;
  /** What was measured and why it failed, when the record says. */
  note: string;
}

export function rowResults(record: RunRecord, row: Pick<Row, 'prompt' | 'provider'>): CallResult[] {
  return record.results.filter((r) => r.prompt === row.prompt && r.provider === row.provider);
}

/** Every example index any call was planned for, ascending (the record keeps no example list). */
export function exampleIndices(record: RunRecord): number[] {
  return [...new Set(record.results.map((r) => r.example))].sort((a, b) => a - b);
}

export const repeatLabel = (r: CallResult) => `example ${r.example}${r.repeat ? ` repeat ${r.repeat}` : ''}`;

/** Why a call did not pass, one reason per failing check and one for a failing judge verdict. */
export function reasonsOf(r: CallResult): string[] {
  const reasons = r.checks.filter((c) => !c.pass).map((c) => `${c.type}: ${c.reason}`);
  if (r.judge?.verdict === 'fail') {
    const { source, reason } = r.judge;
    reasons.push(source === 'label' ? (reason.startsWith('human label') ? reason : `human label: ${reason}`) : `judge: ${reason}`);
  }
  return reasons;
}

/** The gate checks of a gated run; [] when no gate was set. */
export function gateLines(record: RunRecord): GateLine[] {
  return (record.gates?.checks ?? []).map((g) => ({
    name: g.name,
    row: g.row,
    limit: gateValue(g.name, g.limit),
    actual: gateValue(g.name, g.actual),
    pass: g.pass,
    verdict: gateVerdict(g),
    note: gateNote(g),
  }));
}

const signed = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
const times = (v: number | null) => (v === null ? 'n/a' : `×${v.toFixed(2)}`);

/** The cells of one row of a `--baseline` comparison, in BASELINE_HEAD's order (the terminal's and the reports' words). */
export function baselineRowCells(row: BaselineRow): string[] {
  return [
    row.prompt,
    row.provider,
    String(row.examples),
    pct(row.quality.baseline),
    pct(row.quality.run),
    signed(row.quality.diff),
    String(row.worse),
    String(row.better),
    verdictText(row),
    times(row.costRatio),
    times(row.p95Ratio),
  ];
}

/** One line per row of a `--baseline` comparison, as text cells (same words as the terminal). */
export function baselineCells(record: RunRecord): { file: string; head: string[]; rows: string[][]; notes: string[] } | null {
  const cmp = record.baseline;
  if (!cmp) return null;
  return { file: cmp.file, head: BASELINE_HEAD, rows: cmp.rows.map(baselineRowCells), notes: cmp.notes };
}

export const BASELINE_HEAD = ['prompt', 'provider', 'examples', 'baseline', 'now', 'change', 'worse', 'better', 'verdict', 'cost/call', 'p95'];

/** k/n rate [95% Wilson interval] of one class of labels. */
function classRate(k: number, n: number): string {
  return n === 0 ? 'unmeasured' : `${k}/${n} ${interval(wilson(k, n))}`;
}

/** The calibration table, one row per judge candidate, as text cells (the same in every format). */
export function calibrationCells(record: Pick<RunRecord, 'judge'>): { head: string[]; rows: string[][] } {
  const head = ['judge', 'n', 'TPR [95% CI]', 'TNR [95% CI]', 'J', 'agreement', 'kappa', 'unparseable', 'flip rate', 'cost', 'p50'];
  const rows = (record.judge?.candidates ?? []).map((c) => [
    `${c.selected ? '▶ ' : ''}${c.id}`,
    String(c.n),
    classRate(c.confusion.tp, c.confusion.tp + c.confusion.fn),
    classRate(c.confusion.tn, c.confusion.tn + c.confusion.fp),
    num(c.j),
    `${c.agreement.k}/${c.agreement.n} ${pct(c.agreement.rate)}`,
    num(c.kappa),
    String(c.unparseable),
    c.flipRate === null ? 'n/a' : pct(c.flipRate),
    usd(c.costUsd),
    ms(c.latencyP50Ms),
  ]);
  return { head, rows };
}

/**
 * What the panel row is, under the calibration table: its members, how it combined their votes and
 * with which weights, and why it was or was not selected.
 */
export function panelNote(record: Pick<RunRecord, 'judge'>): string | null {
  const rows = record.judge?.candidates ?? [];
  const panel = rows.find((c) => c.panel);
  if (!panel?.panel) return null;
  const singles = rows.filter((c) => !c.panel);
  const bestJ = singles.reduce<number | null>((m, c) => (c.j === null ? m : m === null ? c.j : Math.max(m, c.j)), null);
  const how =
    panel.panel.combine === 'weighted'
      ? `votes weighted by log-odds from each member's TPR/TNR on the labels (${panel.panel.weights.map((w) => `${w.id}: pass ${logOdds(w.pass)}, fail ${logOdds(w.fail)}`).join('; ')})`
      : 'majority vote (too few labels of each verdict to weight the members)';
  const why = panel.selected ? `its J beats the best single judge's (${num(bestJ)})` : `selected only when its J beats the best single judge's (${num(bestJ)})`;
  return `panel = ${panel.panel.members.join(' + ')}: ${how}; ${why}; its cost counts every member's calls, its latency the slowest member's.`;
}

const logOdds = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

/** The notes under the results table, the same in every format. */
export function resultNotes(record: Pick<RunRecord, 'summary' | 'judge'>): string[] {
  const repeated = record.summary.some((row) => row.flipRate !== null);
  const notes = [
    `quality = passed / (calls that returned an output); errors are counted apart. Intervals: 95% Wilson${repeated ? ' at the effective sample size (repeats of one example are correlated: the example is the unit)' : ''}.`,
  ];
  if (record.judge)
    notes.push(
      "corrected = quality corrected for the judge's measured TPR/TNR (Bayesian 95% interval; PPI where labels drawn at random allow a narrower valid one), marked with the judge's trust level.",
    );
  if (repeated) notes.push('flip = share of examples whose repeats disagree: the run-to-run noise floor.');
  notes.push(
    "cost = the row's calls in USD at the prices named below (a reply replayed from the cache counts what it cost when made); $/1k calls = the same per 1,000 calls; p50 / p95 / max = latency per call, request sent to reply read (retries apart).",
  );
  return notes;
}
