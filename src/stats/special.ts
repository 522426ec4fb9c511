/**
 * Special functions the statistics need: log-gamma, the regularized incomplete beta function (in log
 * space, both tails) and its inverse, and the standard normal quantile. Written here rather than
 * pulled in as a dependency because aijourney needs only these few, and each is a textbook routine.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * Natural log of the gamma function: Lanczos approximation (g = 7, n = 9), relative error ~1e-15.
 * Reference: Lanczos (1964), SIAM J. Numer. Anal. B 1:86; coefficients as in Numerical Recipes 3e §6.1.
 */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** Continued fraction for I_x(a, b) by the modified Lentz method (Numerical Recipes 3e §6.4, betacf). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Both tails of a Beta distribution's CDF, as natural logs so tiny tails keep their precision. */
export interface LogTails {
  /** ln P(X <= x) */
  lower: number;
  /** ln P(X > x) */
  upper: number;
}

/**
 * Regularized incomplete beta function I_x(a, b) = Beta(a, b) CDF at x, returned as log lower and
 * upper tails. The continued fraction is evaluated for whichever tail converges fast (Numerical
 * Recipes 3e §6.4, betai); that tail is accurate even when it is far below 1e-16.
 * `lnB` may be passed when many evaluations share (a, b).
 */
export function betaLogTails(x: number, a: number, b: number, lnB = lnBeta(a, b)): LogTails {
  if (x <= 0) return { lower: -Infinity, upper: 0 };
  if (x >= 1) return { lower: 0, upper: -Infinity };
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - lnB;
  if (x < (a + 1) / (a + b + 2)) {
    const lower = logFront + Math.log(betaContinuedFraction(x, a, b) / a);
    return { lower, upper: log1mExp(lower) };
  }
  const upper = logFront + Math.log(betaContinuedFraction(1 - x, b, a) / b);
  return { lower: log1mExp(upper), upper };
}

/** Beta(a, b) CDF at x: the regularized incomplete beta function I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  return Math.exp(betaLogTails(x, a, b).lower);
}

/** ln(1 − e^v) for v <= 0, accurate at both ends (Mächler 2012, "Accurately computing log(1 − exp(−|a|))"). */
function log1mExp(v: number): number {
  return v > -Math.LN2 ? Math.log(-Math.expm1(v)) : Math.log1p(-Math.exp(v));
}

/**
 * Inverse of the Beta(a, b) CDF: the x with I_x(a, b) = p. Newton's method on ln I_x(a, b), which
 * stays well-conditioned deep in the lower tail, kept inside a shrinking bisection bracket so it
 * cannot diverge. Reference: Numerical Recipes 3e §6.14 (invbetai) uses the same Newton idea.
 */
export function betaQuantile(p: number, a: number, b: number, lnB = lnBeta(a, b)): number {
  if (!(p > 0)) return 0;
  if (p >= 1) return 1;
  const target = Math.log(p);
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 300; i++) {
    const logCdf = betaLogTails(x, a, b, lnB).lower;
    const g = logCdf - target;
    if (g < 0) lo = x;
    else hi = x;
    if (Math.abs(g) < 1e-13 || hi - lo < 1e-15 * Math.max(x, 1e-300)) break;
    const logDensity = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB;
    let next = x - g / Math.exp(logDensity - logCdf);
    // Out of the bracket: bisect, geometrically while the bracket still touches 0 (tiny quantiles).
    if (!(next > lo && next < hi)) next = lo === 0 ? hi / 16 : (lo + hi) / 2;
    x = next;
  }
  return x;
}

/**
 * Standard normal quantile Φ⁻¹(p): Wichura's algorithm AS 241 (PPND16), relative error ~1e-16.
 * Reference: Wichura (1988), Applied Statistics 37(3):477–484.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}

/**
 * Student t distribution with ν degrees of freedom through the incomplete beta function:
 * P(T <= t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t >= 0 (Abramowitz & Stegun 26.7.1), and its inverse.
 */
export function tCdf(t: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${nu}`);
  if (t === 0) return 0.5;
  const tail = 0.5 * betaCdf(nu / (nu + t * t), nu / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with ν degrees of freedom. */
export function tQuantile(p: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${nu}`);
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p === 0.5) return 0;
  const tail = Math.min(p, 1 - p);
  const x = betaQuantile(2 * tail, nu / 2, 0.5);
  const t = Math.sqrt((nu * (1 - x)) / x);
  return p < 0.5 ? -t : t;
}
