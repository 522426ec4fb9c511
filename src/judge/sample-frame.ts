/**
 * The sample frame of `aijourney label --random`: the outputs of one row that the judge graded (and
 * those a random label of that row already covers). A random label remembers the frame's hash, so
 * prediction-powered inference uses it only on a run whose row holds the same outputs it was drawn from.
 */
import { hash } from 'node:crypto';
import type { CallResult } from '../record/schema.js';
import type { LabelSample } from '../record/schema.js';

/** Distinct (example, output) units of a row that belong to the frame. */
export interface FrameUnit {
  example: number;
  output: string;
}

const unitKey = (u: FrameUnit) => `${u.example}\u0000${u.output.trim()}`;

/**
 * The frame of a row: outputs the judge graded, plus outputs carrying a random label of this row
 * (graded by the label now, drawn from the judged ones then). Identical outputs of one example are one unit.
 */
export function frameUnits(results: readonly CallResult[], randomLabeled: (r: CallResult) => boolean): FrameUnit[] {
  const seen = new Map<string, FrameUnit>();
  for (const r of results) {
    if (r.output === null || r.pass === null) continue;
    if (r.judge?.source !== 'judge' && !randomLabeled(r)) continue;
    const unit = { example: r.example, output: r.output };
    if (!seen.has(unitKey(unit))) seen.set(unitKey(unit), unit);
  }
  return [...seen.values()];
}

/** 12 hex characters over the units' example fingerprints and trimmed texts, order-free. */
export function frameHash(units: readonly FrameUnit[], fingerprint: (example: number) => string): string {
  const lines = units.map((u) => `${fingerprint(u.example)}\u0000${u.output.trim()}`).sort();
  return hash('sha256', lines.join('\n')).slice(0, 12);
}

/** Whether a label was drawn at random from this row. */
export function isRowSample(sample: LabelSample | undefined, row: { prompt: string; provider: string }): sample is LabelSample {
  return sample !== undefined && sample.prompt === row.prompt && sample.provider === row.provider;
}

export { unitKey };
