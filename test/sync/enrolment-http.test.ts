// Enrolment and the price list over HTTP, on SQLite and PostgreSQL: HQ issues a one-time code,
// the terminal redeems it once, a cashier may not issue codes, HQ revokes; catalogue upserts are
// validated and reach the terminal's snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../gateway/src/context.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';

describe.each(DIALECTS)('enrolment over HTTP on %s', (dialect) => {
  let t: TestGateway;
  let hq: Client;
  let cashier: Client;
  let terminalId: string;
  let storeId: string;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    const merchant = await s.hierarchy.createMerchant({ code: 'ENR', name: '注册测试' });
    const sys = systemActor(merchant.id);
    const region = await s.hierarchy.createRegion(sys, { name: '华东' });
    const store = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'ENR-1', name: '一店' });
    storeId = store.id;
    terminalId = (await s.hierarchy.createTerminal(sys, { storeId, name: '1号收银台' })).id;
    await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'HQ', password: 'password-hq', role: 'hq_admin' });
    await s.hierarchy.createStaff(sys, { username: 'c1', displayName: '收银员', password: 'password-c1', role: 'cashier', storeId });
    hq = await login(t.client, 'ENR', 'hq', 'password-hq');
    cashier = await login(t.client, 'ENR', 'c1', 'password-c1');
  });

  afterAll(async () => t?.close());

  it('a code is redeemed once for the terminal id and a secret', async () => {
    const issued = await hq.post(`/v1/terminals/${terminalId}/enrolment-code`);
    expect(issued.status).toBe(201);
    expect(issued.body.code).toMatch(/^\d{10}$/);
    const redeemed = await t.client.post('/v1/terminals/enrol', { code: issued.body.code });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({ terminalId, storeId });
    expect(redeemed.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await t.client.post('/v1/terminals/enrol', { code: issued.body.code });
    expect([again.status, again.body.error.code, again.body.error.field]).toEqual([404, 'NOT_FOUND', 'code']);
  });

  it('a cashier may not issue codes or revoke', async () => {
    expect((await cashier.post(`/v1/terminals/${terminalId}/enrolment-code`)).status).toBe(403);
    expect((await cashier.post(`/v1/terminals/${terminalId}/revoke`)).status).toBe(403);
  });

  it('HQ revokes the key and sees it in the sync status', async () => {
    expect((await hq.get(`/v1/terminals/${terminalId}/sync-status`)).body).toEqual({ enrolled: true, revoked: false, connected: false });
    const revoked = await hq.post(`/v1/terminals/${terminalId}/revoke`);
    expect(revoked.status).toBe(200);
    expect((await hq.get(`/v1/terminals/${terminalId}/sync-status`)).body).toEqual({ enrolled: true, revoked: true, connected: false });
  });

  it('catalogue upserts are validated, stored and paged by sku', async () => {
    const item = (sku: string, priceFen: number) => ({ sku, barcodes: [], name: { zh: `商品${sku}`, en: `Item ${sku}` }, unitPriceFen: priceFen, category: 'grocery' });
    const bad = await hq.put('/v1/catalogue/items', [item('A1', 100), { ...item('A2', 1.5) }]);
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([400, 'VALIDATION', '1.unitPriceFen']);
    const ok = await hq.put('/v1/catalogue/items', [item('B2', 250), item('B1', 100)]);
    expect(ok.body).toEqual({ upserted: 2 });
    await hq.put('/v1/catalogue/items', [item('B1', 120)]);
    const page = await cashier.get('/v1/catalogue/items');
    expect(page.body.items.map((i: { sku: string; unitPriceFen: number }) => [i.sku, i.unitPriceFen])).toEqual([
      ['B1', 120],
      ['B2', 250],
    ]);
    expect((await cashier.put('/v1/catalogue/items', [item('C1', 1)])).status).toBe(403);
  });
  // Last: moving the clock a day on also expires the staff tokens.
  it('an expired code is refused like an unknown one', async () => {
    const issued = await hq.post(`/v1/terminals/${terminalId}/enrolment-code`);
    t.clock.advance(24 * 60 * 60 * 1000 + 1);
    const late = await t.client.post('/v1/terminals/enrol', { code: issued.body.code });
    expect([late.status, late.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const malformed = await t.client.post('/v1/terminals/enrol', { code: 'abc' });
    expect([malformed.status, malformed.body.error.code, malformed.body.error.field]).toEqual([400, 'VALIDATION', 'code']);
  });

});
