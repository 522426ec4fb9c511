/**
 * From a summary table to a decision: which rows are on the quality/cost Pareto front, and which
 * one row to pick. Both use each row's decision (summary/decide.ts): the same figure, limit and
 * confidence as the min-quality gate. Outcomes are data; render/recommendation.ts says them in words.
 */
import type { MinQualitySource, Recommendation, SummaryRow } from '../record/schema.js';
import type { Confidence } from '../task/types.js';

export { DEFAULT_MIN_QUALITY } from './decide.js';

type Row = Pick<SummaryRow, 'prompt' | 'provider' | 'decision' | 'costUsd'>;

/** Mean USD per call, or null when some call's price is unknown (such a row cannot be placed). */
function costPerCall(row: Pick<SummaryRow, 'costUsd'>): number | null {
  return row.costUsd.per1kCalls === null ? null : row.costUsd.per1kCalls / 1000;
}

/**
 * For each row: is it on the quality/cost Pareto front? A row is on it when its quality decides (a
 * figure it may be judged by) and its cost is known, and no other such row is at least as good on
 * both with one strictly better. The quality compared is the decision's figure.
 */
export function paretoFront(rows: Row[]): boolean[] {
  const points = rows.map((row) => {
    const q = row.decision.figure;
    const c = costPerCall(row);
    return q === null || c === null ? null : { q, c };
  });
  return points.map((p, i) => {
    if (!p) return false;
    return !points.some((o, j) => j !== i && o !== null && o.q >= p.q && o.c <= p.c && (o.q > p.q || o.c < p.c));
  });
}

/** Projected USD per month (30 days) at `perDay` calls a day; null when the cost is unknown. */
export function monthlyCost(row: Pick<SummaryRow, 'costUsd'>, perDay: number): number | null {
  const c = costPerCall(row);
  return c === null ? null : c * perDay * 30;
}

export interface RecommendOptions {
  minQuality: number;
  minQualitySource: MinQualitySource;
  confidence: Confidence;
}

/**
 * The cheapest row whose decision figure meets min_quality (ties: the higher figure, then task order).
 * A qualifying row of unknown cost is picked only when no priced row qualifies. No pick when the
 * judge that graded the rows cannot be trusted: its votes do not measure quality.
 */
export function recommend(rows: Row[], options: RecommendOptions): Recommendation {
  const common = { minQuality: options.minQuality, minQualitySource: options.minQualitySource, confidence: options.confidence };
  const none = (why: Extract<Recommendation, { kind: 'none' }>['why'], closest: Extract<Recommendation, { kind: 'none' }>['closest']): Recommendation => ({
    kind: 'none',
    prompt: null,
    provider: null,
    why,
    closest,
    ...common,
  });
  // Rows graded by an untrusted judge cannot be compared with the others: no pick at all.
  if (rows.some((r) => r.decision.basis === 'untrusted-judge')) return none('untrusted-judge', null);
  const measured = rows.map((row, i) => ({ row, i, q: row.decision.figure, c: costPerCall(row) })).filter((s): s is typeof s & { q: number } => s.q !== null);
  if (measured.length === 0) return none('not-measured', null);
  const qualifying = measured.filter((s) => s.q >= options.minQuality);
  if (qualifying.length === 0) {
    const best = measured.reduce((a, b) => (b.q > a.q ? b : a));
    return none('below-limit', { prompt: best.row.prompt, provider: best.row.provider, figure: best.q });
  }
  qualifying.sort((a, b) => {
    if (a.c === null || b.c === null) return a.c === null && b.c === null ? b.q - a.q || a.i - b.i : a.c === null ? 1 : -1;
    return a.c - b.c || b.q - a.q || a.i - b.i;
  });
  const pick = qualifying[0]!;
  return {
    kind: 'pick',
    prompt: pick.row.prompt,
    provider: pick.row.provider,
    figure: pick.q,
    basis: pick.row.decision.basis,
    qualifying: qualifying.length,
    per1kCalls: pick.row.costUsd.per1kCalls,
    ...common,
  };
}
