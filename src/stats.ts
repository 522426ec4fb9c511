/**
 * aijourney's statistics: every interval, test and correction printed anywhere comes from here.
 * Each function names its formula and a reference; the implementations live in src/stats/.
 */
export { wilson, percentile, latencyStats, mcnemarExact } from './stats/basic.js';
export { cohenKappa, tprTnr, roganGladen, type Confusion } from './stats/agreement.js';
export {
  correctedQuality,
  type CorrectedQualityInput,
  type CorrectedQualityOptions,
} from './stats/corrected.js';
export { correctedQualityMixed, type MixedQualityInput, type MixedQualityOptions } from './stats/mixed.js';
export { rng, normalSample, gammaSample, betaSample, binomialSample, type Random } from './stats/random.js';
export { lnGamma, lnBeta, betaCdf, betaQuantile, normalQuantile } from './stats/special.js';
