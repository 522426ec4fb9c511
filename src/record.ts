import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import type { CandidateReport } from './judge/calibrate.js';
import type { Trust } from './judge/trust.js';
import type { Recommendation } from './recommend.js';
import type { SummaryRowFull } from './summarize.js';
import type { BaselineComparison } from './baseline.js';
import type { GatesResult } from './gates.js';
import type { PlanInfo, Shard } from './shard.js';
import { writeFileAtomic } from './record/files.js';
import type { DecisionSettings } from './summary/decide.js';
import { readRegularFile } from './task/source.js';
import type { CallResult, LabelSample, ProviderType } from './types.js';

export const RUN_SCHEMA = 'aijourney.run/2';

/** Run records larger than this are refused unread (10,000 calls with long outputs stay far below). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export interface ProviderInfo {
  id: string;
  type: ProviderType;
  model: string;
  baseUrl: string | null;
  price: { source: string; inputPerMtok: number; outputPerMtok: number } | null;
  role: 'model' | 'judge';
}

export interface JudgeRecord {
  selected: string;
  /** The selected judge's trust level, both measured rates and what would raise it (judge/trust.ts). */
  trust: Trust;
  candidates: Array<Omit<CandidateReport, 'verdicts'>>;
  /** The calibration set, in order, with each candidate's leave-one-out verdict. */
  labels: Array<{ example: number; output: string; verdict: 'pass' | 'fail'; judged: Record<string, 'pass' | 'fail' | null>; sample?: LabelSample }>;
}

export interface LabelSuggestion {
  prompt: string;
  provider: string;
  example: number;
  repeat: number;
  output: string;
  why: string;
}

/** The run record: the single source for every table, report and gate. A public contract (README). */
export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  tool: { name: 'aijourney'; version: string };
  task: { name: string; file: string };
  startedAt: string;
  finishedAt: string;
  /** False when the run stopped before making every planned call. */
  complete: boolean;
  stopReason: string | null;
  plannedCalls: number;
  providers: ProviderInfo[];
  priceData: { source: string; version: string; date: string | null };
  results: CallResult[];
  summary: SummaryRowFull[];
  judge: JudgeRecord | null;
  /** What judging cost (calibration and grading), apart from the models under test. */
  judgeCostUsd: number | null;
  costUsd: { models: number | null; judge: number | null; total: number | null; spentNow: number };
  labelNext: LabelSuggestion[];
  /** Seed of the corrected-quality Monte Carlo (`--seed`), so merge and report reproduce the figures. */
  seed: number;
  /** How quality decisions were made: min_quality (and where it came from), confidence, untrusted-judge opt-out. */
  decision: DecisionSettings;
  /** Which row to pick (recommend.ts), by the same rule as the min-quality gate. */
  recommendation: Recommendation;
  /** The task's rows, examples (fingerprinted) and repeat: enough to rebuild the summary (merge) and pair examples (baseline). */
  plan?: PlanInfo;
  /** Set when this run made only one shard of the calls (`--shard K/N`). */
  shard?: Shard | null;
  /** Gates checked after the run (task `gates:` and flags); absent when none were set. */
  gates?: GatesResult;
  /** The comparison with `--baseline FILE`. */
  baseline?: BaselineComparison;
  /** Set on a record made by `aijourney merge`: the shard records it joins. */
  mergedFrom?: Array<{ file: string; shard: Shard | null }>;
}

export function defaultRecordPath(dir: string, record: Pick<RunRecord, 'startedAt' | 'task'>): string {
  const stamp = record.startedAt.replace(/[:.]/g, '-');
  const slug = record.task.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'task';
  return join(dir, `${stamp}-${slug}.json`);
}

/** Writes the record atomically (record/files.ts): a reader never sees half a record. */
export async function writeRecord(path: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads a saved run record, refusing anything else with one line (exit 2). */
export async function readRunRecord(file: string, cwd: string): Promise<RunRecord> {
  const read = await readRegularFile(resolve(cwd, file), MAX_RECORD_BYTES);
  if (!read.ok) throw new UsageError(`${file}: ${read.failure.reason}`);
  const text = read.data.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not a run record (not valid JSON)`, 'run records are the .json files aijourney eval saves under .aijourney/runs or writes with -o run.json');
  }
  const schema = typeof data === 'object' && data !== null ? (data as { schema?: unknown }).schema : undefined;
  if (schema !== RUN_SCHEMA) {
    if (typeof schema === 'string' && schema.startsWith('aijourney.run/')) {
      throw new UsageError(`${file}: a run record of an older aijourney (${schema}); this version reads ${RUN_SCHEMA}`, 'run the task again with this version to get a record it can read (cached replies make that cheap)');
    }
    const found = typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" field';
    throw new UsageError(`${file}: not an aijourney run record (${found}; expected "${RUN_SCHEMA}")`);
  }
  const record = data as RunRecord;
  if (!Array.isArray(record.results) || !Array.isArray(record.summary) || typeof record.task !== 'object' || record.task === null) {
    throw new UsageError(`${file}: damaged run record (missing results, summary or task)`);
  }
  return record;
}
