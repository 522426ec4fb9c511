/**
 * aijourney as a library: the same functions the CLI commands call, over plain data.
 * `loadTask` → `evaluate` → a `RunRecord` that every renderer, gate and comparison reads.
 */
export { loadTask, parseTask } from './task/load.js';
export { evaluate, selectExamples, type EvalOptions } from './eval.js';
export { planCalls, type PlannedCall } from './run/plan.js';
export type { ResponseCache, CachedCompletion } from './run/call.js';
export { createClient, type ClientOptions } from './providers/registry.js';
export { makeCheck, runChecks } from './score/checks.js';
export { summarize } from './summarize.js';
export { readRunRecord, writeRecord, RUN_SCHEMA, type RunRecord } from './record.js';
export { renderRun } from './render/terminal.js';
export { renderOutput, writeOutputs } from './render/outputs.js';
export { checkGates, resolveGates, type GateCheck } from './gates.js';
export { compareRuns, type BaselineComparison } from './baseline.js';
export { mergeShards } from './merge.js';
export { recommend, paretoFront, type Recommendation } from './recommend.js';
export { trustLevel, type TrustLevel } from './judge/trust.js';
export { callCost, listModels, priceDataInfo, resolvePrice } from './cost/prices.js';
export * as stats from './stats.js';
export { AijourneyError, ProviderError, RunError, TaskError, UsageError, EXIT } from './errors.js';
export type * from './types.js';
