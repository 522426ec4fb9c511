import type { Interval, SummaryRow } from '../record/schema.js';
import { displayText } from './terminal-text.js';
import { rowName } from '../summary/summarize.js';

/** Formatting of numbers for people: every number with its unit, unknowns spelled out. */

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  if (value === 0) return '$0';
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toFixed(value < 10 ? 4 : 2)}`;
}

export function pct(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(digits)}%`;
}

export function interval(q: Interval | null | undefined): string {
  if (!q || q.rate === null) return 'n/a';
  return `${pct(q.rate)} [${pct(q.low)}, ${pct(q.high)}]`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function num(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? 'n/a' : value.toFixed(digits);
}

/** A row's errors, saying how many were refusals (a model declining is not a broken call). */
export function errorCount(row: { errors: number; refusals?: number }): string {
  return row.refusals ? `${row.errors} (${row.refusals} refused)` : String(row.errors);
}

/** Retries apart from latency: how many, and the time their failed attempts and back-off took. */
export function retryNote(rows: ReadonlyArray<{ prompt: string; provider: string; retries: number; retryMs?: number }>): string | null {
  const retried = rows.filter((r) => r.retries > 0);
  if (retried.length === 0) return null;
  const each = retried.map((r) => `${rowName(r)} ${r.retries} (${ms(r.retryMs ?? null)})`);
  return `Retries (failed attempts and back-off, not in the latency columns): ${each.join('; ')}`;
}

export function pValue(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(p < 0.1 ? 3 : 2)}`;
}

/** One line of at most `max` characters, control characters shown escaped (an escape is never cut in half). */
export function oneLine(text: string, max = 60): string {
  const flat = displayText(text.replace(/\s+/g, ' ').trim());
  if (flat.length <= max) return flat;
  return `${flat.slice(0, max - 1).replace(/\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?$/, '')}…`;
}

export interface Palette {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/** ANSI colours only on a TTY and when NO_COLOR is not set (https://no-color.org). */
export function palette(enabled: boolean): Palette {
  if (!enabled) {
    const id = (s: string) => s;
    return { enabled, bold: id, dim: id, red: id, green: id, yellow: id };
  }
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

/** "models $X + judge $Y = $Z", or just the models' cost when no judge was used. */
export function costBreakdown(cost: { models: number | null; judge: number | null; total: number | null }, judged: boolean): string {
  return judged ? `models ${usd(cost.models)} + judge ${usd(cost.judge)} = ${usd(cost.total)}` : `${usd(cost.total)} (models under test; no judge)`;
}

/** p50, p95 and max of a row's calls; a batched row's are its batches' turnaround, marked so (not per-call latency). */
export function latencyCells(row: Pick<SummaryRow, 'latencyMs' | 'batchTurnaroundMs'>): [string, string, string] {
  const t = row.batchTurnaroundMs;
  if (row.latencyMs.p50 !== null || !t) return [ms(row.latencyMs.p50), ms(row.latencyMs.p95), ms(row.latencyMs.max)];
  return [`batch ${ms(t.p50)}`, '-', `batch ${ms(t.max)}`];
}
