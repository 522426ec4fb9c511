import { correctedQualityMixed, type Confusion } from '../stats.js';
import type { CallResult, Interval } from '../types.js';
import type { Corrector } from '../summarize.js';

/**
 * Corrected quality of one summary row. Only verdicts the LLM judge gave are corrected: an output
 * that failed a deterministic check, or whose exact text carries a human label, is decided exactly.
 * The row's quality is the population quantity q = w·π_E + (1 − w)·π_J (w the share decided exactly),
 * so the interval carries the uncertainty of the split as well as of the judge: see
 * {@link correctedQualityMixed}. Point estimate: (exact passes + J · Rogan-Gladen) / N.
 */
export function makeCorrector(confusion: Confusion, seed?: number): Corrector {
  return (results: CallResult[]): Interval | null => {
    const scored = results.filter((r) => r.pass !== null);
    if (scored.length === 0) return null;
    const judged = scored.filter((r) => r.judge?.source === 'judge');
    const exactPass = scored.filter((r) => r.judge?.source !== 'judge' && r.pass === true).length;
    const exactFail = scored.length - judged.length - exactPass;
    const judgedPass = judged.filter((r) => r.pass === true).length;
    const input = { exactPass, exactFail, judgedPass, judgedN: judged.length, confusion };
    return correctedQualityMixed(input, seed === undefined ? {} : { seed });
  };
}
