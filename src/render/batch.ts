/** The words of batch runs (`--batch`): one line per thing that happened to a batch. */
import type { BatchEvent, BatchStatusRow } from '../run/batch.js';

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** Elapsed time in the largest sensible unit: 45 s, 12 min, 3.5 h. */
export function elapsedText(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function batchEventText(e: BatchEvent): string {
  switch (e.kind) {
    case 'unsupported':
      return `${e.provider}: the server has no batch API (${e.message}); its calls run synchronously`;
    case 'submitted':
      return `${e.provider}: submitted batch ${e.id} (${plural(e.lines, 'request')})`;
    case 'attached':
      return `${e.provider}: attached to batch ${e.id} submitted earlier (${plural(e.lines, 'request')})`;
    case 'progress':
      return `${e.provider}: batch ${e.id} ${e.status}: ${e.succeeded}/${e.total} done${e.failed ? `, ${e.failed} failed` : ''}, ${elapsedText(e.elapsedMs)} since submission`;
    case 'ended': {
      const bad = [e.failed ? `${e.failed} failed` : '', e.expired ? `${e.expired} expired` : '', e.cancelled ? `${e.cancelled} cancelled` : ''].filter(
        Boolean,
      );
      return `${e.provider}: batch ${e.id} ended after ${elapsedText(e.elapsedMs)}: ${e.succeeded} answered${bad.length ? `, ${bad.join(', ')}` : ''}`;
    }
    case 'resubmitting':
      return `${e.provider}: ${plural(e.lines, 'request')} expired or cancelled: submitting them once more`;
    case 'unsaved':
      return `warning: the batch state could not be saved (${e.message}): a stopped run would submit its batches again`;
    case 'left-running':
      return `${plural(e.ids.length, 'batch', 'batches')} left running (${e.ids.join(', ')})${e.reason === 'interrupted' ? '' : ': --batch-wait ran out'}; run the same command again to collect the results`;
  }
}

/**
 * A printer of batch events. Plain output says a batch's progress only when it changed; on a
 * terminal (`tty`: the line is a spinner's, rewritten in place) progress is one line for every
 * batch still running: counts by status and time since submission.
 */
export function batchNotes(say: (line: string) => void, tty = false): (e: BatchEvent) => void {
  const last = new Map<string, string>();
  const running = new Map<string, string>();
  return (e) => {
    if (e.kind === 'ended') running.delete(e.id);
    if (e.kind !== 'progress') return say(batchEventText(e));
    if (tty) {
      running.set(e.id, `${e.id} ${e.status} ${e.succeeded}/${e.total}${e.failed ? ` (${e.failed} failed)` : ''} ${elapsedText(e.elapsedMs)}`);
      return say(`batches: ${[...running.values()].join(' · ')}`);
    }
    const key = `${e.status} ${e.succeeded} ${e.failed}`;
    if (last.get(e.id) === key) return;
    last.set(e.id, key);
    say(batchEventText(e));
  };
}

/** `aijourney batch status`: one line per saved batch, and what to do next. */
export function batchStatusText(file: string, rows: BatchStatusRow[], now: number): string {
  if (rows.length === 0) return `No batches waiting (${file}).`;
  const lines = [`Batches waiting to be collected (${file}):`];
  for (const r of rows) {
    const age = elapsedText(now - Date.parse(r.submittedAt));
    const head = `  ${r.id} · ${r.provider} · ${plural(r.requests, 'request')} of this run · submitted ${age} ago`;
    if (r.state === 'known') {
      const s = r.status;
      lines.push(`${head} · ${s.ended ? 'ended' : s.status}: ${s.succeeded}/${s.total} done${s.failed ? `, ${s.failed} failed` : ''}`);
    } else if (r.state === 'error') lines.push(`${head} · status unknown: ${r.message}`);
    else lines.push(`${head} · not a provider of this task`);
  }
  lines.push('Run the same `aijourney eval ... --batch` again to collect what has ended and submit what is missing.');
  return lines.join('\n');
}
