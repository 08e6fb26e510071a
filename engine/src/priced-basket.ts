// What `price()` answers: per line the adjustments and every amount allocated to it (so a
// refund can reverse exactly those), order totals, campaign and coupon outcomes, points,
// growth, tenders with the stored-value split, and explanation lines in zh-CN and en.
import { Adjustment, Fen, FenAmount, LocalizedText, PointsAmount, QuantityMilli, Tender } from '@pos/protocol';
import { z } from 'zod';

/** One tender's share of a line; stored value carries its principal/bonus split. */
export const TenderShare = z.object({
  tenderIndex: z.number().int().min(0),
  amountFen: FenAmount,
  principalFen: FenAmount,
  bonusFen: FenAmount,
});
export type TenderShare = z.infer<typeof TenderShare>;

export const PricedLine = z.object({
  lineNo: z.number().int().min(1),
  sku: z.string(),
  name: LocalizedText,
  quantityMilli: QuantityMilli,
  unitPriceFen: FenAmount,
  grossFen: FenAmount,
  /** In order of application; positive amounts reduce what is paid. */
  adjustments: z.array(Adjustment),
  /** Gross minus item-level, order-level and coupon adjustments. */
  netFen: FenAmount,
  pointsCashFen: FenAmount,
  roundingFen: FenAmount,
  /** What this line costs the customer: net − points as cash − rounding. */
  payableFen: FenAmount,
  pointsSpent: PointsAmount,
  pointsEarned: PointsAmount,
  growthEarned: z.number().int().min(0),
  tenderShares: z.array(TenderShare),
  /** Fen off per unit (per litre) of a per-unit member discount, when one priced this line. */
  memberOffFenPerUnit: FenAmount.optional(),
});
export type PricedLine = z.infer<typeof PricedLine>;

export const PricedTotals = z.object({
  grossFen: FenAmount,
  itemDiscountFen: FenAmount,
  orderDiscountFen: FenAmount,
  couponFen: FenAmount,
  /** item + order + coupon discounts. */
  discountFen: FenAmount,
  pointsCashFen: FenAmount,
  roundingFen: FenAmount,
  /** gross − discount − pointsCash − rounding. */
  payableFen: FenAmount,
});
export type PricedTotals = z.infer<typeof PricedTotals>;

export const CampaignOutcome = z.object({
  campaignId: z.string(),
  kind: z.string(),
  /** Fen taken off; 0 for points campaigns. */
  amountFen: Fen,
  /** Points campaigns: the multiplier they gave and the fixed bonus points. */
  multiplierPerMille: z.number().int().optional(),
  fixedPoints: PointsAmount.optional(),
});
export const RejectedRule = z.object({
  id: z.string(),
  /** For EXCLUSIVE_NOT_BEST: the campaign that won. */
  winnerId: z.string().optional(),
  reason: z.enum([
    'EXCLUSIVE_NOT_BEST',
    'BELOW_THRESHOLD',
    'NO_ELIGIBLE_ITEMS',
    'NOT_A_MEMBER',
    'LOWER_MULTIPLIER',
    'UNKNOWN_DEFINITION',
    'NOT_YET_VALID',
    'EXPIRED',
    'STORE_SCOPE',
    'TIER_SCOPE',
    'ONE_PER_ORDER',
    'DUPLICATE',
    'GIFT_ITEM_MISSING',
    'NOTHING_LEFT_TO_DISCOUNT',
  ]),
});
export type RejectedRule = z.infer<typeof RejectedRule>;
export type RejectReason = RejectedRule['reason'];

export const PricedBasket = z.object({
  lines: z.array(PricedLine),
  totals: PricedTotals,
  campaigns: z.object({ applied: z.array(CampaignOutcome), rejected: z.array(RejectedRule) }),
  coupons: z.object({
    accepted: z.array(z.object({ couponId: z.string(), couponDefId: z.string(), amountFen: FenAmount })),
    rejected: z.array(RejectedRule),
  }),
  points: z.object({
    earned: PointsAmount,
    /** Of `earned`, the birthday campaign's fixed points. */
    bonusFixed: PointsAmount,
    spent: PointsAmount,
    lotsConsumed: z.array(z.object({ lotId: z.string(), points: PointsAmount })),
    /** False when no member, or the card is not active. */
    eligible: z.boolean(),
  }),
  growth: z.object({ earned: z.number().int().min(0) }),
  payment: z.object({
    tenders: z.array(Tender),
    /** Still to be paid after the tenders offered. */
    dueFen: FenAmount,
    changeFen: FenAmount,
  }),
  explanation: z.array(LocalizedText),
});
export type PricedBasket = z.infer<typeof PricedBasket>;
