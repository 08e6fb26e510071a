// One-time login codes for the member page: 6 digits sent by SMS through the notification service,
// stored only as a salted SHA-256, valid OTP_TTL_MS, one use. Guarantees, checked in this order:
//  sending — phone valid → not locked → per-phone limits (1 per 60 s, 5 per hour) → per-IP limit;
//  verifying — not locked → a live code exists → not expired → digits match (a miss counts; the
//  5th miss in a row locks the phone for 15 minutes and voids the code).
// Nothing in any response depends on whether the phone belongs to a member: sending answers the
// same, and registration happens only after the code is verified. All state is in the database
// (member_otps, member_otp_sends), so any number of gateway instances share it.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { maskPhone, newId, normalizePhone } from '@pos/protocol';
import type { Clock } from '../context.js';
import { forUpdate, inTransaction, type GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import type { NotificationService } from '../notifications/index.js';
import type { Locale } from '../notifications/index.js';
import { portalDb } from './member-portal-tables.js';

export interface OtpLimits {
  ttlMs: number;
  maxFailedAttempts: number;
  lockMs: number;
  perPhoneMinIntervalMs: number;
  perPhonePerHour: number;
  perIpPerHour: number;
}

export const DEFAULT_OTP_LIMITS: OtpLimits = {
  ttlMs: 5 * 60_000,
  maxFailedAttempts: 5,
  lockMs: 15 * 60_000,
  perPhoneMinIntervalMs: 60_000,
  perPhonePerHour: 5,
  perIpPerHour: 30,
};

const HOUR_MS = 3_600_000;
export const OTP_DIGITS = 6;

export interface OtpSent {
  /** Seconds until another code may be requested for this phone. */
  retryAfterSeconds: number;
  expiresInSeconds: number;
}

const invalidPhone = () => new GatewayError('VALIDATION', '手机号无效 / invalid phone number', 'phone');
const locked = (untilMs: number, nowMs: number) =>
  new GatewayError('OTP_LOCKED', `验证码错误次数过多，请 ${Math.ceil((untilMs - nowMs) / 60_000)} 分钟后再试 / too many wrong codes; try again in ${Math.ceil((untilMs - nowMs) / 60_000)} min`);
const rateLimited = (seconds: number) =>
  new GatewayError('RATE_LIMITED', `发送过于频繁，请 ${seconds} 秒后再试 / too many codes requested; try again in ${seconds} s`);

/**
 * The stored form of a code: SHA-256 over the code salted with the merchant, the phone and the send
 * time (all in the row), so equal codes never share a hash. Six digits cannot resist a brute force
 * of a stolen table, but a code lives 5 minutes and is voided at use and at lock.
 */
function hashCode(merchantId: string, phone: string, sentAtMs: number, code: string): string {
  return createHash('sha256').update(`${merchantId}:${phone}:${sentAtMs}:${code}`).digest('hex');
}

export class OtpService {
  private readonly log: Logger;
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    private readonly notifications: NotificationService,
    log: Logger,
    readonly limits: OtpLimits = DEFAULT_OTP_LIMITS,
  ) {
    this.log = log.child({ module: 'member-portal/otp' });
  }

  /** Sends a new code to `rawPhone`; the answer is the same whether or not the phone is a member's. */
  async send(input: { merchantId: string; merchantName: string; phone: string; ip: string; locale: Locale }): Promise<OtpSent> {
    const phone = normalizePhone(input.phone);
    if (phone === null) throw invalidPhone();
    const code = String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
    const now = this.clock.nowMs();
    const L = this.limits;
    await inTransaction(this.gdb, async (trx) => {
      const db = trx as unknown as ReturnType<typeof portalDb>;
      // The phone's row serialises concurrent sends for it on every instance (row lock / BEGIN IMMEDIATE).
      await db
        .insertInto('member_otps')
        .values({ merchant_id: input.merchantId, phone, code_hash: null, expires_at: 0, failed_attempts: 0, locked_until: null, last_sent_at: 0, created_at: now })
        .onConflict((oc) => oc.columns(['merchant_id', 'phone']).doNothing())
        .execute();
      let q = db.selectFrom('member_otps').selectAll().where('merchant_id', '=', input.merchantId).where('phone', '=', phone);
      if (forUpdate(this.gdb)) q = q.forUpdate();
      const row = await q.executeTakeFirstOrThrow();
      if (row.locked_until !== null && Number(row.locked_until) > now) throw locked(Number(row.locked_until), now);
      const since = Number(row.last_sent_at);
      if (since > 0 && now - since < L.perPhoneMinIntervalMs) throw rateLimited(Math.ceil((L.perPhoneMinIntervalMs - (now - since)) / 1000));
      const phoneSubject = `phone:${phone}`;
      const ipSubject = `ip:${input.ip}`.slice(0, 80);
      // Counters older than an hour no longer count: every send prunes the merchant's, so the table
      // holds about one hour of sends.
      await db.deleteFrom('member_otp_sends').where('merchant_id', '=', input.merchantId).where('sent_at', '<=', now - HOUR_MS).execute();
      const counts = await db
        .selectFrom('member_otp_sends')
        .select(['subject', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('sent_at').as('oldest')])
        .where('merchant_id', '=', input.merchantId)
        .where('subject', 'in', [phoneSubject, ipSubject])
        .groupBy('subject')
        .execute();
      const countOf = (subject: string) => counts.find((c) => c.subject === subject);
      const retryAfter = (oldest: unknown) => Math.max(1, Math.ceil((Number(oldest) + HOUR_MS - now) / 1000));
      const p = countOf(phoneSubject);
      if (p && Number(p.n) >= L.perPhonePerHour) throw rateLimited(retryAfter(p.oldest));
      const i = countOf(ipSubject);
      if (i && Number(i.n) >= L.perIpPerHour) throw rateLimited(retryAfter(i.oldest));
      await db.insertInto('member_otp_sends').values({ merchant_id: input.merchantId, id: newId(now), subject: phoneSubject, sent_at: now }).execute();
      await db.insertInto('member_otp_sends').values({ merchant_id: input.merchantId, id: newId(now), subject: ipSubject, sent_at: now }).execute();
      await db
        .updateTable('member_otps')
        .set({ code_hash: hashCode(input.merchantId, phone, now, code), expires_at: now + L.ttlMs, last_sent_at: now, ...(row.locked_until !== null ? { locked_until: null, failed_attempts: 0 } : {}) })
        .where('merchant_id', '=', input.merchantId)
        .where('phone', '=', phone)
        .execute();
    });
    // Sent after the code is stored, so a code that reaches a phone always verifies. OTP messages are
    // transactional: a member's marketing opt-out does not stop them.
    const sent = await this.notifications.send({
      merchantId: input.merchantId,
      phone,
      channel: 'sms',
      template: 'otp',
      locale: input.locale,
      vars: { merchantName: input.merchantName, code, minutes: Math.round(L.ttlMs / 60_000) },
    });
    if (sent.status === 'failed') this.log.warn({ phone: maskPhone(phone), logId: sent.id }, 'one-time code could not be delivered');
    return { retryAfterSeconds: Math.ceil(L.perPhoneMinIntervalMs / 1000), expiresInSeconds: Math.round(L.ttlMs / 1000) };
  }

  /**
   * Checks `code` for `rawPhone` and uses it up. Returns the E.164 phone; throws OTP_LOCKED,
   * OTP_INVALID or OTP_EXPIRED. A wrong code's count is committed even though the call fails.
   */
  async verify(input: { merchantId: string; phone: string; code: string }): Promise<string> {
    const phone = normalizePhone(input.phone);
    if (phone === null) throw invalidPhone();
    const now = this.clock.nowMs();
    const L = this.limits;
    const outcome = await inTransaction(this.gdb, async (trx): Promise<GatewayError | null> => {
      const db = trx as unknown as ReturnType<typeof portalDb>;
      let q = db.selectFrom('member_otps').selectAll().where('merchant_id', '=', input.merchantId).where('phone', '=', phone);
      if (forUpdate(this.gdb)) q = q.forUpdate();
      const row = await q.executeTakeFirst();
      const invalid = new GatewayError('OTP_INVALID', '验证码错误 / wrong code', 'code');
      if (!row) return invalid;
      const update = (set: { code_hash?: string | null; failed_attempts?: number; locked_until?: number | null }) =>
        db.updateTable('member_otps').set(set).where('merchant_id', '=', input.merchantId).where('phone', '=', phone).execute();
      if (row.locked_until !== null && Number(row.locked_until) > now) return locked(Number(row.locked_until), now);
      if (row.locked_until !== null) await update({ locked_until: null, failed_attempts: 0 });
      if (row.code_hash === null) return invalid;
      if (Number(row.expires_at) <= now) return new GatewayError('OTP_EXPIRED', '验证码已过期，请重新获取 / the code has expired; request a new one', 'code');
      const given = Buffer.from(hashCode(input.merchantId, phone, Number(row.last_sent_at), /^\d{6}$/.test(input.code) ? input.code : 'x'), 'hex');
      if (timingSafeEqual(given, Buffer.from(row.code_hash, 'hex'))) {
        await update({ code_hash: null, failed_attempts: 0 });
        return null;
      }
      const failed = (row.locked_until !== null ? 0 : Number(row.failed_attempts)) + 1;
      if (failed >= L.maxFailedAttempts) {
        await update({ code_hash: null, failed_attempts: 0, locked_until: now + L.lockMs });
        return locked(now + L.lockMs, now);
      }
      await update({ failed_attempts: failed });
      return invalid;
    });
    if (outcome) {
      this.log.info({ phone: maskPhone(phone), code: outcome.code }, 'one-time code refused');
      throw outcome;
    }
    return phone;
  }
}
