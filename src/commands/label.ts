import { resolve } from 'node:path';
import { write, type Io } from '../io.js';
import { AijourneyError, EXIT, RunError, UsageError } from '../errors.js';
import { writeErrorReason } from '../record/files.js';
import type { RunRecord } from '../record/schema.js';
import { palette } from '../render/format.js';
import { displayText } from '../render/terminal-text.js';
import type { ResponseCache } from '../run/call.js';
import { taskSecrets } from '../providers/secrets.js';
import { useUndiciGlobals } from '../providers/transport.js';
import { loadTask } from '../task/load.js';
import type { Label, Task } from '../task/types.js';
import { randomDraw } from '../label/random.js';
import { lineReader, parseAnswer, type Answer, type LineReader } from '../label/answers.js';
import { findLatestRun } from '../label/find-run.js';
import { readRunRecord } from '../record/io.js';
import { buildQueue, type LabelItem } from '../label/queue.js';
import { moveTracker, type Moved } from '../label/moved.js';
import { rankLabels } from '../judge/label-next.js';
import { pct } from '../render/format.js';
import { recalibrate, renderCalibration } from '../label/recalibrate.js';
import { showItem } from '../label/show.js';
import { writeLabel } from '../label/write.js';
import { rowName } from '../summary/summarize.js';

export interface LabelFlags {
  run?: string;
  runsDir: string;
  color: boolean;
  /** Draw this many outputs at random from one row's judged outputs (a random sample). */
  random?: number;
  /** Offer the N outputs whose labels are expected to narrow the corrected intervals most. */
  next?: number;
  prompt?: string;
  provider?: string;
  seed?: number;
}

const PROMPT = 'pass / fail / skip / quit (p/f/s/q), a critique may follow > ';

async function pickRun(file: string, task: { name: string; file: string }, flags: LabelFlags, io: Io): Promise<{ path: string; record: RunRecord }> {
  if (flags.run) {
    const path = resolve(io.cwd, flags.run);
    const record = await readRunRecord(flags.run, io.cwd);
    if (record.task.name !== task.name) throw new UsageError(`--run ${flags.run} is a run of task "${record.task.name}", not "${task.name}"`);
    return { path, record };
  }
  const found = await findLatestRun(resolve(io.cwd, flags.runsDir), task, io.cwd);
  if (!found) throw new UsageError(`no run of task "${task.name}" in ${flags.runsDir}`, `run it first: aijourney eval ${file}`);
  return found;
}

function drawRandom(record: RunRecord, examples: Task['examples'], flags: LabelFlags) {
  return randomDraw(record, examples, {
    count: flags.random ?? 1,
    seed: flags.seed ?? 1,
    ...(flags.prompt ? { prompt: flags.prompt } : {}),
    ...(flags.provider ? { provider: flags.provider } : {}),
  });
}

/** One answer; on a terminal a pass/fail without a critique gets a second, optional question. */
async function ask(reader: LineReader, terminal: boolean, io: Io): Promise<Answer> {
  for (;;) {
    const line = await reader.next(PROMPT);
    if (line === null) return { decision: 'quit', critique: '' };
    if (line.trim() === '') continue;
    const answer = parseAnswer(line);
    if (!answer) {
      await write(
        terminal ? io.stdout : io.stderr,
        `  "${displayText(line.trim().slice(0, 40))}" is not an answer: type pass, fail, skip or quit (or p, f, s, q)\n`,
      );
      continue;
    }
    if (terminal && (answer.decision === 'pass' || answer.decision === 'fail') && answer.critique === '') {
      const critique = await reader.next('  critique (optional; Enter to leave it out) > ');
      return { ...answer, critique: critique?.trim() ?? '' };
    }
    return answer;
  }
}

async function openCache(io: Io): Promise<(ResponseCache & { close(): void }) | undefined> {
  try {
    const { openSqliteCache, DEFAULT_CACHE_DIR } = await import('../run/cache.js');
    return await openSqliteCache(resolve(io.cwd, DEFAULT_CACHE_DIR), { warn: (m) => void io.stderr.write(`aijourney: warning: ${m}\n`) });
  } catch {
    return undefined; // the cache only saves money; judging without it is still right
  }
}

/**
 * `aijourney label task.yaml [--run FILE]`: shows a run's outputs one at a time ("label next" first)
 * and writes each pass/fail at once into the task file, so quitting at any point loses nothing.
 * Then re-measures the judge on the labels (judge calls only; the models under test are not called).
 */
export async function runLabelCommand(file: string, flags: LabelFlags, io: Io): Promise<number> {
  const task = await loadTask(file, { cwd: io.cwd, env: io.env });
  io.secrets?.add(taskSecrets(task, io.env));
  const { path: runPath, record: saved } = await pickRun(file, task, flags, io);
  const record = io.secrets ? io.secrets.deep(saved) : saved; // labels copy outputs into the task file
  if (flags.random !== undefined && flags.next !== undefined) throw new UsageError('use either --random or --next, not both');
  const random = flags.random === undefined ? null : drawRandom(record, task.examples, flags);
  const { items, missing } = random
    ? { items: random.items, missing: 0 }
    : flags.next !== undefined
      ? nextQueue(record, task, flags.next)
      : buildQueue(record, task.examples);
  const tracker = task.judge && record.judge ? moveTracker(record) : null;
  const p = palette(flags.color && !io.env.NO_COLOR && Boolean(io.stdout.isTTY));
  const terminal = Boolean(io.stdin.isTTY);
  const taskPath = resolve(io.cwd, file);

  const already = task.examples.reduce((n, e) => n + e.labels.length, 0);
  const source = random
    ? `${items.length} output(s) drawn at random from ${displayText(rowName(random.sample))} of ${displayText(runPath)} (${random.frame} judged outputs, ${random.unlabeled} not yet labeled)`
    : `${items.length} output(s) of ${displayText(runPath)}`;
  await write(
    io.stdout,
    `Labeling ${source}\ninto ${displayText(file)} (${already} label(s) so far). Each answer is saved at once; quit any time.\n` +
      (missing > 0 ? `(${missing} output(s) belong to examples no longer in the task and are left out.)\n` : ''),
  );
  if (items.length === 0) await write(io.stdout, 'Nothing to label: every output of this run already has a verdict.\n');

  const counts = { pass: 0, fail: 0, skip: 0 };
  let quit = false;
  const reader = items.length > 0 ? lineReader(io.stdin, io.stdout, terminal) : null;
  try {
    for (const [i, item] of items.entries()) {
      await write(io.stdout, `${showItem(item, i + 1, items.length, p)}\n`);
      const answer = await ask(reader!, terminal, io);
      if (answer.decision === 'quit') {
        quit = true;
        break;
      }
      if (answer.decision === 'skip') {
        counts.skip++;
        continue;
      }
      const label: Label = {
        output: item.output,
        verdict: answer.decision,
        ...(answer.critique ? { critique: answer.critique } : {}),
        ...(random ? { sample: random.sample } : {}),
      };
      await writeLabel(taskPath, item.example, label).catch((err: unknown) => {
        throw new RunError(`could not save the label in ${file}: ${writeErrorReason(err)}`, 'the labels saved before this one are in the file');
      });
      counts[answer.decision]++;
      await write(io.stdout, `  saved: ${answer.decision}${label.critique ? ` (${displayText(label.critique)})` : ''}\n`);
      const moved = tracker?.label({ ...item, example: item.example.index }, answer.decision);
      if (moved) await write(io.stdout, `${movedText(moved)}\n`);
    }
  } finally {
    reader?.close();
  }
  const labeled = counts.pass + counts.fail;
  const left = items.length - labeled - counts.skip;
  await write(
    io.stdout,
    `\n${quit ? 'Stopped' : 'Done'}: ${labeled} new label(s) (${counts.pass} pass, ${counts.fail} fail), ${counts.skip} skipped` +
      `${quit && left > 0 ? `, ${left} not shown (run aijourney label again to go on)` : ''}. Saved in ${displayText(file)}.\n` +
      (random && counts.skip > 0
        ? 'note: skipped outputs are left out of the random sample; it stays a random sample only if what you skipped had nothing to do with how good the output was.\n'
        : ''),
  );
  if (labeled === 0) return EXIT.ok;
  if (!task.judge) {
    await write(io.stdout, 'This task has no judge: add a `judge:` section and your labels will calibrate it.\n');
    return EXIT.ok;
  }
  return remeasure(file, io, p, record.results);
}

/**
 * `--next N`: the N judged outputs whose labels are expected to narrow the corrected intervals most
 * (judge/value.ts), under the run's judge and seed, leaving out outputs labeled since.
 */
function nextQueue(record: RunRecord, task: Task, n: number): { items: LabelItem[]; missing: number } {
  const confusion = record.judge?.candidates.find((c) => c.selected)?.confusion ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
  const known = new Set(task.examples.map((e) => e.index));
  const results = record.results.filter((r) => known.has(r.example));
  const gate = record.decision.minQualitySource === 'default' ? {} : { minQuality: record.decision.minQuality };
  const ranked = rankLabels(task.examples, results, { confusion, seed: record.seed, limit: n, ...gate });
  const { items } = buildQueue({ results, labelNext: ranked }, task.examples);
  return { items: items.slice(0, ranked.length), missing: record.results.filter((r) => r.output !== null && !known.has(r.example)).length };
}

/** The movement in words: the row's interval before → after, and the trust level with the rate that moved. */
function movedText(m: Moved): string {
  const span = (i: Moved['before']) => (i ? `${i.rate === null ? '' : `${pct(i.rate)} `}[${pct(i.low)}, ${pct(i.high)}]` : 'none');
  const width = (i: Moved['before']) => (i ? `${((i.high - i.low) * 100).toFixed(0)}` : '?');
  const rate = (t: Moved['trustBefore'], which: 'tpr' | 'tnr') => `${t[which].k}/${t[which].n}`;
  const moved = (['tpr', 'tnr'] as const).filter((w) => m.trustBefore[w].n !== m.trustAfter[w].n);
  const rates = moved.map((w) => `${w.toUpperCase()} ${rate(m.trustBefore, w)} → ${rate(m.trustAfter, w)}`).join(', ');
  return (
    `  corrected quality of ${displayText(rowName(m.row))}: ${span(m.before)} → ${span(m.after)} (width ${width(m.before)} → ${width(m.after)} pts); ` +
    `judge: ${m.trustBefore.level} → ${m.trustAfter.level}${rates ? ` (${rates})` : ''} — from this run's verdicts, re-measured at the end`
  );
}

/** Re-runs calibration on the labels as now written; a failure here leaves the labels saved. */
async function remeasure(file: string, io: Io, p: ReturnType<typeof palette>, results: RunRecord['results']): Promise<number> {
  const updated = await loadTask(file, { cwd: io.cwd, env: io.env });
  await write(io.stdout, 'Re-measuring the judge on your labels (judge calls only; cached ones are free)...\n');
  const cache = await openCache(io);
  useUndiciGlobals();
  try {
    const calibration = await recalibrate(updated, { env: io.env, ...(cache ? { cache } : {}) });
    if (calibration) await write(io.stdout, `${renderCalibration(calibration, p, { task: updated, results })}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof AijourneyError)) throw err;
    await write(io.stderr, `aijourney: labels saved, but the judge could not be re-measured: ${err.message}\n`);
    return err.exitCode;
  } finally {
    cache?.close();
  }
}
