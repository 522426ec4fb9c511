/**
 * A small seeded PRNG and the samplers built on it. Every random number in aijourney comes from an
 * `rng(seed)` passed in by the caller, so a run with the same inputs prints the same numbers.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger, 2017): a 32-bit-state generator, fast and good enough for Monte Carlo
 * at the sizes used here (it passes gjrand and PractRand up to its 2^32 period).
 * Reference: https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export function rng(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw by the Marsaglia polar method (Marsaglia & Bray 1964). */
export function normalSample(random: Random): number {
  for (;;) {
    const u = 2 * random() - 1;
    const v = 2 * random() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Gamma(shape, 1) draw: Marsaglia & Tsang (2000), "A simple method for generating gamma variables",
 * ACM TOMS 26(3):363–372; shapes below 1 use the boost Gamma(a) = Gamma(a + 1)·U^(1/a).
 */
export function gammaSample(random: Random, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return gammaSample(random, shape + 1) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) draw as X/(X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function betaSample(random: Random, a: number, b: number): number {
  const x = gammaSample(random, a);
  const y = gammaSample(random, b);
  return x / (x + y);
}

/** Binomial(n, p) draw as a sum of n Bernoulli trials: exact, O(n), fine for the n used here. */
export function binomialSample(random: Random, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/** A uniformly random permutation of `items` (Fisher & Yates; Durstenfeld's in-place form), as a new array. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
