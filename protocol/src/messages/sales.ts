// Upstream sales events. Each carries an eventId (the ledger's idempotency key),
// created and journaled on the terminal before it is ever sent.
import { z } from 'zod';
import { CardNo, EventId, MemberId, StoreId, TerminalId, Ulid } from '../ids.js';
import { Fen, FenAmount, Points, PointsAmount, QuantityMilli } from '../money.js';
import { IsoDate, IsoTimestamp } from '../time.js';
import { FuelGrade } from './fuel.js';

/** One discount or surcharge applied to a line or an order, with the rule that caused it. */
export const Adjustment = z.object({
  ruleId: z.string().min(1).max(64),
  kind: z.enum([
    'memberPrice',
    'tierDiscount',
    'percentOff',
    'spendThreshold',
    'nthItem',
    'buyNGetM',
    'bundle',
    'coupon',
    'pointsCash',
    'rounding',
    'manual',
  ]),
  /** Positive amounts reduce what the customer pays. */
  amountFen: Fen,
  label: z.string().max(200).optional(),
});
export type Adjustment = z.infer<typeof Adjustment>;

/**
 * The pump delivery a fuel line settles, as the forecourt controller reported it (the line's quantityMilli is the
 * volume in millilitres and its unitPriceFen the pump's price per litre). Lets the gateway and the shift close
 * (班结) tell fuel from shop lines and match them to totalizers.
 */
export const FuelLineInfo = z.object({
  pumpNo: z.number().int().min(1).max(99),
  nozzleNo: z.number().int().min(1).max(9),
  grade: FuelGrade,
  /** The controller's own transaction id (free string, e.g. `P3-000412`). */
  controllerTransactionId: z.string().min(1).max(64),
  /** Member discount per litre applied to this line, when one was. */
  memberOffFenPerLitre: FenAmount.optional(),
  /** The pump went offline or into error mid-delivery: settled from the last figures it reported. */
  incomplete: z.boolean().default(false),
});
export type FuelLineInfo = z.infer<typeof FuelLineInfo>;

export const SaleLine = z.object({
  lineNo: z.number().int().min(1),
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  quantityMilli: QuantityMilli,
  unitPriceFen: FenAmount,
  grossFen: FenAmount,
  adjustments: z.array(Adjustment).max(50).default([]),
  netFen: FenAmount,
  pointsEarned: PointsAmount.default(0),
  /** Present on fuel lines only. */
  fuel: FuelLineInfo.optional(),
});
export type SaleLine = z.infer<typeof SaleLine>;

export const Tender = z.object({
  kind: z.enum(['cash', 'storedValue', 'points', 'coupon', 'bankCard', 'wechat', 'alipay', 'fuelCard', 'other']),
  amountFen: FenAmount,
  /** Cash handed back, for cash tenders. */
  changeFen: FenAmount.optional(),
  /** Stored value: how much came from principal and how much from bonus (refunds return each to its source). */
  principalFen: FenAmount.optional(),
  bonusFen: FenAmount.optional(),
  cardNo: CardNo.optional(),
  /** Points spent as cash. */
  points: PointsAmount.optional(),
  couponId: z.string().max(64).optional(),
  reference: z.string().max(128).optional(),
});
export type Tender = z.infer<typeof Tender>;

export const SaleTotals = z.object({
  grossFen: FenAmount,
  discountFen: Fen,
  pointsCashFen: FenAmount,
  roundingFen: FenAmount,
  payableFen: FenAmount,
});
export type SaleTotals = z.infer<typeof SaleTotals>;

const eventHeader = {
  eventId: EventId,
  storeId: StoreId,
  terminalId: TerminalId,
  /** Terminal wall-clock time of the event; the gateway records its own receipt time beside it. */
  occurredAt: IsoTimestamp,
  businessDate: IsoDate,
  /** True when the terminal committed it without a gateway connection. */
  offline: z.boolean(),
  cashierId: z.string().max(64).optional(),
};

export const SaleCommittedBody = z.object({
  ...eventHeader,
  saleId: Ulid,
  receiptNo: z.string().min(1).max(64),
  memberId: MemberId.nullable(),
  cardNo: CardNo.nullable(),
  ruleSetVersion: z.number().int().min(0),
  lines: z.array(SaleLine).min(1).max(500),
  orderAdjustments: z.array(Adjustment).max(50).default([]),
  totals: SaleTotals,
  tenders: z.array(Tender).min(1).max(20),
  pointsEarned: PointsAmount,
  pointsSpent: PointsAmount,
  growthEarned: z.number().int().min(0),
  couponsRedeemed: z.array(z.string().min(1).max(64)).max(20).default([]),
  /**
   * The fuel transaction settled by this sale, when there is one: a ULID the terminal gives the pump delivery
   * (the `pumpTransactionId` of its `pumpTransaction` event); the controller's own id is on the line (`fuel`).
   */
  pumpTransactionId: Ulid.optional(),
});
export type SaleCommittedBody = z.infer<typeof SaleCommittedBody>;

export const SaleRefundedBody = z.object({
  ...eventHeader,
  refundId: Ulid,
  saleId: Ulid,
  receiptNo: z.string().min(1).max(64),
  memberId: MemberId.nullable(),
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().min(1),
        quantityMilli: QuantityMilli,
        refundFen: FenAmount,
        pointsReversed: PointsAmount,
      }),
    )
    .min(1)
    .max(500),
  refundFen: FenAmount,
  /** Where the money goes back: stored value to principal and bonus as spent, points back as points. */
  tenders: z.array(Tender).min(1).max(20),
  pointsReversed: PointsAmount,
  pointsRestored: PointsAmount,
  growthReversed: z.number().int().min(0),
  approvedBy: z.string().min(1).max(64),
  reason: z.string().max(500),
});
export type SaleRefundedBody = z.infer<typeof SaleRefundedBody>;

export const RechargeCommittedBody = z.object({
  ...eventHeader,
  rechargeId: Ulid,
  memberId: MemberId,
  cardNo: CardNo.nullable(),
  planId: z.string().max(64).nullable(),
  paidFen: FenAmount,
  principalFen: FenAmount,
  bonusFen: FenAmount,
  bonusPoints: PointsAmount.default(0),
  tenders: z.array(Tender).min(1).max(20),
});
export type RechargeCommittedBody = z.infer<typeof RechargeCommittedBody>;

