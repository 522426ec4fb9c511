import { describe, expect, it } from 'vitest';
import { batchNotes, elapsedText } from '../../src/render/batch.js';
import type { BatchEvent } from '../../src/run/batch.js';

const progress = (id: string, succeeded: number, elapsedMs = 0): BatchEvent => ({
  kind: 'progress',
  provider: 'openai:gpt-4o-mini',
  id,
  status: 'in_progress',
  total: 10,
  succeeded,
  failed: 0,
  elapsedMs,
});

describe('batch progress lines', () => {
  it('plain output says a batch only when its counts change', () => {
    const lines: string[] = [];
    const note = batchNotes((l) => lines.push(l));
    note(progress('b1', 0));
    note(progress('b1', 0, 5000));
    note(progress('b1', 4, 9000));
    expect(lines).toEqual([
      'openai:gpt-4o-mini: batch b1 in_progress: 0/10 done, 0 s since submission',
      'openai:gpt-4o-mini: batch b1 in_progress: 4/10 done, 9 s since submission',
    ]);
  });

  it('on a terminal, one line holds every running batch, and an ended batch leaves it', () => {
    const lines: string[] = [];
    const note = batchNotes((l) => lines.push(l), true);
    note(progress('b1', 2, 120_000));
    note(progress('b2', 0, 1000));
    expect(lines.at(-1)).toBe('batches: b1 in_progress 2/10 2 min · b2 in_progress 0/10 1 s');
    note({ kind: 'ended', provider: 'p', id: 'b1', succeeded: 10, failed: 0, expired: 0, cancelled: 0, elapsedMs: 130_000 });
    expect(lines.at(-1)).toBe('p: batch b1 ended after 2 min: 10 answered');
    note(progress('b2', 5, 2000));
    expect(lines.at(-1)).toBe('batches: b2 in_progress 5/10 2 s');
  });

  it('elapsed times read in the largest sensible unit', () => {
    expect([elapsedText(400), elapsedText(89_000), elapsedText(600_000), elapsedText(3 * 3600_000)]).toEqual(['0 s', '89 s', '10 min', '3.0 h']);
  });
});
