// Turns a purchase log into the per-customer calibration summary the BG/NBD and Gamma-Gamma models
// read: repeat purchase days (frequency), recency and age T in a chosen time unit, mean repeat spend.

import { ClvError } from './clv-error.js';

export interface Purchase {
  readonly customerId: string;
  /** Calendar day as ISO `yyyy-mm-dd`; purchases on one day are one purchase occasion. */
  readonly day: string;
  /** Amount in the currency's minor unit (fen, cents), an integer. */
  readonly amountMinor: number;
}

export interface CalibrationOptions {
  /** Last day of the calibration period, inclusive, ISO `yyyy-mm-dd`. */
  readonly calibrationEnd: string;
  /** Length of the time unit in days: 7 for weeks, as in Fader, Hardie & Lee. */
  readonly unitDays: number;
}

export interface CalibrationSummary {
  readonly customerId: string;
  /** Purchase days after the first one, up to the calibration end. */
  readonly frequency: number;
  /** First to last purchase day, in units. */
  readonly recency: number;
  /** First purchase day to the calibration end, in units. */
  readonly T: number;
  /** Mean minor-unit value of the repeat purchase days (the first day is excluded); 0 when there is none. */
  readonly meanRepeatSpendMinor: number;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for an ISO calendar day; rejects impossible dates such as 1997-02-30. */
export function dayNumber(day: string): number {
  const m = ISO_DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new ClvError('CLV_INVALID_INPUT', `日期无效 / invalid calendar day "${day}"`, 'day');
  }
  return ms / DAY_MS;
}

/**
 * One row per customer whose first purchase falls on or before the calibration end, in the order
 * customers first appear in `purchases`. Purchases after the end are ignored (they are the holdout).
 */
export function buildCalibrationSummary(
  purchases: Iterable<Purchase>,
  options: CalibrationOptions,
): CalibrationSummary[] {
  if (!(options.unitDays > 0)) {
    throw new ClvError('CLV_INVALID_INPUT', '时间单位须为正 / unitDays must be positive', 'unitDays');
  }
  const end = dayNumber(options.calibrationEnd);
  // customer → day number → amount spent that day
  const byCustomer = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    if (!Number.isInteger(p.amountMinor)) {
      throw new ClvError('CLV_INVALID_INPUT', `金额须为整数 / amountMinor must be an integer (${p.amountMinor})`, 'amountMinor');
    }
    const d = dayNumber(p.day);
    let days = byCustomer.get(p.customerId);
    if (!days) byCustomer.set(p.customerId, (days = new Map()));
    if (d > end) continue;
    days.set(d, (days.get(d) ?? 0) + p.amountMinor);
  }
  const rows: CalibrationSummary[] = [];
  for (const [customerId, days] of byCustomer) {
    if (days.size === 0) continue;
    const ordered = [...days.keys()].sort((u, v) => u - v);
    const first = ordered[0]!;
    const last = ordered[ordered.length - 1]!;
    let repeatSpend = 0;
    for (const d of ordered.slice(1)) repeatSpend += days.get(d)!;
    const frequency = ordered.length - 1;
    rows.push({
      customerId,
      frequency,
      recency: (last - first) / options.unitDays,
      T: (end - first) / options.unitDays,
      meanRepeatSpendMinor: frequency === 0 ? 0 : repeatSpend / frequency,
    });
  }
  return rows;
}
