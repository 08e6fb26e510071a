// Preview of a rule-set draft on a sample basket: the draft is parsed by the engine's RuleSet schema
// and the basket priced by the engine's `price()` with the merchant's price list, exactly as a till
// would price it, so HQ sees a campaign's effect before publishing it. Nothing is written.
import { EngineError, PriceInput, RuleSet, price, type PricedBasket } from '@pos/engine';
import { z } from 'zod';
import { assertStoreVisible, require } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { syncDb } from '../sync/sync-tables.js';
import type { RuleSetService } from './rule-set-service.js';

const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/);

export const PreviewBody = z.object({
  storeId: Ulid,
  lines: z.array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(1000) })).min(1).max(50),
  /** A member at the till: tier and birthday; absent for a walk-in customer. */
  member: z.object({ tierId: z.string().min(1).max(64).nullable().default(null), birthday: z.iso.date().nullable().default(null) }).nullable().default(null),
  /** The moment to price at (ISO 8601 with offset); default now in China time. */
  now: z.iso.datetime({ offset: true }).optional(),
  /** Coupon definitions of the draft presented at the till, one coupon each (the engine checks them). */
  couponDefIds: z.array(z.string().min(1).max(64)).max(20).default([]),
});
export type PreviewBody = z.infer<typeof PreviewBody>;

export interface RuleSetPreview {
  now: string;
  totals: PricedBasket['totals'];
  lines: { sku: string; name: { zh: string; en: string }; quantity: number; grossFen: number; netFen: number; payableFen: number; adjustments: unknown[] }[];
  campaigns: PricedBasket['campaigns'];
  coupons: PricedBasket['coupons'];
  points: { earned: number; eligible: boolean };
  explanation: PricedBasket['explanation'];
}

/** ISO 8601 in UTC+08:00, the offset the engine reads member days and birthdays in by default. */
function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

export async function previewDraft(gdb: GatewayDb, clock: Clock, ruleSets: RuleSetService, actor: Actor, draftId: string, body: PreviewBody): Promise<RuleSetPreview> {
  require(actor, 'ruleSet.write');
  const draft = await ruleSets.getDraft(actor, draftId);
  const rules = RuleSet.safeParse(draft.content);
  if (!rules.success) {
    const issue = rules.error.issues[0];
    throw new GatewayError('RULE_SET_INVALID', `规则无效 / the draft does not validate: ${issue?.message ?? 'invalid'}`, ['content', ...(issue?.path ?? []).map(String)].join('.'));
  }
  await assertStoreVisible(gdb.db, actor, body.storeId);
  const skus = [...new Set(body.lines.map((l) => l.sku))];
  const rows = await syncDb(gdb).selectFrom('catalogue_items').select(['sku', 'item']).where('merchant_id', '=', actor.merchantId).where('sku', 'in', skus).execute();
  const missing = skus.filter((s) => !rows.some((r) => r.sku === s));
  if (missing.length > 0) throw new GatewayError('VALIDATION', `价目表中没有该商品 / not in the price list: ${missing.join(', ')}`, 'lines');
  const now = body.now ?? chinaTime(clock.nowMs());
  const input = PriceInput.safeParse({
    now,
    storeId: body.storeId,
    rules: rules.data,
    catalogue: rows.map((r) => JSON.parse(r.item) as unknown),
    member: body.member ? { memberId: '00000000000000000000000000', tierId: body.member.tierId, birthday: body.member.birthday } : null,
    basket: { lines: body.lines.map((l, i) => ({ lineNo: i + 1, sku: l.sku, quantityMilli: l.quantity * 1000 })) },
    coupons: body.couponDefIds.map((couponDefId, i) => ({ couponId: `preview-${i + 1}`, couponDefId })),
  });
  if (!input.success) throw new GatewayError('VALIDATION', `输入无效 / invalid preview input: ${input.error.issues[0]?.message ?? ''}`, input.error.issues[0]?.path.join('.'));
  let priced: PricedBasket;
  try {
    priced = price(input.data);
  } catch (error) {
    if (error instanceof EngineError) throw new GatewayError('VALIDATION', `${error.text.zh} / ${error.text.en}`, error.field);
    throw error;
  }
  return {
    now,
    totals: priced.totals,
    lines: priced.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantityMilli / 1000, grossFen: l.grossFen, netFen: l.netFen, payableFen: l.payableFen, adjustments: l.adjustments })),
    campaigns: priced.campaigns,
    coupons: priced.coupons,
    points: { earned: priced.points.earned, eligible: priced.points.eligible },
    explanation: priced.explanation,
  };
}
