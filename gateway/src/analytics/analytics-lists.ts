// What HQ reads back from the jobs: a period's RFM rows, the churn wake-up list and the reminder
// list, each with the member's name and masked phone, in pages keyed by member id.
import { maskPhone } from '@pos/protocol';
import type { GatewayDb } from '../db/database.js';
import type { Page } from '../pagination.js';
import { jobsDb } from '../jobs/jobs-tables.js';

interface PageQuery {
  cursor?: string | undefined;
  limit: number;
}

function page<T extends { memberId: string }>(items: T[], limit: number, cursorOf: (item: T) => string = (i) => i.memberId): Page<T> {
  const more = items.length > limit;
  const rows = more ? items.slice(0, limit) : items;
  return { items: rows, nextCursor: more ? cursorOf(rows[rows.length - 1]!) : null };
}

export async function listRfm(gdb: GatewayDb, merchantId: string, q: PageQuery & { period: string; segment?: string | undefined; memberId?: string | undefined }) {
  let query = jobsDb(gdb)
    .selectFrom('member_rfm as r')
    .innerJoin('members as m', (j) => j.onRef('m.merchant_id', '=', 'r.merchant_id').onRef('m.id', '=', 'r.member_id'))
    .select(['r.member_id', 'm.name', 'm.phone', 'r.recency_days', 'r.frequency', 'r.monetary_fen', 'r.r_score', 'r.f_score', 'r.m_score', 'r.segment', 'r.frequency_this_period', 'r.frequency_previous_period'])
    .where('r.merchant_id', '=', merchantId)
    .where('r.period', '=', q.period);
  if (q.segment !== undefined) query = query.where('r.segment', '=', q.segment);
  if (q.memberId !== undefined) query = query.where('r.member_id', '=', q.memberId);
  if (q.cursor !== undefined) query = query.where('r.member_id', '>', q.cursor);
  const rows = await query.orderBy('r.member_id').limit(q.limit + 1).execute();
  return page(
    rows.map((r) => ({
      memberId: r.member_id,
      name: r.name,
      phoneMasked: r.phone ? maskPhone(r.phone) : null,
      recencyDays: Number(r.recency_days),
      frequency: Number(r.frequency),
      monetaryFen: Number(r.monetary_fen),
      rScore: Number(r.r_score),
      fScore: Number(r.f_score),
      mScore: Number(r.m_score),
      segment: r.segment,
      frequencyThisPeriod: Number(r.frequency_this_period),
      frequencyPreviousPeriod: Number(r.frequency_previous_period),
    })),
    q.limit,
  );
}

export async function listChurn(gdb: GatewayDb, merchantId: string, q: PageQuery & { period: string }) {
  let query = jobsDb(gdb)
    .selectFrom('churn_signals as c')
    .innerJoin('members as m', (j) => j.onRef('m.merchant_id', '=', 'c.merchant_id').onRef('m.id', '=', 'c.member_id'))
    .select(['c.member_id', 'm.name', 'm.phone', 'c.previous_frequency', 'c.frequency', 'c.last_purchase_date'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.period', '=', q.period);
  if (q.cursor !== undefined) query = query.where('c.member_id', '>', q.cursor);
  const rows = await query.orderBy('c.member_id').limit(q.limit + 1).execute();
  return page(
    rows.map((r) => ({
      memberId: r.member_id,
      name: r.name,
      phoneMasked: r.phone ? maskPhone(r.phone) : null,
      previousFrequency: Number(r.previous_frequency),
      frequency: Number(r.frequency),
      lastPurchaseDate: r.last_purchase_date,
    })),
    q.limit,
  );
}

/**
 * A day's reminders (`date`), or one member's (`memberId`, newest day first, optionally only days on
 * or after `since`, which bounds the scan to a range of the primary key's (merchant, date) prefix).
 */
export async function listReminders(gdb: GatewayDb, merchantId: string, q: PageQuery & { date?: string | undefined; memberId?: string | undefined; since?: string | undefined; kind?: 'birthday' | 'anniversary' | undefined }) {
  let query = jobsDb(gdb)
    .selectFrom('member_reminders as r')
    .innerJoin('members as m', (j) => j.onRef('m.merchant_id', '=', 'r.merchant_id').onRef('m.id', '=', 'r.member_id'))
    .select(['r.date', 'r.member_id', 'm.name', 'm.phone', 'r.kind', 'r.event_date', 'r.coupon_id'])
    .where('r.merchant_id', '=', merchantId);
  if (q.date !== undefined) query = query.where('r.date', '=', q.date);
  if (q.since !== undefined) query = query.where('r.date', '>=', q.since);
  if (q.kind !== undefined) query = query.where('r.kind', '=', q.kind);
  if (q.memberId !== undefined) {
    // One member: newest day first, the cursor is `<date>:<kind>`.
    query = query.where('r.member_id', '=', q.memberId);
    if (q.cursor !== undefined) {
      const [date = '', kind = ''] = q.cursor.split(':');
      query = query.where((eb) => eb.or([eb('r.date', '<', date), eb.and([eb('r.date', '=', date), eb('r.kind', '>', kind as 'birthday')])]));
    }
    const rows = await query.orderBy('r.date', 'desc').orderBy('r.kind').limit(q.limit + 1).execute();
    return page(
      rows.map((r) => ({ memberId: r.member_id, name: r.name, phoneMasked: r.phone ? maskPhone(r.phone) : null, kind: r.kind, date: r.date, eventDate: r.event_date, couponId: r.coupon_id })),
      q.limit,
      (i) => `${i.date}:${i.kind}`,
    );
  }
  // One member may have both kinds on a day: the cursor is `<memberId>:<kind>`.
  if (q.cursor !== undefined) {
    const [memberId = '', kind = ''] = q.cursor.split(':');
    query = query.where((eb) => eb.or([eb('r.member_id', '>', memberId), eb.and([eb('r.member_id', '=', memberId), eb('r.kind', '>', kind as 'birthday')])]));
  }
  const rows = await query.orderBy('r.member_id').orderBy('r.kind').limit(q.limit + 1).execute();
  return page(
    rows.map((r) => ({ memberId: r.member_id, name: r.name, phoneMasked: r.phone ? maskPhone(r.phone) : null, kind: r.kind, date: r.date, eventDate: r.event_date, couponId: r.coupon_id })),
    q.limit,
    (i) => `${i.memberId}:${i.kind}`,
  );
}
