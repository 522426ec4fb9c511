import type { RunRecord } from '../record/schema.js';
import { costBreakdown, errorCount, interval, latencyCells, oneLine, pct, usd } from './format.js';
import { gatesHeadline } from './gates.js';
import { rowName } from '../summary/summarize.js';
import { baselineCells, calibrationCells, gateLines, panelNote, reasonsOf, resultNotes } from './report-data.js';
import { probeLines } from './probes.js';
import { pairwiseLines } from './pairwise.js';
import { correctedCell, recommendationText, stopText, trustNext, trustReason, vsFirstText } from './words.js';

/**
 * The summary tables as GitHub-flavoured Markdown, for a PR comment or `$GITHUB_STEP_SUMMARY`.
 * Reads only the run record. Every cell is escaped: model text cannot break a table or inject HTML.
 */

export interface MarkdownOptions {
  /** How many failing calls to list. @default 20 */
  maxFailures?: number;
}

/**
 * One table cell: HTML-significant characters as entities, Markdown punctuation backslash-escaped,
 * line breaks as <br>, control characters made visible, so a cell never spans lines or columns.
 */
export function mdCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(/\t/g, ' ');
}

function mdTable(head: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const sep = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head.map(mdCell)), line(sep), ...rows.map((r) => line(r.map(mdCell)))].join('\n');
}

function calibration(record: RunRecord): string[] {
  const judge = record.judge;
  if (!judge) return [];
  const out = ['### Judge calibration', ''];
  if (judge.candidates.length > 0) {
    out.push(`Leave-one-out on ${judge.labels.length} labeled outputs; ▶ = selected.`, '');
    const { head, rows } = calibrationCells(record);
    out.push(
      mdTable(
        head,
        rows,
        head.map((_, i) => (i === 0 ? 'l' : 'r')),
      ),
      '',
    );
    const note = panelNote(record);
    if (note) out.push(mdCell(note), '');
  }
  const next = trustNext(judge.trust);
  out.push(`**Judge ${mdCell(judge.selected)}: ${judge.trust.level}** (${mdCell(trustReason(judge.trust))})${next ? `  \n${mdCell(next)}` : ''}`, '');
  if (judge.probes) {
    const [head, ...items] = probeLines(judge.probes);
    out.push(mdCell(head!), '', ...items.map((line) => `- ${mdCell(line.trim())}`), '');
  }
  return out;
}

function pairwise(record: RunRecord): string[] {
  if (!record.pairwise?.length) return [];
  return [
    '### Pairwise comparison',
    '',
    ...record.pairwise.flatMap((c) => {
      const [head, ...rest] = pairwiseLines(c);
      return [mdCell(head!), '', ...rest.map((l) => `- ${mdCell(l.trim())}`), ''];
    }),
  ];
}

function results(record: RunRecord): string[] {
  const judge = record.judge;
  const repeated = record.summary.some((row) => row.flipRate !== null);
  const head = ['prompt', 'provider', 'calls', 'passed', 'failed', 'errors', 'quality [95% CI]'];
  if (judge) head.push('corrected [95% CI]');
  if (repeated) head.push('flip');
  if (record.summary.length > 1) head.push('vs first row');
  head.push('cost', '$/1k calls', 'p50', 'p95');
  const rows = record.summary.map((row, i) => {
    const cells = [row.prompt, row.provider, String(row.n), String(row.passed), String(row.failed), errorCount(row), interval(row.quality)];
    if (judge) cells.push(correctedCell(row.corrected, judge.trust));
    if (repeated) cells.push(row.flipRate === null ? 'n/a' : pct(row.flipRate));
    if (record.summary.length > 1) cells.push(vsFirstText(row, i));
    cells.push(usd(row.costUsd.total), usd(row.costUsd.per1kCalls), ...latencyCells(row).slice(0, 2));
    return cells;
  });
  const align = head.map((h, i) => (i >= 2 && h !== 'vs first row' ? 'r' : 'l') as 'l' | 'r');
  const out = ['### Results', '', mdTable(head, rows, align), ''];
  out.push(`<sub>${resultNotes(record).map(mdCell).join(' ')}</sub>`, '');
  out.push(`**Recommendation:** ${mdCell(recommendationText(record.recommendation))}`, '');
  return out;
}

function gates(record: RunRecord): string[] {
  const checks = gateLines(record);
  if (checks.length === 0) return [];
  const icon = (verdict: string) => (verdict === 'FAIL' ? '❌ FAIL' : verdict === 'pass' ? '✅ pass' : '⚠️ inconclusive');
  const rows = checks.map((g) => [g.name, g.row, g.limit, g.actual, icon(g.verdict), g.note]);
  return [`### ${gatesHeadline(record.gates!)}`, '', mdTable(['gate', 'row', 'limit', 'actual', 'verdict', 'note'], rows), ''];
}

function baseline(record: RunRecord): string[] {
  const cmp = baselineCells(record);
  if (!cmp) return [];
  const out = [
    `### Compared with ${mdCell(cmp.file)}`,
    '',
    'Paired by example; exact sign-flip test on per-example pass rates.',
    '',
    mdTable(cmp.head, cmp.rows),
    '',
  ];
  for (const note of cmp.notes) out.push(`> ${mdCell(note)}`, '');
  return out;
}

function failures(record: RunRecord, max: number): string[] {
  const failing = record.results.filter((r) => r.pass !== true);
  if (failing.length === 0) return [];
  const rows = failing
    .slice(0, max)
    .map((r) => [
      r.prompt,
      r.provider,
      `${r.example}${r.repeat ? `#${r.repeat}` : ''}`,
      r.output === null ? '-' : oneLine(r.output, 80),
      oneLine(r.error ? `error: ${r.error}` : reasonsOf(r).join('; '), 160),
    ]);
  const more = failing.length > max ? ` (first ${max} of ${failing.length}; all in the run record)` : '';
  return [`### Failing calls${more}`, '', mdTable(['prompt', 'provider', 'example', 'output', 'why'], rows), ''];
}

/** The whole Markdown report of a run. */
export function renderMarkdown(record: RunRecord, options: MarkdownOptions = {}): string {
  const out = [`## aijourney: ${mdCell(record.task.name)}`, ''];
  const rowsText = record.summary.map(rowName).join(', ');
  out.push(
    `${record.results.length} calls over ${record.summary.length} row${record.summary.length === 1 ? '' : 's'} (${mdCell(rowsText)}), started ${record.startedAt}.`,
    '',
  );
  if (!record.complete)
    out.push(`> [!WARNING]\n> Incomplete run: ${record.results.length} of ${record.plannedCalls} calls finished (${mdCell(stopText(record.stopReason))}).`, '');
  out.push(
    ...gates(record),
    ...calibration(record),
    ...results(record),
    ...pairwise(record),
    ...baseline(record),
    ...failures(record, options.maxFailures ?? 20),
  );
  const data = record.priceData;
  out.push(
    `Cost: ${costBreakdown(record.costUsd, record.judge !== null)}. Prices: ${mdCell(`${data.source} ${data.version}`)}${data.date ? ` (data of ${data.date})` : ''}.`,
    '',
  );
  return out.join('\n');
}
