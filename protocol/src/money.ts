// Money, points and quantities as integers. Floats never carry money: a yuan amount
// exists only as a formatted string for a person.
import { z } from 'zod';

/** Integer money in fen (1 yuan = 100 fen), bounded to safe integers so sums stay exact. */
export const Fen = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export type Fen = number;

/** A fen amount that cannot be negative (prices, tenders, balances). */
export const FenAmount = Fen.min(0);

/** Integer loyalty points. */
export const Points = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export type Points = number;
export const PointsAmount = Points.min(0);

/** Quantities in thousandths of the unit: 1.234 L is 1234, one piece is 1000. */
export const QuantityMilli = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export type QuantityMilli = number;

/** Rates in per-mille: 950 is 9.5折 (95 %), 1000 is no discount. */
export const PerMille = z.number().int().min(0).max(1_000_000);
export type PerMille = number;

export const FEN_PER_YUAN = 100;

/** Formats fen as yuan for a person: 12345 → "123.45", -5 → "-0.05". */
export function formatYuan(amountFen: Fen): string {
  const sign = amountFen < 0 ? '-' : '';
  const abs = Math.abs(amountFen);
  const yuan = Math.trunc(abs / FEN_PER_YUAN);
  const fen = abs % FEN_PER_YUAN;
  return `${sign}${yuan}.${fen.toString().padStart(2, '0')}`;
}

/** Formats a thousandths quantity: 1234 → "1.234", 2000 → "2". */
export function formatQuantity(quantityMilli: QuantityMilli): string {
  const whole = Math.trunc(quantityMilli / 1000);
  const frac = quantityMilli % 1000;
  if (frac === 0) return String(whole);
  return `${whole}.${frac.toString().padStart(3, '0').replace(/0+$/, '')}`;
}
