// The marketing API over HTTP on SQLite and PostgreSQL: a campaign created, issued twice and
// reported through /v1/marketing; coupon SMS through the notification service with an opt-out;
// store scope (a store manager reaches its own store, another gets 404, a cashier 403); OpenAPI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHeldOut } from '../../gateway/src/marketing/index.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';
import { fixedUlid, seedMarketing, type MarketingFixture } from './marketing-fixtures.js';

const PASSWORD = 'marketing-pass-1';

describe.each(DIALECTS)('marketing API on %s', (dialect) => {
  let t: TestGateway;
  let f: MarketingFixture;
  let dataDir: string;
  let hq: Client;
  let managerA1: Client;
  let managerB1: Client;
  let cashierA1: Client;
  const campaignId = fixedUlid('campaign-vip');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'marketing-http-'));
    t = await startTestGateway(dialect, { dataDir });
    const s = t.gw.services;
    f = await seedMarketing(s, 'MK');
    await s.hierarchy.createStaff(f.system, { username: 'hq', displayName: 'HQ', password: PASSWORD, role: 'hq_admin' });
    await s.hierarchy.createStaff(f.system, { username: 'mgr-a1', displayName: '店长A1', password: PASSWORD, role: 'store_manager', storeId: f.storeA1 });
    await s.hierarchy.createStaff(f.system, { username: 'mgr-b1', displayName: '店长B1', password: PASSWORD, role: 'store_manager', storeId: f.storeB1 });
    await s.hierarchy.createStaff(f.system, { username: 'cashier-a1', displayName: '收银A1', password: PASSWORD, role: 'cashier', storeId: f.storeA1 });
    hq = await login(t.client, 'MK', 'hq', PASSWORD);
    managerA1 = await login(t.client, 'MK', 'mgr-a1', PASSWORD);
    managerB1 = await login(t.client, 'MK', 'mgr-b1', PASSWORD);
    cashierA1 = await login(t.client, 'MK', 'cashier-a1', PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, issues (twice) and reports a campaign; coupon SMS respect an opt-out', async () => {
    const vip = f.memberIds.filter((_, i) => i % 3 !== 0).sort();
    const treated = vip.filter((id) => !isHeldOut(campaignId, id, 300));
    await t.gw.services.notifications.optOut(f.merchantId, treated[0]!, 'sms');

    const created = await hq.post('/v1/marketing/campaigns', { campaignId, name: 'VIP 回馈', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 300, notify: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: campaignId, status: 'created', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 300, notify: true });

    const first = await hq.post(`/v1/marketing/campaigns/${campaignId}/issue`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ campaignId, status: 'issued', targetCount: 26, holdoutCount: 7, issuedCount: 19, newlyTargeted: 26, newlyIssued: 19, notified: 18 });
    const second = await hq.post(`/v1/marketing/campaigns/${campaignId}/issue`);
    expect(second.body).toEqual({ campaignId, status: 'issued', targetCount: 26, holdoutCount: 7, issuedCount: 19, newlyTargeted: 0, newlyIssued: 0, notified: 0 });

    const log = await t.gw.services.notifications.listLog(f.merchantId, { limit: 200 });
    const statuses = log.filter((l) => l.template === 'coupon_issued').map((l) => l.status);
    expect(statuses.filter((x) => x === 'sent')).toHaveLength(18);
    expect(statuses.filter((x) => x === 'opted_out')).toHaveLength(1);
    const inbox = readFileSync(join(dataDir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { memberId: string; body: string });
    expect(inbox).toHaveLength(18);
    const i = f.memberIds.indexOf(treated[1]!);
    expect(inbox.find((m) => m.memberId === treated[1])?.body).toBe(`【MK 连锁】会员${i}，您获得一张「满100减10」，有效期至 2026-12-31。回复TD退订`);

    const effect = await hq.get(`/v1/marketing/campaigns/${campaignId}/effect`);
    expect(effect.status).toBe(200);
    expect(effect.body).toMatchObject({ issued: 19, redeemed: 0, redemptionRate: 0, target: { members: 19, purchasers: 0 }, holdout: { members: 7 }, lift: { revenuePerMemberFen: 0, purchaseRate: 0 } });

    const coupons = await cashierA1.get(`/v1/marketing/members/${treated[1]}/coupons`);
    expect(coupons.status).toBe(200);
    expect(coupons.body.items).toMatchObject([{ code: `C10:${campaignId.slice(16)}${treated[1]}`, status: 'issued', definitionId: 'C10', campaignId }]);
  });

  it("scopes campaigns to the manager's store; cashiers may not run them", async () => {
    const created = await managerA1.post('/v1/marketing/campaigns', { name: '一店', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ storeId: f.storeA1, regionId: f.regionA });
    const issued = await managerA1.post(`/v1/marketing/campaigns/${created.body.id}/issue`);
    expect(issued.body).toMatchObject({ targetCount: 20, issuedCount: 20 });
    const other = await managerB1.get(`/v1/marketing/campaigns/${created.body.id}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    const list = await managerA1.get('/v1/marketing/campaigns');
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    expect((await hq.get('/v1/marketing/campaigns')).body.items).toHaveLength(2);
    const cashier = await cashierA1.post('/v1/marketing/campaigns', { name: 'x', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' } });
    expect(cashier.status).toBe(403);
    expect(cashier.body.error.code).toBe('FORBIDDEN');
    expect((await managerB1.get(`/v1/marketing/members/${f.memberIds[1]}/coupons`)).status).toBe(404);
  });

  it('answers 400 naming the field for bad input', async () => {
    const holdout = await hq.post('/v1/marketing/campaigns', { name: 'x', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 1000 });
    expect(holdout.status).toBe(400);
    expect(holdout.body.error).toMatchObject({ code: 'VALIDATION', field: 'holdoutPerMille' });
    const segment = await hq.post('/v1/marketing/campaigns', { name: 'x', couponDefId: 'C10', target: { kind: 'segment', segment: 'nobody' } });
    expect(segment.body.error).toMatchObject({ code: 'VALIDATION', field: 'target.segment' });
    const def = await hq.post('/v1/marketing/campaigns', { name: 'x', couponDefId: 'GONE', target: { kind: 'tier', tierId: 'gold' } });
    expect(def.body.error).toMatchObject({ code: 'VALIDATION', field: 'couponDefId' });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = await t.client.get('/openapi.json');
    expect(Object.keys(doc.body.paths).filter((p: string) => p.startsWith('/v1/marketing')).sort()).toEqual([
      '/v1/marketing/campaigns',
      '/v1/marketing/campaigns/{campaignId}',
      '/v1/marketing/campaigns/{campaignId}/effect',
      '/v1/marketing/campaigns/{campaignId}/issue',
      '/v1/marketing/coupons',
      '/v1/marketing/members/{memberId}/coupons',
    ]);
  });
});
