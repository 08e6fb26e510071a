// RFM + segments and the churn wake-up list, computed in SQL by the jobs, on SQLite and PostgreSQL:
// exact rows for a hand-computed fixture (quintile and threshold scoring), the same rows as the
// engine's rfm() on a random fixture of 150 members, and a second run that changes nothing.
import { rfm, RfmConfig, type RfmTransaction } from '@pos/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeChurn } from '../../gateway/src/analytics/churn.js';
import { computeRfmPeriod } from '../../gateway/src/analytics/rfm-segments.js';
import { createJobRunner, JobSettings, jobsDb, writeJobSettings, type JobRunner } from '../../gateway/src/jobs/index.js';
import { DIALECTS, openServices, type ServiceFixture } from '../gateway/harness.js';
import { insertSales, prng, type FactSale } from './analytics-fixture.js';

const AS_OF = '2026-11-30';
const QUINTILE = RfmConfig.parse({ scoring: { mode: 'quintile' } });
const THRESHOLDS = RfmConfig.parse({ scoring: { mode: 'thresholds', r: [7, 30, 90, 180], f: [2, 3, 4, 5], m: [5_000, 10_000, 20_000, 50_000] } });

/**
 * Hand-computed (as of 2026-11-30, period 90 days: this period after 2026-09-01, the one before after 2026-06-03):
 *   A: R 1, F 4, M 29000; B: R 5, F 3, M 9000; C: R 153, F 2, M 70000 − 10000 refunded; D: R 0, F 1, M 1000;
 *   E: R 211, F 5, M 10000. Quintile score = 1 + members strictly worse (5 members): R A4 B3 C2 D5 E1,
 *   F A4 B3 C2 D1 E5, M A4 B2 C5 D1 E3; high when ≥ the mean 3.
 */
function handFixture(m: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H', string>): FactSale[] {
  return [
    { memberId: m.A, date: '2026-11-29', amountFen: 10_000 },
    { memberId: m.A, date: '2026-11-20', amountFen: 8_000 },
    { memberId: m.A, date: '2026-10-01', amountFen: 6_000 },
    { memberId: m.A, date: '2026-08-01', amountFen: 5_000 },
    { memberId: m.B, date: '2026-11-25', amountFen: 3_000 },
    { memberId: m.B, date: '2026-07-15', amountFen: 3_000 },
    { memberId: m.B, date: '2026-07-01', amountFen: 3_000 },
    { memberId: m.C, date: '2026-06-30', amountFen: 50_000 },
    { memberId: m.C, date: '2026-06-20', amountFen: 20_000 },
    { memberId: m.C, date: '2026-07-01', amountFen: 10_000, kind: 'refund' },
    { memberId: m.D, date: '2026-11-30', amountFen: 1_000 },
    ...['2026-03-01', '2026-04-01', '2026-05-01', '2026-05-02', '2026-05-03'].map((date) => ({ memberId: m.E, date, amountFen: 2_000 })),
    // Not scored: F only has a refund, G only buys after the as-of date, H's sale paid nothing; nor non-members.
    { memberId: m.F, date: '2026-11-01', amountFen: 500, kind: 'refund' as const },
    { memberId: m.G, date: '2026-12-01', amountFen: 9_000 },
    { memberId: m.H, date: '2026-11-02', amountFen: 0 },
    { memberId: null, date: '2026-11-02', amountFen: 7_000 },
  ];
}

const row = (memberId: string, r: number, f: number, m: number, rs: number, fs: number, ms: number, segment: string, cur: number, prev: number) => ({
  member_id: memberId, recency_days: r, frequency: f, monetary_fen: m, r_score: rs, f_score: fs, m_score: ms, segment, frequency_this_period: cur, frequency_previous_period: prev,
});

describe.each(DIALECTS)('RFM and churn jobs on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchantId: string;
  let random: string;
  let runner: JobRunner;
  const ids = { A: 'MEMBER0A', B: 'MEMBER0B', C: 'MEMBER0C', D: 'MEMBER0D', E: 'MEMBER0E', F: 'MEMBER0F', G: 'MEMBER0G', H: 'MEMBER0H' };
  const randomSales: FactSale[] = [];

  beforeAll(async () => {
    fx = await openServices(dialect);
    fx.clock.now = Date.parse('2026-12-01T02:00:00Z');
    merchantId = (await fx.services.hierarchy.createMerchant({ code: 'rfm', name: 'rfm' })).id;
    random = (await fx.services.hierarchy.createMerchant({ code: 'rfm-random', name: 'rfm random' })).id;
    await insertSales(fx.gdb, merchantId, 'STORE1', handFixture(ids));
    const next = prng(9);
    for (let i = 0; i < 1_500; i += 1) {
      const day = new Date(Date.parse('2025-06-01T00:00:00Z') + Math.floor(next() * 560) * 86_400_000).toISOString().slice(0, 10);
      const refund = next() < 0.05;
      const amountFen = next() < 0.03 ? 0 : 100 + Math.floor(next() * 30_000);
      randomSales.push({ memberId: `M${String(Math.floor(next() * 150)).padStart(3, '0')}`, date: day, amountFen, kind: refund ? 'refund' : 'sale' });
    }
    await insertSales(fx.gdb, random, 'STORE1', randomSales, 'R');
    runner = createJobRunner(fx.services);
  });
  afterAll(async () => fx?.close());

  const readRfm = (m: string, period: string) =>
    jobsDb(fx.gdb)
      .selectFrom('member_rfm')
      .select(['member_id', 'recency_days', 'frequency', 'monetary_fen', 'r_score', 'f_score', 'm_score', 'segment', 'frequency_this_period', 'frequency_previous_period'])
      .where('merchant_id', '=', m)
      .where('period', '=', period)
      .orderBy('member_id')
      .execute();
  const readChurn = (m: string, period: string) =>
    jobsDb(fx.gdb).selectFrom('churn_signals').select(['member_id', 'previous_frequency', 'frequency', 'last_purchase_date']).where('merchant_id', '=', m).where('period', '=', period).orderBy('member_id').execute();
  const ctx = (m: string, config: RfmConfig) => ({ gdb: fx.gdb, merchantId: m, asOf: AS_OF, startedAt: 1, settings: JobSettings.parse({ rfm: config }) });

  it('quintile scores and segments equal the hand-computed rows, and the job summary counts each segment', async () => {
    const { run, replayed } = await runner.run(merchantId, 'rfm-segments', { asOf: AS_OF, trigger: 'manual' });
    expect([run.outcome, run.rowsTouched, replayed]).toEqual(['succeeded', 5, false]);
    expect(run.summary).toEqual({
      members: 5,
      segments: { importantValue: 1, importantDevelop: 0, importantRetain: 1, importantWinBack: 1, generalValue: 1, generalDevelop: 1, generalRetain: 0, generalWinBack: 0 },
    });
    expect(await readRfm(merchantId, AS_OF)).toEqual([
      row(ids.A, 1, 4, 29_000, 4, 4, 4, 'importantValue', 3, 1),
      row(ids.B, 5, 3, 9_000, 3, 3, 2, 'generalValue', 1, 2),
      row(ids.C, 153, 2, 60_000, 2, 2, 5, 'importantWinBack', 0, 2),
      row(ids.D, 0, 1, 1_000, 5, 1, 1, 'generalDevelop', 1, 0),
      row(ids.E, 211, 5, 10_000, 1, 5, 3, 'importantRetain', 0, 0),
    ]);
  });

  it('running the period again changes nothing (the runner reports the first run; the rows keep their computed_at)', async () => {
    const before = await jobsDb(fx.gdb).selectFrom('member_rfm').selectAll().where('merchant_id', '=', merchantId).orderBy('member_id').execute();
    const again = await runner.run(merchantId, 'rfm-segments', { asOf: AS_OF, trigger: 'manual' });
    expect(again.replayed).toBe(true);
    expect(await jobsDb(fx.gdb).selectFrom('member_rfm').selectAll().where('merchant_id', '=', merchantId).orderBy('member_id').execute()).toEqual(before);
    // The job itself, run twice outside the runner, writes the same rows.
    await computeRfmPeriod(ctx(merchantId, QUINTILE), QUINTILE);
    const first = await readRfm(merchantId, AS_OF);
    await computeRfmPeriod(ctx(merchantId, QUINTILE), QUINTILE);
    expect(await readRfm(merchantId, AS_OF)).toEqual(first);
  });

  it('threshold scoring equals the hand-computed rows', async () => {
    await computeRfmPeriod({ ...ctx(merchantId, THRESHOLDS), asOf: '2026-11-30' }, THRESHOLDS);
    expect((await readRfm(merchantId, AS_OF)).map((r) => [r.r_score, r.f_score, r.m_score, r.segment])).toEqual([
      [5, 4, 4, 'importantValue'],
      [5, 3, 2, 'generalValue'],
      [2, 2, 5, 'importantWinBack'],
      [5, 1, 1, 'generalDevelop'],
      [1, 5, 3, 'importantRetain'],
    ]);
    await computeRfmPeriod(ctx(merchantId, QUINTILE), QUINTILE);
  });

  it('churn: C bought twice the period before and not since (wake-up list); B fell from 2 to 1, exactly the 50 % threshold, so not', async () => {
    const { run } = await runner.run(merchantId, 'churn', { asOf: AS_OF, trigger: 'manual' });
    expect([run.outcome, run.rowsTouched]).toEqual(['succeeded', 1]);
    expect(await readChurn(merchantId, AS_OF)).toEqual([{ member_id: ids.C, previous_frequency: 2, frequency: 0, last_purchase_date: '2026-06-30' }]);
    await computeChurn(ctx(merchantId, QUINTILE));
    expect(await readChurn(merchantId, AS_OF)).toEqual([{ member_id: ids.C, previous_frequency: 2, frequency: 0, last_purchase_date: '2026-06-30' }]);
  });

  it.each([
    ['quintile', QUINTILE],
    ['thresholds', THRESHOLDS],
    ['quintile, 30-day period, 300 ‰', RfmConfig.parse({ scoring: { mode: 'quintile' }, periodDays: 30, churnDropPerMille: 300 })],
  ])('SQL equals the engine rfm() on 150 random members (%s)', async (_name, config) => {
    const asOf = '2026-09-15';
    const transactions: RfmTransaction[] = randomSales.map((s) => ({ memberId: s.memberId!, businessDate: s.date, amountFen: s.kind === 'refund' ? -s.amountFen : s.amountFen }));
    const engine = rfm(transactions, asOf, config);
    expect(engine.length).toBeGreaterThan(140);
    await computeRfmPeriod({ gdb: fx.gdb, merchantId: random, asOf, startedAt: 1 }, config);
    expect(await readRfm(random, asOf)).toEqual(
      engine.map((e) => row(e.memberId, e.recencyDays, e.frequency, e.monetaryFen, e.rScore, e.fScore, e.mScore, e.segment, e.frequencyThisPeriod, e.frequencyPreviousPeriod)),
    );
    await computeChurn({ gdb: fx.gdb, merchantId: random, asOf, startedAt: 1, settings: JobSettings.parse({ rfm: config }) });
    const churned = engine.filter((e) => e.churn);
    expect(churned.length).toBeGreaterThan(5);
    expect((await readChurn(random, asOf)).map((c) => [c.member_id, c.previous_frequency, c.frequency])).toEqual(churned.map((e) => [e.memberId, e.frequencyPreviousPeriod, e.frequencyThisPeriod]));
  });

  it('the settings choose the scoring of scheduled and manual runs', async () => {
    await writeJobSettings(fx.gdb, merchantId, { rfm: { scoring: THRESHOLDS.scoring } }, 1);
    const { run } = await runner.run(merchantId, 'rfm-segments', { asOf: '2026-11-29', trigger: 'manual' });
    expect(run.rowsTouched).toBe(4);
    // As of 29 November D has not bought yet and A's last purchase was that day.
    expect((await readRfm(merchantId, '2026-11-29')).map((r) => [r.member_id, r.recency_days, r.r_score])).toEqual([
      [ids.A, 0, 5],
      [ids.B, 4, 5],
      [ids.C, 152, 2],
      [ids.E, 210, 1],
    ]);
  });
});
