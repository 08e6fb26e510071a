// What a synced sale means for marketing, applied inside the sale event's own transaction (called by
// the event applier after the sale's ledger parts and fact rows):
//
// 1. Coupon redemption. Each code in `couponsRedeemed` that is a member coupon is marked redeemed
//    (status, sale id, the sale's own time, the discount its `coupon` adjustments gave). A code
//    already redeemed by another sale (the same coupon used offline on two tills) does not undo the
//    sale: the second sale stands and the coupon's member gets a `coupon_reuse` flag naming the
//    second sale's event. Codes that are not member coupons are left alone. Refunds do not restore
//    coupons (a refunded coupon stays redeemed; the merchant may issue a new one).
// 2. Referral reward. When the sale is the member's first (their only `sale` fact row once this
//    one is written) and the member names a referrer, the referrer earns the rule set's
//    `referral.referrerPoints`, through the ledger with the key `referral:<memberId>`: two first
//    sales applied at once both reach the ledger, and its unique key lets exactly one post.
import type { SaleCommittedBody } from '@pos/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Actor } from '../context.js';
import type { GatewayDatabase } from '../db/schema.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { activeRules } from '../rules/active-rule-set.js';
import type { MarketingDatabase } from './marketing-tables.js';

export interface SaleMarketingDeps {
  /** The event's transaction. */
  trx: Kysely<GatewayDatabase>;
  /** A ledger bound to that transaction. */
  ledger: LedgerService;
  nowMs: () => number;
  log: Logger;
  /** Called before the sales facts are read (a batch writes its rows then). */
  beforeSalesRead?: () => Promise<unknown>;
  /** Referrers already read in this transaction, by member (a batch reads each member's once). */
  referrers?: Map<string, string | null>;
}

export const referralIdempotencyKey = (memberId: string): string => `referral:${memberId}`;

export async function applySaleMarketing(deps: SaleMarketingDeps, actor: Actor, sale: SaleCommittedBody): Promise<void> {
  const db = deps.trx as unknown as Kysely<MarketingDatabase>;
  if (sale.couponsRedeemed.length > 0) await redeemCoupons(db, deps, actor, sale);
  if (sale.memberId) await rewardReferrer(db, deps, actor, sale, sale.memberId);
}

/** Fen the sale's `coupon` adjustments attribute to `code` (line and order adjustments). */
function discountOf(sale: SaleCommittedBody, code: string): number {
  let fen = 0;
  for (const line of sale.lines) for (const a of line.adjustments) if (a.kind === 'coupon' && a.ruleId === code) fen += a.amountFen;
  for (const a of sale.orderAdjustments) if (a.kind === 'coupon' && a.ruleId === code) fen += a.amountFen;
  return fen;
}

async function redeemCoupons(db: Kysely<MarketingDatabase>, deps: SaleMarketingDeps, actor: Actor, sale: SaleCommittedBody): Promise<void> {
  const redeemedAt = Date.parse(sale.occurredAt);
  for (const code of new Set(sale.couponsRedeemed)) {
    const discountFen = discountOf(sale, code);
    const updated = await db
      .updateTable('member_coupons')
      .set({ status: 'redeemed', redeemed_sale_id: sale.saleId, redeemed_at: redeemedAt, redeemed_discount_fen: discountFen, updated_at: deps.nowMs() })
      .where('merchant_id', '=', actor.merchantId)
      .where('code', '=', code)
      .where('status', '=', 'issued')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) continue;
    const coupon = await db
      .selectFrom('member_coupons')
      .select(['member_id', 'status', 'redeemed_sale_id'])
      .where('merchant_id', '=', actor.merchantId)
      .where('code', '=', code)
      .executeTakeFirst();
    if (!coupon) {
      deps.log.debug({ eventId: sale.eventId }, 'redeemed code is not a member coupon');
      continue;
    }
    if (coupon.redeemed_sale_id === sale.saleId) continue;
    // Used twice (two offline tills) or after it was voided or expired: the sale stands, HQ sees the flag.
    await db
      .insertInto('member_flags')
      .values({
        merchant_id: actor.merchantId,
        member_id: coupon.member_id,
        flag: 'coupon_reuse',
        card_no: sale.cardNo,
        event_id: sale.eventId,
        amount: discountFen,
        raised_at: deps.nowMs(),
        cleared_at: null,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'member_id', 'flag', 'event_id']).doNothing())
      .execute();
    deps.log.warn({ memberId: coupon.member_id, eventId: sale.eventId, status: coupon.status }, 'coupon redeemed again: sale stands, member flagged');
  }
}

async function rewardReferrer(db: Kysely<MarketingDatabase>, deps: SaleMarketingDeps, actor: Actor, sale: SaleCommittedBody, memberId: string): Promise<void> {
  let referrerId = deps.referrers?.get(memberId);
  if (referrerId === undefined) {
    const member = await db.selectFrom('members').select('referrer_id').where('merchant_id', '=', actor.merchantId).where('id', '=', memberId).executeTakeFirst();
    referrerId = member?.referrer_id ?? null;
    deps.referrers?.set(memberId, referrerId);
  }
  if (referrerId === null || referrerId === memberId) return;
  await deps.beforeSalesRead?.();
  const sales = await db
    .selectFrom('sales')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', actor.merchantId)
    .where('member_id', '=', memberId)
    .where('kind', '=', 'sale')
    .executeTakeFirst();
  if (Number(sales?.n ?? 0) !== 1) return;
  const points = (await activeRules(deps.trx, actor.merchantId))?.referral?.referrerPoints ?? 0;
  if (points <= 0) return;
  // A referrer who is gone would make the ledger refuse, and with it the sale: skip instead.
  const referrer = await db.selectFrom('members').select('id').where('merchant_id', '=', actor.merchantId).where('id', '=', referrerId).executeTakeFirst();
  if (!referrer) return;
  await deps.ledger.earnPoints(actor, { idempotencyKey: referralIdempotencyKey(memberId), memberId: referrerId, points, expiresOn: null });
  deps.log.info({ memberId, referrerId, points, eventId: sale.eventId }, 'referral reward on first purchase');
}
