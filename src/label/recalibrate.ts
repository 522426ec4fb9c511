import { performance } from 'node:perf_hooks';
import { RunError } from '../errors.js';
import { labeledItems } from '../judge/labeled.js';
import { calibrate, type Calibration } from '../judge/calibrate.js';
import { trustLevel } from '../judge/trust.js';
import { biasProbes, probeInputOf } from '../judge/bias.js';
import { probeLines } from '../render/probes.js';
import type { CallResult } from '../record/schema.js';
import { createClient as defaultCreateClient } from '../providers/registry.js';
import type { ClientOptions } from '../providers/types.js';
import { Scrubber, taskSecrets } from '../providers/secrets.js';
import { createTransport } from '../providers/transport.js';
import { interval, num, pct, usd, type Palette } from '../render/format.js';
import { displayText } from '../render/terminal-text.js';
import { trustNext, trustReason } from '../render/words.js';
import type { ResponseCache } from '../run/call.js';
import { createLimiter } from '../run/limiter.js';
import type { ModelClient } from '../providers/types.js';
import type { ProviderSpec, Task } from '../task/types.js';

export interface RecalibrateOptions {
  env: Record<string, string | undefined>;
  cache?: ResponseCache;
  /** Injectable for tests. */
  createClient?: (spec: ProviderSpec, options: ClientOptions) => Promise<ModelClient>;
}

/**
 * Calibrates the task's judge candidates on its labels as they are now. Only judge clients are
 * created: the models under test are never called (their outputs are the labels themselves).
 */
export async function recalibrate(task: Task, options: RecalibrateOptions): Promise<Calibration | null> {
  if (!task.judge) return null;
  const create = options.createClient ?? defaultCreateClient;
  const transport = createTransport(options.env);
  try {
    const clientOptions: ClientOptions = { env: options.env, timeoutMs: task.settings.timeoutMs, maxRetries: task.settings.maxRetries, fetch: transport.fetch };
    const clients = new Map<string, ModelClient>();
    for (const c of task.judge.candidates) {
      if (!clients.has(c.provider.id)) clients.set(c.provider.id, await create(c.provider, clientOptions));
    }
    const ctx = { now: () => performance.now(), secrets: new Scrubber(taskSecrets(task, options.env)), ...(options.cache ? { cache: options.cache } : {}) };
    const calibration = await calibrate(task.judge, clients, labeledItems(task), ctx, createLimiter(task.settings.concurrency));
    if (calibration.stopped?.fatal) throw new RunError(calibration.stopped.fatal.message);
    return calibration;
  } finally {
    await transport.close();
  }
}

/**
 * The new agreement figures, one line per candidate, the selected judge's trust level and, given
 * the run's outputs (which tell which model wrote a labeled output), its bias probes.
 */
export function renderCalibration(calibration: Calibration, p: Palette, probes?: { task: Task; results: readonly CallResult[] }): string {
  const lines = [p.bold(`Judge agreement with your ${calibration.items.length} labels (leave-one-out):`)];
  for (const c of calibration.candidates) {
    lines.push(
      `${c.selected ? '▶' : ' '} ${displayText(c.id)}: agreement ${c.agreement.k}/${c.agreement.n} ${interval(c.agreement)}, TPR ${pct(c.tpr)}, TNR ${pct(c.tnr)}, J ${num(c.j)}, kappa ${num(c.kappa)}` +
        `${c.unparseable ? `, ${c.unparseable} unparseable` : ''}${c.errors ? `, ${c.errors} errors` : ''}, cost ${usd(c.costUsd)}`,
    );
  }
  const trust = trustLevel(calibration.candidates.find((c) => c.selected)?.confusion);
  const colour = trust.level === 'TRUSTED' ? p.green : trust.level === 'PROVISIONAL' ? p.yellow : p.red;
  lines.push(`Judge ${displayText(calibration.selected.id)}: ${colour(p.bold(trust.level))} (${displayText(trustReason(trust))})`);
  const next = trustNext(trust);
  if (next) lines.push(`  ${displayText(next)}`);
  const input = probes ? probeInputOf(calibration, probes.task, probes.results, probes.task.judge?.samples ?? 1) : null;
  if (input) lines.push(...probeLines(biasProbes(input)).map((line) => displayText(line)));
  return lines.join('\n');
}
