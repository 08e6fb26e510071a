// Notifications: templates filled in zh-CN and en, every message in notification_log (phone masked,
// the one-time code blanked), the console-and-file provider's inbox holding the full text, marketing
// opt-outs honoured while one-time codes bypass them, and a failing provider logged as failed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type GatewayDb } from '../../gateway/src/db/database.js';
import { createServices, type Services } from '../../gateway/src/services.js';
import type { InboxLine, NotificationProvider } from '../../gateway/src/notifications/index.js';
import { NotificationService } from '../../gateway/src/notifications/index.js';
import { DIALECTS, ManualClock, createTestDatabase, silentLogger, type TestDatabase } from './harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from './fixtures.js';

describe.each(DIALECTS)('notifications (%s)', (dialect) => {
  let db: TestDatabase;
  let gdb: GatewayDb;
  let s: Services;
  let f: MerchantFixture;
  let dir: string;
  const pinoLines: string[] = [];
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    gdb = await openDatabase(db.url, { logger: silentLogger });
    dir = mkdtempSync(join(tmpdir(), 'notif-'));
    const sink = new Writable({ write: (chunk, _e, cb) => (pinoLines.push(String(chunk)), cb()) });
    s = createServices(gdb, clock, pino({ level: 'info' }, sink), { dataDir: dir });
    f = await seedMerchant(s, `N${dialect.slice(0, 2).toUpperCase()}`);
  });
  afterAll(async () => {
    await gdb.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const inbox = (): InboxLine[] => readFileSync(join(dir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as InboxLine);

  it('sends a one-time code: full text in the inbox, masked phone and blanked code in the log and in pino', async () => {
    const row = await s.notifications.send({ merchantId: f.merchantId, phone: '138 0013 8000', channel: 'sms', template: 'otp', vars: { merchantName: '好邻居', code: '482913', minutes: 5 } });
    expect(row).toMatchObject({ memberId: null, phoneMasked: '138****8000', channel: 'sms', template: 'otp', locale: 'zh-CN', status: 'sent', provider: 'console-file', error: null });
    expect(row.body).toBe('【好邻居】您的验证码是 ******，5 分钟内有效。请勿告诉他人。');
    const last = inbox().at(-1)!;
    expect(last).toMatchObject({ logId: row.id, phone: '+8613800138000', body: '【好邻居】您的验证码是 482913，5 分钟内有效。请勿告诉他人。', template: 'otp' });
    const logged = await s.notifications.listLog(f.merchantId);
    expect(logged[0]).toEqual(row);
    const all = pinoLines.join('');
    expect(all).toContain('138****8000');
    expect(all).not.toContain('13800138000');
    expect(all).not.toContain('482913');
  });

  it('fills the English template and resolves the member by phone', async () => {
    const { member } = await memberWithCard(s, f, { phone: '13900001111', cardNo: '8800001111', name: '李雷' });
    const row = await s.notifications.send({ merchantId: f.merchantId, phone: '13900001111', channel: 'wechat', template: 'birthday', locale: 'en', vars: { merchantName: 'Goodneighbour', name: 'Li Lei' } });
    expect(row.memberId).toBe(member.id);
    expect(row.body).toBe('[Goodneighbour] Happy birthday, Li Lei! Enjoy a member treat in store today. Reply STOP to opt out');
  });

  it('honours a marketing opt-out per channel and "all"; one-time codes bypass it', async () => {
    const { member } = await memberWithCard(s, f, { phone: '13900002222', cardNo: '8800002222', name: '韩梅梅' });
    const vars = { merchantName: '好邻居', name: '韩梅梅', offer: '本周到店满100减20' };
    await s.notifications.optOut(f.merchantId, member.id, 'sms');
    await s.notifications.optOut(f.merchantId, member.id, 'sms'); // idempotent
    expect(await s.notifications.optOuts(f.merchantId, member.id)).toEqual(['sms']);
    const before = inbox().length;
    const sms = await s.notifications.send({ merchantId: f.merchantId, memberId: member.id, channel: 'sms', template: 'wake_up', vars });
    expect(sms.status).toBe('opted_out');
    const wechat = await s.notifications.send({ merchantId: f.merchantId, memberId: member.id, channel: 'wechat', template: 'wake_up', vars });
    expect(wechat.status).toBe('sent');
    await s.notifications.optOut(f.merchantId, member.id, 'all');
    expect((await s.notifications.send({ merchantId: f.merchantId, memberId: member.id, channel: 'wechat', template: 'wake_up', vars })).status).toBe('opted_out');
    const otp = await s.notifications.send({ merchantId: f.merchantId, memberId: member.id, channel: 'sms', template: 'otp', vars: { merchantName: '好邻居', code: '111222', minutes: 5 } });
    expect(otp.status).toBe('sent');
    expect(inbox().length).toBe(before + 2);
    await s.notifications.optIn(f.merchantId, member.id, 'all');
    await s.notifications.optIn(f.merchantId, member.id, 'sms');
    expect((await s.notifications.send({ merchantId: f.merchantId, memberId: member.id, channel: 'sms', template: 'wake_up', vars })).status).toBe('sent');
    const log = await s.notifications.listLog(f.merchantId, { memberId: member.id });
    expect(log.map((r) => r.status)).toEqual(['sent', 'sent', 'opted_out', 'sent', 'opted_out']);
  });

  it('refuses missing variables and bad phones; a failing provider is logged as failed', async () => {
    await expect(s.notifications.send({ merchantId: f.merchantId, phone: '13800138000', channel: 'sms', template: 'coupon_issued', vars: { merchantName: 'x', name: 'y' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'vars.couponName',
    });
    await expect(s.notifications.send({ merchantId: f.merchantId, phone: '12', channel: 'sms', template: 'otp', vars: { merchantName: 'x', code: '1', minutes: 5 } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'phone' });
    const broken: NotificationProvider = { name: 'broken', deliver: async () => Promise.reject(new Error('SMS gateway 503')) };
    const failing = new NotificationService(gdb, clock, broken, silentLogger);
    const row = await failing.send({ merchantId: f.merchantId, phone: '13800138000', channel: 'sms', template: 'otp', vars: { merchantName: 'x', code: '999000', minutes: 5 } });
    expect(row).toMatchObject({ status: 'failed', error: 'SMS gateway 503', provider: 'broken' });
    expect((await s.notifications.listLog(f.merchantId, { limit: 1 }))[0]).toMatchObject({ id: row.id, status: 'failed' });
  });
});
