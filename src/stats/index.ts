/**
 * aijourney's statistics: every interval, test and correction printed anywhere comes from here.
 * Each function names its formula and a reference; the implementations live in src/stats/.
 */
export { wilson, wilsonInterval, wilsonLower, newcombeDifference, percentile, latencyStats, mcnemarExact } from './basic.js';
export { cohenKappa, tprTnr, roganGladen } from './agreement.js';
export type { Confusion } from './types.js';
export { correctedQuality, type CorrectedQualityInput, type CorrectedQualityOptions } from './corrected.js';
export {
  correctedQualityMixed,
  qualityPosterior,
  type MixedQualityInput,
  type MixedQualityOptions,
  type QualityEstimate,
  type QualityPosterior,
} from './mixed.js';
export { clusteredRate, clusteredWilson, flipRate, type Cluster, type ClusteredRate } from './cluster.js';
export { signFlipTest, normalCdf, MIN_DIFFERING, SIGNIFICANCE, type PairedTest } from './paired.js';
export { ppiMean, ppiInterval, ppiProbabilityAtLeast, type PpiEstimate, type PpiInput, type PpiLabeled } from './ppi.js';
export { rng, shuffle, normalSample, gammaSample, betaSample, binomialSample, type Random } from './random.js';
export { lnGamma, lnBeta, betaCdf, betaQuantile, normalQuantile, tCdf, tQuantile } from './special.js';
export { BetaTable } from './beta-table.js';
