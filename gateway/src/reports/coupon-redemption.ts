// Coupon redemption per campaign (coupons issued one by one are grouped by their definition), from
// the marketing engineer's member_coupons. Two views on one row:
// - the cohort issued in from..to to members of stores in scope: how many are redeemed, expired
//   (status expired, or still issued past valid_until), void, or still open, and the redemption rate;
// - the redemptions made in from..to on sales at stores in scope: coupons, orders, the discount the
//   coupons gave and the revenue (paid fen) of those orders, each order counted once.
// Days are the merchant's calendar: the rule set's utcOffsetMinutes, else UTC+8 (the stores' default
// Asia/Shanghai), since issued_at and redeemed_at are instants.
import { sql } from 'kysely';
import { marketingDb } from '../marketing/marketing-tables.js';
import { activeRules } from '../rules/active-rule-set.js';
import { col, pct, type ReportDefinition, type ReportRow } from './report-definition.js';
import { dayIndex, whereStores } from './report-scope.js';

const DEFAULT_UTC_OFFSET_MINUTES = 480;
const DAY_MS = 86_400_000;

interface Group {
  key: string;
  campaignId: string | null;
  definitionId: string;
  issued: number;
  redeemed: number;
  expired: number;
  voided: number;
  redemptions: number;
  orders: number;
  discountFen: number;
  revenueFen: number;
}

export const couponRedemption: ReportDefinition = {
  name: 'coupon-redemption',
  title: { zh: '优惠券核销', en: 'Coupon redemption' },
  summary: 'Per campaign (or coupon definition): coupons issued in from..to and how many are redeemed, expired, void; redemptions in from..to with their discount and order revenue (fen)',
  range: 'required',
  columns: [
    col('campaignName', 'text', '活动', 'Campaign'),
    col('definitionId', 'text', '券定义', 'Coupon definition'),
    col('issued', 'int', '期内发放', 'Issued in range'),
    col('redeemed', 'int', '其中已核销', 'Of which redeemed'),
    col('expired', 'int', '其中已过期', 'Of which expired'),
    col('voided', 'int', '其中已作废', 'Of which void'),
    col('open', 'int', '其中未使用', 'Of which open'),
    col('redemptionRatePct', 'pct', '核销率(%)', 'Redemption rate (%)'),
    col('redemptions', 'int', '期内核销', 'Redeemed in range'),
    col('orders', 'int', '用券订单', 'Orders with a coupon'),
    col('discountFen', 'fen', '券抵扣(分)', 'Coupon discount (fen)'),
    col('revenueFen', 'fen', '用券订单实收(分)', 'Revenue of those orders (fen)'),
  ],
  chart: { kind: 'bar', category: 'campaignName', series: ['issued', 'redeemed', 'redemptions'] },
  async run(ctx) {
    const merchantId = ctx.actor.merchantId;
    const db = marketingDb(ctx.gdb);
    const offset = (await activeRules(ctx.gdb.db, merchantId))?.settings.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
    const fromMs = dayIndex(ctx.from!)! * DAY_MS - offset * 60_000;
    const untilMs = (dayIndex(ctx.to!)! + 1) * DAY_MS - offset * 60_000;
    const now = ctx.clock.nowMs();
    const groupKey = sql<string>`coalesce(c.campaign_id, ${sql.lit('def:')} || c.definition_id)`;

    let issuedQ = db
      .selectFrom('member_coupons as c')
      .innerJoin('members as mb', (j) => j.onRef('mb.merchant_id', '=', 'c.merchant_id').onRef('mb.id', '=', 'c.member_id'))
      .select([
        groupKey.as('k'),
        sql<string | null>`max(c.campaign_id)`.as('campaign_id'),
        sql<string>`max(c.definition_id)`.as('definition_id'),
        sql<string>`count(*)`.as('issued'),
        sql<string>`sum(case when c.status = 'redeemed' then 1 else 0 end)`.as('redeemed'),
        sql<string>`sum(case when c.status = 'expired' or (c.status = 'issued' and c.valid_until <= ${now}) then 1 else 0 end)`.as('expired'),
        sql<string>`sum(case when c.status = 'void' then 1 else 0 end)`.as('voided'),
      ])
      .where('c.merchant_id', '=', merchantId)
      .where('c.issued_at', '>=', fromMs)
      .where('c.issued_at', '<', untilMs);
    issuedQ = whereStores(issuedQ, 'mb.store_id', ctx.stores);

    const redeemedIn = () => {
      const q = db
        .selectFrom('member_coupons as c')
        .innerJoin('sales as s', (j) => j.onRef('s.merchant_id', '=', 'c.merchant_id').onRef('s.id', '=', 'c.redeemed_sale_id'))
        .where('c.merchant_id', '=', merchantId)
        .where('c.status', '=', 'redeemed')
        .where('c.redeemed_at', '>=', fromMs)
        .where('c.redeemed_at', '<', untilMs);
      return whereStores(q, 's.store_id', ctx.stores);
    };
    const redemptionsQ = redeemedIn().select([
      groupKey.as('k'),
      sql<string | null>`max(c.campaign_id)`.as('campaign_id'),
      sql<string>`max(c.definition_id)`.as('definition_id'),
      sql<string>`count(*)`.as('redemptions'),
      sql<string>`sum(coalesce(c.redeemed_discount_fen, 0))`.as('discount'),
    ]);
    // One order may redeem two coupons of one campaign: count and sum each order once per group.
    const orders = redeemedIn().select([groupKey.as('k'), 's.id as sale_id', 's.amount_fen']).distinct().as('o');
    const ordersQ = db.selectFrom(orders).select(['o.k', sql<string>`count(*)`.as('orders'), sql<string>`sum(o.amount_fen)`.as('revenue')]).groupBy('o.k');

    const groups = new Map<string, Group>();
    const group = (k: string, campaignId: string | null, definitionId: string) =>
      groups.get(k) ??
      groups.set(k, { key: k, campaignId, definitionId, issued: 0, redeemed: 0, expired: 0, voided: 0, redemptions: 0, orders: 0, discountFen: 0, revenueFen: 0 }).get(k)!;
    for (const r of await issuedQ.groupBy(groupKey).execute()) {
      Object.assign(group(r.k, r.campaign_id, r.definition_id), { issued: Number(r.issued), redeemed: Number(r.redeemed), expired: Number(r.expired), voided: Number(r.voided) });
    }
    for (const r of await redemptionsQ.groupBy(groupKey).execute()) {
      Object.assign(group(r.k, r.campaign_id, r.definition_id), { redemptions: Number(r.redemptions), discountFen: Number(r.discount) });
    }
    for (const r of await ordersQ.execute()) {
      const g = groups.get(r.k);
      if (g) Object.assign(g, { orders: Number(r.orders), revenueFen: Number(r.revenue) });
    }
    const campaignIds = [...groups.values()].flatMap((g) => (g.campaignId ? [g.campaignId] : []));
    const names = new Map<string, string>();
    if (campaignIds.length) {
      for (const c of await db.selectFrom('coupon_campaigns').select(['id', 'name']).where('merchant_id', '=', merchantId).where('id', 'in', campaignIds).execute()) names.set(c.id, c.name);
    }
    const label = (g: Group) => (g.campaignId ? (names.get(g.campaignId) ?? g.campaignId) : `单张发券 / Single coupons (${g.definitionId})`);
    const ordered = [...groups.values()].sort((p, q) => q.issued - p.issued || q.redemptions - p.redemptions || (label(p) < label(q) ? -1 : label(p) > label(q) ? 1 : 0));
    const rowOf = (g: Omit<Group, 'key' | 'campaignId' | 'definitionId'>, head: ReportRow): ReportRow => ({
      ...head,
      issued: g.issued,
      redeemed: g.redeemed,
      expired: g.expired,
      voided: g.voided,
      open: g.issued - g.redeemed - g.expired - g.voided,
      redemptionRatePct: pct(g.redeemed, g.issued),
      redemptions: g.redemptions,
      orders: g.orders,
      discountFen: g.discountFen,
      revenueFen: g.revenueFen,
    });
    const rows = ordered.map((g) => rowOf(g, { campaignId: g.campaignId, campaignName: label(g), definitionId: g.definitionId }));
    const sum = (k: keyof Omit<Group, 'key' | 'campaignId' | 'definitionId'>) => ordered.reduce((s, g) => s + g[k], 0);
    const totals = rowOf(
      { issued: sum('issued'), redeemed: sum('redeemed'), expired: sum('expired'), voided: sum('voided'), redemptions: sum('redemptions'), orders: sum('orders'), discountFen: sum('discountFen'), revenueFen: sum('revenueFen') },
      { campaignId: null, campaignName: '合计 / Total', definitionId: null },
    );
    return { rows, totals, meta: { utcOffsetMinutes: offset } };
  },
};
