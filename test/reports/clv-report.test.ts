// GET /v1/reports/clv on SQLite and PostgreSQL: the calibration summary of each member computed by
// hand from the sales below, P(alive), expected purchases, spend and CLV cross-checked against the
// model functions of gateway/src/analytics/clv, a fit on a seeded population, and the 4xx answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCalibrationSummary,
  conditionalExpectedPurchases,
  fitBgNbd,
  conditionalExpectedSpend,
  customerLifetimeValueFen,
  probabilityAlive,
  type BgNbdParams,
  type GammaGammaParams,
} from '../../gateway/src/analytics/clv/index.js';
import { evenSample } from '../../gateway/src/reports/clv-report.js';
import { salesDb, type SaleFactTable } from '../../gateway/src/sales/index.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';
import { seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';

/** Fader, Hardie & Lee's CDNOW estimates; Gamma-Gamma's ν scaled from dollars to fen. */
const BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG: GammaGammaParams = { p: 6.25, q: 3.74, v: 1544 };
const PARAMS = `r=${BG.r}&alpha=${BG.alpha}&a=${BG.a}&b=${BG.b}&p=${GG.p}&q=${GG.q}&v=${GG.v}`;
const CALIBRATION = 'from=2026-01-01&to=2026-03-01';

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** A deterministic 32-bit generator (mulberry32), so the fitted population is the same every run. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(DIALECTS)('clv report on %s', (dialect) => {
  let t: TestGateway;
  let merchant: MerchantFixture;
  let hq: Client;
  let managerA2: Client;
  const ids: Record<string, string> = {};
  const code = `CV${dialect === 'sqlite' ? 'L' : 'P'}`;
  let n = 0;
  const sales: SaleFactTable[] = [];
  const sale = (storeId: string, memberId: string | null, date: string, paid: number, kind: 'sale' | 'refund' = 'sale', m = merchant.merchantId) => {
    n++;
    const id = `01JCLV${String(n).padStart(20, '0')}`;
    sales.push({
      merchant_id: m, id, kind, event_id: id.replace('CLV', 'EVT'), store_id: storeId, terminal_id: 'T', member_id: memberId, receipt_no: `R${n}`,
      refunded_sale_id: null, occurred_at: Date.parse(`${date}T04:00:00Z`), business_date: date, local_hour: 12, gross_fen: paid, discount_fen: 0,
      amount_fen: paid, points_earned: 0, points_spent: 0, coupon_count: 0, offline: 0, pump_transaction_id: null,
    });
  };

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    merchant = await seedMerchant(s, code);
    const sys = merchant.system;
    for (const [key, name, storeId] of [['A', '甲', merchant.storeA1], ['B', '乙', merchant.storeA1], ['C', '丙', merchant.storeA2]] as const) {
      ids[key] = (await s.members.createMember(sys, { name, phone: null, storeId })).id;
    }
    // A: days 01-05 (1000), 01-19 (2000 + 1000, one purchase day), 02-16 (1400) → x = 2, t_x = 6 weeks, T = 8 weeks, mean 2200.
    sale(merchant.storeA1, ids.A!, '2026-01-05', 1000);
    sale(merchant.storeA1, ids.A!, '2026-01-19', 2000);
    sale(merchant.storeB1, ids.A!, '2026-01-19', 1000);
    sale(merchant.storeA1, ids.A!, '2026-02-16', 1400);
    // B: one purchase on 02-02 → x = 0, T = 4 weeks. Its refund and a non-member sale do not count.
    sale(merchant.storeA1, ids.B!, '2026-02-02', 5000);
    sale(merchant.storeA1, ids.B!, '2026-02-03', 5000, 'refund');
    sale(merchant.storeA1, null, '2026-02-03', 7000);
    // C: weekly at A2 from 01-01 → x = 3, t_x = 3 weeks, T = 60/7 weeks, mean 800; after the range: ignored.
    for (const d of ['2026-01-01', '2026-01-08', '2026-01-15', '2026-01-22']) sale(merchant.storeA2, ids.C!, d, 800);
    sale(merchant.storeA2, ids.C!, '2026-03-02', 90_000);
    sale(merchant.storeA2, ids.C!, '2025-12-31', 90_000);
    // Another merchant's sale for member A.
    sale(merchant.storeA1, ids.A!, '2026-02-20', 90_000, 'sale', 'SOMEONE-ELSE');
    await salesDb(s.gdb).insertInto('sales').values(sales).execute();
    await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'HQ', password: 'clv-password-1', role: 'hq_admin' });
    await s.hierarchy.createStaff(sys, { username: 'a2', displayName: '二店', password: 'clv-password-1', role: 'store_manager', storeId: merchant.storeA2 });
    hq = await login(t.client, code, 'hq', 'clv-password-1');
    managerA2 = await login(t.client, code, 'a2', 'clv-password-1');
  });
  afterAll(async () => t?.close());

  const expected = (memberId: string, name: string, x: number, tx: number, T: number, mean: number) => {
    const c = { frequency: x, recency: tx, T };
    const horizon = { periods: 12, periodLength: 30 / 7, discountRatePerPeriod: 0.01 };
    return {
      memberId, memberName: name, frequency: x, recency: round(tx, 4), age: round(T, 4), meanSpendFen: mean,
      probabilityAlive: round(probabilityAlive(BG, c), 6),
      expectedPurchases: round(conditionalExpectedPurchases(BG, c, 12 * (30 / 7)), 4),
      expectedSpendFen: Math.round(conditionalExpectedSpend(GG, { frequency: x, meanSpend: mean })),
      clvFen: customerLifetimeValueFen(BG, GG, { ...c, meanSpendFen: mean }, horizon),
    };
  };

  it('given the CDNOW parameters: per-member x, t_x, T (weeks) by hand, scores equal the model functions, ranked by CLV', async () => {
    const r = await hq.get(`/v1/reports/clv?${CALIBRATION}&${PARAMS}`);
    expect(r.status).toBe(200);
    const rows = [expected(ids.A!, '甲', 2, 6, 8, 2200), expected(ids.B!, '乙', 0, 0, 4, 0), expected(ids.C!, '丙', 3, 3, 60 / 7, 800)]
      .sort((p, q) => q.clvFen - p.clvFen || (p.memberId < q.memberId ? -1 : 1))
      .map((row, i) => ({ rank: i + 1, ...row }));
    expect(r.body.rows).toEqual(rows);
    // Hand-checked anchors: B has no repeat, so P(alive) is 1 and its spend is the population mean p·v/(q−1).
    expect(r.body.rows.find((x: { memberId: string }) => x.memberId === ids.B).probabilityAlive).toBe(1);
    expect(r.body.rows.find((x: { memberId: string }) => x.memberId === ids.B).expectedSpendFen).toBe(Math.round((6.25 * 1544) / 2.74));
    expect(rows.every((x) => x.clvFen > 0)).toBe(true);
    expect(r.body.meta).toMatchObject({ unit: 'week', calibrationEnd: '2026-03-01', members: 3, repeatMembers: 2, fitted: { bgNbd: false, gammaGamma: false }, bgNbd: BG, gammaGamma: GG });
    expect(r.body.meta.totalClvFen).toBe(rows.reduce((s, x) => s + x.clvFen, 0));
  });

  it('days as the unit, a store filter, limit; the store manager sees only sales of the store', async () => {
    const days = await hq.get(`/v1/reports/clv?${CALIBRATION}&${PARAMS}&unit=day&limit=1`);
    expect(days.body.rows).toHaveLength(1);
    const a = (await hq.get(`/v1/reports/clv?${CALIBRATION}&${PARAMS}&unit=day`)).body.rows.find((x: { memberId: string }) => x.memberId === ids.A);
    expect([a.frequency, a.recency, a.age]).toEqual([2, 42, 56]);
    const a2 = await managerA2.get(`/v1/reports/clv?${CALIBRATION}&${PARAMS}`);
    expect(a2.body.rows.map((x: { memberId: string }) => x.memberId)).toEqual([ids.C]);
    // A at A1 only: its 01-19 purchase day is 2000, the B1 part is outside the filter.
    const onlyA1 = await hq.get(`/v1/reports/clv?${CALIBRATION}&${PARAMS}&storeId=${merchant.storeA1}`);
    expect(onlyA1.body.rows.find((x: { memberId: string }) => x.memberId === ids.A).meanSpendFen).toBe(1700);
  });

  it('422 INSUFFICIENT_DATA when there are too few members to fit; 400 for half the parameters or a bad horizon', async () => {
    const few = await hq.get(`/v1/reports/clv?${CALIBRATION}`);
    expect(few.status).toBe(422);
    expect(few.body.error.code).toBe('INSUFFICIENT_DATA');
    const half = await hq.get(`/v1/reports/clv?${CALIBRATION}&r=1&alpha=2`);
    expect(half.status).toBe(400);
    expect(half.body.error.field).toBe('query.a');
    expect((await hq.get(`/v1/reports/clv?${CALIBRATION}&${PARAMS}&horizonPeriods=0`)).status).toBe(400);
    // q ≤ 1: the expected spend has no finite mean.
    const q1 = await hq.get(`/v1/reports/clv?${CALIBRATION}&r=1&alpha=2&a=0.5&b=2&p=1&q=0.9&v=10`);
    expect(q1.status).toBe(422);
    expect(q1.body.error.code).toBe('INSUFFICIENT_DATA');
  });

  it('fits BG/NBD and Gamma-Gamma to a seeded population and scores with the fitted parameters', async () => {
    const s = t.gw.services;
    const rand = mulberry32(20261125);
    const population: SaleFactTable[] = [];
    sales.length = 0;
    for (let i = 0; i < 80; i++) {
      const member = await s.members.createMember(merchant.system, { name: `会员${i}`, phone: null, storeId: merchant.storeB1 });
      // Heterogeneous buyers: a weekly rate from 0.05 to 1, a drop-out chance after each purchase, a personal mean basket.
      const rate = 0.05 + rand() * 0.95;
      const dropOut = rand() * 0.4;
      const basket = 1000 + Math.floor(rand() * 9000);
      // Each purchase's value varies around the member's basket: a gamma(4) draw, as Gamma-Gamma assumes.
      const spend = (mean: number) => Math.max(100, Math.round((mean * (-Math.log(1 - rand()) - Math.log(1 - rand()) - Math.log(1 - rand()) - Math.log(1 - rand()))) / 4));
      let day = Math.floor(rand() * 50);
      while (day < 365) {
        sale(merchant.storeB1, member.id, new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10), spend(basket));
        if (rand() < dropOut) break;
        day += 1 + Math.floor((-Math.log(1 - rand()) * 7) / rate);
      }
    }
    population.push(...sales);
    // 20 columns a row: batches of 500 stay under both databases' bind-parameter limits.
    for (let i = 0; i < population.length; i += 500) await salesDb(s.gdb).insertInto('sales').values(population.slice(i, i + 500)).execute();
    const r = await hq.get(`/v1/reports/clv?from=2025-01-01&to=2025-12-31&storeId=${merchant.storeB1}&limit=1000`);
    expect(r.status).toBe(200);
    const meta = r.body.meta;
    expect(meta).toMatchObject({ members: 80, fitted: { bgNbd: true, gammaGamma: true }, fittedOn: { bgNbd: 80, gammaGamma: meta.repeatMembers } });
    expect(meta.repeatMembers).toBeGreaterThanOrEqual(MIN_REPEATS);
    const bg = meta.bgNbd as BgNbdParams;
    const gg = meta.gammaGamma as GammaGammaParams;
    expect(gg.q).toBeGreaterThan(1);
    // The same fit from the generated sales summarised here in memory: the SQL side summarised them alike.
    const summaries = buildCalibrationSummary(
      [...population].sort((p, q) => (p.member_id! < q.member_id! ? -1 : p.member_id! > q.member_id! ? 1 : p.business_date < q.business_date ? -1 : 1)).map((x) => ({ customerId: x.member_id!, day: x.business_date, amountMinor: x.amount_fen })),
      { calibrationEnd: '2026-01-01', unitDays: 7 },
    );
    expect(summaries.filter((x) => x.frequency > 0).length).toBe(meta.repeatMembers);
    const direct = fitBgNbd(summaries).params;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(bg[k]).toBeCloseTo(direct[k], 6);
    expect(r.body.rows).toHaveLength(80);
    for (const row of r.body.rows) {
      const c = { frequency: row.frequency, recency: row.recency, T: row.age };
      // recency and T are rounded to 4 decimals in the row; in weeks from whole days they are k/7, recovered exactly by rounding days.
      const exact = { frequency: row.frequency, recency: Math.round(row.recency * 7) / 7, T: Math.round(row.age * 7) / 7 };
      expect(round(exact.recency, 4)).toBe(c.recency);
      expect(row.probabilityAlive).toBe(round(probabilityAlive(bg, exact), 6));
      expect(row.expectedPurchases).toBe(round(conditionalExpectedPurchases(bg, exact, 12 * (30 / 7)), 4));
    }
    const clvs = r.body.rows.map((x: { clvFen: number }) => x.clvFen);
    expect(clvs).toEqual([...clvs].sort((p: number, q: number) => q - p));
  });
});

const MIN_REPEATS = 5;

describe('the fit sample', () => {
  it('keeps every member up to the bound, else an even sample in member order', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(evenSample(ten, 10)).toBe(ten);
    expect(evenSample(ten, 4)).toEqual([0, 2, 5, 7]);
    expect(evenSample(ten, 1)).toEqual([0]);
  });
});
