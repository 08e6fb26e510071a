// Referral rewards on SQLite and PostgreSQL: the referrer earns the rule set's referral points when
// the referred member's first sale is applied, exactly once, even when several first sales of the
// same member are applied at the same moment (three tills, three connections on PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketingDb } from '../../gateway/src/marketing/index.js';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { REFERRER_POINTS, fixedUlid, seedMarketing, type MarketingFixture } from './marketing-fixtures.js';
import { cashSale, type Till } from './sale-events.js';

describe.each(DIALECTS)('referral rewards on %s', (dialect) => {
  let fx: ServiceFixture;
  let f: MarketingFixture;
  let applier: SyncEventApplier;
  let tills: Till[];
  let referrer: string;

  beforeAll(async () => {
    fx = await openServices(dialect);
    f = await seedMarketing(fx.services, 'RF');
    referrer = f.memberIds[0]!;
    tills = [];
    for (const name of ['till 1', 'till 2', 'till 3']) {
      const t = await fx.services.hierarchy.createTerminal(f.system, { storeId: f.storeA1, name });
      tills.push({ merchantId: f.merchantId, storeId: f.storeA1, terminalId: t.id });
    }
    applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
  });
  afterAll(async () => fx?.close());

  const pointsOf = async (memberId: string) => {
    const row = await marketingDb(fx.gdb).selectFrom('accounts').select('balance').where('merchant_id', '=', f.merchantId).where('kind', '=', 'member_points').where('owner_id', '=', memberId).executeTakeFirst();
    return Number(row?.balance ?? 0);
  };
  const referralEntries = async (memberId: string) =>
    (await marketingDb(fx.gdb).selectFrom('ledger_transactions').select(['member_id', 'amount', 'kind']).where('merchant_id', '=', f.merchantId).where('idempotency_key', '=', `referral:${memberId}`).execute()).map((r) => ({ ...r, amount: Number(r.amount) }));
  let phones = 0;
  const referred = (label: string, referrerId: string | null) =>
    fx.services.members.createMember(f.system, { memberId: fixedUlid(label), name: label, phone: `1390000${String(1000 + ++phones)}`, storeId: f.storeA1, referrerId });

  it('pays the referrer on the first sale only', async () => {
    const m = await referred('n1', referrer);
    await applier.apply(tills[0]!, 'saleCommitted', cashSale(tills[0]!, 'n1-first', m.id, 5_000));
    expect(await pointsOf(referrer)).toBe(REFERRER_POINTS);
    await applier.apply(tills[0]!, 'saleCommitted', cashSale(tills[0]!, 'n1-second', m.id, 6_000));
    expect(await pointsOf(referrer)).toBe(REFERRER_POINTS);
    expect(await referralEntries(m.id)).toEqual([{ member_id: referrer, amount: REFERRER_POINTS, kind: 'points_earn' }]);
    // The referred member earns nothing by it.
    expect(await pointsOf(m.id)).toBe(0);
  });

  it('pays exactly once when three first sales of the same member are applied at once', async () => {
    const m = await referred('n2', referrer);
    const outcomes = await Promise.all(tills.map((till, i) => applier.apply(till, 'saleCommitted', cashSale(till, `n2-${i}`, m.id, 1_000 * (i + 1)))));
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(await referralEntries(m.id)).toEqual([{ member_id: referrer, amount: REFERRER_POINTS, kind: 'points_earn' }]);
    expect(await pointsOf(referrer)).toBe(2 * REFERRER_POINTS);
    const sales = await marketingDb(fx.gdb).selectFrom('sales').select('id').where('member_id', '=', m.id).execute();
    expect(sales).toHaveLength(3);
  });

  it('pays once when the first and second sales of a member are in one batch (the batch path)', async () => {
    // Another referrer, so the totals of the tests around stay as they are.
    const otherReferrer = f.memberIds[1]!;
    const before = await pointsOf(otherReferrer);
    const m = await referred('n5', otherReferrer);
    const events = ['n5-first', 'n5-second'].map((label, i) => ({ type: 'saleCommitted' as const, body: cashSale(tills[0]!, label, m.id, 1_000 * (i + 1)) }));
    expect(await applier.applyBatch(tills[0]!, events)).toEqual(['applied', 'applied']);
    expect(await referralEntries(m.id)).toEqual([{ member_id: otherReferrer, amount: REFERRER_POINTS, kind: 'points_earn' }]);
    expect(await pointsOf(otherReferrer)).toBe(before + REFERRER_POINTS);
  });

  it('pays nothing for a member without a referrer, or when the rule set has no referral reward', async () => {
    const alone = await referred('n3', null);
    await applier.apply(tills[0]!, 'saleCommitted', cashSale(tills[0]!, 'n3-first', alone.id, 5_000));
    expect(await pointsOf(referrer)).toBe(2 * REFERRER_POINTS);
    const draft = await fx.services.ruleSets.createDraft(f.system, { name: 'no referral', content: {} });
    await fx.services.ruleSets.publish(f.system, draft.id);
    const m = await referred('n4', referrer);
    await applier.apply(tills[0]!, 'saleCommitted', cashSale(tills[0]!, 'n4-first', m.id, 5_000));
    expect(await pointsOf(referrer)).toBe(2 * REFERRER_POINTS);
    expect(await referralEntries(m.id)).toEqual([]);
  });
});
