/**
 * Bias probes of the selected judge, on its leave-one-out verdicts on the human labels. Each probe
 * measures one effect on a scale where 0 is no bias, with a 95% interval; it is "shown" when the
 * interval excludes 0. Outcomes are data; the words are made in render/probes.ts.
 * - length: within one human verdict, are the outputs the judge passed longer than those it failed?
 *   The rank-biserial correlation 2·AUC − 1 of output length (characters) between judged-pass and
 *   judged-fail outputs, pooled over the two verdicts, with Newcombe's score-type interval
 *   (stats/auc.ts). LLM judges are known to favour longer answers (Zheng et al. 2023).
 * - self-preference: judge and model under test of the same family are flagged; when outputs of
 *   several families carry labels, the gap in the judge's excess pass rate (judged pass − human pass)
 *   between its own family's outputs and the others', with a normal interval made robust for small
 *   groups by one pseudo-observation of +1 and one of −1 in each (as Agresti & Caffo 2000 add a pass
 *   and a fail to each group).
 * - consistency: the share of labeled outputs whose `judge.samples` did not all agree, with a Wilson
 *   interval.
 */
import type { BiasProbes, CallResult, MeasuredRate } from '../record/schema.js';
import { normalQuantile, wilson } from '../stats/index.js';
import { stratifiedAuc } from '../stats/auc.js';
import type { Task, Verdict } from '../task/types.js';
import type { Calibration } from './calibrate.js';
import { modelFamily } from './family.js';

/**
 * At the same effect and mix an interval narrows as 1/√labels: the label count at which the side
 * of the interval facing 0 (not the half-width: near ±1 the interval is lopsided) would stop
 * reaching it; always more than the labels there are. Null when there is no effect to tell.
 */
function labelsToTell(labels: number, effect: number, low: number, high: number): number | null {
  if (effect === 0) return null;
  const towardZero = effect > 0 ? effect - low : high - effect;
  return Math.max(labels + 1, Math.ceil(labels * (towardZero / Math.abs(effect)) ** 2));
}

export interface ProbeInput {
  /** Id of the selected judge (or `panel`). */
  judge: string;
  /** The models behind it: the judge's, or each member's. */
  judgeModels: Array<{ id: string; model: string }>;
  /** The models under test. */
  providers: Array<{ id: string; model: string }>;
  /** Each label with the selected judge's leave-one-out verdict; `provider` when it was drawn from that row. */
  labels: Array<{ example: number; output: string; verdict: Verdict; judged: Verdict | null; provider?: string }>;
  /** The run's outputs, which tell which provider wrote a labeled output. */
  results: readonly CallResult[];
  samples: number;
  /** Labeled outputs whose samples split, over the labels judged (summed over a panel's members). */
  splits: { k: number; n: number };
}

const Z = normalQuantile(0.975);

export function biasProbes(input: ProbeInput): BiasProbes {
  return { judge: input.judge, length: lengthProbe(input), selfPreference: selfPreference(input), consistency: consistency(input) };
}

function lengthProbe(input: ProbeInput): BiasProbes['length'] {
  const judged = input.labels.filter((l) => l.judged !== null);
  const strata = (['pass', 'fail'] as const).map((human) => {
    const of = judged.filter((l) => l.verdict === human);
    return {
      first: of.filter((l) => l.judged === 'pass').map((l) => l.output.trim().length),
      second: of.filter((l) => l.judged === 'fail').map((l) => l.output.trim().length),
    };
  });
  const auc = stratifiedAuc(strata);
  const labels = strata.filter((s) => s.first.length > 0 && s.second.length > 0).reduce((s, x) => s + x.first.length + x.second.length, 0);
  if (auc.rate === null) return { labels, pairs: 0, auc: null, effect: null, low: null, high: null, shown: false, needLabels: null };
  const effect = 2 * auc.rate - 1;
  const low = 2 * auc.low! - 1;
  const high = 2 * auc.high! - 1;
  const shown = low > 0 || high < 0;
  const needLabels = shown ? null : labelsToTell(labels, effect, low, high);
  return { labels, pairs: auc.pairs, auc: auc.rate, effect, low, high, shown, needLabels };
}

function selfPreference(input: ProbeInput): BiasProbes['selfPreference'] {
  const familyOf = new Map(input.providers.map((p) => [p.id, modelFamily(p.model)]));
  const judgeFamilies = [...new Set(input.judgeModels.flatMap((j) => modelFamily(j.model) ?? []))];
  const sameFamily = input.judgeModels.flatMap((j) =>
    input.providers.flatMap((p) => {
      const family = modelFamily(j.model);
      return family !== null && family === familyOf.get(p.id) ? [{ judge: j.id, provider: p.id, family }] : [];
    }),
  );
  const families = new Set([...familyOf.values()].filter((f): f is string => f !== null)).size;
  // A labeled output belongs to a family when every row that wrote it (or the row it was drawn from) is of that family.
  const writers = new Map<string, Set<string>>();
  for (const r of input.results) {
    if (r.output === null) continue;
    const key = `${r.example}\u0000${r.output.trim()}`;
    writers.set(key, (writers.get(key) ?? new Set()).add(r.provider));
  }
  const own: number[] = [];
  const other: number[] = [];
  for (const l of input.labels) {
    if (l.judged === null) continue;
    const by = l.provider ? new Set([l.provider]) : writers.get(`${l.example}\u0000${l.output.trim()}`);
    const fams = new Set([...(by ?? [])].map((p) => familyOf.get(p) ?? null));
    if (fams.size !== 1 || fams.has(null)) continue;
    const d = (l.judged === 'pass' ? 1 : 0) - (l.verdict === 'pass' ? 1 : 0);
    (judgeFamilies.includes([...fams][0]!) ? own : other).push(d);
  }
  const base = { judgeFamilies, sameFamily, families, labels: { own: own.length, other: other.length } };
  if (own.length < 2 || other.length < 2) return { ...base, effect: null, low: null, high: null, shown: false, needLabels: null };
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const varianceOfMean = (xs: number[]) => {
    const m = mean(xs);
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length;
  };
  const effect = mean(own) - mean(other);
  const a = [...own, 1, -1];
  const b = [...other, 1, -1];
  const centre = mean(a) - mean(b);
  const half = Z * Math.sqrt(varianceOfMean(a) + varianceOfMean(b));
  const low = Math.max(-2, Math.min(effect, centre - half));
  const high = Math.min(2, Math.max(effect, centre + half));
  const shown = low > 0 || high < 0;
  const needLabels = shown ? null : labelsToTell(own.length + other.length, effect, low, high);
  return { ...base, effect, low, high, shown, needLabels };
}

function consistency(input: ProbeInput): BiasProbes['consistency'] {
  if (input.samples < 2 || input.splits.n === 0) return { samples: input.samples, labels: 0, flips: 0, effect: null, low: null, high: null, shown: false };
  const rate: MeasuredRate = { k: input.splits.k, n: input.splits.n, ...wilson(input.splits.k, input.splits.n) };
  return { samples: input.samples, labels: rate.n, flips: rate.k, effect: rate.rate, low: rate.low, high: rate.high, shown: rate.low! > 0 };
}

/** The probes' input from a calibration: the selected judge's leave-one-out verdicts and the run's outputs. */
export function probeInputOf(calibration: Calibration, task: Pick<Task, 'providers'>, results: readonly CallResult[], samples: number): ProbeInput | null {
  const selected = calibration.candidates.find((c) => c.selected);
  if (!selected) return null;
  const grader = calibration.selected;
  const judges = grader.kind === 'panel' ? grader.members : [grader.candidate];
  const reports = grader.kind === 'panel' ? calibration.candidates.filter((c) => grader.members.some((m) => m.id === c.id)) : [selected];
  const splits = reports.reduce((s, r) => ({ k: s.k + Math.round((r.flipRate ?? 0) * r.n), n: s.n + (r.flipRate === null ? 0 : r.n) }), { k: 0, n: 0 });
  return {
    judge: grader.id,
    judgeModels: judges.map((j) => ({ id: j.id, model: j.provider.model })),
    providers: task.providers.map((p) => ({ id: p.id, model: p.model })),
    labels: calibration.items.map((item, i) => ({
      example: item.example.index,
      output: item.label.output,
      verdict: item.label.verdict,
      judged: selected.verdicts[i] ?? null,
      ...(item.label.sample ? { provider: item.label.sample.provider } : {}),
    })),
    results,
    samples,
    splits,
  };
}
