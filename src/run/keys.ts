/**
 * A run the cache can replay needs no key: a provider whose key is missing may stay in the run only
 * when every call it would make is already in the cache. Checked before any call, so a missing
 * key still fails at once (exit 3) when something would have to be asked.
 */
import { RunError } from '../errors.js';
import { judgeRequest } from '../judge/ask.js';
import { leaveOneOut, type LabeledItem } from '../judge/calibrate.js';
import type { ModelClient } from '../providers/types.js';
import type { Task } from '../task/types.js';
import { cacheKey, type ResponseCache } from './call.js';
import { modelRequest, type PlannedCall } from '../plan/plan.js';

/**
 * @throws RunError (the missing-key message) when a client without its key has a call the cache
 * cannot answer. A judge without its key also needs every model call cached (its questions are
 * about those outputs); a grading question still missing from the cache then stops the run.
 */
export function requireKeys(task: Task, plan: PlannedCall[], items: LabeledItem[], clients: Map<string, ModelClient>, cache: ResponseCache | undefined): void {
  const missing = [...clients.values()].filter((c) => c.missingKey);
  if (missing.length === 0) return;
  const hit = (client: ModelClient, request: Parameters<typeof cacheKey>[1], repeat: number) => cache?.get(cacheKey(client, request, repeat)) !== undefined;
  const modelsCached = () => plan.every((call) => hit(clients.get(call.provider.id)!, modelRequest(call), call.repeat));
  const samples = Array.from({ length: task.judge?.samples ?? 0 }, (_, sample) => sample);
  for (const client of missing) {
    const id = client.spec.id;
    const models = plan.filter((call) => call.provider.id === id);
    let replayable = models.every((call) => hit(client, modelRequest(call), call.repeat));
    for (const candidate of task.judge?.candidates ?? []) {
      if (candidate.provider.id !== id || !replayable) continue;
      replayable =
        modelsCached() &&
        items.every((item, i) => {
          const request = judgeRequest(candidate, { input: item.input, expected: item.example.expected, output: item.label.output }, leaveOneOut(items, i));
          return samples.every((sample) => hit(client, request, sample));
        });
    }
    if (!replayable) throw new RunError(client.missingKey!, 'a run needs no key only when the cache holds every reply it would ask for');
  }
}
