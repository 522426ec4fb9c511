import Table from 'cli-table3';
import type { RunRecord } from '../record/schema.js';
import { monthlyCost } from '../summary/recommend.js';
import { renderBaseline } from './baseline.js';
import { renderGates } from './gates.js';
import { costBreakdown, errorCount, interval, latencyCells, oneLine, palette, pct, retryNote, usd, type Palette } from './format.js';
import { calibrationCells, panelNote, resultNotes } from './report-data.js';
import { displayCopy } from './terminal-text.js';
import { probeLines } from './probes.js';
import { pairwiseLines } from './pairwise.js';
import { correctedCell, recommendationText, stopText, trustNext, trustReason, vsFirstText } from './words.js';
import { rowName } from '../summary/summarize.js';

export interface RenderOptions {
  color: boolean;
  /** How many failing calls to list. @default 20 */
  maxFailures?: number;
  /** Calls per day (`--volume`): adds a projected cost per month (30 days) column. */
  volumePerDay?: number;
}

/**
 * What the sections read, escaped for display: the record but its results (many; at most
 * `maxFailures` of them are shown, and failureSection escapes those), its inputs and its plan (never shown).
 */
type Shown = Omit<RunRecord, 'results' | 'inputs' | 'plan'>;

function table(head: string[], color: boolean): Table.Table {
  return new Table({ head, style: color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] } });
}

function calibrationSection(record: Shown, p: Palette): string[] {
  const judge = record.judge;
  if (!judge) return [];
  const lines: string[] = [];
  if (judge.candidates.length > 0) {
    const cells = calibrationCells(record);
    const t = table(cells.head, p.enabled);
    t.push(...cells.rows);
    lines.push(p.bold(`Judge calibration (leave-one-out on ${judge.labels.length} labeled outputs; ▶ = selected)`), t.toString());
    const note = panelNote(record);
    if (note) lines.push(note);
    const sel = judge.candidates.find((c) => c.selected);
    if (sel) {
      const m = sel.confusion;
      lines.push(
        `Confusion of ${sel.id}:           judge pass   judge fail`,
        `  human pass              ${String(m.tp).padStart(10)}   ${String(m.fn).padStart(10)}`,
        `  human fail              ${String(m.fp).padStart(10)}   ${String(m.tn).padStart(10)}`,
      );
    }
  }
  const level = judge.trust.level;
  const colour = level === 'TRUSTED' ? p.green : level === 'PROVISIONAL' ? p.yellow : p.red;
  lines.push(`Judge ${judge.selected}: ${colour(p.bold(level))} (${trustReason(judge.trust)})`);
  const next = trustNext(judge.trust);
  if (next) lines.push(`  ${next}`);
  if (judge.probes) lines.push(...probeLines(judge.probes));
  if (record.labelNext.length > 0) {
    lines.push('Label next (aijourney label --next 5): the outputs whose labels are expected to narrow the corrected intervals most');
    for (const s of record.labelNext) lines.push(`  example ${s.example} · ${s.provider} · "${oneLine(s.output, 50)}" (${s.why})`);
    const next = judge.trust.next;
    // While the judge is untrusted no quality decision (gate, recommendation, baseline) can be made at all.
    if ((level === 'UNTRUSTED' || level === 'UNCALIBRATED') && next?.level === 'PROVISIONAL' && next.reachable)
      lines.push(
        `  a quality decision (gate, recommendation, baseline) needs the judge at least PROVISIONAL: ${next.pass} more pass and ${next.fail} more fail labels${next.assumesAgreement ? ' at least' : ', if it keeps its rates'}`,
      );
  }
  return lines;
}

function summarySection(record: Shown, calls: number, p: Palette, volume?: number): string[] {
  const head = ['prompt', 'provider', 'calls', 'passed', 'errors', 'quality [95% CI]'];
  if (record.judge) head.push('corrected [95% CI]');
  const repeated = record.summary.some((row) => row.flipRate !== null);
  if (repeated) head.push('flip');
  if (record.summary.length > 1) head.push('vs first row');
  head.push('cost', '$/1k calls', 'p50', 'p95', 'max');
  const hasPareto = record.summary.some((row) => row.pareto !== undefined);
  if (hasPareto) head.push('front');
  if (volume) head.push(`$/month @${volume}/day`);
  const t = table(head, p.enabled);
  record.summary.forEach((row, i) => {
    const cells = [row.prompt, row.provider, String(row.n), String(row.passed), row.errors ? p.red(errorCount(row)) : '0', interval(row.quality)];
    if (record.judge) cells.push(correctedCell(row.corrected, record.judge.trust));
    if (repeated) cells.push(row.flipRate === null ? 'n/a' : pct(row.flipRate));
    if (record.summary.length > 1) cells.push(vsFirstText(row, i));
    cells.push(usd(row.costUsd.total), usd(row.costUsd.per1kCalls), ...latencyCells(row));
    if (hasPareto) cells.push(row.pareto ? p.green('◆ pareto') : row.quality.rate === null ? 'n/a' : row.costUsd.per1kCalls === null ? 'cost unknown' : '');
    if (volume) cells.push(usd(monthlyCost(row, volume)));
    t.push(cells);
  });
  const lines = [p.bold('Results'), t.toString()];
  lines.push(...resultNotes(record).map((note) => p.dim(note)));
  const retries = retryNote(record.summary);
  if (retries) lines.push(p.dim(retries));
  const batched = record.summary.reduce((n, row) => n + (row.batched ?? 0), 0);
  if (batched > 0) lines.push(p.dim(batchedNote(batched, calls)));
  lines.push(...recommendationLines(record, p));
  return lines;
}

/** The Pareto note and the one-line pick (recommend.ts); nothing for records written before them. */
function recommendationLines(record: Shown, p: Palette): string[] {
  const lines: string[] = [];
  if (record.summary.some((row) => row.pareto !== undefined) && record.summary.length > 1) {
    const unplaced = record.summary.filter((row) => row.quality.rate !== null && row.costUsd.per1kCalls === null).map((row) => `${rowName(row)}`);
    lines.push(
      p.dim(
        `◆ pareto = on the quality/cost front: no other row is at least as good for no more money per call (and better on one)${unplaced.length ? `; cost unknown, cannot be placed: ${unplaced.join(', ')}` : ''}.`,
      ),
    );
  }
  const rec = record.recommendation;
  lines.push(rec.kind === 'none' ? p.yellow(`Recommendation: ${recommendationText(rec)}`) : p.bold(`Recommendation: ${recommendationText(rec)}`));
  return lines;
}

function failureSection(results: RunRecord['results'], p: Palette, max: number): string[] {
  const failing = results.filter((r) => r.pass !== true);
  if (failing.length === 0) return [];
  const t = table(['prompt', 'provider', 'ex', 'output', 'why'], p.enabled);
  // Escaped as the record's results are (their outputs, reasons and errors keep their line breaks for oneLine).
  for (const r of displayCopy({ results: failing.slice(0, max) }).results) {
    const why = r.error
      ? p.red(oneLine(`error: ${r.error}`, 70)) // coloured after cutting, so the colour codes stay whole
      : oneLine(
          [...r.checks.filter((c) => !c.pass).map((c) => `${c.type}: ${c.reason}`), ...(r.judge?.verdict === 'fail' ? [`judge: ${r.judge.reason}`] : [])].join(
            '; ',
          ),
          70,
        );
    t.push([r.prompt, r.provider, `${r.example}${r.repeat ? `#${r.repeat}` : ''}`, r.output === null ? '-' : oneLine(r.output, 40), why]);
  }
  const more = failing.length > max ? ` (first ${max} of ${failing.length}; all in the run record)` : '';
  return [p.bold(`Failing calls${more}`), t.toString()];
}

/** Says which calls were batched, at which price, and what their latency columns show. */
function batchedNote(batched: number, total: number): string {
  return `${batched === total ? 'every call' : `${batched} of ${total} calls`} went through a provider batch, priced at the batch rate (half price: src/cost/batch.ts); latency columns marked "batch" are the batch's turnaround (submission to results), not a per-call latency`;
}

function costLine(record: Shown): string[] {
  const { total, spentNow } = record.costUsd;
  const lines = [
    `Cost: ${costBreakdown(record.costUsd, record.judge !== null)}${total !== null && Math.abs(spentNow - total) > 1e-9 ? ` (spent now ${usd(spentNow)}; the rest replayed from cache)` : ''}`,
  ];
  const unknown = record.providers.filter((pr) => pr.price === null).map((pr) => pr.id);
  const data = record.priceData;
  lines.push(
    `Prices: ${data.source} ${data.version}${data.date ? ` (data of ${data.date})` : ''}; task-file overrides where given${unknown.length ? `; unknown price: ${unknown.join(', ')}` : ''}`,
  );
  return lines;
}

/**
 * The terminal report of a run: calibration, results, failures, cost. Reads only the run record,
 * every string of which is shown with its control characters escaped (ids, outputs, reasons).
 */
export function renderRun(saved: RunRecord, options: RenderOptions): string {
  const { results, inputs: _inputs, plan: _plan, ...shown } = saved;
  const record: Shown = displayCopy(shown);
  const p = palette(options.color);
  const sections: string[][] = [];
  if (!record.complete)
    sections.push([p.yellow(`Incomplete run: ${results.length} of ${record.plannedCalls} calls finished (${stopText(record.stopReason)})`)]);
  sections.push(
    calibrationSection(record, p),
    summarySection(record, results.length, p, options.volumePerDay),
    (record.pairwise ?? []).length > 0 ? [p.bold('Pairwise comparison'), ...(record.pairwise ?? []).flatMap(pairwiseLines)] : [],
    failureSection(results, p, options.maxFailures ?? 20),
    costLine(record),
  );
  if (record.baseline) sections.push(renderBaseline(record.baseline, p));
  if (record.gates) sections.push(renderGates(record.gates, p));
  return sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n');
}
