// Ledger operations and invariants, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../gateway/src/db/database.js';
import { GatewayError } from '../../gateway/src/errors.js';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { proportionalSplit, splitAsAsked } from '../../gateway/src/ledger/ledger-service.js';
import { DIALECTS, openServices, type ServiceFixture } from './harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from './fixtures.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof GatewayError) return e.code;
    throw e;
  }
}

describe('proportionalSplit', () => {
  it.each([
    [5_500, { principalFen: 10_000, bonusFen: 1_000 }, { principalFen: 5_000, bonusFen: 500 }],
    [1, { principalFen: 10_000, bonusFen: 1_000 }, { principalFen: 1, bonusFen: 0 }],
    [11_000, { principalFen: 10_000, bonusFen: 1_000 }, { principalFen: 10_000, bonusFen: 1_000 }],
    [999, { principalFen: 0, bonusFen: 3_000 }, { principalFen: 0, bonusFen: 999 }],
  ])('%i fen from %o → %o', (amount, balance, expected) => {
    expect(proportionalSplit(amount, balance)).toEqual(expected);
  });
});

describe('splitAsAsked', () => {
  it.each([
    // amount, asked, balance → taken
    [500, { principalFen: 300, bonusFen: 200 }, { principalFen: 1_000, bonusFen: 1_000 }, { principalFen: 300, bonusFen: 200 }],
    [500, { principalFen: 300, bonusFen: 200 }, { principalFen: 1_000, bonusFen: 50 }, { principalFen: 450, bonusFen: 50 }],
    [500, { principalFen: 300, bonusFen: 200 }, { principalFen: 100, bonusFen: 1_000 }, { principalFen: 100, bonusFen: 400 }],
    [150, { principalFen: 300, bonusFen: 200 }, { principalFen: 100, bonusFen: 50 }, { principalFen: 100, bonusFen: 50 }],
  ])('%i fen asked as %o from %o → %o', (amount, asked, balance, expected) => {
    expect(splitAsAsked(amount, asked, balance)).toEqual(expected);
  });
});

describe.each(DIALECTS)('ledger on %s', (dialect) => {
  let fx: ServiceFixture;
  let f: MerchantFixture;
  beforeAll(async () => {
    fx = await openServices(dialect);
    f = await seedMerchant(fx.services, 'ledger');
  });
  afterAll(async () => fx?.close());

  it('recharges by plan (principal + bonus), spends in proportion, refunds exactly the spent split', async () => {
    const { ledger } = fx.services;
    await memberWithCard(fx.services, f, { phone: '13800000001', cardNo: '880000000001' });
    const r = await ledger.recharge(f.system, { idempotencyKey: 'rc-1', cardNo: '880000000001', paidFen: 30_000, planId: f.planId });
    expect(r).toMatchObject({ principalFen: 30_000, bonusFen: 3_000, balance: { principalFen: 30_000, bonusFen: 3_000 }, replayed: false });
    const s = await ledger.spend(f.system, { idempotencyKey: 'sp-1', cardNo: '880000000001', amountFen: 11_000, order: 'proportional' });
    expect(s).toMatchObject({ principalFen: 10_000, bonusFen: 1_000, shortfallFen: 0, balance: { principalFen: 20_000, bonusFen: 2_000 } });
    // Three partial refunds add up to the spend's split exactly (cumulative rounding).
    const parts = [3_333, 3_333, 4_334];
    const refunds = [];
    for (const [i, amountFen] of parts.entries()) {
      refunds.push(await ledger.refund(f.system, { idempotencyKey: `rf-${i}`, spendTransactionId: s.transactionId, amountFen }));
    }
    expect(refunds.map((x) => [x.principalFen, x.bonusFen])).toEqual([[3_030, 303], [3_030, 303], [3_940, 394]]);
    expect(await ledger.balanceOf(f.merchantId, '880000000001')).toEqual({ principalFen: 30_000, bonusFen: 3_000 });
    expect(await codeOf(ledger.refund(f.system, { idempotencyKey: 'rf-9', spendTransactionId: s.transactionId, amountFen: 1 }))).toBe('REFUND_EXCEEDS_SPEND');
    expect(await codeOf(ledger.spend(f.system, { idempotencyKey: 'sp-2', cardNo: '880000000001', amountFen: 33_001 }))).toBe('INSUFFICIENT_BALANCE');
  });

  it('an idempotent retry returns the first result; another request under the same key is refused', async () => {
    const { ledger } = fx.services;
    await memberWithCard(fx.services, f, { phone: '13800000002', cardNo: '880000000002' });
    const first = await ledger.recharge(f.system, { idempotencyKey: 'rc-2', cardNo: '880000000002', paidFen: 5_000 });
    const again = await ledger.recharge(f.system, { idempotencyKey: 'rc-2', cardNo: '880000000002', paidFen: 5_000 });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await ledger.balanceOf(f.merchantId, '880000000002')).toEqual({ principalFen: 5_000, bonusFen: 0 });
    expect(await codeOf(ledger.recharge(f.system, { idempotencyKey: 'rc-2', cardNo: '880000000002', paidFen: 6_000 }))).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('manager adjustment needs a reason and cannot make a balance negative', async () => {
    const { ledger } = fx.services;
    await memberWithCard(fx.services, f, { phone: '13800000003', cardNo: '880000000003' });
    expect(await codeOf(ledger.adjust(f.system, { idempotencyKey: 'adj-0', cardNo: '880000000003', principalDeltaFen: 100, bonusDeltaFen: 0, reason: ' ' }))).toBe('VALIDATION');
    const up = await ledger.adjust(f.system, { idempotencyKey: 'adj-1', cardNo: '880000000003', principalDeltaFen: 1_000, bonusDeltaFen: 200, reason: '系统故障补偿' });
    expect(up.balance).toEqual({ principalFen: 1_000, bonusFen: 200 });
    expect(await codeOf(ledger.adjust(f.system, { idempotencyKey: 'adj-2', cardNo: '880000000003', principalDeltaFen: -1_001, bonusDeltaFen: 0, reason: '冲正' }))).toBe('INSUFFICIENT_BALANCE');
    const down = await ledger.adjust(f.system, { idempotencyKey: 'adj-3', cardNo: '880000000003', principalDeltaFen: -400, bonusDeltaFen: -200, reason: '冲正' });
    expect(down.balance).toEqual({ principalFen: 600, bonusFen: 0 });
  });

  it('linked cards share the main card; subsidiary cards of one family transfer between each other', async () => {
    const { ledger, cards } = fx.services;
    const { member } = await memberWithCard(fx.services, f, { phone: '13800000004', cardNo: '880000000004' });
    await cards.issueCard(f.system, { memberId: member.id, cardTypeId: f.linkedType, cardNo: '880000000005', mainCardNo: '880000000004' });
    await cards.issueCard(f.system, { memberId: member.id, cardTypeId: f.subsidiaryType, cardNo: '880000000006', mainCardNo: '880000000004' });
    await ledger.recharge(f.system, { idempotencyKey: 'rc-4', cardNo: '880000000004', paidFen: 30_000, planId: f.planId });
    // The linked card spends the main card's stored value.
    await ledger.spend(f.system, { idempotencyKey: 'sp-4', cardNo: '880000000005', amountFen: 3_300, order: 'proportional' });
    expect(await ledger.balanceOf(f.merchantId, '880000000004')).toEqual({ principalFen: 27_000, bonusFen: 2_700 });
    const t = await ledger.transfer(f.system, { idempotencyKey: 'tr-4', fromCardNo: '880000000004', toCardNo: '880000000006', amountFen: 11_000 });
    expect([t.principalFen, t.bonusFen]).toEqual([10_000, 1_000]);
    expect(await ledger.balanceOf(f.merchantId, '880000000006')).toEqual({ principalFen: 10_000, bonusFen: 1_000 });
    // Sharing the same accounts, or belonging to another family, is not a transfer.
    expect(await codeOf(ledger.transfer(f.system, { idempotencyKey: 'tr-5', fromCardNo: '880000000004', toCardNo: '880000000005', amountFen: 1 }))).toBe('NOT_LINKED');
    expect(await codeOf(ledger.transfer(f.system, { idempotencyKey: 'tr-6', fromCardNo: '880000000004', toCardNo: '880000000001', amountFen: 1 }))).toBe('NOT_LINKED');
  });

  it('points: lots earned, spent first-expiring-first, expired by lot once', async () => {
    const { ledger } = fx.services;
    const { member } = await memberWithCard(fx.services, f, { phone: '13800000007', cardNo: '880000000007' });
    const a = await ledger.earnPoints(f.system, { idempotencyKey: 'pe-1', memberId: member.id, points: 100, expiresOn: '2026-06-30' });
    const b = await ledger.earnPoints(f.system, { idempotencyKey: 'pe-2', memberId: member.id, points: 50, expiresOn: '2026-03-31' });
    await ledger.earnPoints(f.system, { idempotencyKey: 'pe-3', memberId: member.id, points: 30, expiresOn: null });
    const spent = await ledger.spendPoints(f.system, { idempotencyKey: 'ps-1', memberId: member.id, points: 70, today: '2026-03-01' });
    expect(spent.consumed).toEqual([{ lotId: b.lotId, points: 50 }, { lotId: a.lotId, points: 20 }]);
    expect(spent.pointsBalance).toBe(110);
    expect(await codeOf(ledger.spendPoints(f.system, { idempotencyKey: 'ps-2', memberId: member.id, points: 31, today: '2026-07-01' }))).toBe('INSUFFICIENT_POINTS');
    expect(await ledger.expirePoints(f.system, '2026-07-01')).toEqual({ lotsExpired: 1, pointsExpired: 80 });
    expect(await ledger.expirePoints(f.system, '2026-07-01')).toEqual({ lotsExpired: 0, pointsExpired: 0 });
    expect(await ledger.pointsOf(f.merchantId, member.id)).toBe(30);
  });

  it('spends in the order of the active rule set (principal first by default), or as the till split it', async () => {
    const { ledger, ruleSets } = fx.services;
    await memberWithCard(fx.services, f, { phone: '13800000010', cardNo: '880000000010' });
    await ledger.recharge(f.system, { idempotencyKey: 'rc-10', cardNo: '880000000010', paidFen: 30_000, planId: f.planId });
    expect(await ledger.spend(f.system, { idempotencyKey: 'sp-10a', cardNo: '880000000010', amountFen: 1_000 })).toMatchObject({ principalFen: 1_000, bonusFen: 0 });
    const draft = await ruleSets.createDraft(f.system, { name: 'bonus first', content: { settings: { storedValueOrder: 'bonusFirst' } } });
    await ruleSets.publish(f.system, draft.id);
    expect(await ledger.spend(f.system, { idempotencyKey: 'sp-10b', cardNo: '880000000010', amountFen: 4_000 })).toMatchObject({ principalFen: 1_000, bonusFen: 3_000, balance: { principalFen: 28_000, bonusFen: 0 } });
    const asked = await ledger.spend(f.system, { idempotencyKey: 'sp-10c', cardNo: '880000000010', amountFen: 500, split: { principalFen: 200, bonusFen: 300 }, allowOverdraft: true });
    expect(asked).toMatchObject({ principalFen: 500, bonusFen: 0, shortfallFen: 0 });
    expect(await codeOf(ledger.spend(f.system, { idempotencyKey: 'sp-10d', cardNo: '880000000010', amountFen: 500, split: { principalFen: 200, bonusFen: 200 } }))).toBe('VALIDATION');
  });

  it('operations joined to one transaction commit or roll back together', async () => {
    const { ledger } = fx.services;
    await memberWithCard(fx.services, f, { phone: '13800000011', cardNo: '880000000011' });
    const both = (spendFen: number) =>
      inTransaction(fx.gdb, async (trx) => {
        const l = ledger.withTransaction(trx);
        await l.recharge(f.system, { idempotencyKey: 'tx-rc', cardNo: '880000000011', paidFen: 2_000 });
        return l.spend(f.system, { idempotencyKey: 'tx-sp', cardNo: '880000000011', amountFen: spendFen });
      });
    expect(await codeOf(both(2_001))).toBe('INSUFFICIENT_BALANCE');
    expect(await ledger.balanceOf(f.merchantId, '880000000011')).toEqual({ principalFen: 0, bonusFen: 0 });
    const keys = await fx.gdb.db.selectFrom('ledger_transactions').select('id').where('merchant_id', '=', f.merchantId).where('idempotency_key', 'in', ['tx-rc', 'tx-sp']).execute();
    expect(keys).toEqual([]);
    expect((await both(1_500)).balance).toEqual({ principalFen: 500, bonusFen: 0 });
  });

  it('an overdrawing spend with allowOverdraft posts the shortfall through the overdraft account', async () => {
    const { ledger } = fx.services;
    await memberWithCard(fx.services, f, { phone: '13800000008', cardNo: '880000000008' });
    await ledger.recharge(f.system, { idempotencyKey: 'rc-8', cardNo: '880000000008', paidFen: 1_000 });
    const s = await ledger.spend(f.system, { idempotencyKey: 'sp-8', cardNo: '880000000008', amountFen: 1_500, allowOverdraft: true });
    expect(s).toMatchObject({ principalFen: 1_000, bonusFen: 0, shortfallFen: 500, balance: { principalFen: 0, bonusFen: 0 } });
    const overdraft = await fx.gdb.db.selectFrom('accounts').select('balance').where('merchant_id', '=', f.merchantId).where('kind', '=', 'sv_overdraft').executeTakeFirstOrThrow();
    expect(Number(overdraft.balance)).toBe(-500);
  });

  it('50 parallel spends of 1,000 fen against 30,000 fen: exactly 30 succeed, balance 0, nothing lost or doubled', async () => {
    const { ledger } = fx.services;
    const { card } = await memberWithCard(fx.services, f, { phone: '13800000009', cardNo: '880000000009' });
    await ledger.rechargeExplicit(f.system, { idempotencyKey: 'rc-9', cardNo: '880000000009', principalFen: 30_000, bonusFen: 0 });
    const spendAll = () =>
      Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => ledger.spend(f.system, { idempotencyKey: `race-${i}`, cardNo: '880000000009', amountFen: 1_000 })),
      );
    const results = await spendAll();
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as GatewayError).code);
    expect(ok.length).toBe(30);
    // Each success saw the balance its predecessor left: the reported balances are 29,000 … 0, once each.
    const after = ok.map((r) => (r.status === 'fulfilled' ? r.value.balance.principalFen : -1)).sort((a, b) => a - b);
    expect(after).toEqual(Array.from({ length: 30 }, (_, i) => i * 1_000));
    expect(refused).toEqual(Array.from({ length: 20 }, () => 'INSUFFICIENT_BALANCE'));
    expect(await ledger.balanceOf(f.merchantId, '880000000009')).toEqual({ principalFen: 0, bonusFen: 0 });
    // The same 50 requests again, all at once: the 30 applied ones replay, nothing is applied twice.
    const retried = await spendAll();
    expect(retried.filter((r) => r.status === 'fulfilled' && r.value.replayed).length).toBe(30);
    const spends = await fx.gdb.db.selectFrom('ledger_transactions').select('id').where('merchant_id', '=', f.merchantId).where('card_id', '=', card.id).where('kind', '=', 'spend').execute();
    expect(spends.length).toBe(30);
    const postings = await fx.gdb.db.selectFrom('postings').select(['amount']).where('merchant_id', '=', f.merchantId).where('transaction_id', 'in', spends.map((s) => s.id)).execute();
    expect(postings.map((p) => Number(p.amount))).toEqual(Array.from({ length: 30 }, () => 1_000));
  });

  it('ledger check: postings per account equal balances, debits equal credits; a tampered balance is reported', async () => {
    const report = await checkLedger(fx.gdb, f.merchantId);
    expect(report.ok).toBe(true);
    expect(report.balanceMismatches).toEqual([]);
    expect(report.unbalanced).toEqual([]);
    const account = await fx.gdb.db.selectFrom('accounts').select(['id', 'balance']).where('merchant_id', '=', f.merchantId).where('kind', '=', 'card_principal').orderBy('id').executeTakeFirstOrThrow();
    await fx.gdb.db.updateTable('accounts').set({ balance: Number(account.balance) + 1 }).where('merchant_id', '=', f.merchantId).where('id', '=', account.id).execute();
    const broken = await checkLedger(fx.gdb, f.merchantId);
    expect(broken.ok).toBe(false);
    expect(broken.balanceMismatches).toEqual([{ merchantId: f.merchantId, accountId: account.id, storedBalance: Number(account.balance) + 1, postedBalance: Number(account.balance) }]);
    expect(broken.unbalanced).toEqual([{ merchantId: f.merchantId, unit: 'fen', sum: 1 }]);
    await fx.gdb.db.updateTable('accounts').set({ balance: Number(account.balance) }).where('merchant_id', '=', f.merchantId).where('id', '=', account.id).execute();
  });
});
