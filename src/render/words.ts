/**
 * The sentences every report format shares: trust, decisions, recommendations, gate reasons and
 * paired comparisons. The record holds these outcomes as data; only this file says them in words.
 */
import type { BaselineRow, GateCheck, GateWhy, StopReason } from '../record/schema.js';
import type { CorrectedInterval } from '../record/schema.js';
import { TRUSTED_BOUND } from '../judge/trust.js';
import type { HeldBy, MeasuredRate, Trust } from '../record/schema.js';
import type { Recommendation } from '../record/schema.js';
import type { SummaryRow } from '../record/schema.js';
import type { DecisionBasis, MinQualitySource } from '../record/schema.js';
import type { Confidence } from '../task/types.js';
import { interval, pct, pValue, usd } from './format.js';
import { SIGNIFICANCE } from '../stats/index.js';
import { rowName } from '../summary/summarize.js';

const rate = (name: string, r: MeasuredRate) => `${name} ${r.k}/${r.n}${r.low === null ? '' : ` (lower bound ${r.low.toFixed(2)})`}`;

const HELD: Record<HeldBy, (t: Trust) => string> = {
  'no-labels': () => 'no labeled outputs: its error rates are unmeasured',
  'tpr-unmeasured': () => 'no pass labels: its TPR is unmeasured',
  'tnr-unmeasured': () => 'no fail labels: its TNR is unmeasured',
  'no-better-than-chance': (t) => `TPR + TNR − 1 = ${(t.tpr.rate! + t.tnr.rate! - 1).toFixed(2)} <= 0: no better than chance on your labels`,
  'not-shown-better-than-chance': (t) =>
    `not shown better than chance: J = ${(t.tpr.rate! + t.tnr.rate! - 1).toFixed(2)} but its 95% lower bound is ${t.jLow!.toFixed(2)} (${t.tpr.n} pass and ${t.tnr.n} fail labels)`,
  'tpr-bound': (t) => `${rate('TPR', t.tpr)} < ${TRUSTED_BOUND}`,
  'tnr-bound': (t) => `${rate('TNR', t.tnr)} < ${TRUSTED_BOUND}`,
};

/** "PROVISIONAL (TNR 3/4 (lower bound 0.30) < 0.8)": the level and what holds the judge back. */
export function trustReason(trust: Trust): string {
  if (trust.level === 'TRUSTED') return `${rate('TPR', trust.tpr)}, ${rate('TNR', trust.tnr)}, both >= ${TRUSTED_BOUND}`;
  return trust.heldBy.map((h) => HELD[h](trust)).join('; ');
}

const labels = (count: number, verdict: string) => `${count} more ${verdict} label${count === 1 ? '' : 's'}`;

/** What would raise the level, in one line; null when TRUSTED. */
export function trustNext(trust: Trust): string | null {
  const next = trust.next;
  if (!next) return null;
  if (!next.reachable) {
    if (next.because === 'j')
      return `to reach ${next.level}: not by labeling: the judge does no better than chance on your labels; improve the rubric or try another judge model`;
    const which = next.because === 'tpr' ? trust.tpr : trust.tnr;
    const name = next.because.toUpperCase();
    return `to reach ${next.level}: cannot: the judge's ${name} on your labels (${pct(which.rate)}) is not above ${pct(TRUSTED_BOUND)}, so more labels cannot lift its lower bound there; improve the rubric or try another judge model`;
  }
  const parts = [next.pass > 0 ? labels(next.pass, 'pass') : '', next.fail > 0 ? labels(next.fail, 'fail') : ''].filter(Boolean);
  const keeps =
    trust.tpr.n > 0 && trust.tnr.n > 0
      ? `if the judge keeps its TPR ${pct(trust.tpr.rate)} and TNR ${pct(trust.tnr.rate)}`
      : 'if the judge agrees with all of them';
  return `to reach ${next.level}: ${next.assumesAgreement ? 'at least ' : ''}${parts.join(' and ')} (${keeps})`;
}

/** The corrected-quality cell: the interval, then the method and the trust level when they qualify it. */
export function correctedCell(corrected: CorrectedInterval | null, trust: Trust | undefined): string {
  if (!corrected) return 'n/a';
  const shown = corrected.rate === null ? (corrected.low === null ? 'n/a' : `— [${pct(corrected.low)}, ${pct(corrected.high)}]`) : interval(corrected);
  const marks = [
    corrected.method === 'ppi' ? `PPI, ${corrected.randomLabels} random labels` : '',
    trust && trust.level !== 'TRUSTED' ? trust.level.toLowerCase() : '',
  ].filter(Boolean);
  return marks.length > 0 ? `${shown} (${marks.join('; ')})` : shown;
}

const BASIS: Record<DecisionBasis, string> = {
  corrected: 'corrected quality',
  raw: 'pass rate',
  'raw-judge-votes': 'raw judge votes (untrusted judge allowed by gates.allow_untrusted_judge)',
  'untrusted-judge': 'judge untrusted: quality cannot be measured',
  'not-measured': 'no scored output',
};

/** "estimate" or "95% lower bound". */
function confidenceText(confidence: Confidence): string {
  return confidence === 'estimate' ? 'point estimate' : `${pct(confidence, (confidence * 100) % 1 === 0 ? 0 : 1)} one-sided lower bound`;
}

function sourceText(minQuality: number, source: MinQualitySource): string {
  const value = `min_quality ${pct(minQuality)}`;
  if (source === 'flag') return `${value} (from --min-quality)`;
  if (source === 'task') return `${value} (from the task's gates)`;
  return `${value} (default; set gates.min_quality or --min-quality)`;
}

/** The recommendation line, without the "Recommendation:" lead. */
export function recommendationText(rec: Recommendation): string {
  if (rec.kind === 'pick') {
    const why =
      rec.per1kCalls === null
        ? 'the only qualifying rows have unknown cost'
        : rec.qualifying > 1
          ? `cheapest of ${rec.qualifying} qualifying rows`
          : 'the only qualifying row';
    const cost = rec.per1kCalls === null ? 'cost unknown (no price for this model)' : `${usd(rec.per1kCalls)} per 1k calls`;
    return `${rowName(rec)}: ${why}; ${BASIS[rec.basis]} ${pct(rec.figure)} (${confidenceText(rec.confidence)}) meets ${sourceText(rec.minQuality, rec.minQualitySource)}, the rule of the min-quality gate; ${cost}`;
  }
  if (rec.why === 'untrusted-judge')
    return `none can be made: the judge that graded the rows is untrusted or uncalibrated, so their quality cannot be measured (label more outputs: aijourney label)`;
  if (rec.why === 'not-measured')
    return `none: no row has a measured quality (every call failed or nothing ran); ${sourceText(rec.minQuality, rec.minQualitySource)}`;
  const c = rec.closest!;
  const short = rec.minQuality - c.figure;
  return `none: no row meets ${sourceText(rec.minQuality, rec.minQualitySource)} on the ${confidenceText(rec.confidence)}; closest: ${rowName(c)} at ${pct(c.figure)} (${(short * 100).toFixed(0)} points short)`;
}

/** Why a gate check failed or was not decisive. */
function gateWhyText(why: GateWhy): string {
  switch (why.code) {
    case 'untrusted-judge':
      return `judge untrusted: quality cannot be measured (judge ${why.trust}; label more outputs, or set gates.allow_untrusted_judge: true to gate on its raw votes)`;
    case 'not-measured':
      return 'no call returned an output to score';
    case 'no-latency':
      return 'no latency measured';
    case 'batched':
      return "does not apply: the calls were batched, and a batch's turnaround is no per-call latency";
    case 'unknown-cost':
      return `cost unknown (unknown price: ${why.providers.join(', ') || 'usage not reported'})`;
    case 'budget-stop':
      return `the budget stopped the run early (${why.finished} of ${why.planned} calls)`;
    case 'row-missing':
      return 'row missing from this run';
    case 'no-pairs':
      return 'no paired outputs to compare';
    case 'probe-not-measured':
      return 'inconclusive: the labels could not measure this probe (see the bias probes under the calibration)';
    case 'significant-drop':
      return `significant drop (${pValue(why.pValue)}; ${why.worse} examples worse, ${why.better} better)`;
    case 'not-significant':
      return `inconclusive: the drop is not significant (${pValue(why.pValue)}); too few examples to tell`;
    case 'undetectable':
      return `inconclusive: ${why.examples} paired examples cannot show a drop of this size (needs at least ${why.needed})`;
  }
}

/** The note column of the gates table: what was measured and why it failed or did not decide. */
export function gateNote(c: GateCheck): string {
  const parts: string[] = [];
  if (c.name === 'min-quality' && c.basis) {
    parts.push(
      c.basis === 'untrusted-judge' || c.basis === 'not-measured' ? '' : `${BASIS[c.basis as DecisionBasis]}, ${confidenceText(c.confidence ?? 'estimate')}`,
    );
    const decides = c.basis !== 'untrusted-judge' && c.basis !== 'not-measured';
    if (decides && c.estimate !== undefined && c.estimate !== null && c.confidence !== 'estimate') parts.push(`estimate ${pct(c.estimate)}`);
    if (decides && c.pAtLeast !== undefined && c.pAtLeast !== null) parts.push(`P(q ≥ limit) ${pct(c.pAtLeast)}`);
  } else if (c.basis === 'errors-over-planned') parts.push('errors / planned calls');
  else if (c.basis === 'whole-run') parts.push('every call of the run, judge calls included when there are any');
  else if (c.name === 'max-judge-bias' && !c.why) parts.push("how far the probe's 95% interval lies from no bias");
  else if (c.basis === 'paired-drop') parts.push(`drop vs baseline on ${c.examples} paired examples`);
  if (c.why) parts.push(gateWhyText(c.why));
  return parts.filter(Boolean).join('; ');
}

/** The paired comparison with the first row in words; nothing is "better" unless the test can tell. */
export function vsFirstText(row: Pick<SummaryRow, 'vsFirst'>, index: number): string {
  if (index === 0 || !row.vsFirst) return '(first row)';
  const t = row.vsFirst;
  if (t.differing === 0) return t.examples === 0 ? 'no paired examples' : 'same results';
  if (!t.canTell) return `too few examples to tell apart: need >= 6 differing examples (${t.differing} differ)`;
  if (t.pValue >= 0.05) return `not distinguishable (${pValue(t.pValue)})`;
  return `${t.meanDiff! > 0 ? 'better' : 'worse'} (${pValue(t.pValue)}, ${t.differing} examples differ)`;
}

/** The comparison in words: nothing is "worse" or "better" unless the paired test can tell. */
export function verdictText(row: BaselineRow): string {
  if (row.status === 'missing-in-baseline') return 'new row (not in the baseline)';
  if (row.status === 'missing-in-run') return 'missing from this run';
  if (row.pValue === null) return 'no paired outputs';
  if (row.worse + row.better === 0) return 'same results';
  if (!row.canTell) return `too few examples to tell apart: need >= 6 differing examples (${row.worse + row.better} differ)`;
  if (row.pValue >= SIGNIFICANCE) return `no significant change (${pValue(row.pValue)})`;
  return `${(row.quality.diff ?? 0) > 0 ? 'better' : 'worse'} (${pValue(row.pValue)})`;
}

/** Why a run stopped early, in a few words. */
export function stopText(reason: StopReason | null): string {
  if (!reason) return 'stopped';
  switch (reason.kind) {
    case 'interrupted':
      return reason.signal ? `interrupted by ${reason.signal}` : 'interrupted';
    case 'budget':
      return `budget reached: spent ${usd(reason.spentUsd)} of the ${usd(reason.limitUsd)} limit`;
    case 'fatal':
      return `stopped: ${reason.message}`;
    case 'shards':
      return (
        [
          reason.missing.length ? `shards missing: ${reason.missing.join(', ')}` : '',
          reason.incomplete.length ? `incomplete shards: ${reason.incomplete.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') || 'some calls are missing'
      );
    case 'batch-pending':
      return `waiting for ${reason.batches.length === 1 ? 'a batch' : `${reason.batches.length} batches`} (${reason.batches.join(', ')}): run the same command again to collect`;
  }
}
