// Upstream fuel event: a pump transaction as reported by the forecourt controller.
import { z } from 'zod';
import { EventId, StoreId, TerminalId, Ulid } from '../ids.js';
import { FenAmount, QuantityMilli } from '../money.js';
import { IsoDate, IsoTimestamp } from '../time.js';

export const FuelGrade = z.enum(['92', '95', '98', '0']);
export type FuelGrade = z.infer<typeof FuelGrade>;

export const PumpTransactionBody = z.object({
  eventId: EventId,
  storeId: StoreId,
  terminalId: TerminalId,
  occurredAt: IsoTimestamp,
  offline: z.boolean(),
  pumpTransactionId: Ulid,
  pumpNo: z.number().int().min(1).max(99),
  nozzleNo: z.number().int().min(1).max(9),
  grade: FuelGrade,
  volumeMilliLitre: QuantityMilli,
  /** Pump price per litre at the start of the transaction. */
  unitPriceFen: FenAmount,
  amountFen: FenAmount,
  startedAt: IsoTimestamp,
  finishedAt: IsoTimestamp,
  /** Settled by a sale, or still open. */
  status: z.enum(['finished', 'settled']),
  saleId: Ulid.optional(),
  /** Set when the pump went offline mid-fueling and the figures are the last ones reported. */
  incomplete: z.boolean().default(false),
  totalizerAfterMilliLitre: QuantityMilli.optional(),
});
export type PumpTransactionBody = z.infer<typeof PumpTransactionBody>;

/** One nozzle at shift close (班结): its totalizer at the start and end of the shift against the journal's fuel lines. */
export const ShiftNozzle = z.object({
  pumpNo: z.number().int().min(1).max(99),
  nozzleNo: z.number().int().min(1).max(9),
  grade: FuelGrade,
  startMilliLitre: QuantityMilli,
  endMilliLitre: QuantityMilli,
  /** end − start: what left the nozzle during the shift, by its electronic totalizer. */
  pumpedMilliLitre: QuantityMilli,
  /** The volume of the fuel lines of this nozzle in the sales journaled during the shift. */
  soldMilliLitre: QuantityMilli,
  /** pumped − sold; positive: fuel delivered that no sale in this journal settled (yet). */
  differenceMilliLitre: z.number().int(),
  /** Gross of those fuel lines at the pump price. */
  soldAmountFen: FenAmount,
});
export type ShiftNozzle = z.infer<typeof ShiftNozzle>;

export const ShiftGrade = z.object({
  grade: FuelGrade,
  pumpedMilliLitre: QuantityMilli,
  soldMilliLitre: QuantityMilli,
  differenceMilliLitre: z.number().int(),
  soldAmountFen: FenAmount,
});
export type ShiftGrade = z.infer<typeof ShiftGrade>;

/** Upstream: a shift closed at the forecourt (班结), its totalizers against the journal, per nozzle and per grade. */
export const ShiftClosedBody = z.object({
  eventId: EventId,
  storeId: StoreId,
  terminalId: TerminalId,
  occurredAt: IsoTimestamp,
  businessDate: IsoDate,
  offline: z.boolean(),
  cashierId: z.string().max(64).optional(),
  shiftId: Ulid,
  openedAt: IsoTimestamp,
  closedAt: IsoTimestamp,
  nozzles: z.array(ShiftNozzle).max(99 * 9),
  grades: z.array(ShiftGrade).max(4),
  /** Sales with fuel lines journaled during the shift, and how many of those lines were cut short (incomplete). */
  fuelSaleCount: z.number().int().min(0),
  incompleteLineCount: z.number().int().min(0),
});
export type ShiftClosedBody = z.infer<typeof ShiftClosedBody>;
