// Upstream fuel event: a pump transaction as reported by the forecourt controller.
import { z } from 'zod';
import { EventId, StoreId, TerminalId, Ulid } from '../ids.js';
import { FenAmount, QuantityMilli } from '../money.js';
import { IsoTimestamp } from '../time.js';

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
