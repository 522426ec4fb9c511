import type { BiasProbes } from '../record/schema.js';
import { pct } from './format.js';

// A bound just off 0 keeps a third digit, so a shown bias never reads as an interval reaching 0.
const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 3 : 2)}`;
const range = (low: number | null, high: number | null, show: (v: number) => string) =>
  `[${low === null ? '?' : show(low)}, ${high === null ? '?' : show(high)}]`;
const verdict = (shown: boolean) => (shown ? 'BIAS SHOWN' : 'no bias shown');

/**
 * The bias probes in words, one line each: what was measured, on how many labels, the effect with
 * its 95% interval, and what it would take to tell when it cannot.
 */
export function probeLines(probes: BiasProbes): string[] {
  const { length: len, selfPreference: self, consistency: cons } = probes;
  const lines = [`Bias probes of ${probes.judge} (its leave-one-out verdicts on the labels; 0 = no bias):`];

  if (len.effect === null) {
    lines.push(
      `  length: cannot tell on ${len.labels} labels: needs, within one human verdict, outputs the judge passed and outputs it failed (its errors are what show a preference)`,
    );
  } else {
    const tell = len.shown
      ? verdict(true) + (len.effect > 0 ? ': the judge passes longer outputs' : ': the judge passes shorter outputs')
      : len.needLabels === null
        ? 'no length effect'
        : `${verdict(false)}; about ${len.needLabels} labels at this effect would tell`;
    lines.push(
      `  length: outputs the judge passed are longer than those it failed (same human verdict) in ${pct(len.auc)} of ${len.pairs} pairs, ${len.labels} labels; rank-biserial ${signed(len.effect)} ${range(len.low, len.high, signed)}: ${tell}`,
    );
  }

  const same = self.sameFamily.map((s) => `${s.judge} and ${s.provider} are both ${s.family}`);
  const flag =
    same.length > 0 ? `FLAGGED: ${same.join('; ')}` : self.judgeFamilies.length === 0 ? "judge's family unknown" : 'no model under test shares its family';
  let gap: string;
  if (self.effect !== null)
    gap = `family gap (judged − human pass rate, own minus other families) ${signed(self.effect)} ${range(self.low, self.high, signed)} on ${self.labels.own} + ${self.labels.other} labels: ${verdict(self.shown)}${self.needLabels === null ? '' : `; about ${self.needLabels} labels at this gap would tell`}`;
  else if (self.families < 2) gap = 'family gap: needs models of two or more families under test';
  else gap = `family gap: needs at least 2 labels on outputs of the judge's family and 2 on others' (has ${self.labels.own} and ${self.labels.other})`;
  lines.push(`  self-preference: ${flag}; ${gap}`);

  if (cons.effect === null) lines.push(`  consistency: not measured: set judge.samples to 3 or more to see how often its verdict flips`);
  else
    lines.push(
      `  consistency: ${cons.flips} of ${cons.labels} labeled outputs got split verdicts across ${cons.samples} samples, ${pct(cons.effect)} ${range(cons.low, cons.high, (v) => pct(v))}: ${cons.shown ? 'INCONSISTENT' : 'consistent'}`,
    );
  return lines;
}
