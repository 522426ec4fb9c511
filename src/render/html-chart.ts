import { pct, usd } from './format.js';
import { html, type Html } from './html-escape.js';
import type { Row } from './report-data.js';
import { rowName } from '../summary/summarize.js';

/**
 * The quality-vs-cost chart as inline SVG, drawn by hand so the report needs no script and no
 * network: one point per row at (mean cost per 1k calls, quality) with its 95% interval as an
 * error bar, and the Pareto front as a dashed line. Quality is what each row's decision rests on (the
 * corrected rate when a judge graded it, else the pass rate); a row graded by an untrusted judge is
 * not plotted, as its quality cannot be measured.
 */

/** Tableau 10: distinct, colour-blind-aware categorical colours. */
const SERIES_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const colourOf = (i: number) => SERIES_COLOURS[i % SERIES_COLOURS.length]!;

const W = 640;
const H = 340;
const M = { left: 56, right: 40, top: 16, bottom: 52 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

interface Point {
  index: number;
  cost: number;
  rate: number;
  low: number;
  high: number;
  pareto: boolean;
}

interface Scale {
  x(cost: number): number;
  ticks: number[];
}

function niceStep(span: number): number {
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Log scale when costs span more than a factor of 20 (cheap and dear models side by side), else linear from 0. */
function xScale(costs: number[]): Scale {
  const max = Math.max(...costs);
  const min = Math.min(...costs);
  if (min > 0 && max / min > 20) {
    const lo = Math.floor(Math.log10(min));
    const hi = Math.ceil(Math.log10(max));
    const span = Math.max(1, hi - lo);
    const ticks = Array.from({ length: span + 1 }, (_, i) => 10 ** (lo + i));
    return { x: (c) => M.left + ((Math.log10(c) - lo) / span) * PW, ticks };
  }
  const top = max > 0 ? max * 1.1 : 1;
  const step = niceStep(top);
  const end = Math.ceil(top / step) * step;
  const ticks = Array.from({ length: Math.round(end / step) + 1 }, (_, i) => i * step);
  return { x: (c) => M.left + (c / end) * PW, ticks };
}

/** Axis labels without trailing zeros: $0.1, $1, $2.5, $0.0005. */
function tickUsd(value: number): string {
  if (value === 0) return '$0';
  return `$${Number(value.toPrecision(3))}`;
}

const y = (q: number) => M.top + (1 - q) * PH;
const f = (v: number) => v.toFixed(1);

export function qualityCostChart(rows: Row[]): { svg: Html; unplaced: number[] } {
  const points: Point[] = [];
  const unplaced: number[] = [];
  const plotted = (row: Row) =>
    row.decision.basis === 'corrected' ? row.corrected : row.decision.basis === 'raw' || row.decision.basis === 'raw-judge-votes' ? row.quality : null;
  const corrected = rows.some((row) => row.decision.basis === 'corrected');
  rows.forEach((row, index) => {
    const q = plotted(row) ?? { rate: null, low: null, high: null };
    const cost = row.costUsd.per1kCalls;
    if (cost === null || q.rate === null) unplaced.push(index);
    else points.push({ index, cost, rate: q.rate, low: q.low ?? q.rate, high: q.high ?? q.rate, pareto: row.pareto === true });
  });
  const scale = xScale(points.length ? points.map((p) => p.cost) : [0]);
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (q) =>
      html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${f(y(q))}" y2="${f(y(q))}"/><text class="tick" x="${M.left - 8}" y="${f(y(q) + 4)}" text-anchor="end">${pct(q)}</text>`,
  );
  const xticks = scale.ticks.map((t) => {
    const x = f(scale.x(t));
    return html`<line class="grid" x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + PH}"/><text class="tick" x="${x}" y="${M.top + PH + 18}" text-anchor="middle">${tickUsd(t)}</text>`;
  });
  const front = points.filter((p) => p.pareto).sort((a, b) => a.cost - b.cost);
  const frontLine = front.length > 1 ? html`<polyline class="front" points="${front.map((p) => `${f(scale.x(p.cost))},${f(y(p.rate))}`).join(' ')}"/>` : html``;
  const marks = points.map((p) => {
    const x = scale.x(p.cost);
    const c = colourOf(p.index);
    return html`<g><title>${rowName(rows[p.index]!)}: ${pct(p.rate)} [${pct(p.low)}, ${pct(p.high)}], ${usd(p.cost)} per 1k calls</title>
<line stroke="${c}" stroke-width="2" x1="${f(x)}" x2="${f(x)}" y1="${f(y(p.low))}" y2="${f(y(p.high))}"/>
<line stroke="${c}" stroke-width="2" x1="${f(x - 5)}" x2="${f(x + 5)}" y1="${f(y(p.low))}" y2="${f(y(p.low))}"/>
<line stroke="${c}" stroke-width="2" x1="${f(x - 5)}" x2="${f(x + 5)}" y1="${f(y(p.high))}" y2="${f(y(p.high))}"/>
<circle cx="${f(x)}" cy="${f(y(p.rate))}" r="${p.pareto ? 7 : 6}" fill="${c}" stroke="${p.pareto ? '#1f2328' : '#fff'}" stroke-width="1.5"/>
<text class="pt" x="${f(x + 10)}" y="${f(y(p.rate) - 8)}">${p.index + 1}</text></g>`;
  });
  const yLabel = corrected ? 'corrected quality (95% interval)' : 'quality (95% Wilson interval)';
  const svg = html`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Quality versus cost per row">
<title>Quality versus cost: one point per prompt × provider row</title>
${grid}${xticks}
<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PH}" y2="${M.top + PH}"/>
<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}"/>
<text class="label" x="${M.left + PW / 2}" y="${H - 10}" text-anchor="middle">mean cost per 1k calls (USD)${points.length && scale.ticks.length > 1 && scale.ticks[0]! > 0 ? ', log scale' : ''}</text>
<text class="label" transform="translate(14 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>
${frontLine}${marks}
</svg>`;
  return { svg, unplaced };
}
