/**
 * From a summary table to a decision: which rows are on the quality/cost Pareto front, and which
 * one row to pick. Quality is the judge-corrected rate when a calibrated judge graded the run
 * (the raw pass rate otherwise); cost is the mean cost of one call. Plain functions over rows.
 */
import type { Interval } from './types.js';
import type { SummaryRowFull } from './summarize.js';

/** Where `min_quality` came from, said in the reason so nobody wonders. */
export type MinQualitySource = 'flag' | 'task' | 'default';

/** The threshold used when neither the task's gates nor a flag set one. */
export const DEFAULT_MIN_QUALITY = 0.8;

/** The recommendation stored in the run record. prompt/provider are null when no row qualifies. */
export interface Recommendation {
  prompt: string | null;
  provider: string | null;
  /** One line for people: the pick and why, or why nothing qualifies and by how much. */
  reason: string;
}

export interface RecommendOptions {
  /** Use the corrected quality (a calibrated judge graded the run). */
  calibrated: boolean;
  minQuality: number;
  minQualitySource: MinQualitySource;
}

type Row = Pick<SummaryRowFull, 'prompt' | 'provider' | 'quality' | 'corrected' | 'costUsd'>;

/** The quality interval a decision is made on: corrected when calibrated (and known), else raw. */
export function decisionQuality(row: Row, calibrated: boolean): Interval {
  return calibrated && row.corrected && row.corrected.rate !== null ? row.corrected : row.quality;
}

/** Mean USD per call, or null when some call's price is unknown (such a row cannot be placed). */
export function costPerCall(row: Row): number | null {
  return row.costUsd.per1kCalls === null ? null : row.costUsd.per1kCalls / 1000;
}

/**
 * For each row: is it on the quality/cost Pareto front? A row is on it when it has a known cost and
 * quality and no other placeable row is at least as good on both with one strictly better.
 * Rows with unknown cost or no quality (every call errored) are never on it.
 */
export function paretoFront(rows: Row[], calibrated: boolean): boolean[] {
  const points = rows.map((row) => {
    const q = decisionQuality(row, calibrated).rate;
    const c = costPerCall(row);
    return q === null || c === null ? null : { q, c };
  });
  return points.map((p, i) => {
    if (!p) return false;
    return !points.some((o, j) => j !== i && o !== null && o.q >= p.q && o.c <= p.c && (o.q > p.q || o.c < p.c));
  });
}

/** Projected USD per month (30 days) at `perDay` calls a day; null when the cost is unknown. */
export function monthlyCost(row: Row, perDay: number): number | null {
  const c = costPerCall(row);
  return c === null ? null : c * perDay * 30;
}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
const money = (v: number) => (v === 0 ? '$0' : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(4)}`);

function sourceText(options: RecommendOptions): string {
  const value = `min_quality ${pct(options.minQuality)}`;
  if (options.minQualitySource === 'flag') return `${value} (from --min-quality)`;
  if (options.minQualitySource === 'task') return `${value} (from the task's gates)`;
  return `${value} (default; set gates.min_quality or --min-quality)`;
}

/**
 * The cheapest row whose quality lower bound meets `min_quality` (ties: higher lower bound, then
 * task order). A qualifying row of unknown cost is picked only when no priced row qualifies.
 * When none qualifies, the reason names the closest row and how far short its lower bound is.
 */
export function recommend(rows: Row[], options: RecommendOptions): Recommendation {
  const basis = options.calibrated ? 'corrected quality' : 'quality';
  const scored = rows.map((row, i) => ({ row, i, q: decisionQuality(row, options.calibrated), c: costPerCall(row) }));
  const withLow = scored.filter((s) => s.q.low !== null);
  if (withLow.length === 0) {
    return { prompt: null, provider: null, reason: `no row has a measured ${basis} (every call failed or nothing ran); ${sourceText(options)}` };
  }
  const qualifying = withLow.filter((s) => s.q.low! >= options.minQuality);
  if (qualifying.length === 0) {
    const best = withLow.reduce((a, b) => (b.q.low! > a.q.low! ? b : a));
    const short = options.minQuality - best.q.low!;
    return {
      prompt: null,
      provider: null,
      reason:
        `no row's ${basis} lower bound meets ${sourceText(options)}; closest: ${best.row.prompt} × ${best.row.provider} ` +
        `at ${pct(best.q.low!)} (${(short * 100).toFixed(0)} points short; more examples narrow the interval, a better prompt or model raises it)`,
    };
  }
  qualifying.sort((a, b) => {
    if (a.c === null || b.c === null) return a.c === null && b.c === null ? b.q.low! - a.q.low! || a.i - b.i : a.c === null ? 1 : -1;
    return a.c - b.c || b.q.low! - a.q.low! || a.i - b.i;
  });
  const pick = qualifying[0]!;
  const others = qualifying.length - 1;
  const cost = pick.c === null ? 'cost unknown (no price for this model)' : `${money(pick.c * 1000)} per 1k calls`;
  const why = pick.c === null ? 'the only qualifying rows have unknown cost' : others > 0 ? `cheapest of ${qualifying.length} qualifying rows` : 'the only qualifying row';
  return {
    prompt: pick.row.prompt,
    provider: pick.row.provider,
    reason: `${pick.row.prompt} × ${pick.row.provider}: ${why}; ${basis} lower bound ${pct(pick.q.low!)} meets ${sourceText(options)}; ${cost}`,
  };
}
