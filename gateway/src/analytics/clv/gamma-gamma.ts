// Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV", after Colombo &
// Jiang 1999): likelihood of a customer's mean spend z̄ over x repeat purchases, its fit, and E[Z | x, z̄].

import gammaln from '@stdlib/math-base-special-gammaln';
import { ClvError } from './clv-error.js';
import { nelderMead } from './nelder-mead.js';

/** A customer with x > 0 repeat purchases whose mean value was `meanSpend` (any currency unit). */
export interface SpendSummary {
  readonly frequency: number;
  readonly meanSpend: number;
}

export interface GammaGammaParams {
  /** Shape of the per-transaction gamma. */
  readonly p: number;
  /** Shape and scale of the gamma mixing over customers' scale ν: q, v (γ in the paper). */
  readonly q: number;
  readonly v: number;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly logLikelihood: number;
  readonly iterations: number;
}

function checkSpend(c: SpendSummary, index: number): void {
  if (!(Number.isInteger(c.frequency) && c.frequency > 0 && c.meanSpend > 0 && Number.isFinite(c.meanSpend))) {
    throw new ClvError(
      'CLV_INVALID_INPUT',
      `第 ${index} 位顾客须有复购且平均消费为正 / customer #${index} needs frequency > 0 and meanSpend > 0`,
      `summaries[${index}]`,
    );
  }
}

/**
 * ln f(z̄ | p, q, v, x) where the density is
 *   Γ(px+q) / (Γ(px) Γ(q)) · v^q x^(px) z̄^(px−1) / (v + x z̄)^(px+q)
 */
export function gammaGammaCustomerLogLikelihood(params: GammaGammaParams, c: SpendSummary): number {
  const { p, q, v } = params;
  const x = c.frequency;
  const z = c.meanSpend;
  const px = p * x;
  return (
    gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(v) + px * Math.log(x) + (px - 1) * Math.log(z) -
    (px + q) * Math.log(v + x * z)
  );
}

export function fitGammaGamma(
  summaries: readonly SpendSummary[],
  initial: GammaGammaParams = { p: 1, q: 1, v: 1 },
): GammaGammaFit {
  if (summaries.length === 0) {
    throw new ClvError('CLV_INVALID_INPUT', '没有复购顾客 / no repeat customers to fit', 'summaries');
  }
  summaries.forEach(checkSpend);
  const negLogLikelihood = (logParams: readonly number[]): number => {
    const [p, q, v] = logParams.map(Math.exp) as [number, number, number];
    let sum = 0;
    for (const c of summaries) sum += gammaGammaCustomerLogLikelihood({ p, q, v }, c);
    return -sum;
  };
  let x: readonly number[] = [initial.p, initial.q, initial.v].map(Math.log);
  let fx = Number.POSITIVE_INFINITY;
  let iterations = 0;
  const MAX_RESTARTS = 5;
  for (let restart = 0; restart < MAX_RESTARTS; restart++) {
    const result = nelderMead(negLogLikelihood, x, { functionTolerance: 1e-9, pointTolerance: 1e-7, initialStep: 0.1 });
    iterations += result.iterations;
    const improved = fx - result.fx;
    x = result.x;
    fx = result.fx;
    if (improved < 1e-7) break;
  }
  const [p, q, v] = x.map(Math.exp) as [number, number, number];
  return { params: { p, q, v }, logLikelihood: -fx, iterations };
}

/**
 * E[Z | x, z̄] = (v + x z̄) p / (p x + q − 1): a weighted mean of the population mean p v / (q − 1)
 * and the customer's own z̄, leaning on z̄ the more purchases there are. Needs q > 1.
 */
export function conditionalExpectedSpend(params: GammaGammaParams, c: SpendSummary): number {
  const { p, q, v } = params;
  if (!(q > 1)) {
    throw new ClvError('CLV_INVALID_INPUT', '参数 q 须大于 1 才有期望 / q must exceed 1 for a finite mean', 'q');
  }
  if (c.frequency === 0) return (p * v) / (q - 1);
  checkSpend(c, 0);
  return ((v + c.frequency * c.meanSpend) * p) / (p * c.frequency + q - 1);
}
