// The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1, as the BG/NBD expectations
// need it (no maintained npm package offers it). Summed as its power series, bounded in terms.

import { ClvError } from './clv-error.js';

/** Enough for z up to ~0.998 at 1e-15; past it the caller is asking for a horizon the model cannot price. */
const MAX_TERMS = 20_000;
const RELATIVE_TOLERANCE = 1e-15;

/** Σ_j (a)_j (b)_j / ((c)_j j!) z^j */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1) || !(c > 0) || ![a, b].every(Number.isFinite)) {
    throw new ClvError(
      'CLV_INVALID_INPUT',
      `超几何函数参数超出范围 / 2F1 needs 0 ≤ z < 1 and c > 0 (a=${a}, b=${b}, c=${c}, z=${z})`,
      'z',
    );
  }
  let term = 1;
  let sum = 1;
  for (let j = 0; j < MAX_TERMS; j++) {
    term *= ((a + j) * (b + j)) / ((c + j) * (j + 1)) * z;
    sum += term;
    // Terms shrink geometrically (ratio → z) once j passes |a|, |b|: stop when one no longer counts.
    if (Math.abs(term) <= RELATIVE_TOLERANCE * Math.abs(sum) && j > Math.abs(a) + Math.abs(b)) return sum;
  }
  throw new ClvError(
    'CLV_NOT_CONVERGED',
    `超几何级数在 ${MAX_TERMS} 项内未收敛 / 2F1 series did not converge in ${MAX_TERMS} terms (z=${z})`,
    'z',
  );
}
