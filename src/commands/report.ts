import { resolve } from 'node:path';
import { write, type Io } from '../io.js';
import { EXIT, RunError } from '../errors.js';
import { readRunRecord } from '../record/io.js';
import { checkOutputs, validateOutputPath, writeOutputs } from '../render/outputs.js';
import { renderRun } from '../render/terminal.js';
import { displayText } from '../render/terminal-text.js';

export interface ReportFlags {
  output?: string[];
  color: boolean;
}

/** `aijourney report run.json [-o FILE ...]`: re-renders a saved run; never calls a model. */
export async function runReportCommand(file: string, flags: ReportFlags, io: Io): Promise<number> {
  const outputs = flags.output ?? [];
  for (const out of outputs) validateOutputPath(out);
  // A record saved by an older version (or edited by hand) may hold a key: masked in every output.
  const saved = await readRunRecord(file, io.cwd);
  const record = io.secrets ? io.secrets.deep(saved) : saved;
  if (outputs.length === 0) {
    const color = flags.color && !io.env.NO_COLOR && Boolean(io.stdout.isTTY);
    await write(io.stdout, `${renderRun(record, { color })}\n`);
    return EXIT.ok;
  }
  await checkOutputs(outputs, io.cwd);
  const failed = await writeOutputs(record, outputs, io.cwd);
  const wrote = outputs.filter((out) => !failed.some((f) => f.startsWith(`${out}: `)));
  await write(io.stdout, wrote.map((out) => `Wrote ${displayText(resolve(io.cwd, out))}\n`).join(''));
  if (failed.length > 0) throw new RunError(`could not write ${failed.join('; ')}`);
  return EXIT.ok;
}
