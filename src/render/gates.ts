import Table from 'cli-table3';
import type { GateCheck, GatesResult } from '../record/schema.js';
import { ms, pct, usd, type Palette } from './format.js';
import { gateNote } from './words.js';

function table(head: string[], p: Palette): Table.Table {
  return new Table({ head, style: p.enabled ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] } });
}

/** A gate's value in its unit. */
export function gateValue(name: GateCheck['name'], value: number | null): string {
  if (value === null) return 'unknown';
  switch (name) {
    case 'max-cost':
      return usd(value);
    case 'max-p95-ms':
      return ms(value);
    case 'max-regression':
      return `${(value * 100).toFixed(1)} pts`;
    case 'max-judge-bias':
      return value.toFixed(2);
    default:
      return pct(value, 1);
  }
}

const RELATION: Record<GateCheck['name'], string> = {
  'min-quality': '≥',
  'max-cost': '≤',
  'max-p95-ms': '≤',
  'max-error-rate': '≤',
  'max-regression': 'drop ≤',
  'max-judge-bias': 'bias ≤',
};

export function gateVerdict(c: GateCheck): string {
  return !c.pass ? 'FAIL' : c.inconclusive ? 'inconclusive' : 'pass';
}

/** "Gates passed", "Gates passed (1 inconclusive)" or "Gates FAILED (2 of 5 checks)". */
export function gatesHeadline(gates: GatesResult): string {
  const failed = gates.checks.filter((c) => !c.pass).length;
  const inconclusive = gates.checks.filter((c) => c.pass && c.inconclusive).length;
  if (failed > 0) return `Gates FAILED (${failed} of ${gates.checks.length} checks)`;
  return inconclusive > 0 ? `Gates passed (${inconclusive} inconclusive: the sample could not show a failure)` : 'Gates passed';
}

/** The gates table: one line per gate and row, with what was measured and why a check failed. */
export function renderGates(gates: GatesResult, p: Palette): string[] {
  if (gates.checks.length === 0) return [];
  const t = table(['gate', 'row', 'limit', 'actual', 'verdict', 'note'], p);
  for (const c of gates.checks) {
    const verdict = gateVerdict(c);
    const shown = verdict === 'FAIL' ? p.red(verdict) : verdict === 'pass' ? p.green(verdict) : p.yellow(verdict);
    t.push([c.name, c.row, `${RELATION[c.name]} ${gateValue(c.name, c.limit)}`, gateValue(c.name, c.actual), shown, gateNote(c)]);
  }
  const headline = gatesHeadline(gates);
  return [p.bold('Gates'), t.toString(), gates.passed ? p.green(p.bold(headline)) : p.red(p.bold(headline))];
}
