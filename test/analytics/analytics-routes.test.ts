// What HQ reads back over HTTP on SQLite and PostgreSQL: a period's RFM rows (paged, by segment), the
// churn wake-up list and the reminder list (a member with both kinds on one day is paged without
// loss), names and masked phones; behaviours recorded once; HQ only. Scores of three members:
// 1 + ⌊5 × (members strictly worse) / 3⌋, so the best of three scores 4, a tie for best 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../gateway/src/context.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';
import { insertSales } from './analytics-fixture.js';

describe.each(DIALECTS)('analytics routes on %s', (dialect) => {
  let t: TestGateway;
  let hq: Client;
  let cashier: Client;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    t.clock.now = Date.parse('2026-12-01T02:00:00Z');
    const s = t.gw.services;
    const m = await s.hierarchy.createMerchant({ code: 'ar', name: 'ar' });
    const sys = systemActor(m.id);
    const region = await s.hierarchy.createRegion(sys, { name: 'r' });
    const store = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'A1', name: 'a1' });
    await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'hq', password: 'password-hq', role: 'hq_admin' });
    await s.hierarchy.createStaff(sys, { username: 'c', displayName: 'c', password: 'password-c', role: 'cashier', storeId: store.id });
    for (const [i, birthday, anniversary] of [[0, '1990-11-30', '2020-11-30'], [1, '1991-11-30', null], [2, '1992-01-01', null]] as const) {
      ids.push((await s.members.createMember(sys, { name: `会员${i}`, phone: `1380000000${i}`, storeId: store.id, birthday, anniversary })).id);
    }
    await insertSales(s.gdb, m.id, store.id, [
      { memberId: ids[0]!, date: '2026-11-20', amountFen: 9_000 },
      { memberId: ids[0]!, date: '2026-11-21', amountFen: 9_000 },
      { memberId: ids[1]!, date: '2026-07-01', amountFen: 2_000 },
      { memberId: ids[1]!, date: '2026-07-02', amountFen: 2_000 },
      { memberId: ids[2]!, date: '2026-10-01', amountFen: 500 },
    ]);
    hq = await login(t.client, 'ar', 'hq', 'password-hq');
    cashier = await login(t.client, 'ar', 'c', 'password-c');
    for (const job of ['rfm-segments', 'churn', 'reminders']) expect((await hq.post(`/v1/jobs/${job}/run`, { asOf: '2026-11-30' })).body.run.outcome).toBe('succeeded');
  });
  afterAll(async () => t?.close());

  it('RFM rows of a period, two to a page, and by segment', async () => {
    const first = await hq.get('/v1/analytics/rfm?period=2026-11-30&limit=2');
    expect(first.body.items.map((r: { memberId: string }) => r.memberId)).toEqual([ids[0], ids[1]]);
    expect(first.body.items[0]).toEqual({
      memberId: ids[0], name: '会员0', phoneMasked: '138****0000', recencyDays: 9, frequency: 2, monetaryFen: 18_000,
      rScore: 4, fScore: 2, mScore: 4, segment: 'importantValue', frequencyThisPeriod: 2, frequencyPreviousPeriod: 0,
    });
    const second = await hq.get(`/v1/analytics/rfm?period=2026-11-30&limit=2&cursor=${first.body.nextCursor}`);
    expect([second.body.items.map((r: { memberId: string }) => r.memberId), second.body.nextCursor]).toEqual([[ids[2]], null]);
    const winBack = await hq.get('/v1/analytics/rfm?period=2026-11-30&segment=generalWinBack');
    expect(winBack.body.items.map((r: { memberId: string; segment: string }) => [r.memberId, r.segment])).toEqual([[ids[2], 'generalWinBack']]);
    expect((await hq.get('/v1/analytics/rfm?period=2026-11-30&segment=nope')).status).toBe(400);
  });

  it('the churn wake-up list and the reminders, paged one at a time without losing a kind', async () => {
    expect((await hq.get('/v1/analytics/churn?period=2026-11-30')).body.items).toEqual([
      { memberId: ids[1], name: '会员1', phoneMasked: '138****0001', previousFrequency: 2, frequency: 0, lastPurchaseDate: '2026-07-02' },
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: { memberId: string; kind: string }[]; nextCursor: string | null } } = await hq.get(`/v1/analytics/reminders?date=2026-11-30&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.items.map((i) => `${i.memberId === ids[0] ? 0 : 1}:${i.kind}`));
      cursor = r.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['0:anniversary', '0:birthday', '1:birthday']);
  });

  it('behaviours are recorded once (a sign-in per member and day); HQ only', async () => {
    const body = { memberId: ids[2], kind: 'signIn', businessDate: '2026-11-30' };
    const first = await hq.post('/v1/analytics/behaviours', body);
    expect([first.status, first.body.replayed, first.body.idempotencyKey]).toEqual([201, false, `signIn:${ids[2]}:2026-11-30`]);
    expect((await hq.post('/v1/analytics/behaviours', body)).body).toMatchObject({ replayed: true, id: first.body.id });
    expect((await hq.post('/v1/analytics/behaviours', { ...body, kind: 'review' })).status).toBe(400);
    expect((await cashier.get('/v1/analytics/churn?period=2026-11-30')).status).toBe(403);
  });

  it("one member's reminders (newest day first, paged, since a day) and RFM row, for the console's member view", async () => {
    expect((await hq.post('/v1/jobs/reminders/run', { asOf: '2025-11-30' })).body.run.outcome).toBe('succeeded');
    const expected = [['2026-11-30', 'anniversary', '2026-11-30'], ['2026-11-30', 'birthday', '2026-11-30'], ['2025-11-30', 'anniversary', '2025-11-30'], ['2025-11-30', 'birthday', '2025-11-30']];
    type Rows = { body: { items: { memberId: string; date: string; kind: string; eventDate: string }[]; nextCursor: string | null } };
    const all: Rows = await hq.get(`/v1/analytics/reminders?memberId=${ids[0]}`);
    expect(all.body.items.map((i) => [i.date, i.kind, i.eventDate])).toEqual(expected);
    expect(new Set(all.body.items.map((i) => i.memberId))).toEqual(new Set([ids[0]]));
    const paged: string[][] = [];
    let cursor: string | null = null;
    do {
      const r: Rows = await hq.get(`/v1/analytics/reminders?memberId=${ids[0]}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...r.body.items.map((i) => [i.date, i.kind, i.eventDate]));
      cursor = r.body.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(expected);
    const since: Rows = await hq.get(`/v1/analytics/reminders?memberId=${ids[0]}&since=2026-01-01&kind=birthday`);
    expect(since.body.items.map((i) => [i.date, i.kind])).toEqual([['2026-11-30', 'birthday']]);
    expect((await hq.get(`/v1/analytics/reminders?memberId=${ids[2]}`)).body.items).toEqual([]);
    // A day's list still answers as before, now with the day on each row.
    expect((await hq.get(`/v1/analytics/reminders?date=2025-11-30&kind=birthday`)).body.items.map((i: { memberId: string; date: string }) => [i.memberId, i.date])).toEqual([[ids[0], '2025-11-30'], [ids[1], '2025-11-30']]);
    const neither = await hq.get('/v1/analytics/reminders');
    expect([neither.status, neither.body.error.code, neither.body.error.field]).toEqual([400, 'VALIDATION', 'date']);
    expect((await hq.get('/v1/analytics/reminders?memberId=nope')).status).toBe(400);
    expect((await cashier.get(`/v1/analytics/reminders?memberId=${ids[0]}`)).status).toBe(403);

    const rfm = await hq.get(`/v1/analytics/rfm?period=2026-11-30&memberId=${ids[2]}`);
    expect(rfm.body.items.map((r: { memberId: string; segment: string }) => [r.memberId, r.segment])).toEqual([[ids[2], 'generalWinBack']]);
    expect(rfm.body.nextCursor).toBeNull();
  });
});
