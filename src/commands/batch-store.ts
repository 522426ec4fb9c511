/**
 * The batches a run submitted, kept in `<runs-dir>/batches.json` so that a run stopped while they
 * run (Ctrl-C, `--batch-wait`) attaches to them next time instead of paying for them twice.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../record/files.js';
import type { BatchStore, SavedBatch } from '../run/batch.js';

export const BATCH_STATE_FILE = 'batches.json';

const savedSchema = z.object({
  version: z.literal(1),
  batches: z.array(z.object({ id: z.string(), provider: z.string(), baseUrl: z.string().nullable(), submittedAt: z.string(), customIds: z.array(z.string()) })),
});

export function fileBatchStore(runsDir: string): BatchStore & { file: string } {
  const file = join(runsDir, BATCH_STATE_FILE);
  return {
    file,
    async load(): Promise<SavedBatch[]> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new UsageError(`${file}: cannot be read: ${(err as Error).message}`);
      }
      let parsed: ReturnType<typeof savedSchema.safeParse>;
      try {
        parsed = savedSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = { success: false } as ReturnType<typeof savedSchema.safeParse>;
      }
      // Guessing would risk submitting (and paying for) running batches twice.
      if (!parsed.success) throw new UsageError(`${file}: not a batch state file of aijourney`, 'move it away to submit every batch anew');
      return parsed.data.batches;
    },
    async save(batches) {
      await writeFileAtomic(file, `${JSON.stringify({ version: 1, batches }, null, 2)}\n`);
    },
  };
}
