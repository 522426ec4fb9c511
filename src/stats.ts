/**
 * aijourney's statistics: every interval, test and correction printed anywhere comes from here.
 * Each function names its formula and a reference; the implementations live in src/stats/.
 */
export { wilson, wilsonInterval, wilsonLower, newcombeDifference, percentile, latencyStats, mcnemarExact } from './stats/basic.js';
export { cohenKappa, tprTnr, roganGladen, type Confusion } from './stats/agreement.js';
export { correctedQuality, type CorrectedQualityInput, type CorrectedQualityOptions } from './stats/corrected.js';
export {
  correctedQualityMixed,
  qualityPosterior,
  type MixedQualityInput,
  type MixedQualityOptions,
  type QualityEstimate,
  type QualityPosterior,
} from './stats/mixed.js';
export { clusteredRate, clusteredWilson, flipRate, type Cluster, type ClusteredRate } from './stats/cluster.js';
export { signFlipTest, normalCdf, MIN_DIFFERING, type PairedTest } from './stats/paired.js';
export { ppiMean, ppiInterval, ppiProbabilityAtLeast, type PpiEstimate, type PpiInput, type PpiLabeled } from './stats/ppi.js';
export { rng, normalSample, gammaSample, betaSample, binomialSample, type Random } from './stats/random.js';
export { lnGamma, lnBeta, betaCdf, betaQuantile, normalQuantile, tCdf, tQuantile } from './stats/special.js';
export { BetaTable } from './stats/beta-table.js';
