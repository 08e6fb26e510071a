// The merchant's rules as the engine reads them: tiers, points, growth, campaigns, coupon
// definitions, recharge plans and settings. Published by HQ as `RuleSetRecord.rules`.
import { FenAmount, IsoTimestamp, LocalizedText, PerMille, PointsAmount, StoreId } from '@pos/protocol';
import { z } from 'zod';

const Id = z.string().min(1).max(64);

/** A member tier. `discountPerMille` follows the 折 convention: 950 = 9.5折, the member pays 95 %. */
export const Tier = z.object({
  tierId: Id,
  name: LocalizedText,
  /** Growth value at which a member reaches this tier. */
  growthThreshold: z.number().int().min(0),
  discountPerMille: PerMille.max(1000).default(1000),
  /** Points earned relative to the base earn rate: 1500 earns 1.5×. */
  pointsRatePerMille: PerMille.default(1000),
});
export type Tier = z.infer<typeof Tier>;

export const PointsRules = z.object({
  /** Points per yuan actually paid, in per-mille: 1000 = 1 point per yuan, 100 = 1 point per 10 yuan. */
  earnPerYuanPerMille: PerMille.default(1000),
  /** Leave the part paid from stored value out of the earn base. */
  excludeStoredValue: z.boolean().default(false),
  /** Leave the part paid with points (积分抵现) out of the earn base. */
  excludePointsCash: z.boolean().default(true),
  /** 积分抵现: `pointsPerYuan` points are worth one yuan; at most `maxSharePerMille` of the order may be paid so. */
  pointsCash: z
    .object({
      enabled: z.boolean().default(false),
      pointsPerYuan: z.number().int().min(1).max(1_000_000).default(100),
      maxSharePerMille: PerMille.max(1000).default(500),
      minPoints: PointsAmount.default(0),
    })
    .prefault({}),
  /**
   * 积分有效期: the last day an earned lot can be spent. `days`: usable through the day `days`
   * after the business day it was earned; `endOfYear`: through 31 December of the year
   * `yearsAfter` years after it (1 = 次年年底清零). Absent: points never expire.
   */
  validity: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('never') }),
      z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(3660) }),
      z.object({ kind: z.literal('endOfYear'), yearsAfter: z.number().int().min(0).max(10) }),
    ])
    .default({ kind: 'never' }),
});
export type PointsRules = z.infer<typeof PointsRules>;
export type PointsValidity = PointsRules['validity'];

export const GrowthRules = z.object({
  /** Growth per yuan paid, in per-mille: 1000 = 1 growth per yuan. */
  perYuanPerMille: PerMille.default(1000),
  signInGrowth: z.number().int().min(0).default(0),
  /** A review of an order paid at or over `reviewMinPaidFen` earns `reviewGrowth`. */
  reviewGrowth: z.number().int().min(0).default(0),
  reviewMinPaidFen: FenAmount.default(0),
});
export type GrowthRules = z.infer<typeof GrowthRules>;

/** Which lines a campaign or coupon covers; both empty means every line. */
export const Scope = z
  .object({
    skus: z.array(Id).max(1000).default([]),
    categories: z.array(Id).max(200).default([]),
  })
  .prefault({});
export type Scope = z.infer<typeof Scope>;

/** When and for whom a campaign runs. Times are instants; member days use the store's local calendar. */
const campaignCommon = {
  campaignId: Id,
  name: LocalizedText,
  validFrom: IsoTimestamp,
  /** Exclusive end. */
  validTo: IsoTimestamp,
  /** Empty: every store. */
  storeIds: z.array(StoreId).max(10_000).default([]),
  /** Empty: everyone the audience allows; otherwise only members in these tiers. */
  tierIds: z.array(Id).max(100).default([]),
  audience: z.enum(['all', 'members']).default('all'),
  /** Member day: ISO weekdays (1 = Monday … 7 = Sunday) and/or days of the month; both empty = every day. */
  weekdays: z.array(z.number().int().min(1).max(7)).max(7).default([]),
  monthDays: z.array(z.number().int().min(1).max(31)).max(31).default([]),
  /** Higher runs first among campaigns of the same stage, and wins ties. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  /** Exclusive campaigns do not combine with each other; the engine keeps the one best for the customer. */
  exclusive: z.boolean().default(false),
  scope: Scope,
};

export const Campaign = z.discriminatedUnion('kind', [
  /** Percentage off matching lines: `discountPerMille` 800 = 8折. */
  z.object({ ...campaignCommon, kind: z.literal('percentOff'), discountPerMille: PerMille.max(1000) }),
  /** Campaign member prices per sku (members only), replacing the tier discount on those lines. */
  z.object({
    ...campaignCommon,
    kind: z.literal('memberPrice'),
    prices: z.array(z.object({ sku: Id, priceFen: FenAmount })).min(1).max(1000),
  }),
  /** 满减: eligible spend ≥ thresholdFen takes offFen off; `repeat` = 每满 (capped by maxTimes). */
  z.object({
    ...campaignCommon,
    kind: z.literal('spendThreshold'),
    thresholdFen: FenAmount.min(1),
    offFen: FenAmount.min(1),
    repeat: z.boolean().default(false),
    maxTimes: z.number().int().min(1).max(1000).default(1000),
  }),
  /** 第N件X折: every n-th whole unit of one line is priced at discountPerMille (第二件半价: n 2, 500). */
  z.object({ ...campaignCommon, kind: z.literal('nthItem'), n: z.number().int().min(2).max(100), discountPerMille: PerMille.max(1000) }),
  /** Buy `buy` get `free` of the same line: in each group of buy+free whole units, `free` are free. */
  z.object({
    ...campaignCommon,
    kind: z.literal('buyNGetM'),
    buy: z.number().int().min(1).max(100),
    free: z.number().int().min(1).max(100),
  }),
  /** 套餐: the listed whole units together cost priceFen, as many times as the basket holds them. */
  z.object({
    ...campaignCommon,
    kind: z.literal('bundle'),
    items: z.array(z.object({ sku: Id, units: z.number().int().min(1).max(100) })).min(1).max(20),
    priceFen: FenAmount,
  }),
  /** Double points day and the like: matching lines earn multiplierPerMille (2000 = double). */
  z.object({ ...campaignCommon, kind: z.literal('pointsMultiplier'), multiplierPerMille: PerMille.min(1000) }),
  /** Birthday bonus on the day or in the month of the member's birthday: a multiplier and/or fixed points. */
  z.object({
    ...campaignCommon,
    kind: z.literal('birthday'),
    when: z.enum(['day', 'month']).default('day'),
    multiplierPerMille: PerMille.min(1000).default(1000),
    fixedPoints: PointsAmount.default(0),
  }),
]);
export type Campaign = z.infer<typeof Campaign>;
export type CampaignKind = Campaign['kind'];

const couponCommon = {
  couponDefId: Id,
  name: LocalizedText,
  validFrom: IsoTimestamp,
  validTo: IsoTimestamp,
  storeIds: z.array(StoreId).max(10_000).default([]),
  tierIds: z.array(Id).max(100).default([]),
  scope: Scope,
  /** Spend on the coupon's scope needed before it applies. */
  thresholdFen: FenAmount.default(0),
  /** Stackable coupons combine with each other and with one non-stackable coupon. */
  stackable: z.boolean().default(false),
};

export const CouponDefinition = z.discriminatedUnion('kind', [
  z.object({ ...couponCommon, kind: z.literal('amountOff'), offFen: FenAmount.min(1) }),
  z.object({ ...couponCommon, kind: z.literal('percentOff'), discountPerMille: PerMille.max(1000), capFen: FenAmount.optional() }),
  /** Gift item: up to `units` whole units of `sku` in the basket become free. */
  z.object({ ...couponCommon, kind: z.literal('gift'), sku: Id, units: z.number().int().min(1).max(100).default(1) }),
]);
export type CouponDefinition = z.infer<typeof CouponDefinition>;

/** 充值方案: `tiered` gives the bonus of the highest step reached; `repeat` gives it for every full step (每充). */
export const RechargePlan = z.object({
  planId: Id,
  name: LocalizedText,
  validFrom: IsoTimestamp.optional(),
  validTo: IsoTimestamp.optional(),
  storeIds: z.array(StoreId).max(10_000).default([]),
  mode: z.enum(['tiered', 'repeat']).default('tiered'),
  steps: z
    .array(z.object({ minPaidFen: FenAmount.min(1), bonusFen: FenAmount.default(0), bonusPoints: PointsAmount.default(0) }))
    .min(1)
    .max(50),
  maxTimes: z.number().int().min(1).max(1000).default(1000),
});
export type RechargePlan = z.infer<typeof RechargePlan>;

export const MerchantSettings = z
  .object({
    /** Which stored-value part pays first. */
    storedValueOrder: z.enum(['principalFirst', 'bonusFirst']).default('principalFirst'),
    /** 抹零: drop the fen (`jiao`) or the jiao and fen (`yuan`) of the payable amount. */
    rounding: z.enum(['none', 'jiao', 'yuan']).default('none'),
    /** Store's UTC offset for member days and birthdays; absent: the offset written in `now`. */
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).optional(),
  })
  .prefault({});
export type MerchantSettings = z.infer<typeof MerchantSettings>;

/**
 * Member price per litre at the pump (e.g. gold 30 fen/L off 95#): on a line of one of `skus`, a member in one
 * of `tierIds` (empty: every member) gets `round_half_up(quantityMilli × offFenPerUnit / 1000)` off, never more
 * than the line. It replaces the member price and tier discount on that line, and applies even to lines flagged
 * `noDiscount` (fuel is usually kept out of shop campaigns but still has a member price per litre).
 */
export const UnitMemberDiscount = z.object({
  discountId: Id,
  name: LocalizedText.optional(),
  tierIds: z.array(Id).max(100).default([]),
  skus: z.array(Id).min(1).max(100),
  /** Fen off per unit of the item (per litre for fuel). */
  offFenPerUnit: FenAmount.min(1).max(1_000_000),
});
export type UnitMemberDiscount = z.infer<typeof UnitMemberDiscount>;

/**
 * 推荐有礼: when a member who names a referrer completes their first purchase, the referrer earns
 * `referrerPoints` (the gateway applies it when the first sale syncs; the till does not).
 */
export const ReferralRules = z.object({
  referrerPoints: PointsAmount.default(0),
});
export type ReferralRules = z.infer<typeof ReferralRules>;

export const RuleSet = z.object({
  version: z.number().int().min(0).default(0),
  tiers: z.array(Tier).max(50).default([]),
  points: PointsRules.prefault({}),
  growth: GrowthRules.prefault({}),
  campaigns: z.array(Campaign).max(500).default([]),
  coupons: z.array(CouponDefinition).max(500).default([]),
  rechargePlans: z.array(RechargePlan).max(100).default([]),
  /** Member discounts per unit (fuel per litre), by tier and sku. */
  unitMemberDiscounts: z.array(UnitMemberDiscount).max(200).default([]),
  /** Optional: absent means no referral reward. */
  referral: ReferralRules.optional(),
  settings: MerchantSettings,
});
export type RuleSet = z.infer<typeof RuleSet>;
export type RuleSetInput = z.input<typeof RuleSet>;

