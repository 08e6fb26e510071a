// The API routes the HQ console adds, on SQLite and PostgreSQL over HTTP: the search-as-you-type
// lookup (prefix ranges, scope), the role's permissions, the engine preview of a draft, the terminal
// sync list in scope and one member's ledger export.
import { PriceInput, price } from '@pos/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../gateway/src/demo/seed-demo.js';
import { systemActor } from '../../gateway/src/context.js';
import { parseLookup } from '../../gateway/src/members/member-lookup.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';

const ITEMS = [
  { sku: 'MILK-1L', barcodes: ['6901234560014'], name: { zh: '鲜牛奶 1L', en: 'Fresh milk 1L' }, unitPriceFen: 1250, unit: 'piece', category: 'dairy', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'RICE-5KG', barcodes: ['6901234560045'], name: { zh: '东北大米 5kg', en: 'Rice 5kg' }, unitPriceFen: 3990, unit: 'piece', category: 'grocery', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
];

describe('parseLookup', () => {
  it.each([
    ['139', { kind: 'digits', text: '139', phonePrefix: '+86139' }],
    ['138 1234-5678', { kind: 'digits', text: '13812345678', phonePrefix: '+8613812345678' }],
    ['+8613900001001', { kind: 'digits', text: '8613900001001', phonePrefix: '+8613900001001' }],
    ['1', null],
    ['#vip', { kind: 'tag', text: 'vip' }],
    ['#', null],
    ['  张伟 ', { kind: 'name', text: '张伟' }],
    ['Wang', { kind: 'name', text: 'wang' }],
    ['', null],
  ])('%j', (q, expected) => {
    expect(parseLookup(q)).toEqual(expected);
  });
});

describe.each(DIALECTS)('console API on %s', (dialect) => {
  let t: TestGateway;
  let hq: Client;
  let manager: Client;
  let cashier: Client;
  let east: Client;
  let draftId: string;
  let storeId: string;
  let seed: Awaited<ReturnType<typeof seedDemo>>;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    seed = await seedDemo(t.gw.services);
    storeId = seed.storeIds[0]!;
    await t.gw.sync.catalogue.upsert(systemActor(seed.merchantId), ITEMS);
    hq = await login(t.client, 'demo', 'hq', DEMO_PASSWORD);
    manager = await login(t.client, 'demo', 'sh01-manager', DEMO_PASSWORD);
    cashier = await login(t.client, 'demo', 'sh01-cashier', DEMO_PASSWORD);
    east = await login(t.client, 'demo', 'east', DEMO_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const names = async (c: Client, q: string) => {
    const r = await c.get(`/v1/member-lookup?q=${encodeURIComponent(q)}`);
    expect(r.status).toBe(200);
    return r.body.items.map((i: { name: string; matchedBy: string }) => `${i.name}:${i.matchedBy}`);
  };

  it('looks members up by phone, card and name prefix and by tag, in the caller’s scope', async () => {
    // Demo members 张伟 … 孙悦 have phones 13900001001 … 13900001012 and join SH01, SH02, GZ01 in turn.
    expect(await names(hq, '1390000100')).toEqual(['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇', '周杰'].map((n) => `${n}:phone`));
    expect(await names(manager, '1390000100')).toEqual(['张伟:phone', '刘洋:phone', '赵敏:phone']);
    expect(await names(east, '1390000100')).toEqual(['张伟', '王芳', '刘洋', '陈静', '赵敏', '黄勇'].map((n) => `${n}:phone`));
    expect(await names(manager, '13900001002')).toEqual([]); // 王芳 is a member of SH02
    expect(await names(hq, '+8613900001012')).toEqual(['孙悦:phone']);
    // Card numbers 880000001001 …; the phone branch finds nothing for these digits.
    expect(await names(manager, '8800000010')).toEqual(['张伟:card', '刘洋:card', '赵敏:card', '吴丽:card']);
    const card = (await manager.get('/v1/member-lookup?q=88000000101')).body.items;
    expect(card.map((i: { cardNo: string }) => i.cardNo)).toEqual(['880000001010']);
    expect(await names(hq, '张')).toEqual(['张伟:name']);
    expect(await names(cashier, '王')).toEqual([]); // 王芳 is in SH02
    expect(await names(hq, '#vip')).toEqual(['张伟:tag', '刘洋:tag', '赵敏:tag', '吴丽:tag']);
    expect(await names(hq, '#无此标签')).toEqual([]);
    expect(await names(hq, '1')).toEqual([]);
    const masked = (await hq.get('/v1/member-lookup?q=13900001001')).body.items[0];
    expect(masked.phoneMasked).toBe('139****1001');
    expect(JSON.stringify(masked)).not.toContain('13900001001');
    expect((await hq.get('/v1/member-lookup?q=139&limit=2')).body.items).toHaveLength(2);
    expect((await hq.get('/v1/member-lookup?q=139&limit=21')).status).toBe(400);
  });

  it('tells each role which actions it may take', async () => {
    const actions = async (c: Client) => (await c.get('/v1/auth/permissions')).body;
    const h = await actions(hq);
    expect(h.role).toBe('hq_admin');
    expect(h.actions).toContain('audit.read');
    expect(h.actions).toContain('ruleSet.write');
    const m = await actions(manager);
    expect(m).toMatchObject({ role: 'store_manager', storeId });
    expect(m.actions).toContain('stored-value.adjust');
    expect(m.actions).not.toContain('audit.read');
    expect(m.actions).not.toContain('ruleSet.write');
    const c = await actions(cashier);
    expect(c.actions).toContain('stored-value.recharge');
    expect(c.actions).not.toContain('stored-value.adjust');
    expect(c.actions).not.toContain('import');
    // The list agrees with what the API does.
    expect((await cashier.post('/v1/adjustments', { idempotencyKey: 'k1', cardNo: '880000001001', principalDeltaFen: 1, reason: 'x' })).status).toBe(403);
    expect((await manager.get('/v1/audit')).status).toBe(403);
  });

  it('previews a draft on a basket through the engine, and refuses what it should', async () => {
    const content = {
      campaigns: [{ kind: 'spendThreshold', campaignId: 'mj-100-20', name: { zh: '满100减20', en: '20 off 100' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2036-01-01T00:00:00+08:00', thresholdFen: 10_000, offFen: 2_000 }],
      settings: { rounding: 'jiao' },
    };
    const draft = await hq.post('/v1/rule-sets/drafts', { name: 'preview', content });
    expect(draft.status).toBe(201);
    draftId = draft.body.id;
    const body = { storeId, lines: [{ sku: 'RICE-5KG', quantity: 3 }, { sku: 'MILK-1L', quantity: 1 }], now: '2026-11-25T10:00:00+08:00' };
    const r = await hq.post(`/v1/rule-sets/drafts/${draftId}/preview`, body);
    expect(r.status).toBe(200);
    const expected = price(PriceInput.parse({ now: body.now, storeId, rules: content, catalogue: ITEMS, basket: { lines: [{ lineNo: 1, sku: 'RICE-5KG', quantityMilli: 3000 }, { lineNo: 2, sku: 'MILK-1L', quantityMilli: 1000 }] } }));
    expect(r.body.totals).toEqual(expected.totals);
    // 3 × ¥39.90 + ¥12.50 = ¥132.20, 满100减20 → ¥112.20, 抹零 to the jiao → ¥112.20.
    expect(r.body.totals).toMatchObject({ grossFen: 13_220, discountFen: 2_000, payableFen: 11_220 });
    expect(r.body.campaigns.applied).toEqual([{ campaignId: 'mj-100-20', kind: 'spendThreshold', amountFen: 2_000 }]);
    // Under the threshold the campaign is rejected with its reason.
    const small = await hq.post(`/v1/rule-sets/drafts/${draftId}/preview`, { ...body, lines: [{ sku: 'MILK-1L', quantity: 1 }] });
    expect(small.body.campaigns.rejected).toEqual([{ id: 'mj-100-20', reason: 'BELOW_THRESHOLD' }]);
    expect(small.body.totals.payableFen).toBe(1_250);

    expect((await hq.post(`/v1/rule-sets/drafts/${draftId}/preview`, { ...body, lines: [{ sku: 'NOPE', quantity: 1 }] })).body.error.code).toBe('VALIDATION');
    expect((await manager.post(`/v1/rule-sets/drafts/${draftId}/preview`, body)).status).toBe(403);
    const broken = await hq.post('/v1/rule-sets/drafts', { name: 'broken', content: { campaigns: [{ kind: 'spendThreshold' }] } });
    const refused = await hq.post(`/v1/rule-sets/drafts/${broken.body.id}/preview`, body);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('RULE_SET_INVALID');

    // Coupons of the draft presented at the till: a 8折 coupon capped at ¥10 over ¥50, and one the draft does not define.
    const coupon = { couponDefId: 'pct-8-cap10', kind: 'percentOff', name: { zh: '8折券 最高减10元', en: '20% off, at most 10' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-01-01T00:00:00+08:00', thresholdFen: 5_000, discountPerMille: 800, capFen: 1_000 };
    const withCoupon = await hq.post('/v1/rule-sets/drafts', { name: 'coupon', content: { ...content, coupons: [coupon] } });
    const couponBody = { ...body, couponDefIds: ['pct-8-cap10', 'nope'] };
    const c = await hq.post(`/v1/rule-sets/drafts/${withCoupon.body.id}/preview`, couponBody);
    expect(c.status).toBe(200);
    const expectedC = price(PriceInput.parse({ now: body.now, storeId, rules: { ...content, coupons: [coupon] }, catalogue: ITEMS, basket: { lines: [{ lineNo: 1, sku: 'RICE-5KG', quantityMilli: 3000 }, { lineNo: 2, sku: 'MILK-1L', quantityMilli: 1000 }] }, coupons: [{ couponId: 'preview-1', couponDefId: 'pct-8-cap10' }, { couponId: 'preview-2', couponDefId: 'nope' }] }));
    expect(c.body.totals).toEqual(expectedC.totals);
    expect(c.body.coupons.accepted).toEqual([{ couponId: 'preview-1', couponDefId: 'pct-8-cap10', amountFen: 1_000 }]);
    expect(c.body.coupons.rejected).toEqual([{ id: 'preview-2', reason: 'UNKNOWN_DEFINITION' }]);
    // ¥132.20 gross − ¥20 (满100减20) − ¥10 (the cap, not 20% of ¥112.20) = ¥102.20.
    expect([c.body.totals.grossFen, c.body.totals.discountFen, c.body.totals.payableFen]).toEqual([13_220, 3_000, 10_220]);
  });

  it('lists terminals in scope with their sync state', async () => {
    const all = (await hq.get('/v1/terminal-sync-status')).body.items;
    expect(all.map((x: { name: string }) => x.name).sort()).toEqual(['GZ01-POS-1', 'SH01-POS-1', 'SH02-POS-1']);
    const mine = (await manager.get('/v1/terminal-sync-status')).body.items;
    expect(mine).toEqual([{ terminalId: mine[0].terminalId, storeId, name: 'SH01-POS-1', enrolled: false, revoked: false, connected: false, enrolledAt: null, lastSeenAt: null, ruleSetVersion: null, softwareVersion: null, pendingEvents: null }]);
    const code = (await manager.post(`/v1/terminals/${mine[0].terminalId}/enrolment-code`)).body.code;
    expect((await t.client.post('/v1/terminals/enrol', { code })).status).toBe(200);
    expect((await manager.post(`/v1/terminals/${mine[0].terminalId}/revoke`)).status).toBe(200);
    const after = (await manager.get('/v1/terminal-sync-status')).body.items[0];
    expect(after).toMatchObject({ enrolled: true, revoked: true, connected: false });
  });

  it('exports one member’s ledger', async () => {
    const member = (await hq.get('/v1/member-lookup?q=13900001001')).body.items[0];
    const csv = await hq.get(`/v1/exports/ledger?memberId=${member.id}&format=csv`);
    expect(csv.status).toBe(200);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
    const memberCol = lines[0]!.split(',').indexOf('member_id');
    // 张伟: the demo recharge and the demo points.
    expect(lines.slice(1).map((l) => l.split(',')[memberCol])).toEqual([member.id, member.id]);
    expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['points_earn', 'recharge']);
  });

  it('the summary counts the members who joined since a moment (inclusive), in the caller’s scope, for the dashboard', async () => {
    expect((await hq.get('/v1/reports/summary')).body.membersAdded).toBeUndefined();
    // A minute after the seeding (sign-in tokens stay valid), two members join: one in SH01, one in SH02.
    const joined = t.clock.nowMs() + 60_000;
    t.clock.now = joined;
    const sys = systemActor(seed.merchantId);
    await t.gw.services.members.createMember(sys, { name: '新会员甲', phone: '13977770001', storeId: seed.storeIds[0]! });
    const second = await t.gw.services.members.createMember(sys, { name: '新会员乙', phone: '13977770002', storeId: seed.storeIds[1]! });
    const all = (await hq.get('/v1/reports/summary')).body.members;
    const since = async (c: Client, ms: number) => (await c.get(`/v1/reports/summary?addedSince=${encodeURIComponent(new Date(ms).toISOString())}`)).body;
    expect(await since(hq, joined - 1_000)).toMatchObject({ members: all, membersAdded: 2 });
    expect((await since(hq, joined)).membersAdded).toBe(2);
    expect((await since(hq, second.createdAt)).membersAdded).toBe(1); // inclusive
    expect((await since(hq, second.createdAt + 1)).membersAdded).toBe(0);
    expect((await since(manager, joined - 1_000)).membersAdded).toBe(1); // SH01 only
    expect((await since(hq, 0)).membersAdded).toBe(all);
    expect(all).toBeGreaterThanOrEqual(14); // the 12 demo members and the two
    // An offset is read as the instant it names.
    const offset = (await hq.get(`/v1/reports/summary?addedSince=${encodeURIComponent(new Date(joined + 8 * 3_600_000).toISOString().replace('Z', '+08:00'))}`)).body;
    expect(offset.membersAdded).toBe(2);
    const bad = await hq.get('/v1/reports/summary?addedSince=yesterday');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION']);
  });
});
