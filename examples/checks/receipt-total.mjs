// A script check (see "Script checks" in the README): the default export gets the reply and the
// example and returns { pass, reason?, score? }. Here: the total is the amount paid (the example's
// `expected`), and the line items add up to it. `score` is recorded with the check (it is 1 minus
// the relative gap between the items' sum and the total), `pass` decides.
export default function receiptTotal({ output, expected }) {
  if (typeof output !== 'object' || output === null) return { pass: false, reason: 'not a structured reply' };
  const sum = output.items.reduce((s, item) => s + item.price, 0);
  const gap = Math.abs(sum - output.total);
  const score = output.total === 0 ? 0 : Math.max(0, 1 - gap / Math.abs(output.total));
  if (Math.abs(output.total - Number(expected)) > 0.005) return { pass: false, reason: `total ${output.total}, the receipt says ${expected}`, score };
  if (gap > 0.005) return { pass: false, reason: `items add up to ${sum.toFixed(2)}, not the total ${output.total}`, score };
  return { pass: true, reason: `total ${output.total} = the sum of ${output.items.length} items`, score };
}
