// Sends a templated SMS or WeChat message through the configured provider and logs every message in
// `notification_log` (written before delivery as `pending`, then `sent` or `failed`; `opted_out`
// when the member opted out of that channel and the template is marketing). One-time codes (`otp`)
// are transactional and bypass a marketing opt-out. Neither the log table nor pino ever holds the
// full phone or a secret variable.
import type { Logger } from 'pino';
import { z } from 'zod';
import { maskPhone, newId, normalizePhone } from '@pos/protocol';
import type { Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { portalDb } from '../member-portal/member-portal-tables.js';
import type { Channel, NotificationProvider } from './notification-provider.js';
import { LOCALES, TEMPLATE_IDS, TEMPLATES, missingVars, renderTemplate, type Locale, type TemplateId } from './notification-templates.js';

export const MAX_LOG_PAGE = 200;

export const SendNotificationInput = z.object({
  merchantId: z.string().min(1).max(26),
  memberId: z.string().min(1).max(26).optional(),
  /** Any written form; when absent, the member's phone. */
  phone: z.string().min(1).max(32).optional(),
  channel: z.enum(['sms', 'wechat']),
  template: z.enum(TEMPLATE_IDS as [TemplateId, ...TemplateId[]]),
  locale: z.enum(LOCALES as [Locale, ...Locale[]]).optional(),
  vars: z.record(z.string(), z.union([z.string().max(200), z.number()])).default({}),
});
export type SendNotificationInput = z.input<typeof SendNotificationInput>;

export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'opted_out';
export type OptOutChannel = Channel | 'all';

export interface NotificationLogEntry {
  id: string;
  merchantId: string;
  memberId: string | null;
  phoneMasked: string;
  channel: Channel;
  template: TemplateId;
  locale: Locale;
  /** The text with secret variables blanked. */
  body: string;
  status: NotificationStatus;
  provider: string;
  error: string | null;
  createdAt: number;
}

export class NotificationService {
  private readonly log: Logger;
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    readonly provider: NotificationProvider,
    log: Logger,
  ) {
    this.log = log.child({ module: 'notifications' });
  }

  private get db() {
    return portalDb(this.gdb);
  }

  /** Sends one message (or records why it was not sent) and returns its log row. */
  async send(raw: SendNotificationInput): Promise<NotificationLogEntry> {
    const parsed = SendNotificationInput.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatewayError('VALIDATION', `通知参数无效 / invalid notification: ${issue?.message ?? ''}`, issue?.path.map(String).join('.'));
    }
    const input = parsed.data;
    const missing = missingVars(input.template, input.vars);
    if (missing.length > 0) throw new GatewayError('VALIDATION', `模板缺少变量 ${missing.join(',')} / template variables missing: ${missing.join(',')}`, `vars.${missing[0]}`);
    const { memberId, phone } = await this.recipient(input.merchantId, input.memberId, input.phone);
    const locale = input.locale ?? 'zh-CN';
    const now = this.clock.nowMs();
    const entry: NotificationLogEntry = {
      id: newId(now),
      merchantId: input.merchantId,
      memberId,
      phoneMasked: maskPhone(phone),
      channel: input.channel,
      template: input.template,
      locale,
      body: renderTemplate(input.template, locale, input.vars, true),
      status: 'pending',
      provider: this.provider.name,
      error: null,
      createdAt: now,
    };
    if (TEMPLATES[input.template].kind === 'marketing' && memberId !== null && (await this.isOptedOut(input.merchantId, memberId, input.channel))) {
      entry.status = 'opted_out';
      await this.insert(entry);
      this.log.info({ logId: entry.id, template: entry.template, channel: entry.channel, phone: entry.phoneMasked }, 'notification suppressed: member opted out');
      return entry;
    }
    await this.insert(entry);
    try {
      await this.provider.deliver({
        logId: entry.id,
        merchantId: input.merchantId,
        memberId,
        phone,
        channel: input.channel,
        template: input.template,
        locale,
        body: renderTemplate(input.template, locale, input.vars),
        vars: input.vars,
        atMs: now,
      });
      entry.status = 'sent';
    } catch (error) {
      entry.status = 'failed';
      entry.error = (error instanceof Error ? error.message : String(error)).slice(0, 400);
      this.log.warn({ logId: entry.id, template: entry.template, phone: entry.phoneMasked, err: entry.error }, 'notification delivery failed');
    }
    await this.db
      .updateTable('notification_log')
      .set({ status: entry.status, error: entry.error })
      .where('merchant_id', '=', entry.merchantId)
      .where('id', '=', entry.id)
      .execute();
    return entry;
  }

  private async recipient(merchantId: string, memberId: string | undefined, rawPhone: string | undefined): Promise<{ memberId: string | null; phone: string }> {
    const given = rawPhone === undefined ? null : normalizePhone(rawPhone);
    if (rawPhone !== undefined && given === null) throw new GatewayError('VALIDATION', '手机号无效 / invalid phone number', 'phone');
    if (memberId !== undefined) {
      const row = await this.db.selectFrom('members').select(['phone']).where('merchant_id', '=', merchantId).where('id', '=', memberId).executeTakeFirst();
      if (!row) throw new GatewayError('NOT_FOUND', '会员不存在 / member not found', 'memberId');
      const phone = given ?? row.phone;
      if (phone === null) throw new GatewayError('VALIDATION', '会员没有手机号 / the member has no phone number', 'phone');
      return { memberId, phone };
    }
    if (given === null) throw new GatewayError('VALIDATION', '需要手机号或会员 / a phone or a memberId is required', 'phone');
    // Opt-outs belong to members: a message to a member's phone honours theirs.
    const row = await this.db.selectFrom('members').select(['id']).where('merchant_id', '=', merchantId).where('phone', '=', given).executeTakeFirst();
    return { memberId: row?.id ?? null, phone: given };
  }

  private async insert(e: NotificationLogEntry): Promise<void> {
    await this.db
      .insertInto('notification_log')
      .values({
        merchant_id: e.merchantId,
        id: e.id,
        member_id: e.memberId,
        phone_masked: e.phoneMasked,
        channel: e.channel,
        template: e.template,
        locale: e.locale,
        body: e.body,
        status: e.status,
        provider: e.provider,
        error: e.error,
        created_at: e.createdAt,
      })
      .execute();
  }

  // ---- opt-out ----------------------------------------------------------------------------------

  /** The member no longer receives marketing messages on `channel` ('all': on any channel). */
  async optOut(merchantId: string, memberId: string, channel: OptOutChannel): Promise<void> {
    const exists = await this.db
      .selectFrom('notification_opt_outs')
      .select('channel')
      .where('merchant_id', '=', merchantId)
      .where('member_id', '=', memberId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    if (exists) return;
    try {
      await this.db.insertInto('notification_opt_outs').values({ merchant_id: merchantId, member_id: memberId, channel, created_at: this.clock.nowMs() }).execute();
    } catch (error) {
      // A concurrent opt-out of the same channel already recorded it.
      const again = await this.optOuts(merchantId, memberId);
      if (!again.includes(channel)) throw error;
    }
  }

  async optIn(merchantId: string, memberId: string, channel: OptOutChannel): Promise<void> {
    await this.db.deleteFrom('notification_opt_outs').where('merchant_id', '=', merchantId).where('member_id', '=', memberId).where('channel', '=', channel).execute();
  }

  async optOuts(merchantId: string, memberId: string): Promise<OptOutChannel[]> {
    const rows = await this.db.selectFrom('notification_opt_outs').select('channel').where('merchant_id', '=', merchantId).where('member_id', '=', memberId).orderBy('channel').execute();
    return rows.map((r) => r.channel as OptOutChannel);
  }

  async isOptedOut(merchantId: string, memberId: string, channel: Channel): Promise<boolean> {
    const row = await this.db
      .selectFrom('notification_opt_outs')
      .select('channel')
      .where('merchant_id', '=', merchantId)
      .where('member_id', '=', memberId)
      .where('channel', 'in', [channel, 'all'])
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The log, newest first, optionally of one member; at most MAX_LOG_PAGE rows. */
  async listLog(merchantId: string, options: { memberId?: string; limit?: number } = {}): Promise<NotificationLogEntry[]> {
    let q = this.db.selectFrom('notification_log').selectAll().where('merchant_id', '=', merchantId);
    if (options.memberId !== undefined) q = q.where('member_id', '=', options.memberId);
    const rows = await q.orderBy('id', 'desc').limit(Math.min(options.limit ?? 50, MAX_LOG_PAGE)).execute();
    return rows.map((r) => ({
      id: r.id,
      merchantId: r.merchant_id,
      memberId: r.member_id,
      phoneMasked: r.phone_masked,
      channel: r.channel as Channel,
      template: r.template as TemplateId,
      locale: r.locale as Locale,
      body: r.body,
      status: r.status as NotificationStatus,
      provider: r.provider,
      error: r.error,
      createdAt: Number(r.created_at),
    }));
  }
}
