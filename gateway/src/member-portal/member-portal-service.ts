// What the member page shows and changes: log in or register with a verified phone, the member's
// own view (tier and growth progress, points with expiry, stored value, coupons, purchases with
// receipts, recharge plans and where to recharge), profile edits limited to what the merchant lets
// members edit, the dynamic member code, the referral link and marketing opt-outs.
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { maskPhone, memberCodeAt } from '@pos/protocol';
import { require } from '../auth/permissions.js';
import { systemActor, type Actor, type Clock } from '../context.js';
import { inTransaction, type GatewayDb } from '../db/database.js';
import { writeAudit } from '../audit/audit-log.js';
import { activeRules } from '../rules/active-rule-set.js';
import { GatewayError, notFound } from '../errors.js';
import { MemberCodeService } from '../members/member-code-service.js';
import type { AttributeDefinition, AttributeValue, MemberService } from '../members/member-service.js';
import type { Locale, NotificationService } from '../notifications/index.js';
import { couponsOfMember, type MemberCouponView } from './member-coupons.js';
import { portalDb } from './member-portal-tables.js';
import { MemberSessionService } from './member-session-service.js';
import { OtpService, type OtpLimits, type OtpSent } from './otp-service.js';

export const MAX_ORDERS_SHOWN = 20;
export const MAX_RECHARGE_STORES_SHOWN = 50;

export interface PortalMerchant {
  merchantId: string;
  code: string;
  name: string;
}

export interface MemberOverview {
  merchant: { code: string; name: string };
  member: {
    id: string;
    name: string;
    phoneMasked: string | null;
    gender: string | null;
    birthday: string | null;
    attributes: Record<string, AttributeValue>;
    referrerId: string | null;
    joinedAt: number;
  };
  tier: {
    current: { tierId: string; name: { zh: string; en: string } } | null;
    growth: number;
    next: { tierId: string; name: { zh: string; en: string }; growthThreshold: number } | null;
    /** Progress from the current tier's threshold to the next one, 0‥1000. */
    progressPerMille: number;
  };
  points: { balance: number; lots: { points: number; expiresOn: string | null }[] };
  storedValue: { principalFen: number; bonusFen: number; totalFen: number };
  cards: { cardNoMasked: string; status: string }[];
  coupons: MemberCouponView[];
  orders: {
    type: 'saleCommitted' | 'saleRefunded';
    receiptNo: string;
    occurredAt: string;
    store: string;
    amountFen: number;
    pointsEarned: number;
    lines: { name: string; quantityMilli: number; netFen: number }[];
    tenders: { kind: string; amountFen: number }[];
  }[];
  rechargePlans: { planId: string; name: { zh: string; en: string }; steps: { minPaidFen: number; bonusFen: number; bonusPoints: number }[]; stores: { name: string; address: string }[] }[];
  editableAttributes: (AttributeDefinition & { value: AttributeValue | null })[];
  referralPath: string;
  optOuts: string[];
}

export interface ProfilePatch {
  name?: string | undefined;
  gender?: 'female' | 'male' | 'unknown' | undefined;
  birthday?: string | undefined;
  attributes?: Record<string, AttributeValue> | undefined;
}

const maskCardNo = (cardNo: string) => (cardNo.length <= 8 ? cardNo : `${cardNo.slice(0, 4)} **** ${cardNo.slice(-4)}`);

export class MemberPortalService {
  readonly otp: OtpService;
  readonly sessions: MemberSessionService;
  private readonly codes: MemberCodeService;
  private readonly log: Logger;

  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly notifications: NotificationService,
    log: Logger,
    limits?: OtpLimits,
  ) {
    this.log = log.child({ module: 'member-portal' });
    this.otp = new OtpService(gdb, clock, notifications, log, limits);
    this.sessions = new MemberSessionService(gdb, clock);
    this.codes = new MemberCodeService(gdb, clock);
  }

  private get db() {
    return portalDb(this.gdb);
  }

  async merchantByCode(code: string): Promise<PortalMerchant> {
    const row = await this.db.selectFrom('merchants').select(['id', 'code', 'name']).where('code', '=', code).executeTakeFirst();
    if (!row) throw notFound('merchant');
    return { merchantId: row.id, code: row.code, name: row.name };
  }

  /** The only merchant, when the gateway serves just one (the page at /m/ then needs no code). */
  async soleMerchant(): Promise<PortalMerchant | null> {
    const rows = await this.db.selectFrom('merchants').select(['id', 'code', 'name']).limit(2).execute();
    return rows.length === 1 ? { merchantId: rows[0]!.id, code: rows[0]!.code, name: rows[0]!.name } : null;
  }

  async sendCode(merchantCode: string, phone: string, ip: string, locale: Locale): Promise<OtpSent> {
    const merchant = await this.merchantByCode(merchantCode);
    return this.otp.send({ merchantId: merchant.merchantId, merchantName: merchant.name, phone, ip, locale });
  }

  /**
   * Verifies the code, then logs the phone's member in, registering them first when the phone is
   * new (with the referrer and the store, if given and valid).
   */
  async login(input: { merchantCode: string; phone: string; code: string; referrerId?: string | undefined; storeCode?: string | undefined }): Promise<{ token: string; expiresAt: number; memberId: string; registered: boolean }> {
    const merchant = await this.merchantByCode(input.merchantCode);
    const phone = await this.otp.verify({ merchantId: merchant.merchantId, phone: input.phone, code: input.code });
    const existing = await this.db.selectFrom('members').select(['id', 'status']).where('merchant_id', '=', merchant.merchantId).where('phone', '=', phone).executeTakeFirst();
    let memberId = existing?.id ?? null;
    let registered = false;
    if (existing?.status === 'disabled') throw new GatewayError('FORBIDDEN', '会员已停用，请联系门店 / this membership is disabled; contact the store');
    if (memberId === null) {
      const referrer = input.referrerId
        ? await this.db.selectFrom('members').select(['id', 'store_id']).where('merchant_id', '=', merchant.merchantId).where('id', '=', input.referrerId).executeTakeFirst()
        : undefined;
      const store = input.storeCode
        ? await this.db.selectFrom('stores').select(['id']).where('merchant_id', '=', merchant.merchantId).where('code', '=', input.storeCode).executeTakeFirst()
        : undefined;
      const storeId =
        store?.id ?? referrer?.store_id ?? (await this.db.selectFrom('stores').select('id').where('merchant_id', '=', merchant.merchantId).orderBy('id').limit(1).executeTakeFirst())?.id;
      if (!storeId) throw new GatewayError('CONFLICT', '商户尚未开设门店 / the merchant has no store yet');
      const tail = phone.slice(-4);
      try {
        const created = await this.members.createMember(systemActor(merchant.merchantId, storeId), { name: `会员${tail}`, phone, storeId, referrerId: referrer?.id ?? null });
        memberId = created.id;
        registered = true;
        this.log.info({ memberId, phone: maskPhone(phone), referred: referrer !== undefined }, 'member registered on the member page');
      } catch (error) {
        // The same phone registered a moment ago in another tab: log that member in.
        if (!(error instanceof GatewayError && error.code === 'PHONE_TAKEN')) throw error;
        memberId = (await this.db.selectFrom('members').select('id').where('merchant_id', '=', merchant.merchantId).where('phone', '=', phone).executeTakeFirstOrThrow()).id;
      }
    }
    const session = await this.sessions.create(merchant.merchantId, memberId);
    return { ...session, memberId, registered };
  }

  private async editableAttributes(merchantId: string): Promise<AttributeDefinition[]> {
    const rows = await this.db.selectFrom('attribute_definitions').selectAll().where('merchant_id', '=', merchantId).where('member_editable', '=', 1).orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, labelZh: r.label_zh, labelEn: r.label_en, type: r.type as AttributeDefinition['type'], options: JSON.parse(r.options) as string[] }));
  }

  async overview(merchantId: string, memberId: string): Promise<MemberOverview> {
    const actor = systemActor(merchantId);
    const detail = await this.members.getMember(actor, memberId);
    const merchant = await this.db.selectFrom('merchants').select(['code', 'name']).where('id', '=', merchantId).executeTakeFirstOrThrow();
    const rules = await activeRules(this.db, merchantId);
    const tiers = [...(rules?.tiers ?? [])].sort((a, b) => a.growthThreshold - b.growthThreshold);
    const current = tiers.find((t) => t.tierId === detail.tierId) ?? null;
    const floor = current?.growthThreshold ?? 0;
    const next = tiers.find((t) => t.growthThreshold > Math.max(detail.growth, floor)) ?? null;
    const progressPerMille = next ? Math.min(1000, Math.floor(((detail.growth - floor) * 1000) / Math.max(1, next.growthThreshold - floor))) : 1000;

    const stores = await this.db.selectFrom('stores').select(['id', 'name', 'address']).where('merchant_id', '=', merchantId).orderBy('id').limit(10_000).execute();
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    const events = await this.db
      .selectFrom('sync_events')
      .select(['type', 'body'])
      .where('merchant_id', '=', merchantId)
      .where('member_id', '=', memberId)
      .where('type', 'in', ['saleCommitted', 'saleRefunded'])
      .orderBy('received_at', 'desc')
      .limit(MAX_ORDERS_SHOWN)
      .execute();
    const orders = events.map((e) => {
      type Body = { receiptNo: string; occurredAt: string; storeId: string; totals?: { payableFen: number }; refundFen?: number; pointsEarned?: number; lines?: { name: string; quantityMilli: number; netFen: number }[]; tenders?: { kind: string; amountFen: number }[] };
      const b = JSON.parse(e.body) as Body;
      return {
        type: e.type as 'saleCommitted' | 'saleRefunded',
        receiptNo: b.receiptNo,
        occurredAt: b.occurredAt,
        store: storeName.get(b.storeId) ?? '',
        amountFen: e.type === 'saleCommitted' ? (b.totals?.payableFen ?? 0) : (b.refundFen ?? 0),
        pointsEarned: b.pointsEarned ?? 0,
        lines: (b.lines ?? []).map((l) => ({ name: l.name, quantityMilli: l.quantityMilli, netFen: l.netFen })),
        tenders: (b.tenders ?? []).map((t) => ({ kind: t.kind, amountFen: t.amountFen })),
      };
    });

    const nowIso = new Date(this.clock.nowMs()).toISOString();
    const within = (from?: string, to?: string) => (!from || Date.parse(from) <= Date.parse(nowIso)) && (!to || Date.parse(nowIso) < Date.parse(to));
    const rechargePlans = (rules?.rechargePlans ?? [])
      .filter((p) => within(p.validFrom, p.validTo))
      .map((p) => ({
        planId: p.planId,
        name: p.name,
        steps: p.steps.map((s) => ({ minPaidFen: s.minPaidFen, bonusFen: s.bonusFen ?? 0, bonusPoints: s.bonusPoints ?? 0 })),
        stores: stores
          .filter((s) => p.storeIds.length === 0 || p.storeIds.includes(s.id))
          .slice(0, MAX_RECHARGE_STORES_SHOWN)
          .map((s) => ({ name: s.name, address: s.address })),
      }));
    const editable = await this.editableAttributes(merchantId);

    return {
      merchant: { code: merchant.code, name: merchant.name },
      member: {
        id: detail.id,
        name: detail.name,
        phoneMasked: detail.phone ? maskPhone(detail.phone) : null,
        gender: detail.gender,
        birthday: detail.birthday,
        attributes: Object.fromEntries(Object.entries(detail.attributes).filter(([k]) => editable.some((d) => d.key === k))),
        referrerId: detail.referrerId,
        joinedAt: detail.createdAt,
      },
      tier: {
        current: current ? { tierId: current.tierId, name: current.name } : null,
        growth: detail.growth,
        next: next ? { tierId: next.tierId, name: next.name, growthThreshold: next.growthThreshold } : null,
        progressPerMille,
      },
      points: { balance: detail.points.balance, lots: detail.points.lots.map((l) => ({ points: l.points, expiresOn: l.expiresOn })).sort((a, b) => (a.expiresOn ?? '9999').localeCompare(b.expiresOn ?? '9999')) },
      storedValue: { ...detail.storedValue, totalFen: detail.storedValue.principalFen + detail.storedValue.bonusFen },
      cards: detail.cards.map((c) => ({ cardNoMasked: maskCardNo(c.cardNo), status: c.status })),
      coupons: await couponsOfMember(this.gdb, merchantId, memberId, this.clock.nowMs(), rules?.coupons ?? []),
      orders,
      rechargePlans,
      editableAttributes: editable.map((d) => ({ ...d, value: detail.attributes[d.key] ?? null })),
      referralPath: `/m/${encodeURIComponent(merchant.code)}/?ref=${memberId}`,
      optOuts: await this.notifications.optOuts(merchantId, memberId),
    };
  }

  /**
   * The member edits their own profile: name, gender, birthday (only while none is recorded, so a
   * birthday treat cannot be moved around the calendar) and attributes the merchant marked editable.
   */
  async updateProfile(merchantId: string, memberId: string, patch: ProfilePatch): Promise<MemberOverview> {
    const actor = systemActor(merchantId);
    const row = await this.members.visibleRow(actor, memberId);
    if (patch.birthday !== undefined && row.birthday !== null && row.birthday !== patch.birthday) {
      throw new GatewayError('VALIDATION', '生日设置后不能修改，请联系门店 / the birthday cannot be changed once set; ask the store', 'birthday');
    }
    if (patch.attributes) {
      const editable = new Set((await this.editableAttributes(merchantId)).map((d) => d.key));
      const denied = Object.keys(patch.attributes).find((k) => !editable.has(k));
      if (denied !== undefined) throw new GatewayError('VALIDATION', `该属性不可自行修改 / attribute ${denied} is not editable by members`, `attributes.${denied}`);
    }
    await this.members.updateMember(actor, memberId, { name: patch.name, gender: patch.gender, birthday: patch.birthday, attributes: patch.attributes });
    return this.overview(merchantId, memberId);
  }

  /** The member's current dynamic code, with its QR as SVG; a new one every 30 s. */
  async memberCode(merchantId: string, memberId: string): Promise<{ payload: string; expiresAtMs: number; svg: string }> {
    const secret = await this.codes.secretFor(merchantId, memberId);
    const code = memberCodeAt(memberId, secret, this.clock.nowMs());
    const svg = await QRCode.toString(code.payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { payload: code.payload, expiresAtMs: code.expiresAtMs, svg };
  }

  async setOptOuts(merchantId: string, memberId: string, optOut: { sms: boolean; wechat: boolean }): Promise<string[]> {
    for (const channel of ['sms', 'wechat'] as const) {
      if (optOut[channel]) await this.notifications.optOut(merchantId, memberId, channel);
      else await this.notifications.optIn(merchantId, memberId, channel);
    }
    return this.notifications.optOuts(merchantId, memberId);
  }

  /** HQ marks a custom attribute as editable (or not) by members on the member page. */
  async setAttributeMemberEditable(actor: Actor, key: string, memberEditable: boolean): Promise<{ key: string; memberEditable: boolean }> {
    require(actor, 'memberAttributes.write');
    const now = this.clock.nowMs();
    await inTransaction(this.gdb, async (trx) => {
      const db = trx as unknown as ReturnType<typeof portalDb>;
      const before = await db.selectFrom('attribute_definitions').select('member_editable').where('merchant_id', '=', actor.merchantId).where('key', '=', key).executeTakeFirst();
      if (!before) throw notFound('attribute');
      await db.updateTable('attribute_definitions').set({ member_editable: memberEditable ? 1 : 0 }).where('merchant_id', '=', actor.merchantId).where('key', '=', key).execute();
      await writeAudit(trx, actor, now, { action: 'attribute.memberEditable', entityType: 'attribute', entityId: key, before: { memberEditable: Number(before.member_editable) === 1 }, after: { memberEditable } });
    });
    return { key, memberEditable };
  }
}
