import { resolve } from 'node:path';
import { readRunRecord, recordJson, writeRecord } from '../record/io.js';
import { write, type Io } from '../io.js';
import { EXIT, RunError, UsageError } from '../errors.js';
import { checkWritable, writeErrorReason } from '../record/files.js';
import { mergeShards } from '../record/merge.js';
import { renderRun } from '../render/terminal.js';
import { displayText } from '../render/terminal-text.js';

export interface MergeFlags {
  output: string;
  json?: boolean;
  color: boolean;
}

/**
 * `aijourney merge a.json b.json ... -o merged.json`: one run record from the shards of a task.
 * Exit 0 (gate the merged run with a later `eval --baseline` or read its summary); 2 for files that
 * are not shard records of the same task, or overlapping shards.
 */
export async function runMergeCommand(files: string[], flags: MergeFlags, io: Io): Promise<number> {
  const records = [];
  for (const file of files) {
    const record = await readRunRecord(file, io.cwd);
    records.push({ file, record: io.secrets ? io.secrets.deep(record) : record });
  }
  const merged = mergeShards(records);
  const judges = new Set(records.map(({ record }) => record.judge?.selected ?? null));
  const path = resolve(io.cwd, flags.output);
  await checkWritable(path).catch((err: unknown) => {
    throw new UsageError(`-o ${flags.output}: cannot be written: ${writeErrorReason(err)}`);
  });
  await writeRecord(path, merged).catch((err: unknown) => {
    throw new RunError(`could not write ${flags.output}: ${writeErrorReason(err)}`);
  });
  if (flags.json) {
    for (const chunk of recordJson(merged)) await write(io.stdout, chunk);
    return EXIT.ok;
  }
  const color = flags.color && !io.env.NO_COLOR && Boolean(io.stdout.isTTY);
  const note =
    judges.size > 1
      ? `\nnote: the shards selected different judges (${displayText([...judges].join(', '))}); corrected quality uses the first shard's calibration\n`
      : '';
  await write(io.stdout, `${renderRun(merged, { color })}\n${note}Merged ${files.length} shard records into ${displayText(flags.output)}\n`);
  return EXIT.ok;
}
