// One-time codes at the service level on both dialects: the per-IP send limit, and a code verified
// by two requests at once (two tabs, or two gateway instances) logs in exactly one of them, and
// send counters older than an hour are pruned.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type GatewayDb } from '../../gateway/src/db/database.js';
import { portalDb } from '../../gateway/src/member-portal/member-portal-tables.js';
import { DEFAULT_OTP_LIMITS, OtpService } from '../../gateway/src/member-portal/otp-service.js';
import type { InboxLine } from '../../gateway/src/notifications/index.js';
import { createServices, type Services } from '../../gateway/src/services.js';
import { DIALECTS, ManualClock, createTestDatabase, silentLogger, type TestDatabase } from '../gateway/harness.js';
import { seedMerchant } from '../gateway/fixtures.js';

describe.each(DIALECTS)('one-time codes (%s)', (dialect) => {
  let db: TestDatabase;
  let gdb: GatewayDb;
  let s: Services;
  let dir: string;
  let merchantId: string;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    gdb = await openDatabase(db.url, { logger: silentLogger });
    dir = mkdtempSync(join(tmpdir(), 'otp-'));
    s = createServices(gdb, clock, silentLogger, { dataDir: dir });
    merchantId = (await seedMerchant(s, `O${dialect.slice(0, 2).toUpperCase()}`)).merchantId;
  });
  afterAll(async () => {
    await gdb.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const codeFor = (e164: string) =>
    String(
      readFileSync(join(dir, 'notifications.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as InboxLine)
        .filter((l) => l.phone === e164)
        .at(-1)!.vars.code,
    );

  it('limits sends per client IP across phones', async () => {
    const otp = new OtpService(gdb, clock, s.notifications, silentLogger, { ...DEFAULT_OTP_LIMITS, perIpPerHour: 3 });
    const sendFrom = (ip: string, phone: string) => otp.send({ merchantId, merchantName: '测试', phone, ip, locale: 'zh-CN' }).then(
      () => 'sent',
      (e: { code: string }) => e.code,
    );
    const results = [];
    for (const phone of ['13600000001', '13600000002', '13600000003', '13600000004']) results.push(await sendFrom('10.0.0.1', phone));
    expect(results).toEqual(['sent', 'sent', 'sent', 'RATE_LIMITED']);
    expect(await sendFrom('10.0.0.2', '13600000004')).toBe('sent');
    clock.advance(3_600_000);
    expect(await sendFrom('10.0.0.1', '13600000005')).toBe('sent');
    // The hour-old counters of every phone and IP were pruned by that send: only its own two rows remain.
    const counters = await portalDb(gdb).selectFrom('member_otp_sends').select('subject').where('merchant_id', '=', merchantId).orderBy('subject').execute();
    expect(counters).toEqual([{ subject: 'ip:10.0.0.1' }, { subject: 'phone:+8613600000005' }]);
  });

  it('a code verified twice at once logs in exactly once', async () => {
    const otp = new OtpService(gdb, clock, s.notifications, silentLogger);
    await otp.send({ merchantId, merchantName: '测试', phone: '13600000010', ip: '10.0.0.3', locale: 'zh-CN' });
    const code = codeFor('+8613600000010');
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        otp.verify({ merchantId, phone: '13600000010', code }).then(
          (phone) => phone,
          (e: { code: string }) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === '+8613600000010')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'OTP_INVALID')).toHaveLength(3);
  });
});
