/** The plain shapes the formulas take and return (the run record stores them as they are: record/schema.ts). */

/** A rate with its interval; null where there is nothing to estimate from. */
export interface Interval {
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** A judge's verdicts against human labels: true/false positives and negatives, pass being positive. */
export interface Confusion {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}
