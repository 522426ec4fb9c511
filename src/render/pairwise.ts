import type { PairwiseResult } from '../record/schema.js';
import { interval, pValue, usd } from './format.js';

/**
 * One comparison in words: B against A on one provider, the win rate over pairs that kept their
 * winner when the order was swapped, the sign test's verdict, ties and order-dependent picks apart,
 * and the judge's position bias.
 */
export function pairwiseLines(c: PairwiseResult): string[] {
  const decisive = c.aWins + c.bWins;
  const decided = c.examples.a + c.examples.b;
  const verdict =
    decisive === 0
      ? 'no pair kept its winner when the order was swapped: nothing to decide on'
      : c.pValue < 0.05
        ? `${c.bWins > c.aWins ? `${c.b} better` : `${c.a} better`} (exact sign test ${pValue(c.pValue)})`
        : decided < 6
          ? `too few examples to tell apart (${decided} decided; the sign test needs >= 6)`
          : `not distinguishable (exact sign test ${pValue(c.pValue)})`;
  const position =
    c.position.n === 0 ? 'no decisive picks' : `picked the response shown first in ${c.position.k} of ${c.position.n} picks ${interval(c.position)}`;
  const bias =
    c.position.n > 0 && c.position.pValue < 0.05
      ? `: POSITION BIAS (exact binomial ${pValue(c.position.pValue)})`
      : c.position.n > 0
        ? ` (${pValue(c.position.pValue)})`
        : '';
  return [
    `${c.b} vs ${c.a} on ${c.provider} (judge ${c.judge}, each pair asked in both orders, ${c.pairs} pairs, ${usd(c.costUsd)}):`,
    `  ${c.b} wins ${c.bWins}, ${c.a} wins ${c.aWins}; win rate of ${c.b} ${decisive > 0 ? `${c.winRate.k}/${c.winRate.n} ${interval(c.winRate)}` : 'n/a'}: ${verdict}`,
    `  shown apart: ${c.ties} ties, ${c.orderDependent} order-dependent (the winner changed with the order), ${c.errors} without a readable pick`,
    `  position: the judge ${position}${bias}`,
  ];
}
