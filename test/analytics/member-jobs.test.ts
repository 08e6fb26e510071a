// The member jobs on SQLite and PostgreSQL, each on a fixture with exact expected rows and run twice:
// points expiry by lots (one ledger entry per lot), the periodic tier evaluation (downgrades, recorded
// in growth_history), growth from the RFM segment plus behaviour rewards, birthday and anniversary
// reminders with the optional coupon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeReminders, monthDaysCelebratedOn } from '../../gateway/src/analytics/reminders.js';
import { recordBehaviour } from '../../gateway/src/analytics/member-behaviours.js';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { createJobRunner, JobSettings, jobsDb, writeJobSettings, type CouponIssuerPort, type JobRunner } from '../../gateway/src/jobs/index.js';
import { DIALECTS, openServices, type ServiceFixture } from '../gateway/harness.js';
import { seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { insertSales } from './analytics-fixture.js';

const AS_OF = '2026-11-30';
const name = (zh: string) => ({ zh, en: zh });

describe.each(DIALECTS)('member jobs on %s', (dialect) => {
  let fx: ServiceFixture;
  let f: MerchantFixture;
  let runner: JobRunner;
  const m: Record<string, string> = {};

  beforeAll(async () => {
    fx = await openServices(dialect);
    fx.clock.now = Date.parse('2026-12-01T02:00:00Z');
    const s = fx.services;
    f = await seedMerchant(s, 'mj');
    const draft = await s.ruleSets.createDraft(f.system, {
      name: 'tiers',
      content: {
        tiers: [
          { tierId: 'silver', name: name('银卡'), growthThreshold: 0 },
          { tierId: 'gold', name: name('金卡'), growthThreshold: 200 },
        ],
        growth: { signInGrowth: 5, reviewGrowth: 20, reviewMinPaidFen: 5_000 },
        coupons: [{ couponDefId: 'birthday-gift', kind: 'amountOff', offFen: 1_000, name: name('生日礼券'), validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-12-31T00:00:00+08:00' }],
      },
    });
    await s.ruleSets.publish(f.system, draft.id);
    for (const [key, birthday, anniversary] of [
      ['P', '1990-12-03', null],
      ['Q', '1985-06-01', '2019-12-03'],
      ['R', '1992-12-04', null],
      ['S', '2000-12-03', '2018-12-03'],
    ] as const) {
      m[key] = (await s.members.createMember(f.system, { name: `会员${key}`, phone: `1390000000${'PQRS'.indexOf(key)}`, storeId: f.storeA1, birthday, anniversary })).id;
    }
    runner = createJobRunner(s);
  });
  afterAll(async () => fx?.close());

  it('points expiry: lots expiring before the as-of date become one ledger entry each; a second run expires nothing', async () => {
    const s = fx.services;
    const earn = (key: string, points: number, expiresOn: string | null) => s.ledger.earnPoints(f.system, { idempotencyKey: key, memberId: m.P!, points, expiresOn });
    const lot1 = await earn('e1', 100, '2026-11-29');
    await earn('e2', 50, AS_OF);
    await earn('e3', 30, null);
    const lot4 = await earn('e4', 20, '2026-11-01');
    await s.ledger.spendPoints(f.system, { idempotencyKey: 's1', memberId: m.P!, points: 5, today: '2026-10-31' });
    const { run } = await runner.run(f.merchantId, 'points-expiry', { asOf: AS_OF, trigger: 'manual' });
    expect([run.outcome, run.rowsTouched, run.summary]).toEqual(['succeeded', 2, { lotsExpired: 2, pointsExpired: 115 }]);
    expect(await s.ledger.pointsOf(f.merchantId, m.P!)).toBe(80);
    const expiries = await fx.gdb.db.selectFrom('ledger_transactions').select(['idempotency_key', 'amount']).where('merchant_id', '=', f.merchantId).where('kind', '=', 'points_expire').orderBy('idempotency_key').execute();
    expect(expiries.map((e) => [e.idempotency_key, Number(e.amount)])).toEqual(
      [[`points-expiry:${lot1.lotId}`, 100], [`points-expiry:${lot4.lotId}`, 15]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    // A later day's run finds nothing new before it; the same day is a no-op.
    expect((await runner.run(f.merchantId, 'points-expiry', { asOf: AS_OF, trigger: 'manual' })).replayed).toBe(true);
    const next = await runner.run(f.merchantId, 'points-expiry', { asOf: '2026-12-01', trigger: 'manual' });
    expect([next.run.rowsTouched, next.run.summary]).toEqual([1, { lotsExpired: 1, pointsExpired: 50 }]);
    expect(await s.ledger.pointsOf(f.merchantId, m.P!)).toBe(30);
    expect((await checkLedger(fx.gdb, f.merchantId)).ok).toBe(true);
  });

  it('growth from RFM per segment plus behaviour rewards, once per period and behaviour', async () => {
    const s = fx.services;
    // P: recent, frequent, big → importantValue; Q: one old small sale → generalWinBack; R, S no sales.
    await insertSales(fx.gdb, f.merchantId, f.storeA1, [
      { memberId: m.P!, date: '2026-11-28', amountFen: 50_000 },
      { memberId: m.P!, date: '2026-11-20', amountFen: 40_000 },
      { memberId: m.Q!, date: '2026-05-01', amountFen: 1_000 },
    ]);
    await writeJobSettings(fx.gdb, f.merchantId, { rfm: { scoring: { mode: 'quintile' }, growthDelta: { importantValue: 300, generalWinBack: -40 } } }, 1);
    await recordBehaviour(fx.gdb, fx.clock, f.merchantId, { memberId: m.R!, kind: 'signIn', businessDate: '2026-11-10' });
    expect((await recordBehaviour(fx.gdb, fx.clock, f.merchantId, { memberId: m.R!, kind: 'signIn', businessDate: '2026-11-10' })).replayed).toBe(true);
    await recordBehaviour(fx.gdb, fx.clock, f.merchantId, { memberId: m.S!, kind: 'review', businessDate: '2026-11-11', orderPaidFen: 5_000, idempotencyKey: 'review:sale-1' });
    await recordBehaviour(fx.gdb, fx.clock, f.merchantId, { memberId: m.S!, kind: 'review', businessDate: '2026-11-12', orderPaidFen: 4_999, idempotencyKey: 'review:sale-2' });
    await recordBehaviour(fx.gdb, fx.clock, f.merchantId, { memberId: m.S!, kind: 'signIn', businessDate: '2026-12-01' });

    expect((await runner.run(f.merchantId, 'rfm-segments', { asOf: AS_OF, trigger: 'manual' })).run.summary).toMatchObject({ members: 2 });
    const { run } = await runner.run(f.merchantId, 'growth-from-rfm', { asOf: AS_OF, trigger: 'manual' });
    expect([run.outcome, run.rowsTouched, run.summary]).toEqual(['succeeded', 4, { rfmChanges: 2, rfmGrowth: 260, behaviourChanges: 2, behaviourGrowth: 25 }]);
    const history = async () =>
      (await fx.gdb.db.selectFrom('growth_history').select(['member_id', 'idempotency_key', 'source', 'delta', 'growth_after', 'tier_before', 'tier_after', 'change']).where('merchant_id', '=', f.merchantId).orderBy('id').execute()).map((h) => ({
        ...h,
        delta: Number(h.delta),
        growth_after: Number(h.growth_after),
      }));
    const rfmRows = await jobsDb(fx.gdb).selectFrom('member_rfm').select(['member_id', 'segment']).where('merchant_id', '=', f.merchantId).where('period', '=', AS_OF).orderBy('member_id').execute();
    expect(rfmRows).toEqual([{ member_id: m.P, segment: 'importantValue' }, { member_id: m.Q, segment: 'generalWinBack' }]);
    const review1 = await jobsDb(fx.gdb).selectFrom('member_behaviours').select('id').where('idempotency_key', '=', 'review:sale-1').executeTakeFirstOrThrow();
    const signIn = await jobsDb(fx.gdb).selectFrom('member_behaviours').select('id').where('idempotency_key', '=', `signIn:${m.R}:2026-11-10`).executeTakeFirstOrThrow();
    const expected = [
      { member_id: m.P, idempotency_key: `rfm-growth:${AS_OF}:${m.P}`, source: 'rfm', delta: 300, growth_after: 300, tier_before: null, tier_after: 'gold', change: 'upgrade' },
      { member_id: m.Q, idempotency_key: `rfm-growth:${AS_OF}:${m.Q}`, source: 'rfm', delta: -40, growth_after: -40, tier_before: null, tier_after: 'silver', change: 'upgrade' },
      { member_id: m.R, idempotency_key: `behaviour:${signIn.id}`, source: 'signIn', delta: 5, growth_after: 5, tier_before: null, tier_after: 'silver', change: 'upgrade' },
      { member_id: m.S, idempotency_key: `behaviour:${review1.id}`, source: 'review', delta: 20, growth_after: 20, tier_before: null, tier_after: 'silver', change: 'upgrade' },
    ];
    expect(await history()).toEqual(expected);
    // Twice: the runner reports the first run; the job itself, run again, finds nothing to reward.
    expect((await runner.run(f.merchantId, 'growth-from-rfm', { asOf: AS_OF, trigger: 'manual' })).replayed).toBe(true);
    const direct = runner.definition('growth-from-rfm');
    const again = await direct.run({ gdb: fx.gdb, clock: fx.clock, log: fx.services.log, ledger: s.ledger, growth: s.growth, merchantId: f.merchantId, asOf: AS_OF, settings: JobSettings.parse({ rfm: { scoring: { mode: 'quintile' }, growthDelta: { importantValue: 300, generalWinBack: -40 } } }), actor: f.system, startedAt: 1 });
    expect(again).toEqual({ rowsTouched: 0, summary: { rfmChanges: 0, rfmGrowth: 0, behaviourChanges: 0, behaviourGrowth: 0 } });
    expect(await history()).toEqual(expected);
  });

  it('the periodic tier evaluation downgrades a member whose growth fell below the tier, once', async () => {
    const s = fx.services;
    // P is gold at 300; an adjustment of −150 keeps gold (upgrades only between evaluations).
    const adj = await s.growth.addGrowth(f.system, { idempotencyKey: 'adj-1', memberId: m.P!, delta: -150, source: 'adjustment' });
    expect([adj.growthAfter, adj.tierAfter, adj.change]).toEqual([150, 'gold', 'none']);
    const { run } = await runner.run(f.merchantId, 'tier-evaluation', { asOf: AS_OF, trigger: 'manual' });
    expect([run.outcome, run.rowsTouched, run.summary]).toEqual(['succeeded', 1, { evaluated: 4, upgrades: 0, downgrades: 1 }]);
    const row = await fx.gdb.db.selectFrom('growth_history').select(['idempotency_key', 'source', 'delta', 'growth_after', 'tier_before', 'tier_after', 'change']).where('idempotency_key', '=', `tier-evaluation:${AS_OF}:${m.P}`).executeTakeFirstOrThrow();
    expect({ ...row, delta: Number(row.delta), growth_after: Number(row.growth_after) }).toEqual({ idempotency_key: `tier-evaluation:${AS_OF}:${m.P}`, source: 'evaluation', delta: 0, growth_after: 150, tier_before: 'gold', tier_after: 'silver', change: 'downgrade' });
    expect((await s.members.getMember(f.system, m.P!)).tierId).toBe('silver');
    const count = async () => (await fx.gdb.db.selectFrom('growth_history').select('id').where('merchant_id', '=', f.merchantId).execute()).length;
    const before = await count();
    const direct = await runner.definition('tier-evaluation').run({ gdb: fx.gdb, clock: fx.clock, log: s.log, ledger: s.ledger, growth: s.growth, merchantId: f.merchantId, asOf: AS_OF, settings: JobSettings.parse({}), actor: f.system, startedAt: 1 });
    expect(direct).toEqual({ rowsTouched: 0, summary: { evaluated: 4, upgrades: 0, downgrades: 0 } });
    expect(await count()).toBe(before);
  });

  it('reminders: birthdays and anniversaries three days ahead, with one coupon each through the coupon issuer; a rerun adds nothing', async () => {
    // A recording issuer stands in for the marketing engineer's CouponIssuer (same call shape): this
    // test is about which members the job asks for and what it records, not about coupons.
    const calls: { memberIds: string[]; idempotencyKey: string; definitionId: string }[] = [];
    const issuer: CouponIssuerPort = {
      issue: async (_actor, req) => {
        calls.push({ memberIds: req.memberIds, idempotencyKey: req.idempotencyKey, definitionId: req.definitionId });
        return { coupons: req.memberIds.map((memberId) => ({ id: `C-${req.idempotencyKey}-${memberId.slice(-4)}`, memberId })) };
      },
    };
    const settings = JobSettings.parse({ reminders: { daysAhead: 3, couponDefinitionId: 'birthday-gift' } });
    const ctx = { gdb: fx.gdb, merchantId: f.merchantId, asOf: AS_OF, startedAt: 7, settings, couponIssuer: issuer, actor: f.system };
    const r = await computeReminders(ctx);
    expect(r).toEqual({ rowsTouched: 4, summary: { eventDate: '2026-12-03', birthday: 2, anniversary: 2, coupons: 4 } });
    const rows = await jobsDb(fx.gdb).selectFrom('member_reminders').select(['date', 'member_id', 'kind', 'event_date', 'coupon_id']).where('merchant_id', '=', f.merchantId).orderBy('kind').orderBy('member_id').execute();
    const expected = [
      ['anniversary', m.Q!],
      ['anniversary', m.S!],
      ['birthday', m.P!],
      ['birthday', m.S!],
    ].map(([kind, id]) => ({ date: AS_OF, member_id: id, kind, event_date: '2026-12-03', coupon_id: `C-reminder:${kind}:${AS_OF}-${id!.slice(-4)}` }));
    expect(rows).toEqual(expected);
    expect(calls).toEqual([
      { memberIds: [m.P, m.S], idempotencyKey: `reminder:birthday:${AS_OF}`, definitionId: 'birthday-gift' },
      { memberIds: [m.Q, m.S], idempotencyKey: `reminder:anniversary:${AS_OF}`, definitionId: 'birthday-gift' },
    ]);
    expect(await computeReminders(ctx)).toEqual({ rowsTouched: 0, summary: { eventDate: '2026-12-03', birthday: 0, anniversary: 0, coupons: 0 } });
    expect(calls.length).toBe(2);
    expect(await jobsDb(fx.gdb).selectFrom('member_reminders').select(['date', 'member_id', 'kind', 'event_date', 'coupon_id']).where('merchant_id', '=', f.merchantId).orderBy('kind').orderBy('member_id').execute()).toEqual(expected);
  });

  it('reminders through the real CouponIssuer: the reminded member holds one issued coupon, its id on the reminder', async () => {
    await writeJobSettings(fx.gdb, f.merchantId, { reminders: { daysAhead: 3, couponDefinitionId: 'birthday-gift' } }, 1);
    const { run } = await runner.run(f.merchantId, 'reminders', { asOf: '2026-12-01', trigger: 'manual' });
    expect([run.outcome, run.rowsTouched, run.summary]).toEqual(['succeeded', 1, { eventDate: '2026-12-04', birthday: 1, anniversary: 0, coupons: 1 }]);
    const reminder = await jobsDb(fx.gdb).selectFrom('member_reminders').select(['member_id', 'kind', 'coupon_id']).where('merchant_id', '=', f.merchantId).where('date', '=', '2026-12-01').execute();
    const coupons = await fx.gdb.db
      .selectFrom('member_coupons' as never)
      .select(['id', 'member_id', 'definition_id', 'status', 'idempotency_key'] as never[])
      .where('merchant_id' as never, '=', f.merchantId as never)
      .execute();
    expect(coupons).toEqual([{ id: reminder[0]!.coupon_id, member_id: m.R, definition_id: 'birthday-gift', status: 'issued', idempotency_key: `reminder:birthday:2026-12-01:${m.R}` }]);
    expect(reminder).toEqual([{ member_id: m.R, kind: 'birthday', coupon_id: expect.stringMatching(/^[0-9A-Z]{26}$/) }]);
  });

  it('29 February birthdays are remembered on the 28th in other years', () => {
    expect(monthDaysCelebratedOn('2027-02-28')).toEqual(['02-28', '02-29']);
    expect(monthDaysCelebratedOn('2028-02-28')).toEqual(['02-28']);
    expect(monthDaysCelebratedOn('2028-02-29')).toEqual(['02-29']);
  });
});
