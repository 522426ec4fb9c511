import type { RunRecord } from '../record/schema.js';
import type { CallResult } from '../record/schema.js';
import { errorCount, interval, latencyCells, ms, pct, usd } from './format.js';
import { gatesHeadline } from './gates.js';
import { colourOf, qualityCostChart } from './html-chart.js';
import { outputHtml } from './html-answer.js';
import { html, Html } from './html-escape.js';
import { contentSecurityPolicy, STYLE } from './html-style.js';
import { rowName } from '../summary/summarize.js';
import { baselineCells, calibrationCells, exampleIndices, panelNote, gateLines, reasonsOf, resultNotes, rowResults, type Row } from './report-data.js';
import { probeLines } from './probes.js';
import { pairwiseLines } from './pairwise.js';
import { correctedCell, recommendationText, stopText, trustNext, trustReason, vsFirstText } from './words.js';

/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, no network), readable by
 * someone who never ran the tool. Every string from the record passes through `html`/`esc`, and a
 * strict Content-Security-Policy forbids scripts as a second line of defence.
 */

const swatch = (i: number) => html`<svg class="swatch" width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="6" fill="${colourOf(i)}"/></svg>`;

function verdictBadge(r: CallResult | undefined): Html {
  if (!r) return html`<span class="badge b-none">not run</span>`;
  if (r.pass === null) return html`<span class="badge b-error">error</span>`;
  return r.pass ? html`<span class="badge b-pass">pass</span>` : html`<span class="badge b-fail">fail</span>`;
}

function header(record: RunRecord): Html {
  const { models, judge, total } = record.costUsd;
  const cards = [
    [String(record.results.length), `calls of ${record.plannedCalls} planned`],
    [String(record.summary.length), 'prompt × provider rows'],
    [usd(total), record.judge ? `models ${usd(models)} + judge ${usd(judge)}` : 'models under test; no judge'],
  ];
  const rec = record.recommendation;
  return html`<header>
<h1>${record.task.name}</h1>
<p class="muted">Task file ${record.task.file} · started ${record.startedAt} · finished ${record.finishedAt} · ${record.tool.name} ${record.tool.version}</p>
${record.complete ? '' : html`<div class="banner"><b>Incomplete run:</b> ${record.results.length} of ${record.plannedCalls} calls finished (${stopText(record.stopReason)}).</div>`}
<div class="cards">${cards.map(([big, small]) => html`<div class="card"><b>${big}</b><span>${small}</span></div>`)}</div>
<p><b>Recommendation:</b> ${recommendationText(rec)}</p>
</header>`;
}

function gatesSection(record: RunRecord): Html {
  const checks = gateLines(record);
  if (checks.length === 0) return html``;
  const badge = (verdict: string) => html`<span class="badge ${verdict === 'FAIL' ? 'b-fail' : verdict === 'pass' ? 'b-pass' : 'b-none'}">${verdict}</span>`;
  const rows = checks.map(
    (g) =>
      html`<tr><td>${g.name}</td><td>${g.row}</td><td class="num">${g.limit}</td><td class="num">${g.actual}</td><td>${badge(g.verdict)}</td><td class="note">${g.note}</td></tr>`,
  );
  return html`<section><h2>${gatesHeadline(record.gates!)}</h2>
<div class="scroll"><table><thead><tr><th>gate</th><th>row</th><th class="num">limit</th><th class="num">actual</th><th>verdict</th><th>note</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function baselineSection(record: RunRecord): Html {
  const cmp = baselineCells(record);
  if (!cmp) return html``;
  const right = new Set([2, 3, 4, 5, 6, 7, 9, 10]);
  const cls = (i: number) => (right.has(i) ? 'num' : '');
  return html`<section><h2>Compared with ${cmp.file}</h2>
<div class="scroll"><table><thead><tr>${cmp.head.map((h, i) => html`<th class="${cls(i)}">${h}</th>`)}</tr></thead><tbody>${cmp.rows.map((r) => html`<tr>${r.map((c, i) => html`<td class="${cls(i)}">${c}</td>`)}</tr>`)}</tbody></table></div>
<p class="note">Paired by example; exact sign-flip test on per-example pass rates. Cost/call and p95 are ratios now / baseline.</p>${cmp.notes.map((n) => html`<p class="banner">${n}</p>`)}</section>`;
}

function judgeSection(record: RunRecord): Html {
  const judge = record.judge;
  if (!judge) return html``;
  const cells = calibrationCells(record);
  const next = trustNext(judge.trust);
  const rows = cells.rows.map((row) => html`<tr>${row.map((cell, i) => (i === 0 ? html`<td>${cell}</td>` : html`<td class="num">${cell}</td>`))}</tr>`);
  const table = judge.candidates.length
    ? html`<div class="scroll"><table><thead><tr>${cells.head.map((h, i) => (i === 0 ? html`<th>${h}</th>` : html`<th class="num">${h}</th>`))}</tr></thead><tbody>${rows}</tbody></table></div>
<p class="note">Leave-one-out on ${judge.labels.length} human-labeled outputs; ▶ = selected. TPR = human pass judged pass; TNR = human fail judged fail; J = TPR + TNR − 1.</p>${panelNote(record) ? html`<p class="note">${panelNote(record)!}</p>` : ''}`
    : html``;
  return html`<section><h2>Judge</h2>
<p>Judge ${judge.selected}: <span class="badge t-${judge.trust.level}">${judge.trust.level}</span> ${trustReason(judge.trust)}${next ? html`<br><span class="muted">${next}</span>` : ''}</p>
${table}${judge.probes ? probesList(judge.probes) : ''}</section>`;
}

function pairwiseSection(record: RunRecord): Html {
  if (!record.pairwise?.length) return html``;
  const blocks = record.pairwise.map((c) => {
    const [head, ...rest] = pairwiseLines(c);
    return html`<p>${head!}</p><ul>${rest.map((line) => html`<li>${line.trim()}</li>`)}</ul>`;
  });
  return html`<section><h2>Pairwise comparison</h2>${blocks}</section>`;
}

function probesList(probes: NonNullable<NonNullable<RunRecord['judge']>['probes']>): Html {
  const [head, ...items] = probeLines(probes);
  return html`<p>${head!}</p><ul>${items.map((line) => html`<li>${line.trim()}</li>`)}</ul>`;
}

function resultsSection(record: RunRecord): Html {
  const judge = record.judge;
  const many = record.summary.length > 1;
  const repeated = record.summary.some((row) => row.flipRate !== null);
  const rows = record.summary.map(
    (row, i) =>
      html`<tr><td class="nowrap">${swatch(i)}${i + 1}${row.pareto ? ' ◆' : ''}</td><td class="nowrap">${row.prompt}</td><td class="nowrap">${row.provider}</td><td class="num">${row.n}</td><td class="num">${row.passed}</td><td class="num">${row.failed}</td><td class="num">${errorCount(row)}</td><td class="num">${interval(row.quality)}</td>${judge ? html`<td class="num">${correctedCell(row.corrected, judge.trust)}</td>` : ''}${repeated ? html`<td class="num">${row.flipRate === null ? 'n/a' : pct(row.flipRate)}</td>` : ''}${many ? html`<td>${vsFirstText(row, i)}</td>` : ''}<td class="num">${usd(row.costUsd.total)}</td><td class="num">${usd(row.costUsd.per1kCalls)}</td><td class="num">${latencyCells(row)[0]}</td><td class="num">${latencyCells(row)[1]}</td></tr>`,
  );
  const { svg, unplaced } = qualityCostChart(record.summary);
  const legend = record.summary.map((row, i) => html`<li>${swatch(i)}<b>${i + 1}</b> ${rowName(row)}${row.pareto ? ' ◆' : ''}</li>`);
  return html`<section><h2>Results</h2>
<div class="scroll"><table><thead><tr><th>#</th><th>prompt</th><th>provider</th><th class="num">calls</th><th class="num">passed</th><th class="num">failed</th><th class="num">errors</th><th class="num">quality [95% CI]</th>${judge ? html`<th class="num">corrected [95% CI]</th>` : ''}${repeated ? html`<th class="num">flip</th>` : ''}${many ? html`<th>vs first row</th>` : ''}<th class="num">cost</th><th class="num">$/1k calls</th><th class="num">p50</th><th class="num">p95</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="note">${resultNotes(record).join(' ')} ◆ = on the quality/cost Pareto front.</p>
<h2>Quality vs cost</h2>
<div class="figure">${svg}<div><ul class="legend">${legend}</ul>
${unplaced.length ? html`<p class="note">Not plotted (unknown price, no scored call, or an untrusted judge): ${unplaced.map((i) => `${i + 1}`).join(', ')}.</p>` : ''}
<p class="note">Bars: 95% intervals. Dashed line: Pareto front.</p></div></div></section>`;
}

function cell(r: CallResult | undefined): Html {
  if (!r) return html`<td>${verdictBadge(r)}</td>`;
  const reasons = reasonsOf(r);
  const meta = [r.latencyMs === null ? null : ms(r.latencyMs), r.costUsd === null ? null : usd(r.costUsd), r.cached ? 'cached' : null]
    .filter(Boolean)
    .join(' · ');
  return html`<td>${verdictBadge(r)} <span class="note">${meta}</span>
${outputHtml(r)}
${r.error ? html`<div class="why err">error: ${r.error}</div>` : ''}${reasons.map((why) => html`<div class="why">${why}</div>`)}${r.judge?.verdict === 'pass' && r.judge.reason ? html`<div class="note">judge: ${r.judge.reason}</div>` : ''}</td>`;
}

function outputsSection(record: RunRecord, rows: Row[]): Html {
  const byRow = rows.map((row) => new Map(rowResults(record, row).map((r) => [`${r.example}/${r.repeat}`, r])));
  const repeats = Math.max(1, ...record.results.map((r) => r.repeat + 1));
  const lines: Html[] = [];
  for (const ex of exampleIndices(record)) {
    for (let rep = 0; rep < repeats; rep++) {
      const calls = byRow.map((m) => m.get(`${ex}/${rep}`));
      if (calls.every((c) => c === undefined)) continue;
      lines.push(html`<tr><td class="ex">${ex}${repeats > 1 ? html`<br><span class="note">repeat ${rep}</span>` : ''}</td>${calls.map(cell)}</tr>`);
    }
  }
  return html`<section><h2>Outputs, example by example</h2>
<div class="scroll"><table class="outputs"><thead><tr><th>example</th>${rows.map((row, i) => html`<th>${swatch(i)}${i + 1}. ${rowName(row)}</th>`)}</tr></thead><tbody>${lines}</tbody></table></div></section>`;
}

/** The whole report as one HTML document. */
export function renderHtml(record: RunRecord): string {
  const data = record.priceData;
  return `<!doctype html>
${html`<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>aijourney: ${record.task.name}</title>
<style>${new Html(STYLE)}</style></head>
<body><main>
${header(record)}${gatesSection(record)}${baselineSection(record)}${judgeSection(record)}${resultsSection(record)}${pairwiseSection(record)}${outputsSection(record, record.summary)}
<footer>Prices: ${data.source} ${data.version}${data.date ? ` (data of ${data.date})` : ''}; task-file overrides where given. Everything a model wrote is shown as text. Generated by ${record.tool.name} ${record.tool.version}.</footer>
</main></body></html>`}
`;
}
