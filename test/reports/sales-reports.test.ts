// The sales, product, member-share, ticket, liability and tier reports over HTTP on SQLite and
// PostgreSQL: exact figures from the fixture (report-fixture.ts, computed by hand), the actor's store
// scope, the store filter, and the 4xx answers to bad ranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../gateway/harness.js';
import { startTestGateway, type TestGateway } from '../gateway/http-harness.js';
import { seedReportWorld, type ReportWorld } from './report-fixture.js';

const RANGE = 'from=2026-11-01&to=2026-11-03';
const zeros = { sales: 0, grossFen: 0, discountFen: 0, paidFen: 0, refunds: 0, refundFen: 0, netFen: 0 };

describe.each(DIALECTS)('sales reports on %s', (dialect) => {
  let t: TestGateway;
  let w: ReportWorld;
  const code = `RP${dialect === 'sqlite' ? 'L' : 'P'}`;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    w = await seedReportWorld(t.gw.services, t.client, code);
  });
  afterAll(async () => t?.close());

  it('sales by store: every store in scope, refunds on their own store and day, totals', async () => {
    const r = await w.clients.hq.get(`/v1/reports/sales-by-store?${RANGE}`);
    expect(r.status).toBe(200);
    const { storeA1, storeA2, storeB1 } = w.merchant;
    expect(r.body.rows).toEqual([
      { storeId: storeA1, storeCode: `${code}-A1`, storeName: '上海一店', sales: 3, grossFen: 19_000, discountFen: 1_500, paidFen: 17_500, refunds: 1, refundFen: 4_500, netFen: 13_000 },
      { storeId: storeA2, storeCode: `${code}-A2`, storeName: '上海二店', sales: 1, grossFen: 20_000, discountFen: 2_000, paidFen: 18_000, refunds: 0, refundFen: 0, netFen: 18_000 },
      { storeId: storeB1, storeCode: `${code}-B1`, storeName: '广州一店', sales: 1, grossFen: 1_500, discountFen: 0, paidFen: 1_500, refunds: 0, refundFen: 0, netFen: 1_500 },
    ]);
    expect(r.body.totals).toEqual({ storeId: null, storeCode: null, storeName: '合计 / Total', sales: 5, grossFen: 40_500, discountFen: 3_500, paidFen: 37_000, refunds: 1, refundFen: 4_500, netFen: 32_500 });
    expect(r.body).toMatchObject({ report: 'sales-by-store', from: '2026-11-01', to: '2026-11-03', storeId: null, title: { zh: '门店销售', en: 'Sales by store' } });
    expect(r.body.columns.map((c: { key: string }) => c.key)).toEqual(['storeCode', 'storeName', 'sales', 'grossFen', 'discountFen', 'paidFen', 'refunds', 'refundFen', 'netFen']);
  });

  it('sales by day: one row per day of the range; by hour: 24 rows', async () => {
    const day = await w.clients.hq.get(`/v1/reports/sales-by-day?${RANGE}`);
    expect(day.body.rows).toEqual([
      { date: '2026-11-01', sales: 2, grossFen: 13_000, discountFen: 1_000, paidFen: 12_000, refunds: 0, refundFen: 0, netFen: 12_000 },
      { date: '2026-11-02', sales: 1, grossFen: 20_000, discountFen: 2_000, paidFen: 18_000, refunds: 1, refundFen: 4_500, netFen: 13_500 },
      { date: '2026-11-03', sales: 2, grossFen: 7_500, discountFen: 500, paidFen: 7_000, refunds: 0, refundFen: 0, netFen: 7_000 },
    ]);
    expect(day.body.totals.netFen).toBe(32_500);
    const hour = await w.clients.hq.get(`/v1/reports/sales-by-hour?${RANGE}`);
    expect(hour.body.rows).toHaveLength(24);
    const expected = Array.from({ length: 24 }, (_, h) => ({ hour: h, ...zeros }));
    expected[9] = { hour: 9, sales: 3, grossFen: 36_000, discountFen: 3_500, paidFen: 32_500, refunds: 0, refundFen: 0, netFen: 32_500 };
    expected[10] = { hour: 10, ...zeros, refunds: 1, refundFen: 4_500, netFen: -4_500 };
    expected[12] = { hour: 12, sales: 1, grossFen: 1_500, discountFen: 0, paidFen: 1_500, refunds: 0, refundFen: 0, netFen: 1_500 };
    expected[18] = { hour: 18, sales: 1, grossFen: 3_000, discountFen: 0, paidFen: 3_000, refunds: 0, refundFen: 0, netFen: 3_000 };
    expect(hour.body.rows).toEqual(expected);
  });

  it('top products by net and by quantity, limited', async () => {
    const byNet = await w.clients.hq.get(`/v1/reports/top-products?${RANGE}`);
    expect(byNet.body.rows).toEqual([
      { rank: 1, sku: 'OIL', name: '食用油', quantityMilli: 5000, sales: 1, grossFen: 20_000, netFen: 18_000 },
      { rank: 2, sku: 'MILK', name: '鲜牛奶', quantityMilli: 6000, sales: 3, grossFen: 13_500, netFen: 12_500 },
      { rank: 3, sku: 'BREAD', name: '面包', quantityMilli: 2000, sales: 2, grossFen: 6_500, netFen: 6_000 },
      { rank: 4, sku: 'GUM', name: '口香糖', quantityMilli: 1000, sales: 1, grossFen: 500, netFen: 500 },
    ]);
    const byQty = await w.clients.hq.get(`/v1/reports/top-products?${RANGE}&by=quantity&limit=2`);
    expect(byQty.body.rows.map((r: { sku: string; quantityMilli: number }) => [r.sku, r.quantityMilli])).toEqual([['MILK', 6000], ['OIL', 5000]]);
    expect(byQty.body.meta).toEqual({ by: 'quantity' });
    expect((await w.clients.hq.get(`/v1/reports/top-products?${RANGE}&limit=201`)).status).toBe(400);
  });

  it('member vs non-member share, average ticket rounded half up', async () => {
    const share = await w.clients.hq.get(`/v1/reports/member-share?${RANGE}`);
    expect(share.body.rows).toEqual([
      { segment: '会员 / Members', customers: 'member', sales: 3, salesSharePct: 60, paidFen: 32_500, refundFen: 4_500, netFen: 28_000, netSharePct: 86.15 },
      { segment: '非会员 / Non-members', customers: 'nonMember', sales: 2, salesSharePct: 40, paidFen: 4_500, refundFen: 0, netFen: 4_500, netSharePct: 13.85 },
    ]);
    const ticket = await w.clients.hq.get(`/v1/reports/average-ticket?${RANGE}`);
    const pick = (r: Record<string, unknown>) => [r.storeName, r.sales, r.paidFen, r.averageTicketFen, r.memberSales, r.memberAverageTicketFen, r.nonMemberSales, r.nonMemberAverageTicketFen];
    expect(ticket.body.rows.map(pick)).toEqual([
      ['上海一店', 3, 17_500, 5_833, 2, 7_250, 1, 3_000],
      ['上海二店', 1, 18_000, 18_000, 1, 18_000, 0, 0],
      ['广州一店', 1, 1_500, 1_500, 0, 0, 1, 1_500],
    ]);
    expect(pick(ticket.body.totals)).toEqual(['合计 / Total', 5, 37_000, 7_400, 3, 10_833, 2, 2_250]);
  });

  it('liability: points (valued at 100 points a yuan) and stored value principal + bonus per store', async () => {
    const r = await w.clients.hq.get('/v1/reports/liability');
    expect(r.status).toBe(200);
    const pick = (x: Record<string, unknown>) => [x.storeName, x.points, x.pointsValueFen, x.principalFen, x.bonusFen, x.storedValueFen];
    expect(r.body.rows.map(pick)).toEqual([
      ['上海一店', 500, 500, 30_000, 3_000, 33_000],
      ['上海二店', 120, 120, 10_000, 0, 10_000],
      ['广州一店', 0, 0, 0, 0, 0],
    ]);
    expect(pick(r.body.totals)).toEqual(['合计 / Total', 620, 620, 40_000, 3_000, 43_000]);
    // The placeholder summary agrees on the merchant-wide figures.
    expect((await w.clients.hq.get('/v1/reports/summary')).body).toMatchObject({ storedValue: { principalFen: 40_000, bonusFen: 3_000 }, pointsOutstanding: 620 });
  });

  it('tier distribution in rule-set order by threshold, then no tier', async () => {
    const r = await w.clients.hq.get('/v1/reports/tier-distribution');
    expect(r.body.rows).toEqual([
      { tierId: 'silver', tierName: '银卡 / Silver', members: 1, sharePct: 25, averageGrowth: 200 },
      { tierId: 'gold', tierName: '金卡 / Gold', members: 1, sharePct: 25, averageGrowth: 1500 },
      { tierId: null, tierName: '无等级 / No tier', members: 2, sharePct: 50, averageGrowth: 25 },
    ]);
    expect(r.body.totals.members).toBe(4);
    const a1 = await w.clients.manager.get('/v1/reports/tier-distribution');
    expect(a1.body.rows.map((x: { members: number }) => x.members)).toEqual([0, 1, 1]);
  });

  it("follows the actor's scope and the store filter; a store outside the scope is not found", async () => {
    const names = async (c: typeof w.clients.hq, q = '') => (await c.get(`/v1/reports/sales-by-store?${RANGE}${q}`)).body.rows.map((r: { storeName: string }) => r.storeName);
    expect(await names(w.clients.region)).toEqual(['上海一店', '上海二店']);
    expect(await names(w.clients.manager)).toEqual(['上海一店']);
    expect(await names(w.clients.hq, `&storeId=${w.merchant.storeA2}`)).toEqual(['上海二店']);
    const byDay = await w.clients.manager.get(`/v1/reports/sales-by-day?${RANGE}`);
    expect(byDay.body.totals).toMatchObject({ sales: 3, paidFen: 17_500, refundFen: 4_500, netFen: 13_000 });
    const outside = await w.clients.manager.get(`/v1/reports/sales-by-day?${RANGE}&storeId=${w.merchant.storeB1}`);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('NOT_FOUND');
    expect((await w.clients.hq.get(`/v1/reports/sales-by-day?${RANGE}&storeId=01JZZZZZZZZZZZZZZZZZZZZZZZ`)).status).toBe(404);
    const liability = await w.clients.region.get('/v1/reports/liability');
    expect(liability.body.totals).toMatchObject({ points: 620, principalFen: 40_000, bonusFen: 3_000 });
    // Charts and JSON for every role in scope; files need the export permission (as /v1/exports/*).
    expect((await w.clients.cashier.get(`/v1/reports/sales-by-store?${RANGE}`)).body.rows).toHaveLength(1);
    expect((await w.clients.cashier.get(`/v1/reports/sales-by-store.csv?${RANGE}`)).status).toBe(403);
    expect((await w.clients.cashier.get(`/v1/reports/sales-by-store?${RANGE}&format=xlsx`)).status).toBe(403);
  });

  it.each([
    ['to before from', 'from=2026-11-03&to=2026-11-01', 'query.to'],
    ['not a calendar day', 'from=2026-02-30&to=2026-03-01', 'query.from'],
    ['more than 366 days', 'from=2025-01-01&to=2026-01-02', 'query.to'],
    ['no from', 'to=2026-11-01', 'query.from'],
    ['no to', 'from=2026-11-01', 'query.to'],
    ['not a date', 'from=yesterday&to=2026-11-01', 'query.from'],
  ])('a bad range is 400 VALIDATION naming the field: %s', async (_name, q, field) => {
    const r = await w.clients.hq.get(`/v1/reports/sales-by-day?${q}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', field });
  });

  it('a range of exactly 366 days is accepted; a snapshot report refuses a range', async () => {
    const r = await w.clients.hq.get('/v1/reports/sales-by-day?from=2026-01-01&to=2027-01-01');
    expect(r.status).toBe(200);
    expect(r.body.rows).toHaveLength(366);
    expect(r.body.totals.sales).toBe(7);
    const snap = await w.clients.hq.get('/v1/reports/liability?from=2026-11-01&to=2026-11-03');
    expect(snap.status).toBe(400);
    expect(snap.body.error.field).toBe('query.from');
    expect((await w.clients.hq.get('/v1/reports/no-such-report')).status).toBe(404);
  });

  it('every report is in the OpenAPI document: JSON, CSV, XLSX, SVG and PNG', async () => {
    const doc = (await t.client.get('/openapi.json')).body;
    const names = ['sales-by-store', 'sales-by-day', 'sales-by-hour', 'top-products', 'member-share', 'average-ticket', 'liability', 'tier-distribution', 'coupon-redemption', 'rfm-segments', 'rfm-movement', 'clv'];
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/reports/') && p !== '/v1/reports/summary');
    expect(paths.sort()).toEqual(names.flatMap((n) => [`/v1/reports/${n}`, `/v1/reports/${n}.csv`, `/v1/reports/${n}.xlsx`, `/v1/reports/${n}/chart.svg`, `/v1/reports/${n}/chart.png`]).sort());
    const params = doc.paths['/v1/reports/top-products'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['from', 'to', 'storeId', 'by', 'limit', 'format']);
    expect(doc.paths['/v1/reports/sales-by-day'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Report');
  });
});
