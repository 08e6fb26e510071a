// Ledger accounts: who owns them, their unit, and which may carry a negative balance.
// Customer accounts (a card's principal and bonus, a member's points) never go below zero; the
// counterparty accounts (funding, sales, issuance, overdraft) hold the other side of every posting.
import { sql, type Kysely } from 'kysely';
import { newId } from '@pos/protocol';
import type { GatewayDatabase } from '../db/schema.js';

export const CUSTOMER_KINDS = ['card_principal', 'card_bonus', 'member_points'] as const;
export const COUNTERPARTY_KINDS = [
  'sv_funding', // cash and payments taken for recharges, per store
  'sv_bonus_issued', // bonus granted by recharge plans, per merchant
  'sv_sales_principal', // stored value spent at a store, principal part
  'sv_sales_bonus', // stored value spent at a store, bonus part
  'sv_adjustment', // manager adjustments, per merchant
  'sv_refund_payout', // principal paid back when a card is cancelled, per store
  'sv_bonus_forfeited', // bonus forfeited when a card is cancelled, per merchant
  'sv_overdraft', // the only way a spend may exceed a card's balance (offline spends, issue 7)
  'points_issued',
  'points_redeemed',
  'points_expired',
] as const;
export type AccountKind = (typeof CUSTOMER_KINDS)[number] | (typeof COUNTERPARTY_KINDS)[number];
export type Unit = 'fen' | 'points';

export function unitOf(kind: AccountKind): Unit {
  return kind === 'member_points' || kind.startsWith('points_') ? 'points' : 'fen';
}

export function mayGoNegative(kind: AccountKind): boolean {
  return !(CUSTOMER_KINDS as readonly string[]).includes(kind);
}

/** The account's id, creating it on first use (race-safe: insert-or-ignore on the unique owner index). */
export async function ensureAccount(
  trx: Kysely<GatewayDatabase>,
  merchantId: string,
  kind: AccountKind,
  ownerId: string,
  nowMs: number,
): Promise<string> {
  const found = await trx
    .selectFrom('accounts')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', kind)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  if (found) return found.id;
  await trx
    .insertInto('accounts')
    .values({
      merchant_id: merchantId,
      id: newId(nowMs),
      kind,
      owner_id: ownerId,
      unit: unitOf(kind),
      balance: 0,
      may_go_negative: mayGoNegative(kind) ? 1 : 0,
      created_at: nowMs,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'kind', 'owner_id']).doNothing())
    .execute();
  const row = await trx
    .selectFrom('accounts')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', kind)
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Balances of the given accounts, locked for the rest of the transaction on PostgreSQL
 * (in id order, so two spenders never deadlock). SQLite holds the write lock already.
 */
export async function lockBalances(
  trx: Kysely<GatewayDatabase>,
  lockRows: boolean,
  merchantId: string,
  accountIds: readonly string[],
): Promise<Map<string, number>> {
  const ids = [...new Set(accountIds)].sort();
  let q = trx
    .selectFrom('accounts')
    .select(['id', 'balance'])
    .where('merchant_id', '=', merchantId)
    .where('id', 'in', ids)
    .orderBy('id');
  if (lockRows) q = q.forUpdate();
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.id, Number(r.balance)]));
}

/**
 * Adds `delta` to the account's balance and answers the new balance and whether it may be negative,
 * in one statement (the caller's non-negative check needs no second read).
 */
export async function addToBalance(
  trx: Kysely<GatewayDatabase>,
  merchantId: string,
  accountId: string,
  delta: number,
): Promise<{ balance: number; mayGoNegative: boolean }> {
  const r = await trx
    .updateTable('accounts')
    .set({ balance: sql<number>`balance + ${delta}` })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', accountId)
    .returning(['balance', 'may_go_negative'])
    .executeTakeFirst();
  // A posting to an account that does not exist would leave debits ≠ credits; refuse it loudly.
  if (!r) throw new RangeError(`no account ${accountId}`);
  return { balance: Number(r.balance), mayGoNegative: Number(r.may_go_negative) !== 0 };
}
