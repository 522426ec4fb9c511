import type { Palette } from '../render/format.js';
import { displayText } from '../render/terminal-text.js';
import type { LabelItem } from './queue.js';

/** Control characters shown escaped (a model's output must not drive the terminal); newlines kept. */
const safe = (text: string) => displayText(text, true);

function block(text: string, indent = '    '): string {
  return safe(text)
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/** One output as the person labeling sees it: input, reference, output, checks and the judge's verdict. */
export function showItem(item: LabelItem, position: number, total: number, p: Palette): string {
  const lines: string[] = [];
  const why = item.why ? p.yellow(`  (label next: ${item.why})`) : '';
  lines.push('', p.bold(`── ${position}/${total} · example ${item.example.index} · prompt ${displayText(item.prompt)} · ${displayText(item.provider)}`) + why);
  const vars = Object.entries(item.example.vars);
  lines.push(p.bold('Input:'));
  if (vars.length === 0) lines.push('    (no variables)');
  for (const [name, value] of vars)
    lines.push(value.includes('\n') ? `  ${displayText(name)}:\n${block(value, '      ')}` : `  ${displayText(name)}: ${safe(value)}`);
  if (item.example.expected !== undefined) lines.push(`${p.bold('Reference answer:')}\n${block(item.example.expected)}`);
  lines.push(`${p.bold('Output:')}\n${item.output.trim() === '' ? '    (empty)' : block(item.output)}`);
  const failed = item.checks.filter((c) => !c.pass);
  if (failed.length > 0) lines.push(`${p.bold('Checks failed:')} ${failed.map((c) => `${c.type}: ${safe(c.reason)}`).join('; ')}`);
  if (item.judge) {
    const verdict = item.judge.verdict === 'pass' ? p.green('PASS') : p.red('FAIL');
    const who = item.judge.source === 'label' ? 'Human label' : 'Judge';
    lines.push(`${p.bold(`${who}:`)} ${verdict}${item.judge.reason ? ` — ${safe(item.judge.reason)}` : ''}`);
  }
  return lines.join('\n');
}
