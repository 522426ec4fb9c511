import { compareRuns } from '../gate/baseline.js';
import { readRunRecord } from '../record/io.js';
import { write, type Io } from '../io.js';
import { EXIT } from '../errors.js';
import { palette } from '../render/format.js';
import { renderBaseline } from '../render/baseline.js';
import { displayText } from '../render/terminal-text.js';

export interface CompareFlags {
  json?: boolean;
  color: boolean;
}

/**
 * `aijourney compare BASELINE RUN`: the same table as `eval --baseline`, for any two saved runs.
 * Exit 0 whatever the comparison says (gating is eval's job); 2 when a file is not a run record.
 */
export async function runCompareCommand(baselineFile: string, runFile: string, flags: CompareFlags, io: Io): Promise<number> {
  const baseline = await readRunRecord(baselineFile, io.cwd);
  const run = await readRunRecord(runFile, io.cwd);
  const comparison = compareRuns(run, baseline, baselineFile);
  if (flags.json) {
    await write(io.stdout, `${JSON.stringify(comparison, null, 2)}\n`);
    return EXIT.ok;
  }
  const color = flags.color && !io.env.NO_COLOR && Boolean(io.stdout.isTTY);
  const header = `Run ${displayText(runFile)} (${displayText(String(run.task.name))}, ${displayText(String(run.startedAt))})`;
  await write(io.stdout, `${header}\n${renderBaseline(comparison, palette(color)).join('\n')}\n`);
  return EXIT.ok;
}
