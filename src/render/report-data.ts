import type { RunRecord } from '../record.js';
import type { CallResult } from '../types.js';
import { verdictText } from './baseline.js';
import { interval, ms, num, pct, usd } from './format.js';
import { gateValue } from './gates.js';

/** Small views of a run record shared by the file reports (JUnit, Markdown, CSV, HTML). */

export type Row = RunRecord['summary'][number];

/** A gate check ready to print: limit and actual in the gate's unit. */
export interface GateLine {
  name: string;
  row: string;
  limit: string;
  actual: string;
  pass: boolean;
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

export const rowLabel = (row: Pick<Row, 'prompt' | 'provider'>) => `${row.prompt} × ${row.provider}`;

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
    note: [g.basis, g.reason].filter(Boolean).join('; '),
  }));
}

/** True when a judge graded the run and was checked against labels, so corrected quality means something. */
export const calibrated = (record: RunRecord) => record.judge !== null && record.judge.trust !== 'UNCALIBRATED';

const SIGNIFICANT = 0.05;

/** The paired comparison with the first row in words; nothing is "better" unless McNemar can tell. */
export function vsFirstText(row: Row, index: number, pValue: (p: number) => string): string {
  if (index === 0 || !row.vsFirst) return '(first row)';
  const { b, c, pValue: p } = row.vsFirst;
  if (b + c === 0) return 'same results';
  if (p >= SIGNIFICANT) return `not distinguishable (${pValue(p)})`;
  return `${c > b ? 'better' : 'worse'} (${pValue(p)}, ${c}↑ ${b}↓)`;
}

/** One line per row of a `--baseline` comparison, as text cells (same words as the terminal). */
export function baselineCells(record: RunRecord): { file: string; head: string[]; rows: string[][]; notes: string[] } | null {
  const cmp = record.baseline;
  if (!cmp) return null;
  const signed = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
  const times = (v: number | null) => (v === null ? 'n/a' : `×${v.toFixed(2)}`);
  const rows = cmp.rows.map((row) => [row.prompt, row.provider, String(row.pairs), pct(row.quality.baseline), pct(row.quality.run), signed(row.quality.diff), String(row.b), String(row.c), verdictText(row), times(row.costRatio), times(row.p95Ratio)]);
  return { file: cmp.file, head: ['prompt', 'provider', 'pairs', 'baseline', 'now', 'change', 'pass→fail', 'fail→pass', 'verdict', 'cost/call', 'p95'], rows, notes: cmp.notes };
}

/** The calibration table, one row per judge candidate, as text cells (the same in every format). */
export function calibrationCells(record: RunRecord): { head: string[]; rows: string[][] } {
  const head = ['judge', 'n', 'agreement [95% CI]', 'TPR', 'TNR', 'J', 'kappa', 'unparseable', 'flip rate', 'cost', 'p50'];
  const rows = (record.judge?.candidates ?? []).map((c) => [
    `${c.selected ? '▶ ' : ''}${c.id}`,
    String(c.n),
    `${c.agreement.k}/${c.agreement.n} ${interval(c.agreement)}`,
    pct(c.tpr),
    pct(c.tnr),
    num(c.j),
    num(c.kappa),
    String(c.unparseable),
    c.flipRate === null ? 'n/a' : pct(c.flipRate),
    usd(c.costUsd),
    ms(c.latencyP50Ms),
  ]);
  return { head, rows };
}
