// Customer lifetime value: BG/NBD expected purchases per future period times the Gamma-Gamma expected
// spend, discounted per period. Statistics run in floats; the value leaves this module as integer fen.

import type { Fen } from '@pos/protocol';
import type { BgNbdParams, CustomerSummary } from './bg-nbd.js';
import { conditionalExpectedPurchases } from './bg-nbd.js';
import { ClvError } from './clv-error.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { conditionalExpectedSpend } from './gamma-gamma.js';

export interface ClvHorizon {
  /** Number of future periods summed (e.g. 12 months). */
  readonly periods: number;
  /** One period in the summaries' time unit (e.g. 52/12 weeks for a month when T is in weeks). */
  readonly periodLength: number;
  /** Discount rate per period (e.g. 0.01 for 1 % a month); cash in period i is divided by (1+d)^i. */
  readonly discountRatePerPeriod: number;
}

/** Far more than any report asks for; bounds the loop and the hypergeometric series it drives. */
const MAX_PERIODS = 600;

export interface MemberClvInput extends CustomerSummary {
  /** Mean value of the member's repeat purchases, in fen (a float mean of integer amounts); ignored at frequency 0. */
  readonly meanSpendFen: number;
}

/**
 * Σ_{i=1..n} (E[Y(i·L) | x, t_x, T] − E[Y((i−1)·L) | x, t_x, T]) · E[Z | x, z̄] / (1+d)^i, rounded to fen.
 * Expected spend for a member without repeat purchases is the population mean of the Gamma-Gamma fit.
 */
export function customerLifetimeValueFen(
  bgNbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  member: MemberClvInput,
  horizon: ClvHorizon,
): Fen {
  const { periods, periodLength, discountRatePerPeriod } = horizon;
  if (!(Number.isInteger(periods) && periods >= 1 && periods <= MAX_PERIODS)) {
    throw new ClvError('CLV_INVALID_INPUT', `期数须为 1–${MAX_PERIODS} 的整数 / periods must be an integer in 1–${MAX_PERIODS}`, 'periods');
  }
  if (!(periodLength > 0) || !(discountRatePerPeriod > -1) || !Number.isFinite(discountRatePerPeriod)) {
    throw new ClvError('CLV_INVALID_INPUT', '期长须为正且折现率须大于 −1 / periodLength > 0 and discount rate > −1', 'horizon');
  }
  const spend = conditionalExpectedSpend(gammaGamma, { frequency: member.frequency, meanSpend: member.meanSpendFen });
  let value = 0;
  let previous = 0;
  for (let i = 1; i <= periods; i++) {
    const cumulative = conditionalExpectedPurchases(bgNbd, member, i * periodLength);
    value += ((cumulative - previous) * spend) / Math.pow(1 + discountRatePerPeriod, i);
    previous = cumulative;
  }
  return Math.round(value);
}
