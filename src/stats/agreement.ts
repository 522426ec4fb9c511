/** How well a judge agrees with human labels, and the prevalence correction that follows from it. */
import type { Confusion } from './types.js';

/**
 * Cohen's kappa: (p_o − p_e)/(1 − p_e), observed agreement beyond chance.
 * Reference: Cohen (1960), Educ. Psychol. Meas. 20:37–46; same as sklearn `cohen_kappa_score`.
 * null when undefined: no items, or chance agreement p_e = 1 (both raters gave one verdict only).
 */
export function cohenKappa(c: Confusion): number | null {
  const n = c.tp + c.fn + c.fp + c.tn;
  if (n === 0) return null;
  // Multiplied through by n² so integer counts decide "p_e = 1" exactly, not up to rounding.
  const chance = (c.tp + c.fn) * (c.tp + c.fp) + (c.fp + c.tn) * (c.fn + c.tn);
  const denominator = n * n - chance;
  if (denominator === 0) return null;
  return (n * (c.tp + c.tn) - chance) / denominator;
}

/**
 * True positive rate (sensitivity, human passes the judge passes), true negative rate (specificity)
 * and Youden's J = TPR + TNR − 1 (Youden 1950, Cancer 3:32–35). A rate is null when its class has no
 * labels; J is null when either is.
 */
export function tprTnr(c: Confusion): { tpr: number | null; tnr: number | null; j: number | null } {
  const tpr = c.tp + c.fn === 0 ? null : c.tp / (c.tp + c.fn);
  const tnr = c.tn + c.fp === 0 ? null : c.tn / (c.tn + c.fp);
  return { tpr, tnr, j: tpr === null || tnr === null ? null : tpr + tnr - 1 };
}

/**
 * Rogan-Gladen estimator of the true pass rate from an apparent (judged) rate p:
 * (p + TNR − 1)/(TPR + TNR − 1), clipped to [0, 1]. Reference: Rogan & Gladen (1978),
 * Am. J. Epidemiol. 107:71–76. null when TPR + TNR − 1 <= 0 (the judge carries no information).
 */
export function roganGladen(p: number, tpr: number, tnr: number): number | null {
  const j = tpr + tnr - 1;
  if (!(j > 0)) return null;
  return Math.min(1, Math.max(0, (p + tnr - 1) / j));
}
