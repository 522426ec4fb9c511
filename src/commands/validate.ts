import { write, type Io } from '../io.js';
import { EXIT } from '../errors.js';
import { planCalls } from '../plan/plan.js';
import { taskSecrets } from '../providers/secrets.js';
import { displayText } from '../render/terminal-text.js';
import { loadTask } from '../task/load.js';

/** Loads and validates the task (schema, normalize, rules); prints what a run would do. */
export async function runValidateCommand(file: string, io: Io): Promise<number> {
  const notes: string[] = [];
  const task = await loadTask(file, { cwd: io.cwd, env: io.env, onNote: (line) => notes.push(line) });
  io.secrets?.add(taskSecrets(task, io.env));
  for (const line of notes) await write(io.stderr, `aijourney: ${line}\n`);
  const calls = planCalls(task).length;
  const labels = task.examples.reduce((n, e) => n + e.labels.length, 0);
  const judge = task.judge ? `; judge: ${task.judge.candidates.map((c) => displayText(c.id)).join(', ')} (${labels} labeled outputs)` : '';
  await write(
    io.stdout,
    `${displayText(file)}: ok: task "${task.name}": ${task.prompts.length} prompt(s) x ${task.providers.length} provider(s) x ${task.examples.length} example(s) x ${task.settings.repeat} repeat(s) = ${calls} calls${judge}\n`,
  );
  return EXIT.ok;
}
