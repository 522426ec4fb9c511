/** "Did you mean …?" suggestions for misspelled keys, provider names, variables and enum values. */

/** Levenshtein distance with adjacent transpositions counted as one edit (promts/prompts, tikcet/ticket). */
function typoDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The closest candidate, if it is close enough to be a plausible typo:
 * at most a third of the word's length in edits (at least one), compared case-insensitively.
 */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const budget = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = typoDistance(w, candidate.toLowerCase());
    if (d < bestDistance && d <= budget) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `" — did you mean X?"`, or `""` when nothing is close. Ready to append to a message. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` — did you mean ${match}?`;
}
