/**
 * `aijourney label --random N`: outputs drawn uniformly at random, without replacement, from the
 * judged outputs of one row (the sample frame, judge/sample-frame.ts). Labels of such a draw are a
 * random sample of that row, which prediction-powered inference needs; each remembers the frame's
 * hash. Drawing again later continues the same sample: the union of successive draws without
 * replacement from one frame is itself a uniform sample of it.
 */
import { frameHash, frameUnits, isRowSample, unitKey } from '../judge/sample-frame.js';
import type { RunRecord } from '../record/schema.js';
import { exampleFingerprint } from '../plan/shard.js';
import { rng, shuffle } from '../stats/index.js';
import { UsageError } from '../errors.js';
import type { LabelSample } from '../record/schema.js';
import type { Example } from '../task/types.js';
import type { LabelItem } from './queue.js';
import { rowName } from '../summary/summarize.js';

export interface RandomDraw {
  items: LabelItem[];
  sample: LabelSample;
  /** Units in the frame, and how many of them are still unlabeled. */
  frame: number;
  unlabeled: number;
}

/** The row to draw from: the one named, or the first row whose outputs the judge graded. */
function pickRow(record: RunRecord, prompt: string | undefined, provider: string | undefined): { prompt: string; provider: string } {
  const rows = record.summary.filter((s) => (prompt === undefined || s.prompt === prompt) && (provider === undefined || s.provider === provider));
  const judged = rows.find((s) => record.results.some((r) => r.prompt === s.prompt && r.provider === s.provider && r.judge?.source === 'judge'));
  const row = judged ?? rows[0];
  if (!row) {
    const known = record.summary.map((s) => `${rowName(s)}`).join(', ');
    throw new UsageError(
      `no row of this run matches ${[prompt && `--prompt ${prompt}`, provider && `--provider ${provider}`].filter(Boolean).join(' ')} (rows: ${known})`,
    );
  }
  return { prompt: row.prompt, provider: row.provider };
}

export function randomDraw(record: RunRecord, examples: Example[], options: { count: number; seed: number; prompt?: string; provider?: string }): RandomDraw {
  const row = pickRow(record, options.prompt, options.provider);
  const byIndex = new Map(examples.map((e) => [e.index, e]));
  const results = record.results.filter((r) => r.prompt === row.prompt && r.provider === row.provider && byIndex.has(r.example));
  const labeled = new Set<string>();
  const randomLabeled = new Set<string>();
  for (const e of examples) {
    for (const l of e.labels) {
      const key = unitKey({ example: e.index, output: l.output });
      labeled.add(key);
      if (isRowSample(l.sample, row)) randomLabeled.add(key);
    }
  }
  const units = frameUnits(results, (r) => r.output !== null && randomLabeled.has(unitKey({ example: r.example, output: r.output })));
  const frame = frameHash(units, (i) => exampleFingerprint(byIndex.get(i)!));
  const open = units.filter((u) => !labeled.has(unitKey(u)));
  // A seeded random permutation of the open units; its first `count` are the draw.
  const order = shuffle(open, rng(options.seed));
  const items = order.slice(0, options.count).map((u, i): LabelItem => {
    const result = results.find((r) => r.example === u.example && r.output !== null && r.output.trim() === u.output.trim());
    return {
      example: byIndex.get(u.example)!,
      prompt: row.prompt,
      provider: row.provider,
      output: u.output,
      checks: result?.checks ?? [],
      judge: result?.judge ?? null,
      why: `drawn at random: ${i + 1} of ${Math.min(options.count, open.length)} from ${units.length} judged outputs`,
    };
  });
  return { items, sample: { ...row, frame }, frame: units.length, unlabeled: open.length };
}
