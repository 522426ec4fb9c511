/**
 * The value of a human label on one judged output, under the misclassification model the corrected
 * quality uses (stats/mixed.ts): the expected shrink, over both verdicts the human may give, of the
 * summed widths of every judged row's 95% corrected interval. A label does two things: it adds one
 * (judge verdict, human verdict) pair to the judge's confusion, which moves every row's interval,
 * and it decides that output exactly, which moves its own row's split. So the outputs whose label is
 * worth most are those of the verdict class whose error rate is least known, in the rows whose
 * intervals are widest. The human verdict is predicted from the judge's verdict by Bayes' rule with
 * the posterior means of TPR and TNR (Beta(1 + k, 1 + n − k)) and the row's corrected pass rate.
 * Repeats are not deflated here (the ranking, not the figure, is what matters).
 */
import type { CallResult, Confusion } from '../record/schema.js';
import { qualityPosterior, roganGladen } from '../stats/index.js';
import type { Verdict } from '../task/types.js';

/** A row's outputs as the corrected quality counts them. */
export interface RowCounts {
  prompt: string;
  provider: string;
  exactPass: number;
  exactFail: number;
  judgedPass: number;
  judgedN: number;
}

/**
 * Importance draws per interval here: a ranking needs less precision than a printed bound, and it
 * takes 9 intervals a row (about 0.7 s for 10 rows at 1,000 draws, against 5 s at 4,000). Every
 * interval shares the seed, so the differences the ranking rests on are smoother than each width.
 */
export const RANKING_DRAWS = 1000;

export function rowCounts(results: readonly CallResult[]): RowCounts[] {
  const rows = new Map<string, RowCounts>();
  for (const r of results) {
    if (r.pass === null) continue;
    const key = `${r.prompt}\u0000${r.provider}`;
    const row = rows.get(key) ?? { prompt: r.prompt, provider: r.provider, exactPass: 0, exactFail: 0, judgedPass: 0, judgedN: 0 };
    if (r.judge?.source === 'judge') {
      row.judgedN++;
      if (r.pass) row.judgedPass++;
    } else if (r.pass) row.exactPass++;
    else row.exactFail++;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** The 95% corrected interval of a row, or null when it has none. */
export function rowInterval(row: RowCounts, confusion: Confusion, seed: number): { rate: number | null; low: number; high: number } | null {
  const { rate, posterior } = qualityPosterior({ ...row, confusion }, { seed, draws: RANKING_DRAWS });
  if (!posterior) return null;
  return { rate, low: posterior.quantile(0.025), high: posterior.quantile(0.975) };
}

/** What a row contributes: its interval's width, and with a quality limit the chance its decision is wrong. */
interface RowFigures {
  width: number;
  risk: number;
}

/**
 * The width of a row's 95% interval and, given a limit, min(P(q >= limit), P(q < limit)): the
 * posterior chance that deciding the gate either way is wrong.
 */
function figures(row: RowCounts, confusion: Confusion, seed: number, limit: number | undefined): RowFigures {
  const { posterior } = qualityPosterior({ ...row, confusion }, { seed, draws: RANKING_DRAWS });
  if (!posterior) return { width: 0, risk: 0 };
  const above = limit === undefined ? 0 : 1 - posterior.cdf(limit);
  return { width: posterior.quantile(0.975) - posterior.quantile(0.025), risk: Math.min(above, 1 - above) };
}

/** The expected shrink a label brings: of the summed widths, and of the summed decision risks (0 without a limit). */
export interface LabelValue {
  width: number;
  risk: number;
}

/** P(the human says pass | the judge said `judged`) for an output of `row`. */
export function passChance(row: RowCounts, confusion: Confusion, judged: Verdict): number {
  const tpr = (confusion.tp + 1) / (confusion.tp + confusion.fn + 2);
  const tnr = (confusion.tn + 1) / (confusion.tn + confusion.fp + 2);
  const observed = row.judgedN > 0 ? row.judgedPass / row.judgedN : 0.5;
  const pi = roganGladen(observed, tpr, tnr) ?? observed;
  const pass = pi * (judged === 'pass' ? tpr : 1 - tpr);
  const fail = (1 - pi) * (judged === 'pass' ? 1 - tnr : tnr);
  return pass + fail > 0 ? pass / (pass + fail) : 0.5;
}

/** The confusion after one more label: the judge said `judged`, the human `human`. */
export function withLabel(c: Confusion, judged: Verdict, human: Verdict): Confusion {
  const key = human === 'pass' ? (judged === 'pass' ? 'tp' : 'fn') : judged === 'pass' ? 'fp' : 'tn';
  return { ...c, [key]: c[key] + 1 };
}

/** The row after one of its judged outputs got a human verdict: decided exactly now. */
function decided(row: RowCounts, judged: Verdict, human: Verdict): RowCounts {
  return {
    ...row,
    judgedN: row.judgedN - 1,
    judgedPass: row.judgedPass - (judged === 'pass' ? 1 : 0),
    exactPass: row.exactPass + (human === 'pass' ? 1 : 0),
    exactFail: row.exactFail + (human === 'fail' ? 1 : 0),
  };
}

/**
 * For each row and judge verdict with outputs to label, the expected shrink of the summed interval
 * widths and, given the min-quality limit, of the summed chances of a wrong gate decision (so the
 * rows closest to the limit count most). Keyed `prompt \0 provider \0 verdict`. Rows other than the
 * labeled one depend only on the (judge, human) pair, so each pair's figures are computed once for all rows.
 */
export function labelValues(rows: readonly RowCounts[], confusion: Confusion, seed: number, limit?: number): Map<string, LabelValue> {
  const judgedRows = rows.filter((r) => r.judgedN > 0);
  const sum = (xs: RowFigures[], skip = -1) =>
    xs.reduce((s, f, j) => (j === skip ? s : { width: s.width + f.width, risk: s.risk + f.risk }), { width: 0, risk: 0 });
  const total = sum(judgedRows.map((r) => figures(r, confusion, seed, limit)));
  const verdicts: Verdict[] = ['pass', 'fail'];
  const moved = new Map<string, RowFigures[]>();
  for (const v of verdicts)
    for (const h of verdicts)
      moved.set(
        v + h,
        judgedRows.map((r) => figures(r, withLabel(confusion, v, h), seed, limit)),
      );
  const values = new Map<string, LabelValue>();
  judgedRows.forEach((row, i) => {
    for (const v of verdicts) {
      const count = v === 'pass' ? row.judgedPass : row.judgedN - row.judgedPass;
      if (count === 0) continue;
      const p = passChance(row, confusion, v);
      const after = (h: Verdict) => {
        const others = sum(moved.get(v + h)!, i);
        const own = figures(decided(row, v, h), withLabel(confusion, v, h), seed, limit);
        return { width: others.width + own.width, risk: others.risk + own.risk };
      };
      const pass = after('pass');
      const fail = after('fail');
      values.set(`${row.prompt}\u0000${row.provider}\u0000${v}`, {
        width: total.width - (p * pass.width + (1 - p) * fail.width),
        // A label cannot raise the expected chance of a wrong decision (min(P, 1 − P) is concave);
        // a negative figure is the approximations' (plug-in prediction, finite draws): none.
        risk: Math.max(0, total.risk - (p * pass.risk + (1 - p) * fail.risk)),
      });
    }
  });
  return values;
}
