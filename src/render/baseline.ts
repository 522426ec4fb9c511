import Table from 'cli-table3';
import type { BaselineComparison } from '../record/schema.js';
import type { Palette } from './format.js';
import { BASELINE_HEAD, baselineRowCells } from './report-data.js';
import { displayCopy } from './terminal-text.js';

function table(head: string[], p: Palette): Table.Table {
  return new Table({ head, style: p.enabled ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] } });
}

/** The comparison table; every string of it (ids, file name, notes) shown with control characters escaped. */
export function renderBaseline(saved: BaselineComparison, p: Palette): string[] {
  const cmp = displayCopy(saved);
  const t = table([...BASELINE_HEAD, 'unpaired'], p);
  for (const row of cmp.rows) {
    const u = row.unpaired;
    const unpaired =
      [u.onlyRun && `${u.onlyRun} only now`, u.onlyBaseline && `${u.onlyBaseline} only then`, u.errored && `${u.errored} errored`].filter(Boolean).join(', ') ||
      '-';
    const cells = baselineRowCells(row);
    const verdict = BASELINE_HEAD.indexOf('verdict');
    if (cells[verdict]!.startsWith('worse')) cells[verdict] = p.red(cells[verdict]!);
    t.push([...cells, unpaired]);
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
