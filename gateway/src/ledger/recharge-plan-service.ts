// Recharge plans (充值方案): pay X fen, receive Y fen bonus. Plans are never deleted, only deactivated,
// because ledger transactions name them.
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { require } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import { inTransaction, type GatewayDb } from '../db/database.js';

export interface RechargePlan {
  id: string;
  name: string;
  payFen: number;
  bonusFen: number;
  active: boolean;
}

export class RechargePlanService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: { name: string; payFen: number; bonusFen: number }): Promise<RechargePlan> {
    require(actor, 'ruleSet.write');
    const now = this.clock.nowMs();
    const plan: RechargePlan = { id: newId(now), ...input, active: true };
    await inTransaction(this.gdb, async (trx) => {
      await trx.insertInto('recharge_plans').values({ merchant_id: actor.merchantId, id: plan.id, name: plan.name, pay_fen: plan.payFen, bonus_fen: plan.bonusFen, active: 1, created_at: now }).execute();
      await writeAudit(trx, actor, now, { action: 'rechargePlan.create', entityType: 'rechargePlan', entityId: plan.id, after: plan });
    });
    return plan;
  }

  async list(actor: Actor): Promise<RechargePlan[]> {
    require(actor, 'stored-value.recharge');
    const rows = await this.gdb.db.selectFrom('recharge_plans').selectAll().where('merchant_id', '=', actor.merchantId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, payFen: Number(r.pay_fen), bonusFen: Number(r.bonus_fen), active: r.active === 1 }));
  }
}
