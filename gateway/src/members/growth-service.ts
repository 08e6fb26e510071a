// Growth value (成长值) and tier: each change is recorded once per idempotency key in the member's
// growth history with the tier before and after, the tier moved by the engine's evaluateTier against
// the active rule set's tiers (upgrades at once; downgrades only in a periodic evaluation).
import type { Kysely } from 'kysely';
import { evaluateTier, type Tier } from '@pos/engine';
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import type { Actor, Clock } from '../context.js';
import { forUpdate, inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import type { GatewayDatabase } from '../db/schema.js';
import { GatewayError, notFound } from '../errors.js';

export type GrowthSource = 'sale' | 'refund' | 'review' | 'signIn' | 'adjustment' | 'rfm' | 'evaluation';

export interface GrowthChange {
  memberId: string;
  delta: number;
  growthAfter: number;
  tierBefore: string | null;
  tierAfter: string | null;
  change: 'upgrade' | 'downgrade' | 'none';
  replayed: boolean;
}

export const MAX_HISTORY_IN_VIEW = 50;

export class GrowthService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    private readonly bound?: Kysely<GatewayDatabase>,
  ) {}

  /** The same service inside the caller's open transaction (see LedgerService.withTransaction). */
  withTransaction(trx: Kysely<GatewayDatabase>): GrowthService {
    return new GrowthService(this.gdb, this.clock, trx);
  }

  async addGrowth(
    actor: Actor,
    req: { idempotencyKey: string; memberId: string; delta: number; source: GrowthSource; mode?: 'upgrade' | 'periodic' | undefined },
  ): Promise<GrowthChange> {
    if (!Number.isSafeInteger(req.delta)) throw new GatewayError('VALIDATION', '成长值须为整数 / delta must be an integer', 'delta');
    const run = <T>(fn: (trx: Kysely<GatewayDatabase>) => Promise<T>) => (this.bound ? fn(this.bound) : inTransaction(this.gdb, fn));
    try {
      return await run(async (trx) => {
        const seen = await this.find(trx, actor.merchantId, req.idempotencyKey);
        if (seen) return seen;
        let q = trx.selectFrom('members').select(['id', 'growth', 'tier_id']).where('merchant_id', '=', actor.merchantId).where('id', '=', req.memberId);
        if (forUpdate(this.gdb)) q = q.forUpdate();
        const member = await q.executeTakeFirst();
        if (!member) throw notFound('member');
        const growthAfter = Number(member.growth) + req.delta;
        const tiers = await activeTiers(trx, actor.merchantId);
        const known = member.tier_id === null || tiers.some((t) => t.tierId === member.tier_id);
        // A tier that left the rule set is re-evaluated from scratch rather than refused.
        const evaluation = tiers.length
          ? evaluateTier({ growth: growthAfter, currentTierId: known ? member.tier_id : null, tiers, mode: req.mode ?? 'upgrade' })
          : { tierId: member.tier_id, change: 'none' as const };
        const now = this.clock.nowMs();
        await trx.updateTable('members').set({ growth: growthAfter, tier_id: evaluation.tierId, updated_at: now }).where('merchant_id', '=', actor.merchantId).where('id', '=', member.id).execute();
        await trx
          .insertInto('growth_history')
          .values({ merchant_id: actor.merchantId, id: newId(now), member_id: member.id, idempotency_key: req.idempotencyKey, source: req.source, delta: req.delta, growth_after: growthAfter, tier_before: member.tier_id, tier_after: evaluation.tierId, change: evaluation.change, created_at: now })
          .execute();
        await writeAudit(trx, actor, now, {
          action: 'member.growth',
          entityType: 'member',
          entityId: member.id,
          before: { growth: Number(member.growth), tierId: member.tier_id },
          after: { growth: growthAfter, tierId: evaluation.tierId, source: req.source },
        });
        return { memberId: member.id, delta: req.delta, growthAfter, tierBefore: member.tier_id, tierAfter: evaluation.tierId, change: evaluation.change, replayed: false };
      });
    } catch (error) {
      if (isUniqueViolation(error) && !this.bound) {
        const seen = await this.find(this.gdb.db, actor.merchantId, req.idempotencyKey);
        if (seen) return seen;
      }
      throw error;
    }
  }

  private async find(trx: Kysely<GatewayDatabase>, merchantId: string, key: string): Promise<GrowthChange | undefined> {
    const r = await trx.selectFrom('growth_history').selectAll().where('merchant_id', '=', merchantId).where('idempotency_key', '=', key).executeTakeFirst();
    if (!r) return undefined;
    return {
      memberId: r.member_id,
      delta: Number(r.delta),
      growthAfter: Number(r.growth_after),
      tierBefore: r.tier_before,
      tierAfter: r.tier_after,
      change: r.change as GrowthChange['change'],
      replayed: true,
    };
  }

  async history(merchantId: string, memberId: string) {
    const rows = await this.gdb.db
      .selectFrom('growth_history')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .limit(MAX_HISTORY_IN_VIEW)
      .execute();
    return rows.map((r) => ({ id: r.id, source: r.source, delta: Number(r.delta), growthAfter: Number(r.growth_after), tierBefore: r.tier_before, tierAfter: r.tier_after, change: r.change, createdAt: Number(r.created_at) }));
  }
}

async function activeTiers(trx: Kysely<GatewayDatabase>, merchantId: string): Promise<Tier[]> {
  const row = await trx.selectFrom('rule_set_versions').select('content').where('merchant_id', '=', merchantId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? ((JSON.parse(row.content) as { tiers?: Tier[] }).tiers ?? []) : [];
}
