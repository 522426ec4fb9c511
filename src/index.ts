/**
 * aijourney as a library: the same functions the CLI commands call, over plain data.
 * `loadTask` → `evaluate` → a `RunRecord` that every renderer, gate and comparison reads.
 */
export { loadTask, parseTask } from './task/load.js';
export { evaluate, type EvalOptions } from './run/evaluate.js';
export { selectExamples } from './plan/select.js';
export { planCalls, type PlannedCall } from './plan/plan.js';
export type { ResponseCache, CachedCompletion } from './run/call.js';
export type { BatchSettings, BatchStore, SavedBatch, BatchEvent } from './run/batch.js';
export { fileBatchStore } from './commands/batch-store.js';
export { BATCH_DISCOUNTS } from './cost/batch.js';
export { createClient } from './providers/registry.js';
export { makeCheck, prepareChecks, runChecks } from './score/checks.js';
export { summarize } from './summary/summarize.js';
export { readRunRecord, writeRecord } from './record/io.js';
export { RUN_SCHEMA, type RunRecord } from './record/schema.js';
export { renderRun } from './render/terminal.js';
export { renderOutput, writeOutputs } from './render/outputs.js';
export { checkGates, resolveGates } from './gate/gates.js';
export type { GateCheck } from './record/schema.js';
export { compareRuns } from './gate/baseline.js';
export type { BaselineComparison } from './record/schema.js';
export { mergeShards } from './record/merge.js';
export { recommend, paretoFront } from './summary/recommend.js';
export type { Recommendation } from './record/schema.js';
export { trustLevel } from './judge/trust.js';
export type { TrustLevel } from './record/schema.js';
export { callCost, listModels, priceDataInfo, resolvePrice } from './cost/prices.js';
export * as stats from './stats/index.js';
export { AijourneyError, ProviderError, RunError, TaskError, UsageError, EXIT } from './errors.js';
export type * from './task/types.js';
export type * from './providers/types.js';
export type * from './record/schema.js';
