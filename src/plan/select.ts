/**
 * The calls a run makes: the examples selected (`--limit`, `--sample`), the shard (`--shard K/N`),
 * then every (prompt, provider, example, repeat) call in the contract's order (plan.ts).
 */
import type { Shard } from '../record/schema.js';
import { rng, shuffle } from '../stats/index.js';
import type { Example, Task } from '../task/types.js';
import { planCalls, type PlannedCall } from './plan.js';
import { shardExamples } from './shard.js';

/** A quick litmus test on a big data file: the first `limit` examples, then `sample` of them at random. */
export interface ExampleSelection {
  limit?: number;
  /** How many examples to draw, without replacement, seeded by `seed`; kept in file order. */
  sample?: number;
  /** @default 1 */
  seed?: number;
}

/**
 * The examples a run uses. Each keeps its original `index`, so results, labels and `aijourney label`
 * still point at the right example. The same seed on the same file always draws the same examples.
 */
export function selectExamples(examples: Example[], selection: ExampleSelection): Example[] {
  const limited = selection.limit === undefined ? examples : examples.slice(0, selection.limit);
  if (selection.sample === undefined || selection.sample >= limited.length) return limited;
  const order = shuffle(
    limited.map((_, i) => i),
    rng(selection.seed ?? 1),
  );
  const chosen = new Set(order.slice(0, selection.sample));
  return limited.filter((_, i) => chosen.has(i));
}

export interface RunPlan {
  /** The task with the selected examples (every shard's: what the record's plan describes). */
  selected: Task;
  /** The task with this shard's examples: what this process runs. */
  runTask: Task;
  calls: PlannedCall[];
}

export function planRun(task: Task, select?: ExampleSelection, shard?: Shard): RunPlan {
  const selected = select ? { ...task, examples: selectExamples(task.examples, select) } : task;
  const runTask = shard ? { ...selected, examples: shardExamples(selected.examples, shard) } : selected;
  return { selected, runTask, calls: planCalls(runTask) };
}
