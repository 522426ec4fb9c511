/** A sum of costs where unknown stays unknown: null plus anything is null (an unknown price is never $0). */
export const addCost = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);
