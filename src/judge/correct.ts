/**
 * Corrected quality of one summary row. Only verdicts the LLM judge gave are corrected: an output
 * that failed a deterministic check, or whose exact text carries a human label, is decided exactly.
 * Two valid estimates, the narrower reported (and named):
 * - the misclassification model (stats/mixed.ts) with the judge's TPR/TNR measured on every label;
 * - prediction-powered inference (stats/ppi.ts), when at least {@link MIN_PPI_LABELS} labels were
 *   drawn at random from this row's judged outputs (`aijourney label --random`) and the row still
 *   holds exactly the outputs they were drawn from.
 * With `repeat` > 1 the counts are deflated by the row's design effect (stats/cluster.ts).
 */
import { ppiMean, qualityPosterior, tCdf, tQuantile, type PpiLabeled } from '../stats/index.js';
import type { Confusion } from '../record/schema.js';
import type { RowQuality } from '../summary/decide.js';
import type { CallResult } from '../record/schema.js';
import type { LabelSample } from '../record/schema.js';
import type { Verdict } from '../task/types.js';
import { frameHash, frameUnits, isRowSample, unitKey } from './sample-frame.js';
import type { CorrectedInterval } from '../record/schema.js';

/** A label drawn at random, with the selected judge's leave-one-out verdict on it. */
export interface RandomLabel {
  example: number;
  output: string;
  verdict: Verdict;
  judged: Verdict | null;
  sample: LabelSample;
}

export interface CorrectedEstimate {
  interval: CorrectedInterval;
  quality: RowQuality;
}

export type Corrector = (results: CallResult[], row: { prompt: string; provider: string }, deflate: number) => CorrectedEstimate | null;

export interface CorrectorContext {
  confusion: Confusion;
  seed?: number;
  randomLabels: RandomLabel[];
  /** Content fingerprint of an example (shard.ts), for sample frames. */
  fingerprint: (example: number) => string;
}

/** Fewer random labels than this leave prediction-powered inference out. */
const MIN_PPI_LABELS = 10;

export function makeCorrector(ctx: CorrectorContext): Corrector {
  return (results, row, deflate) => {
    const model = misclassification(results, ctx, deflate);
    const ppi = predictionPowered(results, row, ctx, deflate);
    if (!ppi) return model;
    if (!model || model.interval.low === null || ppi.interval.high! - ppi.interval.low! < model.interval.high! - model.interval.low!) return ppi;
    return model;
  };
}

function misclassification(results: CallResult[], ctx: CorrectorContext, deflate: number): CorrectedEstimate | null {
  const scored = results.filter((r) => r.pass !== null);
  if (scored.length === 0) return null;
  const judged = scored.filter((r) => r.judge?.source === 'judge');
  const exactPass = scored.filter((r) => r.judge?.source !== 'judge' && r.pass === true).length;
  const exactFail = scored.length - judged.length - exactPass;
  const judgedPass = judged.filter((r) => r.pass === true).length;
  const input = {
    exactPass: exactPass * deflate,
    exactFail: exactFail * deflate,
    judgedPass: judgedPass * deflate,
    judgedN: judged.length * deflate,
    confusion: ctx.confusion,
  };
  const { rate, posterior } = qualityPosterior(input, ctx.seed === undefined ? {} : { seed: ctx.seed });
  const low = posterior?.quantile(0.025) ?? null;
  const high = posterior?.quantile(0.975) ?? null;
  const interval: CorrectedInterval = {
    method: 'misclassification',
    rate,
    low: low === null || rate === null ? low : Math.min(low, rate),
    high: high === null || rate === null ? high : Math.max(high, rate),
  };
  return {
    interval,
    quality: {
      rate,
      lowerBound: (level) => {
        if (!posterior) return null;
        const bound = posterior.quantile(1 - level);
        return rate === null ? bound : Math.min(bound, rate);
      },
      pAtLeast: (limit) => (posterior ? 1 - posterior.cdf(limit) : null),
    },
  };
}

/**
 * PPI++ on the row's frame (the judged outputs and the random-labeled ones), combined with the
 * exactly decided rest at the observed split: q = w·p_E + (1 − w)·θ, se² = w²·p_E(1 − p_E)/E +
 * (1 − w)²·se_θ², inflated by the design effect; t with (labels − 1) degrees of freedom.
 */
function predictionPowered(results: CallResult[], row: { prompt: string; provider: string }, ctx: CorrectorContext, deflate: number): CorrectedEstimate | null {
  const own = ctx.randomLabels.filter((l) => isRowSample(l.sample, row) && l.judged !== null);
  if (own.length < MIN_PPI_LABELS) return null;
  const labelAt = new Map(own.map((l) => [unitKey(l), l]));
  const isLabeled = (r: CallResult) => r.output !== null && labelAt.has(unitKey({ example: r.example, output: r.output }));
  const units = frameUnits(results, isLabeled);
  const hash = frameHash(units, ctx.fingerprint);
  const labeled: PpiLabeled = { pp: 0, pf: 0, fp: 0, ff: 0 };
  let unlabeledN = 0;
  let unlabeledPass = 0;
  const judgeVerdict = new Map<string, Verdict>();
  for (const r of results)
    if (r.output !== null && r.judge?.source === 'judge') judgeVerdict.set(unitKey({ example: r.example, output: r.output }), r.judge.verdict);
  for (const unit of units) {
    const label = labelAt.get(unitKey(unit));
    if (label && label.sample.frame === hash) {
      const key = `${label.verdict === 'pass' ? 'p' : 'f'}${label.judged === 'pass' ? 'p' : 'f'}` as keyof PpiLabeled;
      labeled[key]++;
    } else if (!label) {
      unlabeledN++;
      if (judgeVerdict.get(unitKey(unit)) === 'pass') unlabeledPass++;
    } else {
      return null; // a random label from another frame: the sample is not of these outputs
    }
  }
  const n = labeled.pp + labeled.pf + labeled.fp + labeled.ff;
  if (n < MIN_PPI_LABELS) return null;
  const theta = ppiMean({ labeled, unlabeledN, unlabeledPass });
  if (!theta) return null;

  const inFrame = new Set(units.map(unitKey));
  const scored = results.filter((r) => r.pass !== null && r.output !== null);
  const frameCalls = scored.filter((r) => inFrame.has(unitKey({ example: r.example, output: r.output! }))).length;
  const exact = scored.length - frameCalls;
  const exactPass = scored.filter((r) => r.pass === true && !inFrame.has(unitKey({ example: r.example, output: r.output! }))).length;
  const w = exact / scored.length;
  const pE = exact > 0 ? exactPass / exact : 0;
  const estimate = w * pE + (1 - w) * theta.rate;
  const variance = (exact > 0 ? (w * w * pE * (1 - pE)) / exact : 0) + (1 - w) ** 2 * theta.se ** 2;
  const se = Math.sqrt(variance / deflate);
  const df = theta.df;
  const t = tQuantile(0.975, df);
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  return {
    interval: { method: 'ppi', rate: clip(estimate), low: clip(estimate - t * se), high: clip(estimate + t * se), randomLabels: n },
    quality: {
      rate: clip(estimate),
      lowerBound: (level) => clip(estimate - tQuantile(level, df) * se),
      pAtLeast: (limit) => (se > 0 ? 1 - tCdf((limit - estimate) / se, df) : estimate >= limit ? 1 : 0),
    },
  };
}
