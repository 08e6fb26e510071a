// Issues single coupons to named members outside a batch campaign (the reminders job's birthday
// coupon, a manager's goodwill coupon). One coupon per member per idempotency key: the row's key is
// `<idempotencyKey>:<memberId>`, claimed by a unique index, so a retry returns the same coupons.
import type { CouponDefinition } from '@pos/engine';
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { require, storesInScope } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import { inTransaction, type GatewayDb } from '../db/database.js';
import type { GatewayDatabase } from '../db/schema.js';
import { GatewayError, notFound } from '../errors.js';
import { activeCouponDefinition } from './active-rules.js';
import { singleCouponCode } from './coupon-code.js';
import { marketingDb, type MemberCouponTable } from './marketing-tables.js';

export const MAX_COUPONS_PER_ISSUE = 1_000;

export interface IssueCouponsInput {
  /** Counted in that campaign's report when given (the campaign must exist and be visible). */
  campaignId?: string | undefined;
  /** `couponDefId` of a coupon definition of the published rule set. */
  definitionId: string;
  memberIds: readonly string[];
  idempotencyKey: string;
  /** Epoch ms; default the definition's validFrom / validTo. */
  validFrom?: number | undefined;
  validUntil?: number | undefined;
}

export interface MemberCoupon {
  id: string;
  code: string;
  campaignId: string | null;
  definitionId: string;
  memberId: string;
  status: MemberCouponTable['status'];
  issuedAt: number;
  validFrom: string;
  validUntil: string;
  redeemedSaleId: string | null;
  redeemedAt: number | null;
  redeemedDiscountFen: number | null;
}

export function toMemberCoupon(r: MemberCouponTable): MemberCoupon {
  return {
    id: r.id,
    code: r.code,
    campaignId: r.campaign_id,
    definitionId: r.definition_id,
    memberId: r.member_id,
    status: r.status,
    issuedAt: Number(r.issued_at),
    validFrom: new Date(Number(r.valid_from)).toISOString(),
    validUntil: new Date(Number(r.valid_until)).toISOString(),
    redeemedSaleId: r.redeemed_sale_id,
    redeemedAt: r.redeemed_at === null ? null : Number(r.redeemed_at),
    redeemedDiscountFen: r.redeemed_discount_fen === null ? null : Number(r.redeemed_discount_fen),
  };
}

/** The validity window of coupons of `definition`, narrowed by the caller; VALIDATION when it leaves the definition's. */
export function couponWindow(definition: CouponDefinition, validFrom: number | undefined, validUntil: number | undefined, field = 'validFrom'): { from: number; until: number } {
  const defFrom = Date.parse(definition.validFrom);
  const defUntil = Date.parse(definition.validTo);
  const from = validFrom ?? defFrom;
  const until = validUntil ?? defUntil;
  if (from < defFrom || until > defUntil || from >= until) {
    throw new GatewayError('VALIDATION', `有效期须在优惠券定义的有效期内 / the validity must lie within the definition's ${definition.validFrom} – ${definition.validTo}`, field);
  }
  return { from, until };
}

export class CouponIssuer {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  async issue(actor: Actor, input: IssueCouponsInput): Promise<{ coupons: MemberCoupon[]; newlyIssued: number }> {
    require(actor, 'marketing.write');
    const memberIds = [...new Set(input.memberIds)];
    if (memberIds.length === 0 || memberIds.length > MAX_COUPONS_PER_ISSUE) {
      throw new GatewayError('VALIDATION', `每次发券 1–${MAX_COUPONS_PER_ISSUE} 名会员 / 1–${MAX_COUPONS_PER_ISSUE} members per issue`, 'memberIds');
    }
    if (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 128) {
      throw new GatewayError('VALIDATION', '幂等键长度无效 / idempotency key must be 1–128 characters', 'idempotencyKey');
    }
    const db = marketingDb(this.gdb);
    const { definition } = await activeCouponDefinition(this.gdb.db, actor.merchantId, input.definitionId, 'definitionId');
    const window = couponWindow(definition, input.validFrom, input.validUntil);
    if (input.campaignId !== undefined) {
      const campaign = await db.selectFrom('coupon_campaigns').select('id').where('merchant_id', '=', actor.merchantId).where('id', '=', input.campaignId).executeTakeFirst();
      if (!campaign) throw notFound('campaign');
    }
    await assertMembersVisible(this.gdb.db, actor, memberIds);
    const keyOf = (memberId: string) => `${input.idempotencyKey}:${memberId}`;
    let newlyIssued = 0;
    await inTransaction(this.gdb, async (trx) => {
      const now = this.clock.nowMs();
      const rows = memberIds.map((memberId) => {
        const id = newId(now);
        return {
          merchant_id: actor.merchantId,
          id,
          code: singleCouponCode(definition.couponDefId, id),
          campaign_id: input.campaignId ?? null,
          definition_id: definition.couponDefId,
          member_id: memberId,
          status: 'issued' as const,
          issued_at: now,
          valid_from: window.from,
          valid_until: window.until,
          redeemed_sale_id: null,
          redeemed_at: null,
          redeemed_discount_fen: null,
          notified_at: null,
          idempotency_key: keyOf(memberId),
          updated_at: now,
        };
      });
      const result = await (trx as unknown as typeof db)
        .insertInto('member_coupons')
        .values(rows)
        .onConflict((oc) => oc.columns(['merchant_id', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      newlyIssued = Number(result.numInsertedOrUpdatedRows ?? 0);
      if (newlyIssued > 0) {
        await writeAudit(trx, actor, now, {
          action: 'coupon.issue',
          entityType: 'couponDefinition',
          entityId: definition.couponDefId,
          after: { idempotencyKey: input.idempotencyKey, members: memberIds.length, newlyIssued, campaignId: input.campaignId ?? null },
        });
      }
    });
    const coupons = await db
      .selectFrom('member_coupons')
      .selectAll()
      .where('merchant_id', '=', actor.merchantId)
      .where('idempotency_key', 'in', memberIds.map(keyOf))
      .orderBy('member_id')
      .execute();
    // The same key used earlier for another definition: a different request.
    if (coupons.some((c) => c.definition_id !== definition.couponDefId)) {
      throw new GatewayError('IDEMPOTENCY_CONFLICT', '该幂等键已用于另一请求 / this idempotency key was used for a different request', 'idempotencyKey');
    }
    return { coupons: coupons.map(toMemberCoupon), newlyIssued };
  }

  /** A member's coupons, newest first (at most 200). */
  async listForMember(actor: Actor, memberId: string): Promise<MemberCoupon[]> {
    require(actor, 'member.read');
    await assertMembersVisible(this.gdb.db, actor, [memberId]);
    const rows = await marketingDb(this.gdb)
      .selectFrom('member_coupons')
      .selectAll()
      .where('merchant_id', '=', actor.merchantId)
      .where('member_id', '=', memberId)
      .orderBy('issued_at', 'desc')
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return rows.map(toMemberCoupon);
  }
}

/** NOT_FOUND (naming the first missing id) unless every member exists in the actor's scope. */
export async function assertMembersVisible(db: import('kysely').Kysely<GatewayDatabase>, actor: Actor, memberIds: readonly string[], field = 'memberIds'): Promise<void> {
  const scope = await storesInScope(db, actor);
  const found = new Set<string>();
  for (let i = 0; i < memberIds.length; i += 1_000) {
    const part = memberIds.slice(i, i + 1_000);
    let q = db.selectFrom('members').select('id').where('merchant_id', '=', actor.merchantId).where('id', 'in', part);
    if (scope !== 'all') q = q.where('store_id', 'in', scope.length > 0 ? scope : ['']);
    for (const r of await q.execute()) found.add(r.id);
  }
  const missing = memberIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw new GatewayError('NOT_FOUND', '未找到 / member not found', `${field}.${missing}`);
}
