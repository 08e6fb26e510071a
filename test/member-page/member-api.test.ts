// The member page's API on both dialects, through a real gateway over HTTP with a ManualClock:
// one-time codes (same answer for registered and unknown phones, one use, expiry, 5 wrong → locked
// 15 min, per-phone send limits), register-or-login, referral, profile limits, the member code, the
// separation of member and staff tokens, and the size of the page's script.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMemberCode } from '@pos/protocol';
import { DEMO_MERCHANT_CODE, DEMO_PASSWORD, seedDemo, systemActor } from '../../gateway/src/index.js';
import type { InboxLine } from '../../gateway/src/notifications/index.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type TestGateway } from '../gateway/http-harness.js';

const MINUTE = 60_000;

describe.each(DIALECTS)('member page API (%s)', (dialect) => {
  let t: TestGateway;
  let dir: string;
  let merchantId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'member-api-'));
    t = await startTestGateway(dialect, { dataDir: dir });
    merchantId = (await seedDemo(t.gw.services)).merchantId;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown, token?: string) {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(t.gw.url + path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers };
  }
  const inbox = (): InboxLine[] => readFileSync(join(dir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as InboxLine);
  const lastCodeFor = (phoneE164: string) => {
    const line = inbox().filter((l) => l.phone === phoneE164 && l.template === 'otp').at(-1)!;
    return String(line.vars.code);
  };
  const send = (phone: string) => call('POST', '/m/api/otp', { merchantCode: DEMO_MERCHANT_CODE, phone });
  const verify = (phone: string, code: string, extra: Record<string, string> = {}) => call('POST', '/m/api/login', { merchantCode: DEMO_MERCHANT_CODE, phone, code, ...extra });

  it('answers a registered and an unknown phone identically, for sending and for a wrong code', async () => {
    await t.gw.services.members.createMember(systemActor(merchantId), { name: '老会员', phone: '13700000001', storeId: (await seedDemo(t.gw.services)).storeIds[0]! });
    const known = await send('13700000001');
    const unknown = await send('13700000002');
    expect(known.status).toBe(200);
    expect(known.body).toEqual({ sent: true, retryAfterSeconds: 60, expiresInSeconds: 300 });
    expect(unknown.body).toEqual(known.body);
    expect(lastCodeFor('+8613700000001')).toMatch(/^\d{6}$/);
    expect(lastCodeFor('+8613700000002')).toMatch(/^\d{6}$/);
    const wrongKnown = await verify('13700000001', '000000' === lastCodeFor('+8613700000001') ? '000001' : '000000');
    const wrongUnknown = await verify('13700000002', '000000' === lastCodeFor('+8613700000002') ? '000001' : '000000');
    expect(wrongKnown.status).toBe(401);
    expect(wrongKnown.body).toEqual({ error: { code: 'OTP_INVALID', message: '验证码错误 / wrong code', field: 'code' } });
    expect(wrongUnknown.body).toEqual(wrongKnown.body);
    // Rate limited the same way too.
    expect((await send('13700000001')).body).toEqual((await send('13700000002')).body);
  });

  it('registers a new phone once the code is verified, with its referrer; the code is single-use', async () => {
    const referrer = await t.gw.services.members.createMember(systemActor(merchantId), { name: '推荐人', phone: '13700000010', storeId: (await seedDemo(t.gw.services)).storeIds[1]! });
    expect((await send('13700000011')).status).toBe(200);
    const code = lastCodeFor('+8613700000011');
    const ok = await verify('13700000011', code, { referrerId: referrer.id });
    expect(ok.status).toBe(200);
    expect(ok.body.registered).toBe(true);
    expect(ok.headers.get('set-cookie')).toMatch(/^pos_member=[A-Za-z0-9_-]{43}; .*HttpOnly/);
    const me = await call('GET', '/m/api/me', undefined, ok.body.token);
    expect(me.status).toBe(200);
    expect(me.body.member).toMatchObject({ id: ok.body.memberId, name: '会员0011', phoneMasked: '137****0011', referrerId: referrer.id });
    expect(me.body.referralPath).toBe(`/m/${DEMO_MERCHANT_CODE}/?ref=${ok.body.memberId}`);
    const row = await t.gw.services.gdb.db.selectFrom('members').select(['referrer_id', 'store_id']).where('id', '=', ok.body.memberId).executeTakeFirstOrThrow();
    expect(row).toEqual({ referrer_id: referrer.id, store_id: (await seedDemo(t.gw.services)).storeIds[1]! });
    // The same code again is refused; a new code logs the member in without registering again.
    expect((await verify('13700000011', code)).body.error.code).toBe('OTP_INVALID');
    t.clock.advance(MINUTE);
    await send('13700000011');
    const again = await verify('13700000011', lastCodeFor('+8613700000011'));
    expect(again.body).toMatchObject({ registered: false, memberId: ok.body.memberId });
  });

  it('refuses an expired code (ManualClock past 5 minutes)', async () => {
    await send('13700000020');
    const code = lastCodeFor('+8613700000020');
    t.clock.advance(5 * MINUTE);
    const r = await verify('13700000020', code);
    expect(r.status).toBe(401);
    expect(r.body.error).toEqual({ code: 'OTP_EXPIRED', message: '验证码已过期，请重新获取 / the code has expired; request a new one', field: 'code' });
  });

  it('locks the phone for 15 minutes after 5 wrong codes, even against the right code and a new send', async () => {
    await send('13700000030');
    const code = lastCodeFor('+8613700000030');
    const wrong = code === '999999' ? '999998' : '999999';
    const statuses: string[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await verify('13700000030', wrong)).body.error.code);
    expect(statuses).toEqual(['OTP_INVALID', 'OTP_INVALID', 'OTP_INVALID', 'OTP_INVALID', 'OTP_LOCKED']);
    const right = await verify('13700000030', code);
    expect(right.status).toBe(423);
    expect(right.body.error.code).toBe('OTP_LOCKED');
    t.clock.advance(2 * MINUTE);
    expect((await send('13700000030')).body.error).toEqual({ code: 'OTP_LOCKED', message: '验证码错误次数过多，请 13 分钟后再试 / too many wrong codes; try again in 13 min' });
    t.clock.advance(13 * MINUTE);
    // After the lock the old code is void; a new one works.
    expect((await verify('13700000030', code)).body.error.code).toBe('OTP_INVALID');
    expect((await send('13700000030')).status).toBe(200);
    expect((await verify('13700000030', lastCodeFor('+8613700000030'))).status).toBe(200);
  });

  it('limits sends per phone: one per 60 s, five per hour', async () => {
    expect((await send('13700000040')).status).toBe(200);
    const soon = await send('13700000040');
    expect(soon.status).toBe(429);
    expect(soon.body.error.code).toBe('RATE_LIMITED');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      t.clock.advance(MINUTE);
      statuses.push((await send('13700000040')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    t.clock.advance(56 * MINUTE);
    expect((await send('13700000040')).status).toBe(200);
  });

  it('keeps member and staff tokens apart; limits profile edits; serves the member code and a small script', async () => {
    t.clock.advance(60 * MINUTE); // clear the per-IP hour of the earlier sends
    await send('13700000050');
    const member = await verify('13700000050', lastCodeFor('+8613700000050'));
    const token = member.body.token as string;
    const staff = await login(t.client, DEMO_MERCHANT_CODE, 'hq', DEMO_PASSWORD);
    expect((await call('GET', '/m/api/me', undefined, staff.token)).status).toBe(401);
    expect((await call('GET', '/v1/members', undefined, token)).status).toBe(401);

    // The demo's favourite_category is not member-editable until HQ says so.
    const denied = await call('PATCH', '/m/api/me', { attributes: { favourite_category: '零食' } }, token);
    expect(denied.status).toBe(400);
    expect(denied.body.error.field).toBe('attributes.favourite_category');
    expect((await staff.put('/v1/member-attributes/favourite_category/member-editable', { memberEditable: true })).status).toBe(200);
    const edited = await call('PATCH', '/m/api/me', { name: '张三', birthday: '1995-04-01', gender: 'female', attributes: { favourite_category: '零食' } }, token);
    expect(edited.status).toBe(200);
    expect(edited.body.member).toMatchObject({ name: '张三', birthday: '1995-04-01', gender: 'female', attributes: { favourite_category: '零食' } });
    expect((await call('PATCH', '/m/api/me', { birthday: '1995-05-01' }, token)).body.error.field).toBe('birthday');

    const code = await call('GET', '/m/api/code', undefined, token);
    expect(code.status).toBe(200);
    expect(code.body.payload).toMatch(new RegExp(`^PM1\\.${member.body.memberId}\\.\\d{8}$`));
    expect(code.body.svg).toMatch(/^<svg /);
    const secret = (await t.gw.services.gdb.db.selectFrom('members').selectAll().where('id', '=', member.body.memberId).executeTakeFirstOrThrow()) as unknown as { code_secret: string };
    expect(verifyMemberCode(code.body.payload, secret.code_secret, t.clock.now)).toMatchObject({ ok: true, memberId: member.body.memberId });

    const logout = await call('POST', '/m/api/logout', undefined, token);
    expect(logout.status).toBe(200);
    expect((await call('GET', '/m/api/me', undefined, token)).status).toBe(401);

    const page = await fetch(`${t.gw.url}/m/${DEMO_MERCHANT_CODE}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/m/app.js">');
    const script = await fetch(`${t.gw.url}/m/app.js`);
    const bytes = (await script.arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThan(100 * 1024);
  });

  it("shows the member's own view: tier progress, points by expiry, balance, coupons, recharge plans and stores", async () => {
    t.clock.advance(60 * MINUTE);
    await send('13700000060');
    const member = await verify('13700000060', lastCodeFor('+8613700000060'));
    const memberId = member.body.memberId as string;
    const s = t.gw.services;
    const sys = systemActor(merchantId);
    const storeId = (await seedDemo(s)).storeIds[0]!;
    // The demo rules again, plus a coupon definition.
    const active = await s.ruleSets.getVersion(sys);
    const draft = await s.ruleSets.createDraft(sys, {
      name: 'with coupon',
      content: { ...active.rules, coupons: [{ kind: 'amountOff', couponDefId: 'c-50-5', name: { zh: '满50减5券', en: '5 off 50' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-01-01T00:00:00+08:00', thresholdFen: 5_000, offFen: 500 }] },
    });
    await s.ruleSets.publish(sys, draft.id);
    const issued = await s.coupons.issue(sys, { definitionId: 'c-50-5', memberIds: [memberId], idempotencyKey: 'page-test' });
    const regular = (await s.cards.listCardTypes(sys)).find((x) => x.level === 'regular' && x.kind === 'personal')!; // not the linked 家庭副卡
    await s.cards.issueCard(sys, { memberId, cardTypeId: regular.id, cardNo: '6200001234567890' });
    await s.ledger.recharge(systemActor(merchantId, storeId), { idempotencyKey: 'page-recharge', cardNo: '6200001234567890', paidFen: 50_000, planId: 'topup-500' });
    await s.ledger.earnPoints(sys, { idempotencyKey: 'page-points-1', memberId, points: 30, expiresOn: '2027-06-30' });
    await s.growth.addGrowth(sys, { memberId, delta: 1_250, idempotencyKey: 'page-growth', source: 'adjustment' });

    const me = await call('GET', '/m/api/me', undefined, member.body.token);
    expect(me.status).toBe(200);
    const o = me.body;
    expect(o.tier).toEqual({ current: { tierId: 'regular', name: { zh: '普通会员', en: 'Member' } }, growth: 1_250, next: { tierId: 'gold', name: { zh: '金卡会员', en: 'Gold' }, growthThreshold: 5_000 }, progressPerMille: 250 });
    // 500 paid + plan bonus 50 (bonus points 100, no expiry) and 30 points expiring 2027-06-30, earliest first.
    expect(o.storedValue).toEqual({ principalFen: 50_000, bonusFen: 5_000, totalFen: 55_000 });
    expect(o.points).toEqual({ balance: 130, lots: [{ points: 30, expiresOn: '2027-06-30' }, { points: 100, expiresOn: null }] });
    expect(o.cards).toEqual([{ cardNoMasked: '6200 **** 7890', status: 'active' }]);
    expect(o.coupons).toEqual([{ code: issued.coupons[0]!.code, name: { zh: '满50减5券', en: '5 off 50' }, terms: { zh: '满50减5元', en: '¥5 off over ¥50' }, status: 'available', validUntil: '2026-12-31T16:00:00.000Z' }]);
    expect(o.rechargePlans.map((p: { planId: string }) => p.planId)).toEqual(['topup-500', 'every-100']);
    expect(o.rechargePlans[0].steps).toEqual([{ minPaidFen: 50_000, bonusFen: 5_000, bonusPoints: 100 }]);
    expect(o.rechargePlans[0].stores).toEqual([
      { name: '上海南京路店', address: '上海市黄浦区南京东路 100 号' },
      { name: '上海徐家汇店', address: '上海市徐汇区漕溪北路 8 号' },
      { name: '广州天河店', address: '广州市天河区天河路 200 号' },
    ]);
    expect(o.orders).toEqual([]);
    expect(o.optOuts).toEqual([]);
    const opt = await call('PUT', '/m/api/me/notifications', { sms: true, wechat: false }, member.body.token);
    expect(opt.body).toEqual({ optOuts: ['sms'] });
  });
});
