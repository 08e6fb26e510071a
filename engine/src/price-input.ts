// What `price()` is asked: the moment, the store, the rules, the catalogue subset, the member,
// the basket, presented coupons, points to redeem and the tenders offered.
import {
  CardNo,
  CardStatus,
  CatalogueItem,
  FenAmount,
  IsoDate,
  IsoTimestamp,
  MemberId,
  PointsAmount,
  PointsLot,
  QuantityMilli,
  StoreId,
  StoredValueBalance,
} from '@pos/protocol';
import { z } from 'zod';
import { RuleSet } from './rule-set.js';

/** The member at the till: tier, card, birthday and balances as last synced. */
export const MemberContext = z.object({
  memberId: MemberId,
  tierId: z.string().min(1).max(64).nullable(),
  birthday: IsoDate.nullable().default(null),
  /** The card presented, when the member was identified by one. Lost, frozen, cancelled or replaced: earns nothing, cannot pay. */
  card: z
    .object({ cardNo: CardNo, cardTypeId: z.string().min(1).max(64), status: CardStatus })
    .nullable()
    .default(null),
  storedValue: StoredValueBalance.prefault({ principalFen: 0, bonusFen: 0 }),
  /** Points lots; the spendable balance is the sum of lots not expired on the store's local date. */
  pointsLots: z.array(PointsLot).max(1000).default([]),
  growth: z.number().int().default(0),
});
export type MemberContext = z.infer<typeof MemberContext>;

export const BasketLine = z.object({
  lineNo: z.number().int().min(1).max(100_000),
  sku: z.string().min(1).max(64),
  /** Thousandths of the item's unit: 1 piece = 1000, 1.234 L = 1234. */
  quantityMilli: QuantityMilli.min(1),
  /** Open price (e.g. a fuel pump's price); absent: the catalogue's unit price. */
  unitPriceFen: FenAmount.optional(),
});
export type BasketLine = z.infer<typeof BasketLine>;

export const Basket = z.object({ lines: z.array(BasketLine).min(1).max(500) });
export type Basket = z.infer<typeof Basket>;

/** A coupon instance the customer presents; its definition comes from the rule set. */
export const PresentedCoupon = z.object({
  couponId: z.string().min(1).max(64),
  couponDefId: z.string().min(1).max(64),
});
export type PresentedCoupon = z.infer<typeof PresentedCoupon>;

/**
 * A tender offered, applied in the order given. Stored value without an amount pays as much
 * of what is due as the balance allows; cash may exceed what is due (change is given).
 */
export const TenderRequest = z.object({
  kind: z.enum(['cash', 'storedValue', 'bankCard', 'wechat', 'alipay', 'fuelCard', 'other']),
  amountFen: FenAmount.optional(),
  reference: z.string().max(128).optional(),
});
export type TenderRequest = z.infer<typeof TenderRequest>;

export const PriceInput = z.object({
  /** The moment of the sale, ISO 8601 with an offset; the only clock the engine knows. */
  now: IsoTimestamp,
  storeId: StoreId,
  rules: RuleSet,
  catalogue: z.array(CatalogueItem).max(10_000),
  member: MemberContext.nullable().default(null),
  basket: Basket,
  coupons: z.array(PresentedCoupon).max(20).default([]),
  /** 积分抵现: points to spend, or `max` for as many as the rules allow. */
  pointsToRedeem: z.union([PointsAmount, z.literal('max')]).default(0),
  tenders: z.array(TenderRequest).max(20).default([]),
  /** Store-level 抹零 (from StoreSettings.roundingMode); overrides the rule set's setting when given. */
  roundingMode: z.enum(['none', 'jiao', 'yuan']).optional(),
});
export type PriceInput = z.infer<typeof PriceInput>;
/** The JSON shape before defaults are filled in (what the CLI and callers may write). */
export type PriceInputJson = z.input<typeof PriceInput>;
