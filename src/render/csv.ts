import type { RunRecord } from '../record.js';

/**
 * One line per call, RFC 4180: CRLF line ends, a field quoted when it holds a comma, quote, CR or LF,
 * quotes doubled. Values are written as they are (no spreadsheet-formula mangling) so the file
 * parses back to exactly what the models wrote.
 */

export const CSV_COLUMNS = [
  'prompt',
  'provider',
  'example',
  'repeat',
  'pass',
  'error',
  'output',
  'cost_usd',
  'latency_ms',
  'cached',
  'retries',
  'input_tokens',
  'output_tokens',
  'check_failures',
  'judge_verdict',
  'judge_source',
  'judge_reason',
] as const;

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `pass` is true/false, empty for a call that errored (neither passed nor failed). */
export function renderCsv(record: RunRecord): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of record.results) {
    const checkFailures = r.checks.filter((c) => !c.pass).map((c) => `${c.type}: ${c.reason}`).join('; ');
    const values = [
      r.prompt,
      r.provider,
      r.example,
      r.repeat,
      r.pass,
      r.error,
      r.output,
      r.costUsd,
      r.latencyMs,
      r.cached,
      r.retries,
      r.usage?.inputTokens,
      r.usage?.outputTokens,
      checkFailures,
      r.judge?.verdict,
      r.judge?.source ?? (r.judge ? 'judge' : null),
      r.judge?.reason,
    ];
    lines.push(values.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

