// Members (CRUD, phone normalisation and masking, search, tags, attributes, notes, pagination) and
// the card lifecycle with its ledger effects and audit trail, over HTTP on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../gateway/src/context.js';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { DIALECTS } from './harness.js';
import { login, startTestGateway, type Client, type TestGateway } from './http-harness.js';

describe.each(DIALECTS)('members and cards on %s', (dialect) => {
  let t: TestGateway;
  let hq: Client;
  let storeId: string;
  let personalType: string;
  let planId: string;
  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    const m = await s.hierarchy.createMerchant({ code: 'beauty', name: '美妆连锁' });
    const sys = systemActor(m.id);
    await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'HQ', password: 'password-hq', role: 'hq_admin' });
    hq = await login(t.client, 'beauty', 'hq', 'password-hq');
    const region = await hq.post('/v1/regions', { name: '华东' });
    const store = await hq.post('/v1/stores', { regionId: region.body.id, code: 'SH01', name: '上海店' });
    storeId = store.body.id;
    personalType = (await hq.post('/v1/card-types', { name: '金卡', kind: 'personal', level: 'gold', discountPerMille: 950, offlineLimitFen: 20_000 })).body.id;
    planId = 'p1000';
    const draft = await hq.post('/v1/rule-sets/drafts', {
      name: 'plans',
      content: {
        rechargePlans: [
          { planId, name: { zh: '充1000送100', en: 'Pay 1000 get 100' }, steps: [{ minPaidFen: 100_000, bonusFen: 10_000, bonusPoints: 50 }] },
          { planId: 'each100', name: { zh: '每充100送5', en: '5 per 100' }, mode: 'repeat', steps: [{ minPaidFen: 10_000, bonusFen: 500 }], maxTimes: 3 },
        ],
      },
    });
    await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`);
    await hq.post('/v1/member-attributes', { key: 'skin_type', labelZh: '肤质', labelEn: 'Skin type', type: 'enum', options: ['dry', 'oily', 'mixed'] });
    await hq.post('/v1/member-attributes', { key: 'allergies', labelZh: '过敏', labelEn: 'Allergies', type: 'text' });
  });
  afterAll(async () => t?.close());

  it('creates a member with the phone in E.164, custom attributes and tags; refuses duplicates and bad input by field', async () => {
    const r = await hq.post('/v1/members', {
      name: '李娜', phone: '138 1234 5678', gender: 'female', birthday: '1990-05-01', storeId,
      tags: ['vip', ' 敏感肌 '], attributes: { skin_type: 'dry', allergies: '酒精' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: '李娜', phone: '+8613812345678', tags: ['vip', '敏感肌'], attributes: { skin_type: 'dry', allergies: '酒精' }, storedValue: { principalFen: 0, bonusFen: 0 } });
    const dup = await hq.post('/v1/members', { name: '李娜2', phone: '+86 13812345678', storeId });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'PHONE_TAKEN', field: 'phone' });
    const bad = [
      [{ name: 'x', phone: '12345', storeId }, 'phone'],
      [{ name: 'x', storeId, attributes: { skin_type: 'greasy' } }, 'attributes.skin_type'],
      [{ name: 'x', storeId, attributes: { shoe_size: 42 } }, 'attributes.shoe_size'],
      [{ name: '', storeId }, 'name'],
      [{ name: 'x', storeId, birthday: '1990-13' }, 'birthday'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await hq.post('/v1/members', body);
      expect([res.status, res.body.error.code, res.body.error.field]).toEqual([400, 'VALIDATION', field]);
    }
  });

  it('searches by phone in any form, card number, name fragment and tag, with phones masked', async () => {
    const wang = (await hq.post('/v1/members', { name: '王小明', phone: '13900001111', storeId, tags: ['vip'] })).body;
    await hq.post('/v1/cards', { memberId: wang.id, cardTypeId: personalType, cardNo: '6200001111' });
    await hq.post('/v1/members', { name: '王大明', phone: '13900002222', storeId });
    const ids = async (q: string) => ((await hq.get(`/v1/members?${q}`)).body.items as { name: string }[]).map((m) => m.name);
    expect(await ids(`phone=${encodeURIComponent('+86 139-0000-1111')}`)).toEqual(['王小明']);
    expect(await ids('cardNo=6200001111')).toEqual(['王小明']);
    expect(await ids('phoneTail=2222')).toEqual(['王大明']);
    expect((await hq.get('/v1/members?phoneTail=22')).body.error).toMatchObject({ code: 'VALIDATION', field: 'query.phoneTail' });
    expect(await ids(`name=${encodeURIComponent('大明')}`)).toEqual(['王大明']);
    expect(await ids(`name=${encodeURIComponent('明')}`)).toEqual(['王小明', '王大明']);
    expect(await ids('tag=vip')).toEqual(['李娜', '王小明']);
    const list = await hq.get(`/v1/members?name=${encodeURIComponent('小明')}`);
    expect(list.body.items[0].phoneMasked).toBe('139****1111');
    expect(list.text).not.toContain('13900001111');
    const detail = await hq.get(`/v1/members/${wang.id}`);
    expect(detail.body.phone).toBe('+8613900001111');
  });

  it('pages with a cursor until the end', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await hq.get(`/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.items.map((m) => m.id));
      cursor = r.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen.length).toBe(3);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(3);
    expect((await hq.get('/v1/members?limit=201')).body.error).toMatchObject({ code: 'VALIDATION', field: 'query.limit' });
  });

  it('keeps tags, notes and updates, audited with the phone masked', async () => {
    const m = (await hq.post('/v1/members', { name: '赵敏', phone: '13700003333', storeId })).body;
    expect((await hq.post(`/v1/members/${m.id}/tags`, { add: ['生日月', 'vip'], remove: [] })).body.tags).toEqual(['vip', '生日月']);
    expect((await hq.post(`/v1/members/${m.id}/tags`, { remove: ['vip'] })).body.tags).toEqual(['生日月']);
    await hq.post(`/v1/members/${m.id}/notes`, { body: '电话回访：对新品满意' });
    const patched = await hq.patch(`/v1/members/${m.id}`, { phone: '13700004444', address: '上海市徐汇区' });
    expect(patched.body).toMatchObject({ phone: '+8613700004444', address: '上海市徐汇区' });
    const detail = (await hq.get(`/v1/members/${m.id}`)).body;
    expect(detail.notes.map((n: { body: string }) => n.body)).toEqual(['电话回访：对新品满意']);
    const audit = (await hq.get(`/v1/audit?entityType=member&entityId=${m.id}`)).body.items as { action: string; role: string; before: any; after: any }[];
    expect(audit.map((a) => a.action)).toEqual(['member.create', 'member.tags', 'member.tags', 'member.note', 'member.update']);
    expect(audit[4]).toMatchObject({ role: 'hq_admin', before: { phone: '137****3333' }, after: { phone: '137****4444', address: '上海市徐汇区' } });
    expect(JSON.stringify(audit)).not.toContain('13700003333');
  });

  it('runs the card lifecycle: issue (phone as e-card), loss, unloss, freeze, unfreeze, replace, cancel', async () => {
    const m = (await hq.post('/v1/members', { name: '陈晨', phone: '13600005555', storeId })).body;
    const ecard = await hq.post('/v1/cards', { memberId: m.id, cardTypeId: personalType });
    expect(ecard.body).toMatchObject({ cardNo: '13600005555', status: 'active' });
    const cardNo = '6200005555';
    expect((await hq.post('/v1/cards', { memberId: m.id, cardTypeId: personalType, cardNo })).status).toBe(201);
    expect((await hq.post('/v1/cards', { memberId: m.id, cardTypeId: personalType, cardNo })).body.error).toMatchObject({ code: 'CARD_NO_TAKEN', field: 'cardNo' });
    const rc = await hq.post('/v1/recharges', { idempotencyKey: 'lc-rc', cardNo, paidFen: 100_000, planId });
    expect(rc.body).toMatchObject({ planId, principalFen: 100_000, bonusFen: 10_000, bonusPoints: 50, balance: { principalFen: 100_000, bonusFen: 10_000 } });
    expect((await hq.get(`/v1/members/${m.id}`)).body.points).toMatchObject({ balance: 50 });

    expect((await hq.post(`/v1/cards/${cardNo}/loss`, { reason: '顾客电话挂失' })).body.status).toBe('lost');
    const refused = await hq.post('/v1/spends', { idempotencyKey: 'lc-sp-1', cardNo, amountFen: 100 });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'CARD_NOT_ACTIVE']);
    expect((await hq.post(`/v1/cards/${cardNo}/unloss`, {})).body.status).toBe('active');
    expect((await hq.post(`/v1/cards/${cardNo}/unfreeze`, {})).body.error.code).toBe('INVALID_TRANSITION');
    expect((await hq.post(`/v1/cards/${cardNo}/freeze`, {})).body.status).toBe('frozen');
    expect((await hq.post(`/v1/cards/${cardNo}/unfreeze`, {})).body.status).toBe('active');
    // No rule set published: principal first, the engine's default.
    expect((await hq.post('/v1/spends', { idempotencyKey: 'lc-sp-2', cardNo, amountFen: 11_000 })).body).toMatchObject({ principalFen: 11_000, bonusFen: 0 });

    const replaced = await hq.post(`/v1/cards/${cardNo}/replace`, { newCardNo: '6200005556' });
    expect(replaced.body).toMatchObject({ oldCardNo: cardNo, newCardNo: '6200005556', moved: { principalFen: 89_000, bonusFen: 10_000 } });
    expect((await hq.get(`/v1/cards/${cardNo}`)).body).toMatchObject({ status: 'replaced', balance: { principalFen: 0, bonusFen: 0 } });
    expect((await hq.get('/v1/cards/6200005556')).body).toMatchObject({ status: 'active', balance: { principalFen: 89_000, bonusFen: 10_000 } });
    expect((await hq.post(`/v1/cards/${cardNo}/loss`, {})).body.error.code).toBe('INVALID_TRANSITION');

    expect((await hq.post('/v1/cards/6200005556/cancel', {})).body.error).toMatchObject({ code: 'VALIDATION', field: 'reason' });
    const cancelled = await hq.post('/v1/cards/6200005556/cancel', { reason: '顾客退卡' });
    expect(cancelled.body).toMatchObject({ refundedPrincipalFen: 89_000, forfeitedBonusFen: 10_000, replayed: false });
    expect((await hq.post('/v1/cards/6200005556/cancel', { reason: '顾客退卡' })).body.replayed).toBe(true);
    expect((await hq.get('/v1/cards/6200005556')).body).toMatchObject({ status: 'cancelled', balance: { principalFen: 0, bonusFen: 0 } });

    const newCard = await hq.get('/v1/cards/6200005556');
    const audit = (await hq.get(`/v1/audit?entityType=card&entityId=${newCard.body.id}`)).body.items as { action: string; before: any; after: any }[];
    expect(audit.map((a) => a.action)).toEqual(['ledger.card_cancel']);
    expect(audit[0]).toMatchObject({ before: { status: 'active', balance: { principalFen: 89_000, bonusFen: 10_000 } }, after: { status: 'cancelled', balance: { principalFen: 0, bonusFen: 0 }, reason: '顾客退卡' } });
    const oldId = (await hq.get(`/v1/cards/${cardNo}`)).body.id;
    const oldAudit = (await hq.get(`/v1/audit?entityType=card&entityId=${oldId}`)).body.items as { action: string }[];
    expect(oldAudit.map((a) => a.action)).toEqual([
      'card.issue', 'ledger.recharge', 'card.loss', 'card.unloss', 'card.freeze', 'card.unfreeze', 'ledger.spend', 'ledger.card_replace',
    ]);

    const ledger = (await hq.get(`/v1/members/${m.id}/ledger`)).body.items as { kind: string; postings: { fromAccount: string; toAccount: string; amount: number }[] }[];
    expect(ledger.map((e) => e.kind)).toEqual(['recharge', 'spend', 'card_replace', 'card_cancel']);
    expect(ledger[3]?.postings).toEqual([
      { fromAccount: 'card_principal', toAccount: 'sv_refund_payout', amount: 89_000, unit: 'fen' },
      { fromAccount: 'card_bonus', toAccount: 'sv_bonus_forfeited', amount: 10_000, unit: 'fen' },
    ]);
    expect((await checkLedger(t.gw.services.gdb)).ok).toBe(true);
  });

  it('computes recharge bonuses with the engine: the chosen plan, or the live plan giving most', async () => {
    const m = (await hq.post('/v1/members', { name: '充值', phone: '13500008888', storeId })).body;
    await hq.post('/v1/cards', { memberId: m.id, cardTypeId: personalType, cardNo: '6200008888' });
    const r = (body: object) => hq.post('/v1/recharges', { cardNo: '6200008888', ...body });
    expect((await r({ idempotencyKey: 'pl-1', paidFen: 45_000, planId: 'each100' })).body).toMatchObject({ planId: 'each100', principalFen: 45_000, bonusFen: 1_500 });
    expect((await r({ idempotencyKey: 'pl-2', paidFen: 20_000 })).body).toMatchObject({ planId: 'each100', principalFen: 20_000, bonusFen: 1_000 });
    expect((await r({ idempotencyKey: 'pl-3', paidFen: 5_000 })).body).toMatchObject({ planId: null, principalFen: 5_000, bonusFen: 0 });
    expect((await r({ idempotencyKey: 'pl-4', paidFen: 5_000, planId: 'nope' })).body.error).toMatchObject({ code: 'NOT_FOUND', field: 'planId' });
    expect((await hq.get('/v1/cards/6200008888')).body.balance).toEqual({ principalFen: 70_000, bonusFen: 2_500 });
  });

  it('answers errors in one shape with the right status', async () => {
    const cases = [
      [await hq.post('/v1/recharges', { idempotencyKey: 'e1', cardNo: 'abc', amountFen: 100 }), 400, 'VALIDATION', 'cardNo'],
      [await hq.post('/v1/recharges', { idempotencyKey: 'e2', cardNo: '123456789', paidFen: 1.5 }), 400, 'VALIDATION', 'paidFen'],
      [await hq.post('/v1/adjustments', { idempotencyKey: 'e3', cardNo: '13600005555', principalDeltaFen: 5 }), 400, 'VALIDATION', 'reason'],
      [await hq.request('POST', '/v1/regions', '{not json', { 'content-type': 'application/json' }), 400, 'VALIDATION', undefined],
      [await hq.get('/v1/nothing-here'), 404, 'NOT_FOUND', undefined],
      [await hq.request('POST', '/v1/members', JSON.stringify({ name: 'x'.repeat(300_000) }), { 'content-type': 'application/json' }), 413, 'PAYLOAD_TOO_LARGE', undefined],
    ] as const;
    for (const [res, status, code, field] of cases) {
      expect([res.status, res.body.error.code, res.body.error.field]).toEqual([status, code, field]);
    }
  });

  it('records growth value once per key and moves the tier by the published tiers (downgrade only when periodic)', async () => {
    const tiers = [
      { tierId: 'silver', name: { zh: '银卡', en: 'Silver' }, growthThreshold: 0 },
      { tierId: 'gold', name: { zh: '金卡', en: 'Gold' }, growthThreshold: 1_000 },
    ];
    const draft = await hq.post('/v1/rule-sets/drafts', { name: 'tiers', content: { tiers } });
    expect((await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`)).status).toBe(201);
    const m = (await hq.post('/v1/members', { name: '成长', phone: '13500006666', storeId })).body;
    const grow = (key: string, delta: number, mode = 'upgrade') => hq.post(`/v1/members/${m.id}/growth`, { idempotencyKey: key, delta, source: 'adjustment', mode });
    const steps = [await grow('g1', 500), await grow('g2', 600), await grow('g3', -800), await grow('g4', 0, 'periodic')];
    expect(steps.map((r) => [r.body.growthAfter, r.body.tierBefore, r.body.tierAfter, r.body.change])).toEqual([
      [500, null, 'silver', 'upgrade'],
      [1_100, 'silver', 'gold', 'upgrade'],
      [300, 'gold', 'gold', 'none'],
      [300, 'gold', 'silver', 'downgrade'],
    ]);
    expect((await grow('g2', 600)).body).toEqual({ ...steps[1]!.body, replayed: true });
    const detail = (await hq.get(`/v1/members/${m.id}`)).body;
    expect([detail.growth, detail.tierId]).toEqual([300, 'silver']);
    expect(detail.growthHistory.map((h: { delta: number; tierAfter: string }) => [h.delta, h.tierAfter])).toEqual([[0, 'silver'], [-800, 'gold'], [600, 'gold'], [500, 'silver']]);
  });

  it('earns, redeems and expires points by lot over HTTP', async () => {
    const m = (await hq.post('/v1/members', { name: '积分', phone: '13500009999', storeId })).body;
    await hq.post('/v1/points/earn', { idempotencyKey: 'pt-1', memberId: m.id, points: 300, expiresOn: '2026-02-28' });
    await hq.post('/v1/points/earn', { idempotencyKey: 'pt-2', memberId: m.id, points: 200, expiresOn: '2026-12-31' });
    expect((await hq.post('/v1/points/spend', { idempotencyKey: 'pt-3', memberId: m.id, points: 250, today: '2026-02-01' })).body.pointsBalance).toBe(250);
    expect((await hq.post('/v1/points/expire', { today: '2026-03-01' })).body).toEqual({ lotsExpired: 1, pointsExpired: 50 });
    expect((await hq.get(`/v1/members/${m.id}`)).body.points).toEqual({ balance: 200, lots: [{ lotId: expect.any(String), points: 200, expiresOn: '2026-12-31' }] });
  });

  it('binds RFID/IC UIDs to a card, upper-cased and once each', async () => {
    const m = (await hq.post('/v1/members', { name: '绑卡', phone: '13500007777', storeId })).body;
    await hq.post('/v1/cards', { memberId: m.id, cardTypeId: personalType, cardNo: '6200007777' });
    await hq.post('/v1/cards/6200007777/uids', { uid: '04a1b2c3' });
    expect((await hq.post('/v1/cards/6200007777/uids', { uid: '04A1B2C3' })).body.uids).toEqual(['04A1B2C3']);
    expect((await hq.post('/v1/cards/6200007777/uids', { uid: 'xyz' })).body.error).toMatchObject({ code: 'VALIDATION', field: 'uid' });
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const doc = (await t.client.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.description).toContain('integer fen');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/auth/login', '/v1/members', '/v1/members/{memberId}/ledger', '/v1/cards/{cardNo}/replace', '/v1/recharges', '/v1/adjustments']));
    expect(doc.paths['/v1/adjustments'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['idempotencyKey', 'cardNo', 'reason']));
  });
});
