import Table from 'cli-table3';
import type { GateCheck, GatesResult } from '../gates.js';
import { ms, pct, usd, type Palette } from './format.js';

function table(head: string[], p: Palette): Table.Table {
  return new Table({ head, style: p.enabled ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] } });
}

/** A gate's value in its unit. */
export function gateValue(name: GateCheck['name'], value: number | 'unknown'): string {
  if (value === 'unknown') return 'unknown';
  switch (name) {
    case 'max-cost':
      return usd(value);
    case 'max-p95-ms':
      return ms(value);
    case 'max-regression':
      return `${(value * 100).toFixed(1)} pts`;
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
};

/** The gates table: one line per gate and row, with what was measured and why a check failed. */
export function renderGates(gates: GatesResult, p: Palette): string[] {
  if (gates.checks.length === 0) return [];
  const t = table(['gate', 'row', 'limit', 'actual', 'verdict', 'note'], p);
  for (const c of gates.checks) {
    const note = [c.basis, c.reason].filter(Boolean).join('; ');
    t.push([c.name, c.row, `${RELATION[c.name]} ${gateValue(c.name, c.limit)}`, gateValue(c.name, c.actual), c.pass ? p.green('pass') : p.red('FAIL'), note]);
  }
  const failed = gates.checks.filter((c) => !c.pass).length;
  const verdict = gates.passed ? p.green(p.bold('Gates passed')) : p.red(p.bold(`Gates FAILED (${failed} of ${gates.checks.length} checks)`));
  return [p.bold('Gates'), t.toString(), verdict];
}

