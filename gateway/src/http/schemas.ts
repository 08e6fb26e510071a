// Request and response schemas of the HTTP API. Money is integer fen; limits bound every string and list.
import { z } from '@hono/zod-openapi';
import { MAX_PAGE_SIZE } from '../pagination.js';

const Id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
export const CardNoSchema = z.string().regex(/^\d{6,19}$/, 'expected a card number of 6 to 19 digits');
const Fen = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'integer fen (1 yuan = 100 fen)' });
const PositiveFen = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'integer fen, > 0' });
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const IdempotencyKey = z.string().min(1).max(128).openapi({ description: 'client-generated; a retry with the same key returns the first result' });
const Name = z.string().trim().min(1).max(100);
export const Role = z.enum(['hq_admin', 'region_manager', 'store_manager', 'cashier']);

export const Paging = z.object({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});
export const pageOf = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const params = {
  merchantId: z.object({ merchantId: Id }),
  regionId: z.object({ regionId: Id }),
  storeId: z.object({ storeId: Id }),
  terminalId: z.object({ terminalId: Id }),
  staffId: z.object({ staffId: Id }),
  memberId: z.object({ memberId: Id }),
  cardNo: z.object({ cardNo: CardNoSchema }),
  draftId: z.object({ draftId: Id }),
  version: z.object({ version: z.coerce.number().int().min(1) }),
};

export const LoginBody = z.object({
  merchantCode: z.string().min(1).max(64),
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.number().int(),
  staff: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: Role, merchantId: z.string(), regionId: z.string().nullable(), storeId: z.string().nullable() }),
}).openapi('LoginResponse');

export const MerchantSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), createdAt: z.number() }).openapi('Merchant');
export const MerchantPatch = z.object({ name: Name });
export const RegionSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.number() }).openapi('Region');
export const RegionBody = z.object({ name: Name });
export const StoreSchema = z.object({ id: z.string(), regionId: z.string(), code: z.string(), name: z.string(), address: z.string(), createdAt: z.number() }).openapi('Store');
export const StoreBody = z.object({ regionId: Id, code: z.string().min(1).max(64), name: Name, address: z.string().max(400).optional() });
export const TerminalSchema = z.object({ id: z.string(), storeId: z.string(), name: z.string(), status: z.string(), createdAt: z.number() }).openapi('Terminal');
export const TerminalBody = z.object({ storeId: Id, name: Name });
export const StaffSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: Role, regionId: z.string().nullable(), storeId: z.string().nullable(), createdAt: z.number() }).openapi('Staff');
export const StaffBody = z.object({
  username: z.string().regex(/^[a-zA-Z0-9_.-]{3,64}$/, '3–64 letters, digits, _ . -'),
  displayName: Name,
  password: z.string().min(8).max(256),
  role: Role,
  regionId: Id.nullable().optional(),
  storeId: Id.nullable().optional(),
});

const AttributeValue = z.union([z.string().max(500), z.number()]);
const MemberFields = {
  name: Name,
  phone: z.string().max(32).nullable().optional().openapi({ description: 'any written form; stored in E.164' }),
  gender: z.enum(['female', 'male', 'unknown']).nullable().optional(),
  birthday: IsoDay.nullable().optional(),
  anniversary: IsoDay.nullable().optional(),
  address: z.string().max(400).nullable().optional(),
  referrerId: Id.nullable().optional(),
  attributes: z.record(z.string().max(64), AttributeValue).optional(),
};
export const MemberBody = z.object({ ...MemberFields, storeId: Id.optional(), tags: z.array(z.string().max(64)).max(32).optional() });
export const MemberPatch = z.object(MemberFields).partial();
export const MemberSearchQuery = Paging.extend({
  phone: z.string().max(32).optional(),
  phoneTail: z.string().regex(/^\d{4}$/, 'expected the last 4 digits').optional(),
  cardNo: z.string().max(19).optional(),
  name: z.string().min(1).max(100).optional(),
  tag: z.string().min(1).max(64).optional(),
});
export const MemberSummarySchema = z.object({
  id: z.string(), name: z.string(), phoneMasked: z.string().nullable().openapi({ example: '138****5678' }), gender: z.string().nullable(),
  storeId: z.string(), tierId: z.string().nullable(), growth: z.number(), status: z.string(), tags: z.array(z.string()), createdAt: z.number(), updatedAt: z.number(),
}).openapi('MemberSummary');
export const MemberDetailSchema = MemberSummarySchema.omit({ phoneMasked: true }).extend({
  phone: z.string().nullable(), birthday: z.string().nullable(), anniversary: z.string().nullable(), address: z.string().nullable(), referrerId: z.string().nullable(),
  attributes: z.record(z.string(), AttributeValue),
  cards: z.array(z.object({ cardNo: z.string(), cardTypeId: z.string(), status: z.string(), mainCardNo: z.string().nullable(), principalFen: Fen, bonusFen: Fen })),
  storedValue: z.object({ principalFen: Fen, bonusFen: Fen }),
  points: z.object({ balance: z.number().int(), lots: z.array(z.object({ lotId: z.string(), points: z.number().int(), expiresOn: z.string().nullable() })) }),
  notes: z.array(z.object({ id: z.string(), staffId: z.string(), body: z.string(), createdAt: z.number() })),
  growthHistory: z.array(z.object({ id: z.string(), source: z.string(), delta: z.number(), growthAfter: z.number(), tierBefore: z.string().nullable(), tierAfter: z.string().nullable(), change: z.string(), createdAt: z.number() })),
  orders: z.array(z.object({ eventId: z.string(), type: z.enum(['saleCommitted', 'saleRefunded']), saleId: z.string(), receiptNo: z.string(), storeId: z.string(), occurredAt: z.string(), amountFen: z.number().int(), pointsEarned: z.number().int() })),
}).openapi('MemberDetail');
export const GrowthBody = z.object({
  idempotencyKey: IdempotencyKey,
  delta: z.number().int().min(-1e9).max(1e9),
  source: z.enum(['review', 'signIn', 'adjustment', 'rfm', 'evaluation']).default('adjustment'),
  mode: z.enum(['upgrade', 'periodic']).default('upgrade'),
});
export const GrowthChangeSchema = z.object({
  memberId: z.string(), delta: z.number(), growthAfter: z.number(), tierBefore: z.string().nullable(), tierAfter: z.string().nullable(), change: z.enum(['upgrade', 'downgrade', 'none']), replayed: z.boolean(),
}).openapi('GrowthChange');
export const TagsBody = z.object({ add: z.array(z.string().max(64)).max(32).optional(), remove: z.array(z.string().max(64)).max(32).optional() });
export const NoteBody = z.object({ body: z.string().trim().min(1).max(2000) });
export const NoteSchema = z.object({ id: z.string(), staffId: z.string(), body: z.string(), createdAt: z.number() });
export const AttributeDefinitionSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  labelZh: z.string().min(1).max(100),
  labelEn: z.string().min(1).max(100),
  type: z.enum(['text', 'number', 'date', 'enum']),
  options: z.array(z.string().min(1).max(100)).max(100).default([]),
}).openapi('AttributeDefinition');

export const CardTypeBody = z.object({
  name: Name,
  kind: z.enum(['personal', 'linked', 'subsidiary', 'group']),
  level: z.enum(['regular', 'silver', 'gold', 'vip']),
  discountPerMille: z.number().int().min(0).max(1000).default(1000),
  offlineLimitFen: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  tierId: z.string().max(64).nullable().default(null),
});
export const CardTypeSchema = CardTypeBody.extend({ id: z.string() }).openapi('CardType');
const Uid = z.string().regex(/^[0-9A-Fa-f]{4,20}$/, 'expected 4–20 hex digits');
export const IssueCardBody = z.object({
  memberId: Id,
  cardTypeId: Id,
  cardNo: CardNoSchema.optional().openapi({ description: 'omit to use the member phone as e-card number' }),
  mainCardNo: CardNoSchema.optional(),
  uids: z.array(Uid).max(8).optional(),
});
export const CardSchema = z.object({
  id: z.string(), cardNo: z.string(), memberId: z.string(), cardTypeId: z.string(), storeId: z.string(), status: z.string(),
  mainCardId: z.string().nullable(), uids: z.array(z.string()), replacedBy: z.string().nullable(), createdAt: z.number(), updatedAt: z.number(),
}).openapi('Card');
export const CardStatusBody = z.object({ reason: z.string().max(500).optional() });
export const ReplaceBody = z.object({ newCardNo: CardNoSchema, idempotencyKey: IdempotencyKey.optional() });
export const CancelBody = z.object({ reason: z.string().trim().min(1).max(500), idempotencyKey: IdempotencyKey.optional() });
export const UidBody = z.object({ uid: Uid });

export const RechargeBody = z.object({
  idempotencyKey: IdempotencyKey,
  cardNo: CardNoSchema,
  paidFen: PositiveFen.openapi({ description: 'what the customer paid, in fen; becomes principal' }),
  planId: z.string().min(1).max(64).optional().openapi({ description: "a recharge plan of the active rule set; absent: the live plan giving the most bonus" }),
});
export const SpendBody = z.object({
  idempotencyKey: IdempotencyKey,
  cardNo: CardNoSchema,
  amountFen: PositiveFen,
  split: z.object({ principalFen: z.number().int().min(0), bonusFen: z.number().int().min(0) }).optional().openapi({ description: 'explicit principal/bonus parts; must add up to amountFen' }),
  order: z.enum(['principalFirst', 'bonusFirst', 'proportional']).optional().openapi({ description: "default: the active rule set's settings.storedValueOrder" }),
});
export const RefundBody = z.object({ idempotencyKey: IdempotencyKey, spendTransactionId: Id, amountFen: PositiveFen });
export const AdjustmentBody = z.object({
  idempotencyKey: IdempotencyKey,
  cardNo: CardNoSchema,
  principalDeltaFen: Fen.default(0),
  bonusDeltaFen: Fen.default(0),
  reason: z.string().trim().min(1, 'a reason is required').max(400),
});
export const TransferBody = z.object({ idempotencyKey: IdempotencyKey, fromCardNo: CardNoSchema, toCardNo: CardNoSchema, amountFen: PositiveFen });
export const PointsEarnBody = z.object({ idempotencyKey: IdempotencyKey, memberId: Id, points: z.number().int().min(1).max(1e12), expiresOn: IsoDay.nullable().default(null) });
export const PointsSpendBody = z.object({ idempotencyKey: IdempotencyKey, memberId: Id, points: z.number().int().min(1).max(1e12), today: IsoDay });
export const LedgerResultSchema = z
  .object({ transactionId: z.string(), idempotencyKey: z.string(), replayed: z.boolean(), kind: z.string() })
  .catchall(z.unknown())
  .openapi('LedgerResult', { description: 'the applied operation; amounts in fen' });
export const LedgerEntrySchema = z.object({
  id: z.string(), kind: z.string(), idempotencyKey: z.string(), cardId: z.string().nullable(), amount: z.number(), reason: z.string().nullable(),
  storeId: z.string().nullable(), staffId: z.string().nullable(), createdAt: z.number(),
  postings: z.array(z.object({ fromAccount: z.string(), toAccount: z.string(), amount: z.number(), unit: z.string() })),
}).openapi('LedgerEntry');
