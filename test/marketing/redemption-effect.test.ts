// Coupons redeemed by synced sales, and the campaign effect report, on SQLite and PostgreSQL.
// Sales go through the real event applier (one transaction per event); the report's figures are
// computed by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHeldOut, marketingDb } from '../../gateway/src/marketing/index.js';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { fixedUlid, seedMarketing, type MarketingFixture } from './marketing-fixtures.js';
import { cashRefund, cashSale, type Till } from './sale-events.js';

describe.each(DIALECTS)('coupon redemption and campaign effect on %s', (dialect) => {
  let fx: ServiceFixture;
  let f: MarketingFixture;
  let applier: SyncEventApplier;
  let till1: Till;
  let till2: Till;
  const campaignId = fixedUlid('campaign-vip');
  let target: string[];
  let holdout: string[];
  const code = (memberId: string) => `C10:${campaignId.slice(16)}${memberId}`;

  beforeAll(async () => {
    fx = await openServices(dialect);
    f = await seedMarketing(fx.services, 'MK');
    const t1 = await fx.services.hierarchy.createTerminal(f.system, { storeId: f.storeA1, name: 'till 1' });
    const t2 = await fx.services.hierarchy.createTerminal(f.system, { storeId: f.storeA1, name: 'till 2' });
    till1 = { merchantId: f.merchantId, storeId: f.storeA1, terminalId: t1.id };
    till2 = { merchantId: f.merchantId, storeId: f.storeA1, terminalId: t2.id };
    applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    await fx.services.campaigns.create(f.system, { campaignId, name: 'VIP 回馈', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 300 });
    await fx.services.campaigns.issue(f.system, campaignId);
    const vip = f.memberIds.filter((_, i) => i % 3 !== 0).sort();
    target = vip.filter((id) => !isHeldOut(campaignId, id, 300));
    holdout = vip.filter((id) => isHeldOut(campaignId, id, 300));
  });
  afterAll(async () => fx?.close());

  const coupon = (memberId: string) =>
    marketingDb(fx.gdb).selectFrom('member_coupons').select(['status', 'redeemed_sale_id', 'redeemed_at', 'redeemed_discount_fen']).where('code', '=', code(memberId)).executeTakeFirstOrThrow();

  it('a synced sale marks its coupon redeemed (status, sale, the sale time, discount), once however often it is delivered', async () => {
    expect([target.length, holdout.length]).toEqual([19, 7]);
    const sale = cashSale(till1, 't0', target[0]!, 12_000, [code(target[0]!)]);
    expect(await applier.apply(till1, 'saleCommitted', sale)).toBe('applied');
    expect(await applier.apply(till1, 'saleCommitted', sale)).toBe('duplicate');
    const c = await coupon(target[0]!);
    expect({ ...c, redeemed_at: Number(c.redeemed_at), redeemed_discount_fen: Number(c.redeemed_discount_fen) }).toEqual({
      status: 'redeemed',
      redeemed_sale_id: sale.saleId,
      redeemed_at: Date.parse('2026-03-10T12:00:00.000+08:00'),
      redeemed_discount_fen: 1_000,
    });
  });

  it('a refund does not restore the coupon', async () => {
    const sale = cashSale(till1, 't1', target[1]!, 20_000, [code(target[1]!)]);
    await applier.apply(till1, 'saleCommitted', sale);
    await applier.apply(till1, 'saleRefunded', cashRefund(till1, 't1-refund', sale, 5_000));
    expect((await coupon(target[1]!)).status).toBe('redeemed');
  });

  it('the same coupon redeemed offline on two tills: both sales stand, the second is flagged coupon_reuse', async () => {
    const first = cashSale(till1, 't3-a', target[3]!, 11_000, [code(target[3]!)]);
    const second = cashSale(till2, 't3-b', target[3]!, 13_000, [code(target[3]!)], '2026-03-10T12:05:00.000+08:00');
    expect(await applier.apply(till1, 'saleCommitted', first)).toBe('applied');
    expect(await applier.apply(till2, 'saleCommitted', second)).toBe('applied');
    expect((await coupon(target[3]!)).redeemed_sale_id).toBe(first.saleId);
    const flags = await marketingDb(fx.gdb).selectFrom('member_flags').select(['member_id', 'flag', 'event_id', 'amount', 'cleared_at']).where('merchant_id', '=', f.merchantId).execute();
    expect(flags.map((x) => ({ ...x, amount: Number(x.amount) }))).toEqual([{ member_id: target[3]!, flag: 'coupon_reuse', event_id: second.eventId, amount: 1_000, cleared_at: null }]);
    const sales = await marketingDb(fx.gdb).selectFrom('sales').select('id').where('id', 'in', [first.saleId, second.saleId]).execute();
    expect(sales).toHaveLength(2);
  });

  it('a code that is no member coupon is left alone', async () => {
    expect(await applier.apply(till1, 'saleCommitted', cashSale(till1, 'paper', f.memberIds[0]!, 3_000, ['PAPER-COUPON-1']))).toBe('applied');
  });

  it('reports issued, redeemed, revenue with the coupon, and target versus holdout over the window', async () => {
    await applier.apply(till1, 'saleCommitted', cashSale(till1, 't2', target[2]!, 8_000));
    await applier.apply(till1, 'saleCommitted', cashSale(till1, 'h0', holdout[0]!, 5_000));
    // Before the campaign window: not counted.
    await applier.apply(till1, 'saleCommitted', cashSale(till1, 'h1-early', holdout[1]!, 7_000, [], '2025-12-01T10:00:00.000+08:00'));
    const effect = await fx.services.campaigns.effect(f.system, campaignId);
    // target: 12,000 + (20,000 − 5,000) + 8,000 + 11,000 + 13,000 = 59,000 over 19 members = 3,105.26 → 3,105;
    // holdout: 5,000 over 7 = 714.29 → 714. Purchase rates 4/19 = 0.2105 and 1/7 = 0.1429.
    expect(effect).toEqual({
      campaignId,
      window: { from: '2025-12-31T16:00:00.000Z', until: '2026-12-31T16:00:00.000Z' },
      issued: 19,
      redeemed: 3,
      redemptionRate: 0.1579,
      couponDiscountFen: 3_000,
      ordersWithCoupon: 3,
      revenueWithCouponFen: 43_000,
      target: { members: 19, purchasers: 4, purchaseRate: 0.2105, revenueFen: 59_000, revenuePerMemberFen: 3_105 },
      holdout: { members: 7, purchasers: 1, purchaseRate: 0.1429, revenueFen: 5_000, revenuePerMemberFen: 714 },
      lift: { revenuePerMemberFen: 2_391, purchaseRate: 0.0676 },
    });
  });
});
