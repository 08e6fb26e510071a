// The reports placeholder the HQ page starts from: members, outstanding stored value and points in
// the actor's scope. Sales reports arrive with sync (issue 7).
import { sql } from 'kysely';
import { storesInScope } from '../auth/permissions.js';
import type { Actor } from '../context.js';
import type { GatewayDb } from '../db/database.js';

export interface SummaryReport {
  members: number;
  cards: number;
  storedValue: { principalFen: number; bonusFen: number };
  pointsOutstanding: number;
  /** Members in scope who joined at or after `addedSince` (only when it is asked). */
  membersAdded?: number;
}

export async function summaryReport(gdb: GatewayDb, actor: Actor, query: { addedSince?: string | undefined } = {}): Promise<SummaryReport> {
  const scope = await storesInScope(gdb.db, actor);
  const stores = scope === 'all' ? null : scope.length ? scope : ['-'];
  // The joined-since count rides on the same pass over the members as the total.
  const since = query.addedSince === undefined ? null : Date.parse(query.addedSince);
  let members = gdb.db
    .selectFrom('members')
    .select([sql<string>`count(*)`.as('n'), sql<string>`coalesce(sum(case when created_at >= ${since ?? 0} then 1 else 0 end), 0)`.as('added')])
    .where('merchant_id', '=', actor.merchantId);
  if (stores) members = members.where('store_id', 'in', stores);
  let cards = gdb.db.selectFrom('cards').select(['id']).where('merchant_id', '=', actor.merchantId);
  if (stores) cards = cards.where('store_id', 'in', stores);
  const balances = await gdb.db
    .selectFrom('accounts')
    .select(['kind', sql<string>`sum(balance)`.as('total')])
    .where('merchant_id', '=', actor.merchantId)
    .where('kind', 'in', ['card_principal', 'card_bonus'])
    .where('owner_id', 'in', cards)
    .groupBy('kind')
    .execute();
  let memberIds = gdb.db.selectFrom('members').select('id').where('merchant_id', '=', actor.merchantId);
  if (stores) memberIds = memberIds.where('store_id', 'in', stores);
  const points = await gdb.db
    .selectFrom('accounts')
    .select(sql<string>`coalesce(sum(balance), 0)`.as('total'))
    .where('merchant_id', '=', actor.merchantId)
    .where('kind', '=', 'member_points')
    .where('owner_id', 'in', memberIds)
    .executeTakeFirstOrThrow();
  const cardCount = await gdb.db.selectFrom(cards.as('c')).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const total = (k: string) => Number(balances.find((b) => b.kind === k)?.total ?? 0);
  const counted = await members.executeTakeFirstOrThrow();
  return {
    members: Number(counted.n),
    ...(since === null ? {} : { membersAdded: Number(counted.added) }),
    cards: Number(cardCount.n),
    storedValue: { principalFen: total('card_principal'), bonusFen: total('card_bonus') },
    pointsOutstanding: Number(points.total),
  };
}
