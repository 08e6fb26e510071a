// A merchant with three stores, four members, two cards, points, tiers and a handful of sales facts
// written straight into `sales` / `sale_lines` (the event applier's own test covers how they get
// there), so every report figure in test/reports can be computed by hand from this file.
import type { Services } from '../../gateway/src/services.js';
import { salesDb, type SaleFactTable, type SaleLineFactTable } from '../../gateway/src/sales/index.js';
import { login, type Client } from '../gateway/http-harness.js';
import { seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';

export const PASSWORD = 'reports-password-1';

export interface ReportWorld {
  merchant: MerchantFixture;
  members: { m1: string; m2: string; m3: string; m4: string };
  clients: { hq: Client; region: Client; manager: Client; cashier: Client };
}

type LineSpec = [sku: string, name: string, quantityMilli: number, grossFen: number, netFen: number];

/** Sale ids are 26 characters like the ULIDs the tills make. */
export const saleId = (n: number) => `01JSALE${String(n).padStart(19, '0')}`;

export async function seedReportWorld(s: Services, client: Client, code: string): Promise<ReportWorld> {
  const merchant = await seedMerchant(s, code);
  const sys = merchant.system;
  const draft = await s.ruleSets.createDraft(sys, {
    name: 'tiers',
    content: {
      tiers: [
        { tierId: 'gold', name: { zh: '金卡', en: 'Gold' }, growthThreshold: 1000 },
        { tierId: 'silver', name: { zh: '银卡', en: 'Silver' }, growthThreshold: 100 },
      ],
      points: { pointsCash: { enabled: true, pointsPerYuan: 100 } },
      rechargePlans: [{ planId: merchant.planId, name: { zh: '充300送30', en: 'Pay 300 get 30' }, steps: [{ minPaidFen: 30_000, bonusFen: 3_000 }] }],
    },
  });
  await s.ruleSets.publish(sys, draft.id);

  const m1 = await s.members.createMember(sys, { name: '张一', phone: '13800000001', storeId: merchant.storeA1 });
  const m2 = await s.members.createMember(sys, { name: '李二', phone: '13800000002', storeId: merchant.storeA2 });
  const m3 = await s.members.createMember(sys, { name: '王三', phone: '13800000003', storeId: merchant.storeB1 });
  const m4 = await s.members.createMember(sys, { name: '赵四', phone: '13800000004', storeId: merchant.storeA1 });
  await s.cards.issueCard(sys, { memberId: m1.id, cardTypeId: merchant.personalType, cardNo: '6200000000000101' });
  await s.cards.issueCard(sys, { memberId: m2.id, cardTypeId: merchant.personalType, cardNo: '6200000000000102' });
  await s.ledger.recharge(sys, { idempotencyKey: 'r1', cardNo: '6200000000000101', paidFen: 30_000 });
  await s.ledger.recharge(sys, { idempotencyKey: 'r2', cardNo: '6200000000000102', paidFen: 10_000 });
  await s.ledger.earnPoints(sys, { idempotencyKey: 'p1', memberId: m1.id, points: 500, expiresOn: null });
  await s.ledger.earnPoints(sys, { idempotencyKey: 'p2', memberId: m2.id, points: 120, expiresOn: null });
  await s.growth.addGrowth(sys, { idempotencyKey: 'g1', memberId: m1.id, delta: 1500, source: 'adjustment' });
  await s.growth.addGrowth(sys, { idempotencyKey: 'g2', memberId: m2.id, delta: 200, source: 'adjustment' });
  await s.growth.addGrowth(sys, { idempotencyKey: 'g4', memberId: m4.id, delta: 50, source: 'adjustment' });

  const { storeA1: A1, storeA2: A2, storeB1: B1 } = merchant;
  const till = await s.hierarchy.createTerminal(sys, { storeId: A1, name: 'till' });
  const facts: { sale: SaleFactTable; lines: SaleLineFactTable[] }[] = [];
  const sale = (n: number, storeId: string, date: string, hour: number, memberId: string | null, gross: number, discount: number, paid: number, lines: LineSpec[]) =>
    facts.push({
      sale: {
        merchant_id: merchant.merchantId, id: saleId(n), kind: 'sale', event_id: saleId(n).replace('SALE', 'EVNT'), store_id: storeId, terminal_id: till.id,
        member_id: memberId, receipt_no: `R-${n}`, refunded_sale_id: null, occurred_at: Date.parse(`${date}T00:00:00Z`) + n, business_date: date, local_hour: hour,
        gross_fen: gross, discount_fen: discount, amount_fen: paid, points_earned: 0, points_spent: 0, coupon_count: 0, offline: 0, pump_transaction_id: null,
      },
      lines: lines.map(([sku, name, quantity_milli, gross_fen, net_fen], i) => ({
        merchant_id: merchant.merchantId, sale_id: saleId(n), line_no: i + 1, store_id: storeId, business_date: date, member_id: memberId, sku, name, quantity_milli, gross_fen, net_fen,
      })),
    });
  sale(1, A1, '2026-11-01', 9, m1.id, 10_000, 1_000, 9_000, [['MILK', '鲜牛奶', 2000, 5000, 4500], ['BREAD', '面包', 1000, 5000, 4500]]);
  sale(2, A1, '2026-11-01', 18, null, 3_000, 0, 3_000, [['MILK', '鲜牛奶', 1000, 2500, 2500], ['GUM', '口香糖', 1000, 500, 500]]);
  sale(3, A2, '2026-11-02', 9, m2.id, 20_000, 2_000, 18_000, [['OIL', '食用油', 5000, 20000, 18000]]);
  sale(4, B1, '2026-11-03', 12, null, 1_500, 0, 1_500, [['BREAD', '面包', 1000, 1500, 1500]]);
  sale(5, A1, '2026-11-03', 9, m1.id, 6_000, 500, 5_500, [['MILK', '鲜牛奶', 3000, 6000, 5500]]);
  // Outside 2026-11-01..03: they must not count.
  sale(6, A1, '2026-10-31', 9, m1.id, 99_999, 0, 99_999, [['MILK', '鲜牛奶', 9000, 99999, 99999]]);
  sale(7, B1, '2026-11-04', 23, m2.id, 88_888, 0, 88_888, [['OIL', '食用油', 9000, 88888, 88888]]);
  const db = salesDb(s.gdb);
  for (const f of facts) {
    await db.insertInto('sales').values(f.sale).execute();
    await db.insertInto('sale_lines').values(f.lines).execute();
  }
  // Half of sale 1 back the next day, at store A1, at 10 o'clock.
  await db.insertInto('sales').values({ ...facts[0]!.sale, id: saleId(101), kind: 'refund', event_id: saleId(101).replace('SALE', 'EVNT'), receipt_no: 'R-1', refunded_sale_id: saleId(1), business_date: '2026-11-02', local_hour: 10, gross_fen: 4500, discount_fen: 0, amount_fen: 4500 }).execute();
  // Another merchant's sale on the same day: never visible here.
  await db.insertInto('sales').values({ ...facts[0]!.sale, merchant_id: 'OTHER-MERCHANT', id: saleId(999) }).execute();

  await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'HQ', password: PASSWORD, role: 'hq_admin' });
  await s.hierarchy.createStaff(sys, { username: 'region', displayName: '华东经理', password: PASSWORD, role: 'region_manager', regionId: merchant.regionA });
  await s.hierarchy.createStaff(sys, { username: 'manager', displayName: '一店店长', password: PASSWORD, role: 'store_manager', storeId: A1 });
  await s.hierarchy.createStaff(sys, { username: 'cashier', displayName: '一店收银', password: PASSWORD, role: 'cashier', storeId: A1 });
  return {
    merchant,
    members: { m1: m1.id, m2: m2.id, m3: m3.id, m4: m4.id },
    clients: {
      hq: await login(client, code, 'hq', PASSWORD),
      region: await login(client, code, 'region', PASSWORD),
      manager: await login(client, code, 'manager', PASSWORD),
      cashier: await login(client, code, 'cashier', PASSWORD),
    },
  };
}
