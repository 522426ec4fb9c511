import Table from 'cli-table3';
import type { BaselineComparison } from '../record/schema.js';
import { pct, type Palette } from './format.js';
import { verdictText } from './words.js';
import { BASELINE_HEAD } from './report-data.js';
import { displayCopy } from './terminal-text.js';

function table(head: string[], p: Palette): Table.Table {
  return new Table({ head, style: p.enabled ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] } });
}

const signed = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
const times = (v: number | null) => (v === null ? 'n/a' : `×${v.toFixed(2)}`);

/** The comparison table; every string of it (ids, file name, notes) shown with control characters escaped. */
export function renderBaseline(saved: BaselineComparison, p: Palette): string[] {
  const cmp = displayCopy(saved);
  const t = table([...BASELINE_HEAD, 'unpaired'], p);
  for (const row of cmp.rows) {
    const u = row.unpaired;
    const unpaired =
      [u.onlyRun && `${u.onlyRun} only now`, u.onlyBaseline && `${u.onlyBaseline} only then`, u.errored && `${u.errored} errored`].filter(Boolean).join(', ') ||
      '-';
    const verdict = verdictText(row);
    t.push([
      row.prompt,
      row.provider,
      String(row.examples),
      pct(row.quality.baseline),
      pct(row.quality.run),
      signed(row.quality.diff),
      String(row.worse),
      String(row.better),
      verdict.startsWith('worse') ? p.red(verdict) : verdict,
      times(row.costRatio),
      times(row.p95Ratio),
      unpaired,
    ]);
  }
  const lines = [p.bold(`Compared with ${cmp.file} (paired by example; exact sign-flip test on per-example pass rates)`), t.toString()];
  for (const note of cmp.notes) lines.push(p.yellow(`note: ${note}`));
  lines.push(
    p.dim(
      'baseline/now = mean per-example pass rates on the paired examples; worse/better = examples whose pass rate fell/rose; cost/call and p95 are ratios now / baseline.',
    ),
  );
  return lines;
}
