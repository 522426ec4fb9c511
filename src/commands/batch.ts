/**
 * `aijourney batch status task.yaml`: the provider batches a run of this task left running (saved
 * in `<runs-dir>/batches.json`), each asked for its status. Running `eval --batch` again collects them.
 */
import { resolve } from 'node:path';
import { write, type Io } from '../io.js';
import { EXIT } from '../errors.js';
import { createClient } from '../providers/registry.js';
import { taskSecrets } from '../providers/secrets.js';
import { createTransport, useUndiciGlobals } from '../providers/transport.js';
import { batchStatusText } from '../render/batch.js';
import { displayText } from '../render/terminal-text.js';
import type { BatchStatusRow } from '../run/batch.js';
import { loadTask } from '../task/load.js';
import type { ProviderSpec } from '../task/types.js';
import { fileBatchStore } from './batch-store.js';

export async function runBatchStatusCommand(file: string, flags: { runsDir: string; json?: boolean }, io: Io): Promise<number> {
  const task = await loadTask(file, { cwd: io.cwd, env: io.env });
  io.secrets?.add(taskSecrets(task, io.env));
  const store = fileBatchStore(resolve(io.cwd, flags.runsDir));
  const saved = (await store.load()).filter((b) => b.customIds.length > 0);
  const specs = new Map<string, ProviderSpec>();
  for (const p of [...task.providers, ...(task.judge?.candidates ?? []).map((c) => c.provider)]) specs.set(p.id, p);
  useUndiciGlobals();
  const transport = createTransport(io.env);
  const rows: BatchStatusRow[] = [];
  try {
    for (const b of saved) {
      const spec = specs.get(b.provider);
      const base = { id: b.id, provider: b.provider, submittedAt: b.submittedAt, requests: b.customIds.length };
      if (!spec) {
        rows.push({ ...base, state: 'other-task' });
        continue;
      }
      const client = await createClient(spec, {
        env: io.env,
        timeoutMs: task.settings.timeoutMs,
        maxRetries: task.settings.maxRetries,
        fetch: transport.fetch,
      });
      if (!client.batch || (client.baseUrl ?? null) !== b.baseUrl) {
        rows.push({ ...base, state: 'other-task' });
        continue;
      }
      try {
        rows.push({ ...base, state: 'known', status: await client.batch.status(b.id) });
      } catch (err) {
        rows.push({ ...base, state: 'error', message: (err as Error).message });
      }
    }
  } finally {
    await transport.close();
  }
  if (flags.json) await write(io.stdout, `${JSON.stringify({ file: store.file, batches: rows }, null, 2)}\n`);
  else await write(io.stdout, `${batchStatusText(displayText(store.file), rows, Date.now())}\n`);
  return EXIT.ok;
}
