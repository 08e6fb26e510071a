// Records that travel downstream (snapshot chunks and deltas): what a terminal caches
// to sell, identify members and pay offline.
import { z } from 'zod';
import { CardNo, MemberId, PhoneE164, StoreId, Ulid } from './ids.js';
import { Fen, FenAmount, PerMille, Points, PointsAmount } from './money.js';
import { IsoDate, IsoTimestamp } from './time.js';

export const LocalizedText = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedText>;

export const Unit = z.enum(['piece', 'kg', 'litre']);
export type Unit = z.infer<typeof Unit>;

/** One sellable item, as priced by the engine. */
export const CatalogueItem = z.object({
  sku: z.string().min(1).max(64),
  barcodes: z.array(z.string().min(1).max(64)).max(32).default([]),
  name: LocalizedText,
  unitPriceFen: FenAmount,
  unit: Unit.default('piece'),
  category: z.string().min(1).max(64),
  noDiscount: z.boolean().default(false),
  noPoints: z.boolean().default(false),
  /** Points multiplier for this item in per-mille: 2000 earns double. */
  pointsMultiplierPerMille: PerMille.default(1000),
  /** Member price, when the item has one (会员价). */
  memberPriceFen: FenAmount.optional(),
});
export type CatalogueItem = z.infer<typeof CatalogueItem>;

export const CardStatus = z.enum(['active', 'lost', 'frozen', 'cancelled', 'replaced']);
export type CardStatus = z.infer<typeof CardStatus>;

export const StoredValueBalance = z.object({
  principalFen: FenAmount,
  bonusFen: FenAmount,
});
export type StoredValueBalance = z.infer<typeof StoredValueBalance>;

/** Points held in a lot that expires as a whole; consumed first-expiring-first. */
export const PointsLot = z.object({
  lotId: z.string().min(1),
  points: PointsAmount,
  expiresOn: IsoDate.nullable(),
});
export type PointsLot = z.infer<typeof PointsLot>;

/**
 * A coupon issued to the member and not yet redeemed, for the till to present to the engine
 * (`PresentedCoupon { couponId: code, couponDefId }`); its terms are the rule set's definition.
 */
export const MemberCouponRecord = z.object({
  code: z.string().min(1).max(64),
  couponDefId: z.string().min(1).max(64),
  validFrom: IsoTimestamp,
  /** Exclusive end. */
  validUntil: IsoTimestamp,
});
export type MemberCouponRecord = z.infer<typeof MemberCouponRecord>;
export const MAX_MEMBER_COUPONS = 50;

export const MemberRecord = z.object({
  memberId: MemberId,
  name: z.string().max(100),
  phone: PhoneE164.nullable(),
  tierId: z.string().min(1).nullable(),
  birthday: IsoDate.nullable(),
  status: z.enum(['active', 'disabled']),
  storedValue: StoredValueBalance,
  pointsBalance: Points,
  pointsLots: z.array(PointsLot).default([]),
  growth: z.number().int(),
  /** Flags raised by HQ or by the gateway, e.g. an offline overdraft that must be settled. */
  flags: z.array(z.enum(['overdraft', 'blocked'])).default([]),
  /** Secret for the dynamic member code, base64url; absent when the member has none. */
  codeSecret: z.string().optional(),
  /** Unredeemed coupons (at most 50, soonest to expire first); absent when the member has none. */
  coupons: z.array(MemberCouponRecord).max(MAX_MEMBER_COUPONS).optional(),
  updatedAt: IsoTimestamp,
});
export type MemberRecord = z.infer<typeof MemberRecord>;

export const CardRecord = z.object({
  cardNo: CardNo,
  memberId: MemberId,
  cardTypeId: z.string().min(1),
  status: CardStatus,
  /** RFID/IC UIDs bound to this card, upper-case hex. */
  uids: z.array(z.string().regex(/^[0-9A-F]{4,20}$/)).default([]),
  /** How much this card may spend offline beyond the last synced balance. */
  offlineLimitFen: FenAmount,
  /** Linked (family) cards draw on the main card's stored value. */
  mainCardNo: CardNo.nullable().default(null),
  updatedAt: IsoTimestamp,
});
export type CardRecord = z.infer<typeof CardRecord>;

export const StoreSettings = z.object({
  storeId: StoreId,
  name: LocalizedText,
  address: z.string().max(200).default(''),
  /** 抹零 for this store: round the payable amount down to whole jiao or yuan. Absent: the merchant's rule set decides. */
  roundingMode: z.enum(['none', 'jiao', 'yuan']).optional(),
  receiptFooter: LocalizedText.optional(),
  timezone: z.string().default('Asia/Shanghai'),
});
export type StoreSettings = z.infer<typeof StoreSettings>;

/** A published, immutable rule set. `rules` is the engine's input format, validated by the engine. */
export const RuleSetRecord = z.object({
  ruleSetId: Ulid,
  version: z.number().int().min(1),
  publishedAt: IsoTimestamp,
  rules: z.unknown(),
});
export type RuleSetRecord = z.infer<typeof RuleSetRecord>;

export const SyncEntity = z.enum(['members', 'cards', 'catalogue', 'ruleSet', 'storeSettings']);
export type SyncEntity = z.infer<typeof SyncEntity>;

