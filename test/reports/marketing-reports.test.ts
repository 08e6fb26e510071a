// Coupon redemption (from member_coupons) and RFM segment sizes and movement (from member_rfm) on
// SQLite and PostgreSQL, with rows written into those tables by hand so every figure is known:
// cohort and activity views of coupons on the merchant's calendar (UTC+8), segments per period,
// movement between two periods, and the actor's store scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsDb, type MemberRfmTable } from '../../gateway/src/jobs/jobs-tables.js';
import { marketingDb, type MemberCouponTable } from '../../gateway/src/marketing/marketing-tables.js';
import { DIALECTS } from '../gateway/harness.js';
import { startTestGateway, type TestGateway } from '../gateway/http-harness.js';
import { saleId, seedReportWorld, type ReportWorld } from './report-fixture.js';

const RANGE = 'from=2026-11-01&to=2026-11-03';
const CAMPAIGN = '01JCAMPA1GN000000000000001';
const at = (iso: string) => Date.parse(iso);

describe.each(DIALECTS)('coupon and RFM reports on %s', (dialect) => {
  let t: TestGateway;
  let w: ReportWorld;
  const code = `MK${dialect === 'sqlite' ? 'L' : 'P'}`;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    // 'Now' is after the range, so a coupon still issued past its end counts as expired.
    t.clock.now = at('2026-11-10T00:00:00Z');
    w = await seedReportWorld(t.gw.services, t.client, code);
    const merchantId = w.merchant.merchantId;
    const { m1, m2, m3, m4 } = w.members;
    const db = marketingDb(t.gw.services.gdb);
    await db.insertInto('coupon_campaigns').values({
      merchant_id: merchantId, id: CAMPAIGN, name: '双十一满减', definition_id: 'D-10OFF', definition: '{}', rule_set_version: 2, target_kind: 'list', target: '{}',
      region_id: null, store_id: null, holdout_per_mille: 0, valid_from: at('2026-10-20T00:00:00Z'), valid_until: at('2026-12-31T00:00:00Z'), notify: 0, status: 'issued',
      targeted_at: null, issued_at: null, target_count: 0, holdout_count: 0, issued_count: 0, created_by: null, created_at: at('2026-10-20T00:00:00Z'), updated_at: at('2026-10-20T00:00:00Z'),
    }).execute();
    let n = 0;
    const coupon = (memberId: string, campaign: string | null, definitionId: string, issuedAt: string, status: MemberCouponTable['status'], validUntil: string, redeemed?: [sale: number, at: string, discountFen: number]): MemberCouponTable => {
      n++;
      return {
        merchant_id: merchantId, id: `CPN-${n}`, code: `CODE-${n}`, campaign_id: campaign, definition_id: definitionId, member_id: memberId, status,
        issued_at: at(issuedAt), valid_from: at(issuedAt), valid_until: at(validUntil), redeemed_sale_id: redeemed ? saleId(redeemed[0]) : null,
        redeemed_at: redeemed ? at(redeemed[1]) : null, redeemed_discount_fen: redeemed ? redeemed[2] : null, notified_at: null, idempotency_key: `k-${n}`, updated_at: at(issuedAt),
      };
    };
    await db.insertInto('member_coupons').values([
      // Two coupons of the campaign on one order (sale 1 at A1): one order, two redemptions.
      coupon(m1, CAMPAIGN, 'D-10OFF', '2026-11-01T02:00:00Z', 'redeemed', '2026-11-30T00:00:00Z', [1, '2026-11-01T03:00:00Z', 1000]),
      coupon(m1, CAMPAIGN, 'D-10OFF', '2026-11-01T02:00:00Z', 'redeemed', '2026-11-30T00:00:00Z', [1, '2026-11-01T03:00:00Z', 500]),
      coupon(m2, CAMPAIGN, 'D-10OFF', '2026-11-02T01:00:00Z', 'redeemed', '2026-11-30T00:00:00Z', [3, '2026-11-02T02:00:00Z', 2000]),
      // Still 'issued' but past its end: expired.
      coupon(m3, CAMPAIGN, 'D-10OFF', '2026-11-02T01:00:00Z', 'issued', '2026-11-05T00:00:00Z'),
      // 23:59 on 11-03 in Shanghai is in the range; 00:00 on 11-04 is not.
      coupon(m4, CAMPAIGN, 'D-10OFF', '2026-11-03T15:59:00Z', 'void', '2026-11-30T00:00:00Z'),
      coupon(m4, CAMPAIGN, 'D-10OFF', '2026-11-03T16:00:00Z', 'issued', '2026-11-30T00:00:00Z'),
      // A birthday coupon issued alone at 00:00 on 11-01 Shanghai time, still open.
      coupon(m2, null, 'D-BDAY', '2026-10-31T16:00:00Z', 'issued', '2026-12-01T00:00:00Z'),
      // Issued before the range, redeemed in it (sale 5 at A1).
      coupon(m1, CAMPAIGN, 'D-10OFF', '2026-10-20T00:00:00Z', 'redeemed', '2026-11-30T00:00:00Z', [5, '2026-11-03T05:00:00Z', 300]),
    ]).execute();

    const rfm = (period: string, memberId: string, segment: string, r: number, f: number, m: number): MemberRfmTable => ({
      merchant_id: merchantId, period, member_id: memberId, recency_days: r, frequency: f, monetary_fen: m, r_score: 3, f_score: 3, m_score: 3, segment,
      frequency_this_period: f, frequency_previous_period: 0, computed_at: at('2026-12-01T00:00:00Z'),
    });
    await jobsDb(t.gw.services.gdb).insertInto('member_rfm').values([
      rfm('2026-10-31', m1, 'importantValue', 3, 5, 40_000),
      rfm('2026-10-31', m2, 'generalDevelop', 20, 1, 9_000),
      rfm('2026-10-31', m3, 'importantWinBack', 90, 3, 25_000),
      rfm('2026-11-30', m1, 'importantValue', 5, 4, 30_000),
      rfm('2026-11-30', m2, 'importantDevelop', 10, 2, 18_000),
      rfm('2026-11-30', m4, 'generalDevelop', 40, 1, 500),
    ]).execute();
  });
  afterAll(async () => t?.close());

  const figures = (r: Record<string, unknown>) => [r.campaignName, r.definitionId, r.issued, r.redeemed, r.expired, r.voided, r.open, r.redemptionRatePct, r.redemptions, r.orders, r.discountFen, r.revenueFen];

  it('coupon redemption: the cohort issued in range, redemptions in range, each order once', async () => {
    const r = await w.clients.hq.get(`/v1/reports/coupon-redemption?${RANGE}`);
    expect(r.status).toBe(200);
    expect(r.body.rows.map(figures)).toEqual([
      ['双十一满减', 'D-10OFF', 5, 3, 1, 1, 0, 60, 4, 3, 3_800, 32_500],
      ['单张发券 / Single coupons (D-BDAY)', 'D-BDAY', 1, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    ]);
    expect(r.body.rows[0].campaignId).toBe(CAMPAIGN);
    expect(figures(r.body.totals)).toEqual(['合计 / Total', null, 6, 3, 1, 1, 1, 50, 4, 3, 3_800, 32_500]);
    expect(r.body.meta).toEqual({ utcOffsetMinutes: 480 });
  });

  it("coupon redemption in a store manager's scope: members of the store issued, redemptions on the store's sales", async () => {
    const r = await w.clients.manager.get(`/v1/reports/coupon-redemption?${RANGE}`);
    expect(r.body.rows.map(figures)).toEqual([['双十一满减', 'D-10OFF', 3, 2, 0, 1, 0, 66.67, 3, 2, 1_800, 14_500]]);
  });

  it('RFM segment sizes: the latest period by default, all eight segments in the engine order, or a named period', async () => {
    const r = await w.clients.hq.get('/v1/reports/rfm-segments');
    expect(r.status).toBe(200);
    expect(r.body.meta).toEqual({ period: '2026-11-30' });
    const sized = r.body.rows.map((x: Record<string, unknown>) => [x.segment, x.members, x.sharePct, x.averageRecencyDays, x.averageFrequency, x.averageMonetaryFen, x.monetaryFen]);
    expect(sized).toEqual([
      ['importantValue', 1, 33.33, 5, 4, 30_000, 30_000],
      ['importantDevelop', 1, 33.33, 10, 2, 18_000, 18_000],
      ['importantRetain', 0, 0, 0, 0, 0, 0],
      ['importantWinBack', 0, 0, 0, 0, 0, 0],
      ['generalValue', 0, 0, 0, 0, 0, 0],
      ['generalDevelop', 1, 33.33, 40, 1, 500, 500],
      ['generalRetain', 0, 0, 0, 0, 0, 0],
      ['generalWinBack', 0, 0, 0, 0, 0, 0],
    ]);
    expect(r.body.rows[0].segmentName).toBe('重要价值 / important value');
    expect(r.body.totals).toMatchObject({ members: 3, averageMonetaryFen: 16_167, monetaryFen: 48_500 });
    const before = await w.clients.hq.get('/v1/reports/rfm-segments?period=2026-10-31');
    expect(before.body.rows.filter((x: { members: number }) => x.members > 0).map((x: { segment: string }) => x.segment)).toEqual(['importantValue', 'importantWinBack', 'generalDevelop']);
    const missing = await w.clients.hq.get('/v1/reports/rfm-segments?period=2026-01-01');
    expect(missing.status).toBe(404);
    expect(missing.body.error.field).toBe('query.period');
  });

  it('RFM movement between the two latest periods: stayed, moved, left and new', async () => {
    const r = await w.clients.hq.get('/v1/reports/rfm-movement');
    expect(r.body.meta).toEqual({ period: '2026-11-30', previousPeriod: '2026-10-31' });
    const moves = (body: { rows: Record<string, unknown>[] }) =>
      body.rows.flatMap((row) =>
        ['importantValue', 'importantDevelop', 'importantRetain', 'importantWinBack', 'generalValue', 'generalDevelop', 'generalRetain', 'generalWinBack', 'left']
          .filter((to) => (row[to] as number) > 0)
          .map((to) => `${row.fromSegment}>${to}:${row[to]}`),
      );
    expect(moves(r.body)).toEqual(['importantValue>importantValue:1', 'importantWinBack>left:1', 'generalDevelop>importantDevelop:1', 'new>generalDevelop:1']);
    const row = (body: { rows: Record<string, unknown>[] }, from: string) => body.rows.find((x) => x.fromSegment === from)!;
    expect([row(r.body, 'importantValue').members, row(r.body, 'importantValue').stayed]).toEqual([1, 1]);
    expect([row(r.body, 'generalDevelop').members, row(r.body, 'generalDevelop').stayed]).toEqual([1, 0]);
    expect([row(r.body, 'new').members, row(r.body, 'new').stayed]).toEqual([null, null]);
    expect(r.body.rows).toHaveLength(9);
    const a1 = await w.clients.manager.get('/v1/reports/rfm-movement?period=2026-11-30&previousPeriod=2026-10-31');
    expect(moves(a1.body)).toEqual(['importantValue>importantValue:1', 'new>generalDevelop:1']);
    const backwards = await w.clients.hq.get('/v1/reports/rfm-movement?period=2026-10-31&previousPeriod=2026-11-30');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('query.previousPeriod');
  });

  it('charts of the segment sizes and the coupon report name their categories', async () => {
    const svg = (await w.clients.hq.get('/v1/reports/rfm-segments/chart.svg')).text;
    expect(svg).toContain('重要价值 / important value');
    expect(svg.match(/ecmeta_ssr_type="chart"/g)).toHaveLength(8);
    const coupons = (await w.clients.hq.get(`/v1/reports/coupon-redemption/chart.svg?${RANGE}`)).text;
    expect(coupons).toContain('双十一满减');
  });
});
