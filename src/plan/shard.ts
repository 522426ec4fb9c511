import { hash } from 'node:crypto';
import type { Example, Task } from '../task/types.js';
import type { PlanInfo, Shard } from '../record/schema.js';

/**
 * Shards split by example, round-robin on the example's index: shard K holds the examples with
 * index % N === K-1, with every prompt, provider and repeat of them. Keeping an example whole
 * within one shard means each shard's own record still pairs rows on the same examples (the
 * "vs first row" paired test, baselines), shards are balanced to within one example, and the
 * split depends only on the task file, so every CI job computes the same one.
 */
function inShard(example: Pick<Example, 'index'>, shard: Shard): boolean {
  return example.index % shard.count === shard.index - 1;
}

export function shardExamples<T extends Pick<Example, 'index'>>(examples: T[], shard: Shard | undefined): T[] {
  return shard ? examples.filter((e) => inShard(e, shard)) : examples;
}

const sha = (value: unknown) => hash('sha256', JSON.stringify(value)).slice(0, 16);

/** What an example is: its variables and reference answers (an expected tool only when it has one, so other fingerprints stay as they were). */
export function exampleFingerprint(example: Pick<Example, 'vars' | 'expected' | 'expectedTool'>): string {
  return sha([example.vars, example.expected ?? null, ...(example.expectedTool ? [example.expectedTool] : [])]);
}

export function planInfo(task: Task): PlanInfo {
  return {
    prompts: task.prompts.map((p) => p.id),
    providers: task.providers.map((p) => p.id),
    examples: task.examples.map((e) => ({ index: e.index, fingerprint: exampleFingerprint(e) })),
    repeat: task.settings.repeat,
    taskHash: sha([
      task.name,
      task.prompts,
      task.providers.map((p) => [p.id, p.type, p.model, p.params]),
      task.examples.map((e) => [e.vars, e.expected ?? null, e.labels, ...(e.expectedTool ? [e.expectedTool] : [])]),
      task.checks,
      task.judge ? [task.judge.samples, task.judge.candidates.map((c) => [c.id, c.provider.model, c.rubric])] : null,
      task.settings.repeat,
    ]),
  };
}
