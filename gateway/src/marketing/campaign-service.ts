// Coupon campaigns: HQ, a region manager or a store manager defines one (a coupon definition of the
// published rule set, a target, a holdout share), then issues it in a batch.
//
// Guarantees of `issue`, in this order:
// 1. The target is evaluated once and frozen: every targeted member is a row of campaign_members,
//    with `holdout` = 1 when holdoutBucket(campaignId, memberId) < holdout_per_mille (holdout.ts).
//    Rows are written by INSERT … SELECT in chunks of `chunkSize` members in member-id order, each
//    chunk one statement; an interrupted run resumes after the last member written.
// 2. Every non-holdout targeted member has exactly one coupon of the campaign: the coupon's
//    idempotency key `campaign:<campaignId>:<memberId>` is unique, written by INSERT … SELECT in
//    chunks with ON CONFLICT DO NOTHING, so a second run (or two at once) issues nothing new.
// 3. Only members of the creator's store (store manager) or region (region manager) are targeted,
//    and only staff of that scope (or HQ) see the campaign; others get 404.
import { IsoTimestamp, newId } from '@pos/protocol';
import { sql } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../audit/audit-log.js';
import { require } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import { inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import { GatewayError, notFound } from '../errors.js';
import type { NotificationService } from '../notifications/index.js';
import { toPage, type Page, type PageQuery } from '../pagination.js';
import { activeRules } from '../rules/active-rule-set.js';
import { activeCouponDefinition } from './active-rules.js';
import { CampaignTarget, targetSource, type CampaignScope, type ResolvedTarget } from './campaign-target.js';
import { assertMembersVisible, couponWindow } from './coupon-issuer.js';
import { holdoutBucketSql } from './holdout.js';
import { campaignCodePrefix } from './coupon-code.js';
import { marketingDb, type CouponCampaignTable, type MarketingDatabase } from './marketing-tables.js';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';

export const DEFAULT_ISSUE_CHUNK = 5_000;
/** China Standard Time, for dates in messages when the rule set names no offset. */
const DEFAULT_UTC_OFFSET_MINUTES = 8 * 60;
const MAX_ISSUE_CHUNK = 50_000;
/** Notifications sent by one issue call at most; the rest go out at the next call. */
export const MAX_NOTIFICATIONS_PER_ISSUE = 5_000;

export const CreateCampaignInput = z.object({
  /** Client-generated id (a retry with the same id returns the campaign created first); default a new ULID. */
  campaignId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID').optional(),
  name: z.string().trim().min(1).max(100),
  /** A coupon definition (`couponDefId`) of the published rule set. */
  couponDefId: z.string().min(1).max(64),
  target: CampaignTarget,
  /** Members held out (no coupon) per mille of the target, chosen by holdoutBucket; 0 = none. */
  holdoutPerMille: z.number().int().min(0).max(999).default(0),
  /** Default: the definition's validFrom / validTo; must lie within them. */
  validFrom: IsoTimestamp.optional(),
  validUntil: IsoTimestamp.optional(),
  /** Send each member a `coupon_issued` SMS when the coupon is issued (opt-outs respected). */
  notify: z.boolean().default(false),
});
export type CreateCampaignInput = z.input<typeof CreateCampaignInput>;

export interface Campaign {
  id: string;
  name: string;
  couponDefId: string;
  ruleSetVersion: number;
  target: ResolvedTarget;
  regionId: string | null;
  storeId: string | null;
  holdoutPerMille: number;
  validFrom: string;
  validUntil: string;
  notify: boolean;
  status: CouponCampaignTable['status'];
  targetCount: number;
  holdoutCount: number;
  issuedCount: number;
  targetedAt: number | null;
  issuedAt: number | null;
  createdBy: string | null;
  createdAt: number;
}

export interface IssueResult {
  campaignId: string;
  status: CouponCampaignTable['status'];
  targetCount: number;
  holdoutCount: number;
  issuedCount: number;
  /** Members added to the target / coupons issued by this call (0 and 0 when run again). */
  newlyTargeted: number;
  newlyIssued: number;
  notified: number;
}

export interface IssueOptions {
  chunkSize?: number;
  /** Called after each chunk statement (tests interrupt a batch here). */
  afterChunk?: (phase: 'target' | 'issue', chunk: number) => void | Promise<void>;
}

export interface GroupEffect {
  members: number;
  /** Members with at least one sale in the campaign window. */
  purchasers: number;
  purchaseRate: number;
  /** Sales minus refunds of the group's members in the window. */
  revenueFen: number;
  /** revenueFen / members, rounded half up to the fen. */
  revenuePerMemberFen: number;
}

export interface CampaignEffect {
  campaignId: string;
  window: { from: string; until: string };
  issued: number;
  redeemed: number;
  redemptionRate: number;
  /** Discount the redeemed coupons gave (the campaign's cost). */
  couponDiscountFen: number;
  /** Orders that redeemed a coupon of the campaign: count and what was paid for them. */
  ordersWithCoupon: number;
  revenueWithCouponFen: number;
  target: GroupEffect;
  holdout: GroupEffect | null;
  /** target − holdout, when the campaign has a holdout group. */
  lift: { revenuePerMemberFen: number; purchaseRate: number } | null;
}

const ratio = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);
/** n / d rounded half up, in integers (n ≥ 0, d > 0). */
const divRoundHalfUp = (n: number, d: number): number => (d === 0 ? 0 : Math.sign(n) * Math.floor((2 * Math.abs(n) + d) / (2 * d)));

function toCampaign(r: CouponCampaignTable): Campaign {
  return {
    id: r.id,
    name: r.name,
    couponDefId: r.definition_id,
    ruleSetVersion: Number(r.rule_set_version),
    target: JSON.parse(r.target) as ResolvedTarget,
    regionId: r.region_id,
    storeId: r.store_id,
    holdoutPerMille: Number(r.holdout_per_mille),
    validFrom: new Date(Number(r.valid_from)).toISOString(),
    validUntil: new Date(Number(r.valid_until)).toISOString(),
    notify: Number(r.notify) === 1,
    status: r.status,
    targetCount: Number(r.target_count),
    holdoutCount: Number(r.holdout_count),
    issuedCount: Number(r.issued_count),
    targetedAt: r.targeted_at === null ? null : Number(r.targeted_at),
    issuedAt: r.issued_at === null ? null : Number(r.issued_at),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
  };
}

/** Where a campaign created by `actor` reaches: its store (store manager, recorded with the store's region), its region, or everywhere. */
async function creationScope(db: Kysely<MarketingDatabase>, actor: Actor): Promise<CampaignScope> {
  if (actor.role === 'region_manager') return { regionId: actor.regionId ?? '', storeId: null };
  if (actor.role === 'store_manager' || actor.role === 'cashier') {
    const store = await db.selectFrom('stores').select('region_id').where('merchant_id', '=', actor.merchantId).where('id', '=', actor.storeId ?? '').executeTakeFirst();
    return { regionId: store?.region_id ?? '', storeId: actor.storeId ?? '' };
  }
  return { regionId: null, storeId: null };
}

export class CampaignService {
  private readonly db: Kysely<MarketingDatabase>;

  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    private readonly notifications?: NotificationService,
    private readonly log: Logger = pino({ level: 'silent' }),
  ) {
    this.db = marketingDb(gdb);
  }

  async create(actor: Actor, raw: CreateCampaignInput): Promise<Campaign> {
    require(actor, 'marketing.write');
    const input = CreateCampaignInput.parse(raw);
    if (input.campaignId !== undefined) {
      const existing = await this.db.selectFrom('coupon_campaigns').selectAll().where('merchant_id', '=', actor.merchantId).where('id', '=', input.campaignId).executeTakeFirst();
      if (existing) {
        if (existing.name !== input.name || existing.definition_id !== input.couponDefId) {
          throw new GatewayError('IDEMPOTENCY_CONFLICT', '该活动编号已用于另一活动 / this campaign id belongs to another campaign', 'campaignId');
        }
        return this.get(actor, input.campaignId);
      }
    }
    const { version, definition } = await activeCouponDefinition(this.gdb.db, actor.merchantId, input.couponDefId);
    const window = couponWindow(
      definition,
      input.validFrom === undefined ? undefined : Date.parse(input.validFrom),
      input.validUntil === undefined ? undefined : Date.parse(input.validUntil),
    );
    let target: ResolvedTarget;
    if (input.target.kind === 'segment') {
      const period = input.target.period ?? (await this.latestRfmPeriod(actor.merchantId));
      if (period === null) throw new GatewayError('VALIDATION', '尚未计算 RFM 分群 / no RFM period has been computed yet', 'target.period');
      target = { kind: 'segment', segment: input.target.segment, period };
    } else if (input.target.kind === 'list') {
      // Checked in the order given, so the error names the caller's entry.
      await assertMembersVisible(this.gdb.db, actor, input.target.memberIds, 'target.memberIds');
      target = { kind: 'list', memberIds: [...new Set(input.target.memberIds)].sort() };
    } else {
      target = input.target;
    }
    const scope = await creationScope(this.db, actor);
    const now = this.clock.nowMs();
    const row: CouponCampaignTable = {
      merchant_id: actor.merchantId,
      id: input.campaignId ?? newId(now),
      name: input.name,
      definition_id: definition.couponDefId,
      definition: JSON.stringify(definition),
      rule_set_version: version,
      target_kind: target.kind,
      target: JSON.stringify(target),
      region_id: scope.regionId,
      store_id: scope.storeId,
      holdout_per_mille: input.holdoutPerMille,
      valid_from: window.from,
      valid_until: window.until,
      notify: input.notify ? 1 : 0,
      status: 'created',
      targeted_at: null,
      issue_cursor: null,
      issued_at: null,
      target_count: 0,
      holdout_count: 0,
      issued_count: 0,
      created_by: actor.staffId,
      created_at: now,
      updated_at: now,
    };
    try {
      await inTransaction(this.gdb, async (trx) => {
        await (trx as unknown as Kysely<MarketingDatabase>).insertInto('coupon_campaigns').values(row).execute();
        await writeAudit(trx, actor, now, { action: 'campaign.create', entityType: 'campaign', entityId: row.id, after: { name: row.name, couponDefId: row.definition_id, target: target.kind, holdoutPerMille: row.holdout_per_mille } });
      });
    } catch (error) {
      // The same client id created at the same moment by a retry: the first one stands.
      if (input.campaignId !== undefined && isUniqueViolation(error)) return this.create(actor, raw);
      throw error;
    }
    return toCampaign(row);
  }

  async get(actor: Actor, campaignId: string): Promise<Campaign> {
    return toCampaign(await this.visibleRow(actor, campaignId));
  }

  async list(actor: Actor, page: PageQuery): Promise<Page<Campaign>> {
    require(actor, 'marketing.read');
    let q = this.scopedCampaigns(actor);
    if (page.cursor) q = q.where('id', '<', page.cursor);
    const rows = await q.orderBy('id', 'desc').limit(page.limit + 1).execute();
    return toPage(rows, page.limit, toCampaign);
  }

  /** Campaigns the actor sees: all for HQ, its region's (region and store level) for a region manager, its store's for a store manager. */
  private scopedCampaigns(actor: Actor) {
    let q = this.db.selectFrom('coupon_campaigns').selectAll().where('merchant_id', '=', actor.merchantId);
    if (actor.role === 'region_manager') q = q.where('region_id', '=', actor.regionId ?? '');
    else if (actor.role === 'store_manager' || actor.role === 'cashier') q = q.where('store_id', '=', actor.storeId ?? '');
    return q;
  }

  private async visibleRow(actor: Actor, campaignId: string): Promise<CouponCampaignTable> {
    require(actor, 'marketing.read');
    const row = await this.scopedCampaigns(actor).where('id', '=', campaignId).executeTakeFirst();
    if (!row) throw notFound('campaign');
    return row;
  }

  private async latestRfmPeriod(merchantId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('member_rfm')
      .select((eb) => eb.fn.max('period').as('period'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return (row?.period as string | null | undefined) ?? null;
  }

  /** Evaluates the target (once) and issues the coupons; idempotent and resumable (see the top of this file). */
  async issue(actor: Actor, campaignId: string, options: IssueOptions = {}): Promise<IssueResult> {
    require(actor, 'marketing.write');
    const chunk = Math.min(Math.max(1, options.chunkSize ?? DEFAULT_ISSUE_CHUNK), MAX_ISSUE_CHUNK);
    const c = await this.visibleRow(actor, campaignId);
    const merchantId = actor.merchantId;
    const scope: CampaignScope = { regionId: c.region_id, storeId: c.store_id };
    const target = JSON.parse(c.target) as ResolvedTarget;
    let newlyTargeted = 0;
    let newlyIssued = 0;

    if (c.targeted_at === null) {
      await this.setStatus(merchantId, campaignId, 'targeting');
      let after = (await this.lastMember('campaign_members', merchantId, campaignId)) ?? '';
      const bucket = holdoutBucketSql(this.gdb.dialect, campaignId, 'm.id');
      for (let n = 1; ; n += 1) {
        const now = this.clock.nowMs();
        const rows = targetSource(this.db, merchantId, target, scope).where('m.id', '>', after).orderBy('m.id').limit(chunk);
        const result = await this.db
          .insertInto('campaign_members')
          .columns(['merchant_id', 'campaign_id', 'member_id', 'holdout', 'created_at'])
          .expression(
            rows.clearSelect().select([
              sql<string>`cast(${merchantId} as varchar(26))`.as('merchant_id'),
              sql<string>`cast(${campaignId} as varchar(26))`.as('campaign_id'),
              'm.id as member_id',
              // The bucket costs a few microseconds a row: skipped when nobody is held out.
              (Number(c.holdout_per_mille) > 0 ? sql<number>`case when ${bucket} < ${sql.lit(Number(c.holdout_per_mille))} then 1 else 0 end` : sql<number>`0`).as('holdout'),
              sql<number>`${sql.lit(now)}`.as('created_at'),
            ]),
          )
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        newlyTargeted += Number(result.numInsertedOrUpdatedRows ?? 0);
        await options.afterChunk?.('target', n);
        // The chunk's last member, read back through the primary key (no second scan of the target).
        const reached = await this.lastMember('campaign_members', merchantId, campaignId);
        if (reached === null || reached <= after) break;
        after = reached;
      }
      const counts = await this.memberCounts(merchantId, campaignId);
      const now = this.clock.nowMs();
      await this.db
        .updateTable('coupon_campaigns')
        .set({ targeted_at: now, target_count: counts.members, holdout_count: counts.holdout, status: 'issuing', updated_at: now })
        .where('merchant_id', '=', merchantId)
        .where('id', '=', campaignId)
        .where('targeted_at', 'is', null)
        .execute();
    }

    // Coupons of the campaign may also come from single issues (CouponIssuer with campaignId), so the
    // batch keeps its own cursor: the last member of the last chunk it finished.
    let after = (await this.db.selectFrom('coupon_campaigns').select('issue_cursor').where('merchant_id', '=', merchantId).where('id', '=', campaignId).executeTakeFirst())?.issue_cursor ?? '';
    for (let n = 1; ; n += 1) {
      const now = this.clock.nowMs();
      const source = () =>
        this.db
          .selectFrom('campaign_members as cm')
          .where('cm.merchant_id', '=', merchantId)
          .where('cm.campaign_id', '=', campaignId)
          .where('cm.holdout', '=', 0)
          .where('cm.member_id', '>', after);
      // The chunk's last member, from the target table's primary key.
      const upper = await source().select('cm.member_id').orderBy('cm.member_id').limit(1).offset(chunk - 1).executeTakeFirst();
      let rows = source();
      if (upper) rows = rows.where('cm.member_id', '<=', upper.member_id);
      const result = await this.db
        .insertInto('member_coupons')
        .columns(['merchant_id', 'id', 'code', 'campaign_id', 'definition_id', 'member_id', 'status', 'issued_at', 'valid_from', 'valid_until', 'idempotency_key', 'updated_at'])
        .expression(
          rows.select([
            'cm.merchant_id',
            sql<string>`cm.campaign_id || cm.member_id`.as('id'),
            // campaignCouponCode(): `<defId>:` + the campaign id's last 10 characters + the member id.
            sql<string>`${campaignCodePrefix(c.definition_id)} || substr(cm.campaign_id, 17, 10) || cm.member_id`.as('code'),
            'cm.campaign_id',
            sql<string>`cast(${c.definition_id} as varchar(64))`.as('definition_id'),
            'cm.member_id',
            sql<string>`'issued'`.as('status'),
            sql<number>`${sql.lit(now)}`.as('issued_at'),
            sql<number>`${sql.lit(Number(c.valid_from))}`.as('valid_from'),
            sql<number>`${sql.lit(Number(c.valid_until))}`.as('valid_until'),
            sql<string>`'campaign:' || cm.campaign_id || ':' || cm.member_id`.as('idempotency_key'),
            sql<number>`${sql.lit(now)}`.as('updated_at'),
          ]),
        )
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      newlyIssued += Number(result.numInsertedOrUpdatedRows ?? 0);
      if (upper) {
        after = upper.member_id;
        await this.db.updateTable('coupon_campaigns').set({ issue_cursor: after }).where('merchant_id', '=', merchantId).where('id', '=', campaignId).execute();
      }
      await options.afterChunk?.('issue', n);
      if (!upper) break;
    }

    const issued = await this.db
      .selectFrom('member_coupons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', merchantId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    const now = this.clock.nowMs();
    await this.db
      .updateTable('coupon_campaigns')
      .set({ status: 'issued', issued_at: c.issued_at ?? now, issued_count: Number(issued?.n ?? 0), updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', campaignId)
      .execute();
    const notified = Number(c.notify) === 1 ? await this.notify(merchantId, c) : 0;
    const done = await this.visibleRow(actor, campaignId);
    await writeAudit(this.gdb.db, actor, now, { action: 'campaign.issue', entityType: 'campaign', entityId: campaignId, after: { newlyTargeted, newlyIssued, issued: Number(done.issued_count) } });
    return {
      campaignId,
      status: done.status,
      targetCount: Number(done.target_count),
      holdoutCount: Number(done.holdout_count),
      issuedCount: Number(done.issued_count),
      newlyTargeted,
      newlyIssued,
      notified,
    };
  }

  /** The greatest member id the campaign has targeted (campaign_members' primary key). */
  private async lastMember(table: 'campaign_members', merchantId: string, campaignId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.max('member_id').as('last'))
      .where('merchant_id', '=', merchantId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    return (row?.last as string | null | undefined) ?? null;
  }

  private async setStatus(merchantId: string, campaignId: string, status: CouponCampaignTable['status']): Promise<void> {
    await this.db.updateTable('coupon_campaigns').set({ status, updated_at: this.clock.nowMs() }).where('merchant_id', '=', merchantId).where('id', '=', campaignId).execute();
  }

  private async memberCounts(merchantId: string, campaignId: string): Promise<{ members: number; holdout: number }> {
    const row = await this.db
      .selectFrom('campaign_members')
      .select((eb) => [eb.fn.countAll<number>().as('members'), eb.fn.sum<number>('holdout').as('holdout')])
      .where('merchant_id', '=', merchantId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    return { members: Number(row?.members ?? 0), holdout: Number(row?.holdout ?? 0) };
  }

  /** `coupon_issued` to members whose coupon has not been announced yet; opt-outs are the notification service's. */
  private async notify(merchantId: string, c: CouponCampaignTable): Promise<number> {
    if (!this.notifications) return 0;
    const merchant = await this.db.selectFrom('merchants').select('name').where('merchant_id', '=', merchantId).where('id', '=', merchantId).executeTakeFirst();
    const definition = JSON.parse(c.definition) as { name: { zh: string } };
    const pending = await this.db
      .selectFrom('member_coupons as mc')
      .innerJoin('members as m', (j) => j.onRef('m.merchant_id', '=', 'mc.merchant_id').onRef('m.id', '=', 'mc.member_id'))
      .select(['mc.id', 'mc.member_id', 'm.name', 'm.phone'])
      .where('mc.merchant_id', '=', merchantId)
      .where('mc.campaign_id', '=', c.id)
      .where('mc.notified_at', 'is', null)
      .orderBy('mc.id')
      .limit(MAX_NOTIFICATIONS_PER_ISSUE)
      .execute();
    // The last day the coupon is valid, on the merchant's wall clock (valid_until is exclusive).
    const offsetMinutes = (await activeRules(this.gdb.db, merchantId))?.settings.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
    const validTo = new Date(Number(c.valid_until) - 1 + offsetMinutes * 60_000).toISOString().slice(0, 10);
    let sent = 0;
    for (const p of pending) {
      // Marked first: a crash between the two loses one message rather than sending it twice.
      await this.db.updateTable('member_coupons').set({ notified_at: this.clock.nowMs() }).where('merchant_id', '=', merchantId).where('id', '=', p.id).execute();
      if (!p.phone) continue;
      try {
        const logged = await this.notifications.send({
          merchantId,
          memberId: p.member_id,
          channel: 'sms',
          template: 'coupon_issued',
          vars: { merchantName: merchant?.name ?? '', name: p.name, couponName: definition.name.zh, validTo },
        });
        // Opted-out members are logged by the notification service as `opted_out`, not sent.
        if (logged.status === 'sent') sent += 1;
      } catch (error) {
        // One member's unusable phone must not stop the batch; the coupon itself is issued.
        this.log.warn({ campaignId: c.id, memberId: p.member_id, err: error instanceof Error ? error.message : String(error) }, 'coupon notification not sent');
      }
    }
    return sent;
  }

  /** Issued, redeemed, revenue of orders with the coupon, and target versus holdout over the campaign window. */
  async effect(actor: Actor, campaignId: string): Promise<CampaignEffect> {
    const c = await this.visibleRow(actor, campaignId);
    const merchantId = actor.merchantId;
    const coupons = await this.db
      .selectFrom('member_coupons')
      .select((eb) => [
        eb.fn.countAll<number>().as('issued'),
        eb.fn.sum<number>(eb.case().when('status', '=', 'redeemed').then(1).else(0).end()).as('redeemed'),
        eb.fn.sum<number>(eb.fn.coalesce('redeemed_discount_fen', eb.val(0))).as('discount'),
      ])
      .where('merchant_id', '=', merchantId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    const orders = await this.db
      .selectFrom('sales')
      .select((eb) => [eb.fn.countAll<number>().as('orders'), eb.fn.sum<number>('amount_fen').as('revenue')])
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', 'sale')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('member_coupons')
          .select('redeemed_sale_id')
          .where('merchant_id', '=', merchantId)
          .where('campaign_id', '=', campaignId)
          .where('status', '=', 'redeemed')
          .where('redeemed_sale_id', 'is not', null)
          .$narrowType<{ redeemed_sale_id: string }>(),
      )
      .executeTakeFirst();
    // Per member: sales and net revenue inside the window, for the campaign's members only.
    const perMember = this.db
      .selectFrom('sales')
      .select((eb) => [
        'member_id',
        eb.fn.sum<number>(eb.case().when('kind', '=', 'sale').then(1).else(0).end()).as('sales'),
        eb.fn.sum<number>(eb.case().when('kind', '=', 'sale').then(eb.ref('amount_fen')).else(eb.neg(eb.ref('amount_fen'))).end()).as('net'),
      ])
      .where('merchant_id', '=', merchantId)
      .where('occurred_at', '>=', Number(c.valid_from))
      .where('occurred_at', '<', Number(c.valid_until))
      .where('member_id', 'in', (eb) => eb.selectFrom('campaign_members').select('member_id').where('merchant_id', '=', merchantId).where('campaign_id', '=', campaignId))
      .groupBy('member_id')
      .as('agg');
    const groups = await this.db
      .selectFrom('campaign_members as cm')
      .leftJoin(perMember, 'agg.member_id', 'cm.member_id')
      .select((eb) => [
        'cm.holdout',
        eb.fn.countAll<number>().as('members'),
        eb.fn.sum<number>(eb.case().when(eb.fn.coalesce('agg.sales', eb.val(0)), '>', 0).then(1).else(0).end()).as('purchasers'),
        eb.fn.sum<number>(eb.fn.coalesce('agg.net', eb.val(0))).as('revenue'),
      ])
      .where('cm.merchant_id', '=', merchantId)
      .where('cm.campaign_id', '=', campaignId)
      .groupBy('cm.holdout')
      .execute();
    const group = (holdout: 0 | 1): GroupEffect => {
      const g = groups.find((r) => Number(r.holdout) === holdout);
      const members = Number(g?.members ?? 0);
      const purchasers = Number(g?.purchasers ?? 0);
      const revenueFen = Number(g?.revenue ?? 0);
      return { members, purchasers, purchaseRate: ratio(purchasers, members), revenueFen, revenuePerMemberFen: divRoundHalfUp(revenueFen, members) };
    };
    const target = group(0);
    const hasHoldout = Number(c.holdout_per_mille) > 0;
    const holdout = hasHoldout ? group(1) : null;
    const issued = Number(coupons?.issued ?? 0);
    const redeemed = Number(coupons?.redeemed ?? 0);
    return {
      campaignId,
      window: { from: new Date(Number(c.valid_from)).toISOString(), until: new Date(Number(c.valid_until)).toISOString() },
      issued,
      redeemed,
      redemptionRate: ratio(redeemed, issued),
      couponDiscountFen: Number(coupons?.discount ?? 0),
      ordersWithCoupon: Number(orders?.orders ?? 0),
      revenueWithCouponFen: Number(orders?.revenue ?? 0),
      target,
      holdout,
      lift: holdout
        ? { revenuePerMemberFen: target.revenuePerMemberFen - holdout.revenuePerMemberFen, purchaseRate: Math.round((target.purchaseRate - holdout.purchaseRate) * 10_000) / 10_000 }
        : null,
    };
  }
}
