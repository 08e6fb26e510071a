// The ledger's invariants, checked from the postings alone: each account's stored balance equals
// its postings in minus out; per merchant and unit the balances sum to zero (debits = credits);
// no customer account is negative; each member's points balance equals the sum of their open lots.
import { sql } from 'kysely';
import type { GatewayDb } from '../db/database.js';

export interface LedgerCheckReport {
  accounts: number;
  postings: number;
  balanceMismatches: { merchantId: string; accountId: string; storedBalance: number; postedBalance: number }[];
  unbalanced: { merchantId: string; unit: string; sum: number }[];
  negativeCustomerAccounts: { merchantId: string; accountId: string; balance: number }[];
  lotMismatches: { merchantId: string; memberId: string; pointsBalance: number; openLots: number }[];
  ok: boolean;
}

export async function checkLedger(gdb: GatewayDb, merchantId?: string): Promise<LedgerCheckReport> {
  const db = gdb.db;
  const scope = <T extends { where: (...a: any[]) => T }>(q: T, column: string): T =>
    merchantId === undefined ? q : q.where(column, '=', merchantId);

  const accounts = await scope(db.selectFrom('accounts').select(['merchant_id', 'id', 'balance', 'unit', 'may_go_negative', 'kind', 'owner_id']), 'merchant_id').execute();
  const inflow = await scope(
    db.selectFrom('postings').select(['merchant_id', 'to_account_id as account_id', sql<string>`sum(amount)`.as('total')]).groupBy(['merchant_id', 'to_account_id']),
    'merchant_id',
  ).execute();
  const outflow = await scope(
    db.selectFrom('postings').select(['merchant_id', 'from_account_id as account_id', sql<string>`sum(amount)`.as('total')]).groupBy(['merchant_id', 'from_account_id']),
    'merchant_id',
  ).execute();
  const postingCount = await scope(db.selectFrom('postings').select(sql<string>`count(*)`.as('n')), 'merchant_id').executeTakeFirstOrThrow();
  const lots = await scope(
    db.selectFrom('points_lots').select(['merchant_id', 'member_id', sql<string>`sum(points_remaining)`.as('total')]).groupBy(['merchant_id', 'member_id']),
    'merchant_id',
  ).execute();

  const key = (m: string, a: string) => `${m}/${a}`;
  const posted = new Map<string, number>();
  for (const r of inflow) posted.set(key(r.merchant_id, r.account_id), (posted.get(key(r.merchant_id, r.account_id)) ?? 0) + Number(r.total));
  for (const r of outflow) posted.set(key(r.merchant_id, r.account_id), (posted.get(key(r.merchant_id, r.account_id)) ?? 0) - Number(r.total));

  const report: LedgerCheckReport = {
    accounts: accounts.length,
    postings: Number(postingCount.n),
    balanceMismatches: [],
    unbalanced: [],
    negativeCustomerAccounts: [],
    lotMismatches: [],
    ok: true,
  };
  const sums = new Map<string, number>();
  const lotTotals = new Map(lots.map((l) => [key(l.merchant_id, l.member_id), Number(l.total)]));
  for (const a of accounts) {
    const stored = Number(a.balance);
    const postedBalance = posted.get(key(a.merchant_id, a.id)) ?? 0;
    if (stored !== postedBalance) {
      report.balanceMismatches.push({ merchantId: a.merchant_id, accountId: a.id, storedBalance: stored, postedBalance });
    }
    if (stored < 0 && a.may_go_negative === 0) {
      report.negativeCustomerAccounts.push({ merchantId: a.merchant_id, accountId: a.id, balance: stored });
    }
    const unitKey = `${a.merchant_id}/${a.unit}`;
    sums.set(unitKey, (sums.get(unitKey) ?? 0) + stored);
    if (a.kind === 'member_points') {
      const openLots = lotTotals.get(key(a.merchant_id, a.owner_id)) ?? 0;
      if (openLots !== stored) report.lotMismatches.push({ merchantId: a.merchant_id, memberId: a.owner_id, pointsBalance: stored, openLots });
    }
  }
  for (const [k, sum] of sums) {
    if (sum !== 0) {
      const [m, unit] = k.split('/') as [string, string];
      report.unbalanced.push({ merchantId: m, unit, sum });
    }
  }
  report.ok =
    report.balanceMismatches.length === 0 &&
    report.unbalanced.length === 0 &&
    report.negativeCustomerAccounts.length === 0 &&
    report.lotMismatches.length === 0;
  return report;
}
