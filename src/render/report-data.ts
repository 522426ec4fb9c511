import type { RunRecord } from '../record.js';
import type { CallResult } from '../types.js';

/** Small views of a run record shared by the file reports (JUnit, Markdown, CSV, HTML). */

export type Row = RunRecord['summary'][number];

/** A gate as the run record stores it (`gates.checks`); read loosely so older records still render. */
export interface GateCheck {
  name: string;
  row: string | null;
  limit: string;
  actual: string;
  pass: boolean;
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

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (value === null || value === undefined) return 'n/a';
  return String(value);
}

/** The gate checks of a gated run; [] when the record has none. */
export function gateChecks(record: RunRecord): GateCheck[] {
  const gates = (record as { gates?: { checks?: unknown } }).gates;
  if (!gates || !Array.isArray(gates.checks)) return [];
  return gates.checks.map((g: Record<string, unknown>) => ({
    name: show(g.name),
    row: g.row === null || g.row === undefined ? null : show(g.row),
    limit: show(g.limit),
    actual: show(g.actual),
    pass: g.pass === true,
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
