import { correctedQuality, wilson, type Confusion } from '../stats.js';
import type { CallResult, Interval } from '../types.js';
import type { Corrector } from '../summarize.js';

/**
 * Corrected quality of one summary row. Only verdicts the LLM judge gave are corrected: an output
 * that failed a deterministic check, or whose exact text carries a human label, is taken as decided.
 * With J = judged outputs, E = passes decided exactly, N = all scored outputs:
 *   corrected = (E + J · π̂) / N, π̂ the judge-corrected pass rate among J (Bayesian interval).
 * The interval conditions on the split between judged and exactly decided outputs.
 */
export function makeCorrector(confusion: Confusion, seed?: number): Corrector {
  return (results: CallResult[]): Interval | null => {
    const scored = results.filter((r) => r.pass !== null);
    if (scored.length === 0) return null;
    const judged = scored.filter((r) => r.judge?.source === 'judge');
    const exactPasses = scored.filter((r) => r.judge?.source !== 'judge' && r.pass === true).length;
    const judgedPass = judged.filter((r) => r.pass === true).length;
    const n = scored.length;
    if (judged.length === 0) return wilson(exactPasses, n); // nothing to correct
    const pi = correctedQuality({ judgedPass, judgedN: judged.length, confusion }, seed === undefined ? {} : { seed });
    const mix = (v: number | null) => (v === null ? null : (exactPasses + judged.length * v) / n);
    const rate = mix(pi.rate);
    // Rogan-Gladen clips at 0 or 1 where the posterior's equal tails cannot reach: widen the
    // interval to hold the point estimate rather than print a rate outside its own interval.
    const low = mix(pi.low);
    const high = mix(pi.high);
    if (rate === null || low === null || high === null) return { rate, low, high };
    return { rate, low: Math.min(low, rate), high: Math.max(high, rate) };
  };
}
