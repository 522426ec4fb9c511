/**
 * The command line's values, parsed where commander reads them: one parser per kind of value
 * (commander's `argParser`), so a bad value is a one-line usage error (exit 2) naming the flag
 * before the command runs, and the command receives numbers, never strings to parse again. Limits
 * are the task schema's where a flag overrides a task setting.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import type { Shard } from '../record/schema.js';
import { LIMITS } from '../task/limits.js';
import type { Confidence } from '../task/types.js';

class BadValue extends Error {}

const fail = (message: string, value: string): never => {
  throw new BadValue(`${message}, got "${value}"`);
};

/** An option whose value `parse` reads; a bad value is `aijourney: --flag must be …, got "…"`. */
export function option<T>(flags: string, help: string, parse: (value: string) => T): Option {
  const made = new Option(flags, help);
  return made.argParser((value: string) => {
    try {
      return parse(value);
    } catch (err) {
      throw err instanceof BadValue ? new UsageError(`${made.long} ${err.message}`) : err;
    }
  });
}

/** A whole number from `min` to `max`. */
export const wholeNumber =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : fail(`must be a whole number from ${min} to ${max}`, value);
  };

/** Any number from `min` to `max`. */
export const numberIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) && n >= min && n <= max ? n : fail(`must be a number from ${min} to ${max}`, value);
  };

/** A share from 0 to 1. */
export const rate = numberIn(0, 1);

/** USD, milliseconds: any non-negative number. */
export const amount = numberIn(0, Number.MAX_SAFE_INTEGER);

/** `estimate`, or a level from 0.5 to below 1. */
export function confidence(value: string): Confidence {
  if (value.trim() === 'estimate') return 'estimate';
  const n = Number(value);
  return value.trim() !== '' && n >= 0.5 && n < 1 ? n : fail('must be "estimate" or a level from 0.5 to below 1 (e.g. 0.95)', value);
}

/** `K/N` with 1 <= K <= N. */
export function shard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  return m && count >= 1 && index >= 1 && index <= count ? { index, count } : fail('must be K/N with 1 <= K <= N (e.g. 2/4)', value);
}

/** A seed: the PRNG keeps 32 bits (stats/random.ts). */
export const seed = wholeNumber(0, 2 ** 32 - 1);

/** -j: the schema's bound on settings.concurrency. */
export const concurrency = wholeNumber(1, LIMITS.concurrency);

/** --limit, --sample, --volume. */
export const count = wholeNumber(1, 1_000_000_000_000);

/**
 * The gates a flag can set, one row per gate: its name (the gates table's), the option's key as
 * commander names it, its flag, the field of `Gates` it overrides, how its value is read, and its help. The CLI and the flag resolver both read it.
 */
export const GATE_FLAGS = [
  {
    name: 'min-quality',
    key: 'minQuality',
    flag: '--min-quality <rate>',
    field: 'minQuality',
    parse: rate,
    help: "gate: fail (exit 1) when a row's quality is below RATE, 0-1 (the judge-corrected quality when a judge grades; a row graded by an untrusted judge fails); overrides gates.min_quality",
  },
  {
    name: 'max-cost',
    key: 'maxCost',
    flag: '--max-cost <usd>',
    field: 'maxCostUsd',
    parse: amount,
    help: "gate and budget: USD for the whole run, judge included; refuses to start when even the estimate's low end is over, stops issuing calls when reached",
  },
  {
    name: 'max-p95-ms',
    key: 'maxP95Ms',
    flag: '--max-p95-ms <ms>',
    field: 'maxP95LatencyMs',
    parse: amount,
    help: "gate: fail when a row's p95 latency is above MS",
  },
  {
    name: 'max-error-rate',
    key: 'maxErrorRate',
    flag: '--max-error-rate <rate>',
    field: 'maxErrorRate',
    parse: rate,
    help: "gate: fail when a row's share of errored calls is above RATE, 0-1",
  },
  {
    name: 'max-judge-bias',
    key: 'maxJudgeBias',
    flag: '--max-judge-bias <size>',
    field: 'maxJudgeBias',
    parse: rate,
    help: 'gate: fail when a bias probe of the judge (length, self-preference, consistency) shows an effect above SIZE at its 95% interval, 0-1 (0: any bias shown); overrides gates.max_judge_bias',
  },
] as const;
