import type { RunRecord } from '../record/schema.js';

/**
 * One line per call, RFC 4180: CRLF line ends, a field quoted when it holds a comma, quote, CR or LF,
 * quotes doubled. A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @,
 * tab or CR) is neutralised as OWASP recommends: a leading `'` and quotes, so Excel, LibreOffice and
 * Sheets show it as text. Every other value is written as it is.
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

/** First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' && FORMULA_START.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `pass` is true/false, empty for a call that errored (neither passed nor failed). */
export function renderCsv(record: RunRecord): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of record.results) {
    const checkFailures = r.checks
      .filter((c) => !c.pass)
      .map((c) => `${c.type}: ${c.reason}`)
      .join('; ');
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
